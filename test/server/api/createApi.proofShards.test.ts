import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import { createApi } from "../../../server/api/createApi.js";
import { startHttpServer } from "../../../server/api/startHttpServer.js";
import { deployApiFixture, request, TEST_API_OPTIONS } from "../../helpers/apiFixture.js";

const { ethers, provider } = await network.create();

describe("API: the served page's static proof sources", function () {
  let fx: Awaited<ReturnType<typeof deployApiFixture>>;
  let dir: string;
  let url: string;
  let close: () => Promise<void>;

  before(async function () {
    fx = await deployApiFixture(ethers, provider);
    await fx.sync();
    dir = mkdtempSync(join(tmpdir(), "cardproof-proof-shards-api-"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>CardProof</title>");
    const api = createApi({
      store: fx.indexer.store,
      manifests: fx.manifests,
      logger: fx.indexer.logger,
      metrics: fx.indexer.metrics,
      options: {
        ...TEST_API_OPTIONS,
        verifierDir: dir,
        verifierPage: {
          chainId: 31_337,
          registry: fx.f.registryAddress.toLowerCase() as `0x${string}`,
          escrow: undefined,
          rpcUrls: ["http://127.0.0.1:8545"],
          explorerUrl: undefined,
          proofShardsUrls: ["https://shards.example.org/cardproof/", "http://127.0.0.1:8790/"],
        },
      },
      probeHead: async () => 0,
    });
    const http = await startHttpServer({ app: api.handle, host: "127.0.0.1", port: 0 });
    url = http.url;
    close = async () => {
      await http.close(100);
      await api.close();
    };
  });

  after(async function () {
    await close();
    await fx.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists the indexer first, then the static shard URLs, as the page's proof sources", async function () {
    const config = await request(url, "/config.json");
    expect(config.status).to.equal(200);
    expect(config.body.registries[0].proofSources).to.deep.equal([
      "indexer",
      "https://shards.example.org/cardproof/",
      "http://127.0.0.1:8790/",
    ]);
  });

  it("lets the page connect to the shard hosts' origins, and to nothing else new", async function () {
    // The policy travels with the page's document (index.html), which governs every request it makes.
    for (const path of ["/"]) {
      const csp = (await fetch(`${url}${path}`)).headers.get("content-security-policy")!;
      expect(csp, path).to.contain(
        "connect-src 'self' http://127.0.0.1:8545 https://shards.example.org http://127.0.0.1:8790;",
      );
    }
  });
});
