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
          expect(JSON.stringify(stored.args)).to.equal(JSON.stringify(toJsonSafe(reference.args)));
        }
      }
      if (label === "registry") expect(fast).to.be.at.least(2);
    });
  }

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
