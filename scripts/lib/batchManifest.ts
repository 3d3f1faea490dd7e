import type { Address, Hex } from "viem";
import { bytesToHex, isAddress } from "viem";

import { CODE_ALPHABET, CODE_LENGTH } from "./codeAlphabet.js";
import { InvalidBatchManifestError } from "./InvalidBatchManifestError.js";
import { keccak256Bytes } from "./keccak256Bytes.js";

/** The manifest format version this library writes and reads. */
export const BATCH_MANIFEST_VERSION = 2;

/**
 * A batch manifest: the public list serial → card key of one batch, bound to its chain, registry
 * and batch id. It holds no secret: card keys (addresses of code-derived keys, see
 * `deriveCardKey`) only. Serial `i` is card key `i`.
 */
export type BatchManifest = {
  /** Chain the registry lives on. */
  chainId: bigint;
  /** The VoucherRegistry contract (any case; encoded lower-case). */
  registry: Address;
  /** The batch (`uint64`). */
  batchId: bigint;
  /** Card keys in serial order: one flat array of `20 * count` bytes (serial `i` at `20 * i`), or hex addresses. */
  cardKeys: Uint8Array | readonly Hex[];
};

/** A manifest as {@link decodeBatchManifest} returns it: card keys flat, registry lower-case. */
export type DecodedBatchManifest = {
  chainId: bigint;
  registry: Address;
  batchId: bigint;
  count: number;
  /** `20 * count` bytes, serial `i` at offset `20 * i`. */
  cardKeys: Uint8Array;
};

const MAX_UINT256 = (1n << 256n) - 1n;
const MAX_UINT64 = (1n << 64n) - 1n;
const MAX_UINT32 = 2 ** 32 - 1;
const FIELDS = ["version", "chainId", "registry", "batchId", "count", "cardKeys"] as const;
/** Bytes of one card key. */
const KEY_LENGTH = 20;
/** `"0x` + 40 hex digits + `"`: one card key in the document, without its separating comma. */
const ENTRY_LENGTH = 2 * KEY_LENGTH + 4;

const ascii = (text: string) => new TextEncoder().encode(text);
const HEX_DIGITS = ascii("0123456789abcdef");
/** Value of each lower-case hex digit's ASCII code, -1 otherwise (canonical hex is lower-case). */
const HEX_VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX_VALUES[HEX_DIGITS[i]!] = i;

/**
 * The canonical bytes of a batch manifest: the JSON document
 *
 * ```
 * {"version":2,"chainId":"<decimal>","registry":"0x<40 lower-case hex>","batchId":"<decimal>","count":<n>,"cardKeys":["0x<40 lower-case hex>",…]}
 * ```
 *
 * in UTF-8 (all ASCII), keys in that order, no whitespace, no trailing newline; `chainId` and
 * `batchId` are decimal strings without leading zeros (they exceed JavaScript's safe integers),
 * `count` a JSON number equal to the number of card keys. Its Keccak-256
 * ({@link hashBatchManifest}) is the `manifestHash` an issuer commits in `issueBatch`, so anyone
 * can check a published manifest with any JSON tool and a Keccak-256.
 *
 * @dev The encoding is a function of the manifest's values: two encoders following this
 *      description produce the same bytes, so the hash is reproducible. 45 bytes per card
 *      (1,000,000 cards: 45 MB). Runs in the browser (no Node APIs).
 * @throws {RangeError} when a field is out of its Solidity type's range, there are no card keys,
 *         or a card key is not 20 bytes.
 */
export function encodeBatchManifest(manifest: BatchManifest): Uint8Array {
  const cardKeys = flattenCardKeys(manifest.cardKeys);
  const count = cardKeys.length / KEY_LENGTH;
  const header = ascii(manifestHeader({ ...manifest, count }));
  const out = new Uint8Array(header.length + count * (ENTRY_LENGTH + 1) - 1 + 2);
  out.set(header);
  let at = header.length;
  for (let serial = 0; serial < count; serial++) {
    if (serial > 0) out[at++] = 0x2c; // ,
    out[at++] = 0x22; // "
    out[at++] = 0x30; // 0
    out[at++] = 0x78; // x
    for (let i = KEY_LENGTH * serial, end = i + KEY_LENGTH; i < end; i++) {
      const byte = cardKeys[i]!;
      out[at++] = HEX_DIGITS[byte >> 4]!;
      out[at++] = HEX_DIGITS[byte & 15]!;
    }
    out[at++] = 0x22; // "
  }
  out[at++] = 0x5d; // ]
  out[at++] = 0x7d; // }
  return out;
}

/**
 * The manifest hash an issuer commits on chain: Keccak-256 of the canonical bytes
 * ({@link encodeBatchManifest}) — or of whatever bytes are given, so that hashing an uploaded
 * document checks exactly what was received.
 */
export function hashBatchManifest(bytes: Uint8Array): Hex {
  return bytesToHex(keccak256Bytes(bytes));
}

/**
 * Size in bytes of the canonical encoding of a manifest with these fields and `count` card keys,
 * without building it (a server can refuse a wrong-sized upload before reading it).
 */
export function batchManifestLength(fields: Omit<BatchManifest, "cardKeys"> & { count: number }): number {
  return ascii(manifestHeader(fields)).length + fields.count * (ENTRY_LENGTH + 1) - 1 + 2;
}

/**
 * Reads a manifest document, accepting only its canonical encoding (see {@link encodeBatchManifest}),
 * so that the bytes read are the bytes whose hash was committed.
 *
 * A canonical document is parsed in one pass over its bytes. Anything else is diagnosed, and the
 * error says which rule it breaks, in this order of precedence: a key or value that looks like a
 * secret card code (`secret`), a key the format does not define (`unknown-field`), a field of the
 * wrong type or form (`invalid-field`), valid content in non-canonical bytes (`not-canonical`).
 *
 * @throws {InvalidBatchManifestError} naming the reason and the offending field path; never any
 *         part of the document's values (a codes file uploaded by mistake must not leak).
 */
export function decodeBatchManifest(bytes: Uint8Array): DecodedBatchManifest {
  return readCanonical(bytes) ?? diagnose(bytes);
}

/**
 * Whether `text` looks like a secret card code: 20 characters of the code alphabet (or its
 * look-alikes I, L, O, any case, at least one letter) once spaces, dashes and underscores are
 * removed, or a dashed `XXXXX-XXXXX-XXXXX-XXXXX` group inside a longer text. Used to refuse
 * documents that hold codes.
 */
export function looksLikeCardCode(text: string): boolean {
  if (text.length <= 4 * CODE_LENGTH) {
    const compact = text.replace(/[\s_\-\u2010-\u2015\u2212]/gu, "").toUpperCase();
    // All digits is a number (a 20-digit id), not a code: a random code has a letter but for 1 in 10^10.
    const letters = /[A-Z]/.test(compact);
    if (compact.length === CODE_LENGTH && letters && [...compact].every((char) => LOOSE_ALPHABET.has(char)))
      return true;
  }
  return DASHED_CODE.test(text);
}

const LOOSE_ALPHABET = new Set([...CODE_ALPHABET, "I", "L", "O"]);
const DASHED_CODE = /(?:^|[^0-9a-z])[0-9a-z]{5}(?:-[0-9a-z]{5}){3}(?:$|[^0-9a-z])/iu;

function manifestHeader({
  chainId,
  registry,
  batchId,
  count,
}: Omit<BatchManifest, "cardKeys"> & { count: number }): string {
  if (chainId < 0n || chainId > MAX_UINT256) throw new RangeError(`chainId ${chainId} is not a uint256`);
  if (!isAddress(registry, { strict: false })) throw new RangeError(`registry ${registry} is not an address`);
  if (batchId < 0n || batchId > MAX_UINT64) throw new RangeError(`batchId ${batchId} is not a uint64`);
  if (!Number.isInteger(count) || count < 1 || count > MAX_UINT32) {
    throw new RangeError(`a manifest needs 1 to ${MAX_UINT32} card keys, got ${count}`);
  }
  return (
    `{"version":${BATCH_MANIFEST_VERSION},"chainId":"${chainId}","registry":"${registry.toLowerCase()}",` +
    `"batchId":"${batchId}","count":${count},"cardKeys":[`
  );
}

function flattenCardKeys(cardKeys: Uint8Array | readonly Hex[]): Uint8Array {
  if (cardKeys instanceof Uint8Array) {
    if (cardKeys.length % KEY_LENGTH !== 0) {
      throw new RangeError(`cardKeys must hold ${KEY_LENGTH} bytes per card, got ${cardKeys.length} bytes`);
    }
    return cardKeys;
  }
  const flat = new Uint8Array(KEY_LENGTH * cardKeys.length);
  cardKeys.forEach((key, serial) => {
    if (
      key.length !== 2 + 2 * KEY_LENGTH ||
      !decodeHex(ascii(key.toLowerCase()), 0, key.length, flat, KEY_LENGTH * serial)
    ) {
      throw new RangeError(`cardKeys[${serial}] is not a 20-byte address`);
    }
  });
  return flat;
}

/** Decodes `0x` + hex digits in `bytes[start, end)` into `out` at `outOffset`; false if not lower-case hex. */
function decodeHex(bytes: Uint8Array, start: number, end: number, out: Uint8Array, outOffset: number): boolean {
  if (end - start < 2 || bytes[start] !== 0x30 || bytes[start + 1] !== 0x78 || (end - start) % 2 !== 0) return false;
  for (let i = start + 2, o = outOffset; i < end; i += 2, o++) {
    const high = HEX_VALUES[bytes[i]!] ?? -1;
    const low = HEX_VALUES[bytes[i + 1]!] ?? -1;
    if (high < 0 || low < 0) return false;
    out[o] = (high << 4) | low;
  }
  return true;
}

/** One pass over canonical bytes; undefined as soon as anything differs from the canonical form. */
function readCanonical(bytes: Uint8Array): DecodedBatchManifest | undefined {
  let at = 0;
  const expect = (literal: string) => {
    for (let i = 0; i < literal.length; i++) if (bytes[at + i] !== literal.charCodeAt(i)) return false;
    at += literal.length;
    return true;
  };
  /** A canonical decimal (no leading zero) of at most `maxDigits` digits, ending before `terminator`. */
  const decimal = (maxDigits: number, terminator: number): bigint | undefined => {
    const start = at;
    while (at < bytes.length && bytes[at]! >= 0x30 && bytes[at]! <= 0x39 && at - start <= maxDigits) at++;
    const digits = at - start;
    if (digits === 0 || digits > maxDigits || bytes[at] !== terminator) return undefined;
    if (digits > 1 && bytes[start] === 0x30) return undefined;
    return BigInt(String.fromCharCode(...bytes.subarray(start, at)));
  };

  if (!expect(`{"version":${BATCH_MANIFEST_VERSION},"chainId":"`)) return undefined;
  const chainId = decimal(78, 0x22);
  if (chainId === undefined || chainId > MAX_UINT256 || !expect(`","registry":"`)) return undefined;
  const registryBytes = new Uint8Array(20);
  if (!decodeHex(bytes, at, at + 42, registryBytes, 0)) return undefined;
  const registry = String.fromCharCode(...bytes.subarray(at, at + 42)) as Address;
  at += 42;
  if (!expect(`","batchId":"`)) return undefined;
  const batchId = decimal(20, 0x22);
  if (batchId === undefined || batchId > MAX_UINT64 || !expect(`","count":`)) return undefined;
  const countValue = decimal(10, 0x2c);
  if (countValue === undefined || countValue < 1n || countValue > BigInt(MAX_UINT32)) return undefined;
  const count = Number(countValue);
  if (!expect(`,"cardKeys":[`)) return undefined;
  if (bytes.length - at !== count * (ENTRY_LENGTH + 1) - 1 + 2) return undefined;
  const cardKeys = new Uint8Array(KEY_LENGTH * count);
  for (let serial = 0; serial < count; serial++) {
    if (serial > 0 && bytes[at++] !== 0x2c) return undefined;
    if (bytes[at] !== 0x22 || bytes[at + ENTRY_LENGTH - 1] !== 0x22) return undefined;
    if (!decodeHex(bytes, at + 1, at + ENTRY_LENGTH - 1, cardKeys, KEY_LENGTH * serial)) return undefined;
    at += ENTRY_LENGTH;
  }
  if (!expect("]}") || at !== bytes.length) return undefined;
  return { chainId, registry, batchId, count, cardKeys };
}

type Issue = { reason: "secret" | "unknown-field" | "invalid-field"; path: string; problem: string };

const PRECEDENCE: Issue["reason"][] = ["secret", "unknown-field", "invalid-field"];
const HOW_TO_FIX = "re-encode the manifest with encodeBatchManifest (scripts/lib/batchManifest.ts)";

/** Explains why `bytes` are not a canonical manifest (always throws). */
function diagnose(bytes: Uint8Array): never {
  let text: string;
  let document: unknown;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    document = JSON.parse(text);
  } catch {
    // The parser's message may quote the input: never pass it on.
    throw new InvalidBatchManifestError({
      reason: "encoding",
      shortMessage: "the manifest is not a UTF-8 JSON document",
      details: `send the canonical JSON document; ${HOW_TO_FIX}`,
    });
  }

  // Kept: the first few problems and the first secret; counted: all of them. A document of 30 million
  // bad entries must not become 30 million problem objects (the worker ran out of memory).
  const issues: Issue[] = [];
  let total = 0;
  const keep = (issue: Issue) => {
    total++;
    const firstSecret = issue.reason === "secret" && !issues.some((kept) => kept.reason === "secret");
    if (issues.length < MAX_KEPT_ISSUES || firstSecret) issues.push(issue);
  };
  const flag = (path: string, value: unknown, problem: string) => {
    keep(containsCode(value) ? secretIssue(path) : { reason: "invalid-field", path, problem });
  };
  if (document === null || typeof document !== "object" || Array.isArray(document)) {
    flag("$", document, "must be a JSON object");
  } else {
    const fields = document as Record<string, unknown>;
    for (const [key, value] of Object.entries(fields)) {
      if ((FIELDS as readonly string[]).includes(key)) continue;
      // Named only when it is a short identifier, far too short to hold a code or much of one.
      const path = /^[A-Za-z_$][\w$]{0,11}$/.test(key) ? key : `(a key of ${key.length} characters)`;
      if (looksLikeCardCode(key)) keep(secretIssue("(a key)"));
      else if (containsCode(value)) keep(secretIssue(path));
      else keep({ reason: "unknown-field", path, problem: `is not a manifest field (${FIELDS.join(", ")})` });
    }
    for (const key of FIELDS) if (!(key in fields)) keep({ reason: "invalid-field", path: key, problem: "is missing" });
    if ("version" in fields && fields.version !== BATCH_MANIFEST_VERSION) {
      flag(
        "version",
        fields.version,
        fields.version === 1
          ? `is 1, a CardProof v1 manifest (code hashes), which registry v2 cannot use: mint the batch again with this CardProof (manifests are version ${BATCH_MANIFEST_VERSION}, with card keys)`
          : `must be ${BATCH_MANIFEST_VERSION} (the version this reader understands)`,
      );
    }
    const checkDecimal = (key: "chainId" | "batchId", max: bigint, type: string) => {
      if (!(key in fields)) return;
      const value = fields[key];
      if (typeof value !== "string" || !/^(0|[1-9][0-9]*)$/.test(value) || BigInt(value) > max) {
        flag(key, value, `must be a ${type} as a decimal string without leading zeros`);
      }
    };
    checkDecimal("chainId", MAX_UINT256, "uint256");
    checkDecimal("batchId", MAX_UINT64, "uint64");
    if ("registry" in fields) {
      const value = fields.registry;
      if (typeof value !== "string" || !isAddress(value, { strict: false })) {
        flag("registry", value, "must be an address (0x followed by 40 hex digits)");
      }
    }
    if ("count" in fields) {
      const value = fields.count;
      if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_UINT32) {
        flag("count", value, `must be an integer from 1 to ${MAX_UINT32}`);
      }
    }
    if ("cardKeys" in fields) {
      const value = fields.cardKeys;
      if (!Array.isArray(value)) {
        flag("cardKeys", value, "must be an array of card keys (addresses) in serial order");
      } else {
        value.forEach((entry: unknown, serial) => {
          if (typeof entry !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(entry)) {
            flag(`cardKeys[${serial}]`, entry, "must be a card key (0x followed by 40 hex digits)");
          }
        });
        if (typeof fields.count === "number" && value.length !== fields.count) {
          keep({
            reason: "invalid-field",
            path: "cardKeys",
            problem: `holds ${value.length} card keys but count says ${fields.count}`,
          });
        }
      }
    }
  }

  // A CardProof v1 manifest (code hashes) is named as such, unless it also holds a code.
  const v1 = issues.find((issue) => issue.path === "version" && issue.problem.startsWith("is 1,"));
  const secret = issues.find((issue) => issue.reason === "secret");
  const worst =
    secret ?? v1 ?? PRECEDENCE.map((reason) => issues.find((issue) => issue.reason === reason)).find(Boolean);
  if (worst !== undefined) {
    const others = issues
      .filter((issue) => issue !== worst)
      .slice(0, 5)
      .map((issue) => issue.path);
    const more =
      total > 1
        ? ` (${total - 1} more problem${total > 2 ? "s" : ""}: ${others.join(", ")}${total - 1 > others.length ? ", …" : ""})`
        : "";
    throw new InvalidBatchManifestError({
      reason: worst.reason,
      shortMessage: `manifest field ${worst.path} ${worst.problem}${more}`,
      details:
        worst.reason === "secret"
          ? "a manifest holds card keys only, never the secret codes: derive each card's key with deriveCardKey, then " +
            HOW_TO_FIX
          : HOW_TO_FIX,
      path: worst.path,
    });
  }

  // Valid content in other bytes: say where the canonical encoding differs.
  const fields = document as { chainId: string; registry: Address; batchId: string; cardKeys: Hex[] };
  const canonical = encodeBatchManifest({
    chainId: BigInt(fields.chainId),
    registry: fields.registry,
    batchId: BigInt(fields.batchId),
    cardKeys: fields.cardKeys,
  });
  let offset = 0;
  while (offset < canonical.length && offset < bytes.length && canonical[offset] === bytes[offset]) offset++;
  throw new InvalidBatchManifestError({
    reason: "not-canonical",
    shortMessage: `the manifest's content is valid but its bytes are not the canonical encoding (first difference at byte ${offset})`,
    details: `its hash would not be the one committed on chain: ${HOW_TO_FIX} (no whitespace, keys in order, lower-case hex)`,
  });
}

/** Problems a diagnosis keeps in full (the rest are counted). */
const MAX_KEPT_ISSUES = 10;

function secretIssue(path: string): Issue {
  return { reason: "secret", path, problem: "looks like a secret card code" };
}

/** Whether a value, or any string or key nested in it, looks like a card code. */
function containsCode(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return looksLikeCardCode(value);
  if (depth > 32 || value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some((item) => containsCode(item, depth + 1));
  return Object.entries(value).some(([key, item]) => looksLikeCardCode(key) || containsCode(item, depth + 1));
}
