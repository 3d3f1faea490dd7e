import { decodeEventLog, toEventSelector, type Abi, type AbiEvent, type AbiParameter, type Hex } from "viem";

import type { RpcLog } from "../../server/sync/createLogFetcher.js";
import { settlementEscrowAbi } from "../lib/settlementEscrowAbi.js";
import { voucherRegistryAbi } from "../lib/voucherRegistryAbi.js";
import type { AuditEvent, LogPosition, OtherEvent } from "./AuditEvent.js";

/** What a word reader returns for a word that is not a canonical encoding of its type. */
const INVALID = Symbol("invalid");
type WordReader = (source: string, at: number) => unknown;

const ZEROS = "0".repeat(64);
/** What a decoder reads: `0x` and lower-case hex digits only. */
const HEX = /^0x[0-9a-f]*$/;

/** The ABI events the auditor acts on; the others (roles, pausing) are decoded into {@link OtherEvent}s. */
const REPLAYED = new Set([
  "IssuerRegistered",
  "IssuerKeyRotated",
  "BatchIssued",
  "LotTransferred",
  "LotActivated",
  "LotRevoked",
  "VoucherRedeemed",
  "RedeemerSet",
  "ApprovalForBatch",
  "ApprovalForAll",
  "OrderOpened",
  "OrderFulfilled",
  "OrderDisputed",
  "OrderCardsReturned",
  "OrderConfirmed",
  "OrderReleased",
  "OrderResolved",
  "OrderRefunded",
  "Withdrawn",
  "ProtectionFundPaid",
  "FeesCollected",
  "PolicyUpdated",
  "ArbiterReplaced",
  "TokenAllowlistUpdated",
  "FeeRecipientUpdated",
]);

/**
 * A reader for one ABI word of a static type, or undefined for a type that is not one word
 * (strings, bytes, arrays). It reads the 64 hex digits of `source` from offset `at` in place (no
 * word strings are cut out first). Values follow viem's conventions: uint ≤ 48 bits a number,
 * wider a bigint; addresses and bytes lower-case hex.
 */
function wordReader(type: string): WordReader | undefined {
  if (type === "address") {
    const zeros = ZEROS.slice(0, 24);
    return (source, at) => (source.startsWith(zeros, at) ? `0x${source.slice(at + 24, at + 64)}` : INVALID);
  }
  if (type === "bool") {
    const prefix = ZEROS.slice(0, 63);
    return (source, at) => {
      if (!source.startsWith(prefix, at)) return INVALID;
      const last = source[at + 63];
      return last === "1" ? true : last === "0" ? false : INVALID;
    };
  }
  const bytes = /^bytes(\d+)$/.exec(type);
  if (bytes !== null) {
    const length = Number(bytes[1]);
    if (length < 1 || length > 32) return undefined;
    const padding = ZEROS.slice(0, 64 - 2 * length);
    return (source, at) =>
      source.startsWith(padding, at + 2 * length) ? `0x${source.slice(at, at + 2 * length)}` : INVALID;
  }
  const uint = /^uint(\d+)$/.exec(type);
  if (uint !== null) {
    const bits = Number(uint[1]);
    const free = ZEROS.slice(0, 64 - bits / 4);
    if (bits <= 48) {
      const digits = bits / 4;
      return (source, at) =>
        source.startsWith(free, at) ? Number.parseInt(source.slice(at + 64 - digits, at + 64), 16) : INVALID;
    }
    return (source, at) => (source.startsWith(free, at) ? BigInt(`0x${source.slice(at, at + 64)}`) : INVALID);
  }
  return undefined;
}

/** A static parameter: one word, or a tuple of static words (the escrow's `Order`). */
type FieldReader = { name: string; words: number; read: WordReader };

function fieldReader(parameter: AbiParameter): FieldReader | undefined {
  const name = parameter.name;
  if (name === undefined || name === "") return undefined;
  if (parameter.type === "tuple" && "components" in parameter) {
    const parts = parameter.components.map(fieldReader);
    if (parts.some((part) => part === undefined)) return undefined;
    const readers = parts as FieldReader[];
    const words = readers.reduce((sum, part) => sum + part.words, 0);
    return {
      name,
      words,
      read(source, at) {
        const value: Record<string, unknown> = {};
        let offset = at;
        for (const part of readers) {
          const item = part.read(source, offset);
          if (item === INVALID) return INVALID;
          value[part.name] = item;
          offset += 64 * part.words;
        }
        return value;
      },
    };
  }
  const read = wordReader(parameter.type);
  return read === undefined ? undefined : { name, words: 1, read };
}

type EventDecoder = {
  name: string;
  replayed: boolean;
  /** Arguments, or undefined when the topics or data are not this event's canonical encoding. */
  decode(topics: readonly Hex[], data: string): Record<string, unknown> | undefined;
};

/** Decoders by topic0 for one contract's ABI: a word-by-word fast path when every parameter is static, viem otherwise. */
function decodersOf(abi: Abi): Map<string, EventDecoder> {
  const decoders = new Map<string, EventDecoder>();
  for (const item of abi) {
    if (item.type !== "event" || item.anonymous === true) continue;
    const event = item as AbiEvent;
    const indexed = event.inputs.filter((input) => input.indexed === true);
    const plain = event.inputs.filter((input) => input.indexed !== true);
    const indexedReaders = indexed.map(fieldReader);
    const plainReaders = plain.map(fieldReader);
    const fast =
      indexedReaders.every((reader) => reader !== undefined && reader.words === 1) &&
      plainReaders.every((reader) => reader !== undefined);
    const dataWords = fast ? (plainReaders as FieldReader[]).reduce((sum, reader) => sum + reader.words, 0) : 0;
    const decode = fast
      ? (topics: readonly Hex[], data: string) => {
          if (topics.length !== indexed.length + 1 || data.length !== 2 + 64 * dataWords) return undefined;
          const args: Record<string, unknown> = {};
          for (let i = 0; i < indexedReaders.length; i++) {
            const topic = topics[i + 1]!.toLowerCase();
            if (topic.length !== 66 || !HEX.test(topic)) return undefined;
            const value = indexedReaders[i]!.read(topic, 2);
            if (value === INVALID) return undefined;
            args[indexedReaders[i]!.name] = value;
          }
          let at = 2;
          for (const reader of plainReaders as FieldReader[]) {
            const value = reader.read(data, at);
            if (value === INVALID) return undefined;
            args[reader.name] = value;
            at += 64 * reader.words;
          }
          return args;
        }
      : (topics: readonly Hex[], data: string) => {
          try {
            const decoded = decodeEventLog({ abi: [event], topics: topics as [Hex], data: data as Hex, strict: true });
            return normalize(decoded.args) as Record<string, unknown>;
          } catch {
            return undefined;
          }
        };
    decoders.set(toEventSelector(event).toLowerCase(), {
      name: event.name,
      replayed: REPLAYED.has(event.name),
      decode,
    });
  }
  return decoders;
}

/** viem's output in the auditor's conventions: addresses and hex lower-case. */
function normalize(value: unknown): unknown {
  if (typeof value === "string") return value.startsWith("0x") ? value.toLowerCase() : value;
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = normalize(item);
    return out;
  }
  return value;
}

const REGISTRY_DECODERS = decodersOf(voucherRegistryAbi);
const ESCROW_DECODERS = decodersOf(settlementEscrowAbi);

/**
 * The auditor's own log decoder (independent of the indexer's): turns an `eth_getLogs` log of the
 * registry or the escrow into a typed {@link AuditEvent}. Events whose parameters are all static
 * (every hot one) are read word by word, and rejected unless each word is its type's canonical
 * encoding; the rest go through viem.
 *
 * @throws {Error} for a log of another address (the fetch asked for these two only).
 */
export function createLogDecoder({ registry, escrow }: { registry: Hex; escrow: Hex | null }) {
  const registryAddress = registry.toLowerCase();
  const escrowAddress = escrow?.toLowerCase() ?? null;
  // Logs of one block (and of one transaction) come together: they share one copy of its hash.
  let lastBlockHash = "";
  let blockHash = "" as Hex;
  let lastTx = "";
  let tx = "" as Hex;
  return function decodeLog(log: RpcLog): AuditEvent {
    const address = log.address.toLowerCase();
    const contract = address === registryAddress ? "registry" : address === escrowAddress ? "escrow" : undefined;
    if (contract === undefined) throw new Error(`log of an unexpected address ${address}`);
    if (log.blockHash !== lastBlockHash) {
      lastBlockHash = log.blockHash;
      blockHash = log.blockHash.toLowerCase() as Hex;
    }
    if (log.transactionHash !== lastTx) {
      lastTx = log.transactionHash;
      tx = log.transactionHash.toLowerCase() as Hex;
    }
    const position: LogPosition = {
      block: Number.parseInt(log.blockNumber, 16),
      logIndex: Number.parseInt(log.logIndex, 16),
      blockHash,
      tx,
      time: log.blockTimestamp === undefined ? null : Number.parseInt(log.blockTimestamp, 16),
    };
    const topic0 = log.topics[0]?.toLowerCase();
    const decoder =
      topic0 === undefined ? undefined : (contract === "registry" ? REGISTRY_DECODERS : ESCROW_DECODERS).get(topic0);
    const raw = () => ({ topics: log.topics.map((topic) => topic.toLowerCase()), data: log.data.toLowerCase() });
    if (decoder === undefined)
      return { ...position, contract, name: null, other: true, args: raw() } satisfies OtherEvent;
    const data = log.data.toLowerCase();
    const args = HEX.test(data) ? decoder.decode(log.topics, data) : undefined;
    if (args === undefined) {
      return {
        ...position,
        contract,
        name: decoder.name,
        other: true,
        undecodable: true,
        args: raw(),
      } satisfies OtherEvent;
    }
    if (!decoder.replayed) return { ...position, contract, name: decoder.name, other: true, args } satisfies OtherEvent;
    return { ...position, contract, name: decoder.name, args } as AuditEvent;
  };
}

export type LogDecoder = ReturnType<typeof createLogDecoder>;
