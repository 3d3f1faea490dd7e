import { expect } from "chai";
import {
  decodeEventLog,
  encodeAbiParameters,
  encodeEventTopics,
  numberToHex,
  type Abi,
  type AbiEvent,
  type AbiParameter,
  type Address,
  type Hex,
} from "viem";

import { settlementEscrowAbi } from "../../../scripts/lib/settlementEscrowAbi.js";
import { voucherRegistryAbi } from "../../../scripts/lib/voucherRegistryAbi.js";
import { toJsonSafe } from "../../../server/internal/toJsonSafe.js";
import type { RpcLog } from "../../../server/sync/createLogFetcher.js";
import { decodeLog } from "../../../server/sync/decodeLog.js";
import { createRng } from "../../helpers/indexerActivity.js";

const contracts = {
  registry: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as Address,
  escrow: "0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9" as Address,
};
const STATIC = /^(address|bool|bytes32|uint\d+)$/;

describe("decodeLog", function () {
  const rng = createRng(11);
  const randomHex = (bytes: number) =>
    `0x${Array.from({ length: bytes }, () => rng.int(256).toString(16).padStart(2, "0")).join("")}` as Hex;
  function randomValue(type: string): unknown {
    if (type === "address") return randomHex(20);
    if (type === "bool") return rng.next() < 0.5;
    if (type === "bytes32") return randomHex(32);
    const bits = Number(type.slice(4));
    const edge = rng.int(3);
    if (edge === 0) return 0n;
    if (edge === 1) return (1n << BigInt(bits)) - 1n;
    return BigInt(randomHex(bits / 8));
  }
  function logOf(address: Address, event: AbiEvent, values: Record<string, unknown>): RpcLog {
    const plain = event.inputs.filter((input) => input.indexed !== true);
    return {
      address,
      topics: encodeEventTopics({ abi: [event], eventName: event.name, args: values } as never) as Hex[],
      data: encodeAbiParameters(plain as AbiParameter[], plain.map((input) => values[input.name!]) as never),
      blockNumber: "0x10",
      blockHash: randomHex(32),
      transactionHash: randomHex(32),
      transactionIndex: "0x0",
      logIndex: numberToHex(rng.int(100)),
    };
  }

  for (const [label, abi, address] of [
    ["registry", voucherRegistryAbi as Abi, contracts.registry],
    ["escrow", settlementEscrowAbi as Abi, contracts.escrow],
  ] as const) {
    it(`decodes every ${label} event exactly as viem does, key order included`, function () {
      const events = abi.filter((item): item is AbiEvent => item.type === "event");
      let fast = 0;
      for (const event of events) {
        if (!event.inputs.every((input) => STATIC.test(input.type))) continue;
        fast++;
        for (let round = 0; round < 20; round++) {
          const values = Object.fromEntries(event.inputs.map((input) => [input.name!, randomValue(input.type)]));
          const log = logOf(address, event, values);
          const stored = decodeLog(contracts, log, 7);
          const reference = decodeEventLog({ abi, topics: log.topics as [], data: log.data, strict: true });
          expect(stored.eventName).to.equal(reference.eventName);
          // An event without parameters (EIP712DomainChanged) is stored with empty args, as the slow path does.
          expect(JSON.stringify(stored.args)).to.equal(JSON.stringify(toJsonSafe(reference.args ?? {})));
        }
      }
      if (label === "registry") expect(fast).to.be.at.least(2);
    });
  }

  it("decodes a v2 redemption with its card key (an address), on the fast path, and nothing named codeHash", function () {
    const event = voucherRegistryAbi.find(
      (item) => item.type === "event" && item.name === "VoucherRedeemed",
    ) as AbiEvent;
    const cardKey = "0x8ba1f109551bd432803012645ac136ddd64dba72";
    const redeemer = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
    const head = randomHex(32);
    const values = { batchId: (1n << 32n) | 7n, serial: 42, redeemer, cardKey, seq: 9n, head };
    const stored = decodeLog(contracts, logOf(contracts.registry, event, values), 7);
    expect(stored.eventName).to.equal("VoucherRedeemed");
    expect(stored.args).to.deep.equal({
      batchId: ((1n << 32n) | 7n).toString(),
      serial: 42,
      redeemer: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      cardKey: "0x8ba1f109551bD432803012645Ac136ddd64DBA72",
      seq: 9,
      head,
    });
    // A v1 redemption log (bytes32 codeHash) has another topic0: kept raw, never mistaken for v2.
    const v1 = {
      ...event,
      inputs: event.inputs.map((input) =>
        input.name === "cardKey" ? { ...input, name: "codeHash", type: "bytes32" } : input,
      ),
    } as AbiEvent;
    const old = decodeLog(contracts, logOf(contracts.registry, v1, { ...values, codeHash: randomHex(32) }), 7);
    expect(old.eventName).to.equal(null);
  });

  it("decodes IssuerKeyRotated (issuer id and both accounts indexed)", function () {
    const event = voucherRegistryAbi.find(
      (item) => item.type === "event" && item.name === "IssuerKeyRotated",
    ) as AbiEvent;
    const values = { issuerId: 3, previousAccount: randomHex(20), newAccount: randomHex(20) };
    const stored = decodeLog(contracts, logOf(contracts.registry, event, values), 7);
    expect(stored.eventName).to.equal("IssuerKeyRotated");
    expect(stored.args.issuerId).to.equal(3);
    expect(String(stored.args.newAccount).toLowerCase()).to.equal(values.newAccount);
  });

  it("falls back to viem (or keeps the log raw) when the data is not canonical", function () {
    const event = voucherRegistryAbi.find(
      (item) => item.type === "event" && item.name === "VoucherRedeemed",
    ) as AbiEvent;
    const values = Object.fromEntries(event.inputs.map((input) => [input.name!, randomValue(input.type)]));
    const log = logOf(contracts.registry, event, values);
    const short = decodeLog(contracts, { ...log, data: log.data.slice(0, -2) as Hex }, null);
    expect(short.eventName).to.equal(null);
    expect(short.args).to.deep.equal({ topics: log.topics, data: log.data.slice(0, -2) });
    const upper = decodeLog(contracts, { ...log, data: log.data.toUpperCase().replace("0X", "0x") as Hex }, null);
    const reference = decodeEventLog({
      abi: voucherRegistryAbi,
      topics: log.topics as [],
      data: log.data,
      strict: true,
    });
    expect(upper.eventName).to.equal("VoucherRedeemed");
    expect(JSON.stringify(upper.args).toLowerCase()).to.equal(JSON.stringify(toJsonSafe(reference.args)).toLowerCase());
  });
});
