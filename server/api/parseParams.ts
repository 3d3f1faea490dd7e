import type { Address, Hex } from "viem";

import { ApiError } from "./ApiError.js";

const MAX_UINT64 = (1n << 64n) - 1n;
const MAX_UINT32 = 2 ** 32 - 1;
/** Largest page a list route returns, and the default. */
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 100;

/**
 * Validators of path and query parameters. Each returns the value in the form the store uses
 * (batch ids as decimal strings, addresses and hashes lower-case) or throws an {@link ApiError}
 * (400) naming the parameter and the form it accepts.
 *
 * @dev Messages never repeat the rejected value: a mistyped path may hold a secret card code.
 */

/** A batch id: a uint64 in decimal (`4294967297`) or 0x-hex (`0x100000001`), returned as decimal. */
export function parseBatchId(text: unknown, name = "batchId"): string {
  if (typeof text === "string" && (/^[0-9]{1,20}$/.test(text) || /^0x[0-9a-fA-F]{1,16}$/.test(text))) {
    const value = BigInt(text);
    if (value <= MAX_UINT64) return value.toString();
  }
  throw new ApiError(
    "INVALID_BATCH_ID",
    `${name} must be a uint64 batch id: decimal digits (e.g. 4294967297) or 0x-hex (e.g. 0x100000001)`,
  );
}

/** A serial: a uint32 in decimal digits. */
export function parseSerial(text: unknown): number {
  if (typeof text === "string" && /^[0-9]{1,10}$/.test(text)) {
    const value = Number(text);
    if (value <= MAX_UINT32) return value;
  }
  throw new ApiError("INVALID_SERIAL", `serial must be a card serial: an integer from 0 to ${MAX_UINT32}`);
}

/** An escrow order id: 0x and 64 hex digits, returned lower-case. */
export function parseOrderId(text: unknown): Hex {
  if (typeof text === "string" && /^0x[0-9a-fA-F]{64}$/.test(text)) return text.toLowerCase() as Hex;
  throw new ApiError("INVALID_ORDER_ID", "orderId must be 0x followed by 64 hex digits (the escrow's order id)");
}

/** An account or contract address: 0x and 40 hex digits in any case, returned lower-case. */
export function parseAddress(text: unknown, name: string): Address {
  if (typeof text === "string" && /^0x[0-9a-fA-F]{40}$/.test(text)) return text.toLowerCase() as Address;
  throw new ApiError("INVALID_ADDRESS", `${name} must be an address: 0x followed by 40 hex digits`);
}

/**
 * The query of a request, checked against the parameters a route takes: an unknown or repeated
 * parameter is an error (a typo should not silently return everything).
 */
export function readQuery<const Name extends string>(
  query: unknown,
  allowed: readonly Name[],
): Partial<Record<Name, string>> {
  const out: Partial<Record<Name, string>> = {};
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (!(allowed as readonly string[]).includes(key)) {
      const known = allowed.length === 0 ? "this route takes no query parameters" : `known: ${allowed.join(", ")}`;
      throw new ApiError("INVALID_QUERY", `unknown query parameter (${known})`);
    }
    if (typeof value !== "string") throw new ApiError("INVALID_QUERY", `query parameter ${key} must be given once`);
    out[key as Name] = value;
  }
  return out;
}

/** The `limit` query parameter: 1 to {@link MAX_PAGE_SIZE}, default {@link DEFAULT_PAGE_SIZE}. */
export function parseLimit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PAGE_SIZE;
  if (/^[0-9]{1,4}$/.test(text)) {
    const value = Number(text);
    if (value >= 1 && value <= MAX_PAGE_SIZE) return value;
  }
  throw new ApiError("INVALID_QUERY", `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
}

/** A non-negative integer cursor (`after` of issuer lists). */
export function parseIntegerCursor(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  if (/^[0-9]{1,15}$/.test(text)) return Number(text);
  throw new ApiError("INVALID_QUERY", `${name} must be a non-negative integer (the last id of the previous page)`);
}
