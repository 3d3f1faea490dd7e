import {
  checksumAddress,
  decodeEventLog,
  hexToNumber,
  toEventSelector,
  type Abi,
  type AbiEvent,
  type Address,
  type Hex,
} from "viem";

import { settlementEscrowAbi } from "../../scripts/lib/settlementEscrowAbi.js";
import { voucherRegistryAbi } from "../../scripts/lib/voucherRegistryAbi.js";
import { toJsonSafe } from "../internal/toJsonSafe.js";
import type { StoredLog } from "../store/StoredLog.js";
import type { RpcLog } from "./createLogFetcher.js";

/** The followed contracts, by lower-case address. */
export type FollowedContracts = { registry: Address; escrow: Address | null };

type StaticDecoder = (topics: readonly Hex[], data: Hex) => Record<string, unknown> | undefined;

/** Word decoders of the static types the fast path handles; undefined for a non-canonical word. */
function wordDecoder(type: string): ((word: string) => unknown) | undefined {
  if (type === "address") {
    return (word) => (/^0{24}/.test(word) ? checksumAddress(`0x${word.slice(24)}`) : undefined);
  }
  if (type === "bool") return (word) => (/^0{63}[01]$/.test(word) ? word.endsWith("1") : undefined);
  if (type === "bytes32") return (word) => `0x${word}`;
  const uint = /^uint(\d+)$/.exec(type);
  if (uint !== null) {
    const bits = Number(uint[1]);
    const free = 64 - bits / 4;
    const zeros = new RegExp(`^0{${free}}`);
    // As viem: up to 48 bits a number, above a bigint (here already its JSON-safe decimal string).
    return (word) =>
      !zeros.test(word) ? undefined : bits <= 48 ? Number.parseInt(word, 16) : BigInt(`0x${word}`).toString();
  }
  return undefined;
}

/**
 * Decoders for the events whose parameters are all one-word static types (uints, addresses,
 * bool, bytes32), by topic0: the hot events (`VoucherRedeemed`, `LotTransferred`, ...) skip viem's
 * generic decoder. Output is what `toJsonSafe(decodeEventLog(...).args)` gives, key order included
 * (indexed parameters first); anything unusual returns undefined and goes through viem.
 */
function staticDecoders(abi: Abi): Map<string, { name: string; decode: StaticDecoder }> {
  const decoders = new Map<string, { name: string; decode: StaticDecoder }>();
  for (const item of abi) {
    if (item.type !== "event" || item.anonymous === true) continue;
    const event = item as AbiEvent;
    const indexed = event.inputs.filter((input) => input.indexed === true);
    const plain = event.inputs.filter((input) => input.indexed !== true);
    const fields = [...indexed, ...plain].map((input) => ({ name: input.name, decode: wordDecoder(input.type) }));
    if (fields.some((field) => field.decode === undefined || field.name === undefined || field.name === "")) continue;
    const names = fields.map((field) => field.name!);
    if (new Set(names).size !== names.length) continue;
    const decode: StaticDecoder = (topics, data) => {
      if (topics.length !== indexed.length + 1 || data.length !== 2 + 64 * plain.length) return undefined;
      const args: Record<string, unknown> = {};
      for (let i = 0; i < fields.length; i++) {
        const word =
          i < indexed.length
            ? topics[i + 1]!.slice(2)
            : data.slice(2 + 64 * (i - indexed.length), 2 + 64 * (i - indexed.length + 1));
        if (word.length !== 64 || !/^[0-9a-f]{64}$/.test(word)) return undefined;
        const value = fields[i]!.decode!(word);
        if (value === undefined) return undefined;
        args[names[i]!] = value;
      }
      return args;
    };
    decoders.set(toEventSelector(event).toLowerCase(), { name: event.name, decode });
  }
  return decoders;
}

const registryDecoders = staticDecoders(voucherRegistryAbi);
const escrowDecoders = staticDecoders(settlementEscrowAbi);

/**
 * Turns a log from `eth_getLogs` into a {@link StoredLog}: decoded with the registry's or the
 * escrow's ABI (from scripts/lib), arguments made JSON-safe (bigints as decimal strings). A log
 * neither ABI describes keeps its topics and data in `args`, with a null event name.
 */
export function decodeLog(contracts: FollowedContracts, log: RpcLog, blockTimestamp: number | null): StoredLog {
  const address = log.address.toLowerCase() as Address;
  const abi: Abi | undefined =
    address === contracts.registry
      ? voucherRegistryAbi
      : address === contracts.escrow
        ? settlementEscrowAbi
        : undefined;
  let eventName: string | null = null;
  let args: Record<string, unknown> = { topics: log.topics, data: log.data };
  const fast =
    abi === undefined || log.topics[0] === undefined
      ? undefined
      : (abi === voucherRegistryAbi ? registryDecoders : escrowDecoders).get(log.topics[0].toLowerCase());
  const fastArgs = fast?.decode(log.topics, log.data);
  if (fast !== undefined && fastArgs !== undefined) {
    eventName = fast.name;
    args = fastArgs;
  } else if (abi !== undefined) {
    try {
      const decoded = decodeEventLog({ abi, topics: log.topics as [], data: log.data, strict: true });
      eventName = decoded.eventName ?? null;
      args = toJsonSafe(decoded.args ?? {}) as Record<string, unknown>;
    } catch {
      // Unknown event: kept raw.
    }
  }
  return {
    blockNumber: hexToNumber(log.blockNumber),
    logIndex: hexToNumber(log.logIndex),
    blockHash: log.blockHash.toLowerCase() as StoredLog["blockHash"],
    blockTimestamp,
    txHash: log.transactionHash.toLowerCase() as StoredLog["txHash"],
    address,
    eventName,
    args,
  };
}
