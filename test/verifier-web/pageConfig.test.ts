import { expect } from "chai";
import type { Address } from "viem";

import { decodeCardPayload, encodeCardPayload } from "../../scripts/lib/cardPayload.js";
import { voucherRegistryAbi } from "../../scripts/lib/voucherRegistryAbi.js";
import { registryViewsAbi } from "../../verifier-web/src/chain/registryViews.js";
import { registryEventsAbi } from "../../verifier-web/src/history/registryEventsAbi.js";
import { findRegistry, PageConfigError, parsePageConfig } from "../../verifier-web/src/pageConfig.js";

const REGISTRY: Address = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const BASE = "https://verify.cardproof.example/cards/";

describe("verifier-web page configuration and registry views", function () {
  it("reads config.json, resolving relative URLs against the page", function () {
    const config = parsePageConfig(
      {
        registries: [
          {
            chainId: "8453",
            address: REGISTRY.toUpperCase().replace("0X", "0x"),
            rpcUrls: ["https://mainnet.base.org"],
            indexerUrl: "/",
            explorerUrl: "https://basescan.org/",
            chainName: "Base",
          },
          { chainId: 31337, address: REGISTRY, rpcUrls: ["http://127.0.0.1:8545"], indexerUrl: "../api" },
        ],
      },
      BASE,
    );
    expect(config.registries[0]).to.deep.equal({
      chainId: 8453n,
      address: REGISTRY,
      rpcUrls: ["https://mainnet.base.org/"],
      indexerUrl: "https://verify.cardproof.example/",
      proofSources: [{ kind: "indexer" }],
      explorerUrl: "https://basescan.org",
      escrow: undefined,
      chainName: "Base",
    });
    expect(config.registries[1]!.indexerUrl).to.equal("https://verify.cardproof.example/api/");
  });

  it("reads proof sources in order: the indexer and static shard URLs, relative ones against the page", function () {
    const config = parsePageConfig(
      {
        registries: [
          {
            chainId: "8453",
            address: REGISTRY,
            rpcUrls: [],
            indexerUrl: "/",
            proofSources: ["https://cdn.example/shards", "indexer", "../proofs/", "http://127.0.0.1:8790/"],
          },
        ],
      },
      BASE,
    );
    expect(config.registries[0]!.proofSources).to.deep.equal([
      { kind: "static", url: "https://cdn.example/shards/" },
      { kind: "indexer" },
      { kind: "static", url: "https://verify.cardproof.example/proofs/" },
      { kind: "static", url: "http://127.0.0.1:8790/" },
    ]);
  });

  it("defaults the proof sources to the indexer when there is one, else to none", function () {
    const config = parsePageConfig(
      {
        registries: [
          { chainId: "1", address: REGISTRY, rpcUrls: [], indexerUrl: "/" },
          { chainId: "2", address: REGISTRY, rpcUrls: [] },
          { chainId: "3", address: REGISTRY, rpcUrls: [], indexerUrl: "/", proofSources: [] },
          { chainId: "4", address: REGISTRY, rpcUrls: [], proofSources: null },
        ],
      },
      BASE,
    );
    expect(config.registries.map((registry) => registry.proofSources)).to.deep.equal([
      [{ kind: "indexer" }],
      [],
      [],
      [],
    ]);
  });

  it("refuses proof sources it cannot use, naming the entry", function () {
    const registry = { chainId: "1", address: REGISTRY, rpcUrls: [] };
    const cases: [unknown, string][] = [
      [["indexer"], 'registries[0].proofSources[0] is "indexer" but registries[0] has no indexerUrl'],
      ["https://cdn.example/", "registries[0].proofSources must be a list"],
      [["ftp://cdn.example/"], "registries[0].proofSources[0] has a non-http URL"],
      [["https://cdn.example/", 42], 'registries[0].proofSources[1] must be "indexer" or the base URL'],
      [[""], 'registries[0].proofSources[0] must be "indexer" or the base URL'],
      [["http://["], "registries[0].proofSources[0] has a URL that cannot be read"],
    ];
    for (const [proofSources, message] of cases) {
      expect(() => parsePageConfig({ registries: [{ ...registry, proofSources }] }, BASE), message).to.throw(
        PageConfigError,
        message,
      );
    }
  });

  it("refuses a malformed config, naming the field", function () {
    expect(() => parsePageConfig({}, BASE)).to.throw(PageConfigError, "no registries list");
    expect(() => parsePageConfig({ registries: [{ chainId: "0", address: REGISTRY }] }, BASE)).to.throw(
      PageConfigError,
      "registries[0].chainId",
    );
    expect(() => parsePageConfig({ registries: [{ chainId: "1", address: "0x12" }] }, BASE)).to.throw(
      PageConfigError,
      "registries[0].address",
    );
    expect(() =>
      parsePageConfig({ registries: [{ chainId: "1", address: REGISTRY, rpcUrls: ["ws://node"] }] }, BASE),
    ).to.throw(PageConfigError, "non-http URL");
  });

  it("matches a card to an allowlisted registry by chain and the printed 8-byte address prefix", function () {
    const config = parsePageConfig({ registries: [{ chainId: "31337", address: REGISTRY, rpcUrls: [] }] }, BASE);
    const card = (registry: Address, chainId = 31_337n) =>
      decodeCardPayload(
        encodeCardPayload({ chainId, registry, batchId: 1n, serial: 0, cardKey: `0x${"22".repeat(20)}` }),
      );
    expect(findRegistry(config, card(REGISTRY))?.address).to.equal(REGISTRY);
    // Same first 8 bytes, another registry: the page only ever reads the allowlisted one.
    expect(findRegistry(config, card(`0x5fbdb2315678afec${"00".repeat(12)}`))?.address).to.equal(REGISTRY);
    expect(findRegistry(config, card(`0x${"ab".repeat(20)}`))).to.equal(undefined);
    expect(findRegistry(config, card(REGISTRY, 1n))).to.equal(undefined);
  });

  it("ships the registry's view functions exactly as the contract's ABI has them", function () {
    for (const entry of registryViewsAbi) {
      const original = voucherRegistryAbi.find((item) => item.type === "function" && item.name === entry.name);
      expect(entry, entry.name).to.deep.equal(original);
    }
  });

  it("ships the registry's hash-chain events exactly as the contract's ABI has them", function () {
    for (const entry of registryEventsAbi) {
      const original = voucherRegistryAbi.find((item) => item.type === "event" && item.name === entry.name);
      expect(entry, entry.name).to.deep.equal(original);
    }
  });
});
