import { getAddress, isAddress, isHex, type Address, type Hex } from "viem";

import { usageError } from "./CliError.js";

/** The raw values `node:util` `parseArgs` returns for one command. */
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** The string value of `--name`, or undefined when absent. */
export function optionalString(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw usageError(`--${name} needs a value`);
  return value;
}

/** The string value of `--name`; a usage error naming the option when it is absent. */
export function requiredString(values: OptionValues, name: string, example: string): string {
  const value = optionalString(values, name);
  if (value === undefined || value === "") throw usageError(`missing --${name}`, `e.g. --${name} ${example}`);
  return value;
}

/** Every value of a repeatable `--name`. */
export function stringList(values: OptionValues, name: string): string[] {
  const value = values[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((item) => {
    if (typeof item !== "string") throw usageError(`--${name} needs a value`);
    return item;
  });
}

/** A decimal integer in `[min, max]`, from `--name` or a positional argument named `name`. */
export function parseInteger(name: string, text: string, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const clean = text.replaceAll("_", "");
  if (!/^\d+$/.test(clean) || !Number.isSafeInteger(Number(clean))) {
    throw usageError(`${name} must be a whole number, got "${text}"`);
  }
  const value = Number(clean);
  if (value < min || value > max) throw usageError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** A decimal integer that may exceed JavaScript's safe range (batch ids, token amounts in base units). */
export function parseBigInteger(name: string, text: string, { min = 0n, max = (1n << 256n) - 1n } = {}): bigint {
  const clean = text.replaceAll("_", "");
  if (!/^\d+$/.test(clean)) throw usageError(`${name} must be a whole number, got "${text}"`);
  const value = BigInt(clean);
  if (value < min || value > max) throw usageError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** A checksummed address; any case is accepted. */
export function parseAddress(name: string, text: string): Address {
  if (!isAddress(text, { strict: false })) {
    throw usageError(`${name} is not an address: "${text}"`, "an address is 0x followed by 40 hex digits");
  }
  // Mixed case is an EIP-55 checksum: a mistyped character almost always breaks it. All-lower or
  // all-upper digits carry none.
  const digits = text.slice(2);
  const mixedCase = digits !== digits.toLowerCase() && digits !== digits.toUpperCase();
  if (mixedCase && getAddress(text) !== text) {
    throw usageError(
      `${name} ${text} fails its EIP-55 checksum: a character is probably mistyped`,
      "copy the address again from where it came from (a wallet, an explorer); nothing was sent",
    );
  }
  return getAddress(text);
}

/**
 * A decimal amount ("47.50") in base units of a token or currency with `decimals` decimals: exact,
 * no floating point. More decimals than the unit has is an error, not a rounding.
 */
export function parseDecimalAmount(name: string, text: string, decimals: number): bigint {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text.replaceAll("_", ""));
  if (match === null) throw usageError(`${name} must be a decimal amount like 47.50, got "${text}"`);
  const [, whole = "0", fraction = ""] = match;
  if (fraction.length > decimals) {
    throw usageError(`${name} has ${fraction.length} decimals, but the unit has only ${decimals}: "${text}"`);
  }
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
}

/** A base-unit amount back as a decimal string ("47.5" for 47_500_000 with 6 decimals). */
export function formatDecimalAmount(amount: bigint, decimals: number): string {
  const unit = 10n ** BigInt(decimals);
  const fraction = (amount % unit).toString().padStart(decimals, "0").replace(/0+$/, "");
  return fraction === "" ? (amount / unit).toString() : `${amount / unit}.${fraction}`;
}

/** A 32-byte hex value (order id, hash). */
export function parseBytes32(name: string, text: string): Hex {
  if (!isHex(text, { strict: true }) || text.length !== 66) {
    throw usageError(`${name} must be 0x followed by 64 hex digits, got "${text}"`);
  }
  return text.toLowerCase() as Hex;
}

/**
 * A serial range: "120-159" (both ends included, as people count cards) or a single serial "7".
 * Returns the registry's half-open `[start, end)`.
 */
export function parseSerialRange(name: string, text: string): { start: number; end: number } {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text.replaceAll("_", ""));
  if (match === null) throw usageError(`${name} must be a serial or a range like 0-99, got "${text}"`);
  const first = parseInteger(name, match[1]!, { max: 2 ** 32 - 2 });
  const last = match[2] === undefined ? first : parseInteger(name, match[2], { max: 2 ** 32 - 2 });
  if (last < first) throw usageError(`${name} ends before it starts: "${text}"`, "write the lower serial first");
  return { start: first, end: last + 1 };
}

/**
 * A point in time, as Unix seconds: an ISO date ("2027-12-31", end of that day UTC is not implied:
 * midnight UTC), an ISO date-time, or a relative "+30d" / "+12h" from `now`.
 */
export function parseTime(name: string, text: string, now: number): number {
  const relative = /^\+(\d+)([dhm])$/.exec(text);
  if (relative !== null) {
    const unit = { d: 86_400, h: 3_600, m: 60 }[relative[2] as "d" | "h" | "m"];
    return now + Number(relative[1]) * unit;
  }
  const millis = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(millis)) {
    throw usageError(`${name} must be a date like 2027-12-31, a date-time, or +30d, got "${text}"`);
  }
  return Math.floor(millis / 1000);
}

/**
 * A duration in seconds: "24h", "30d", "90m", "45s", or a bare number of seconds, within `[min, max]`
 * seconds (e.g. an escrow's challenge window, 1 h to 30 days).
 */
export function parseDuration(name: string, text: string, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const match = /^(\d+)([dhms]?)$/.exec(text.trim().replaceAll("_", ""));
  if (match === null) throw usageError(`${name} must be a duration like 24h, 7d or 90m, got "${text}"`);
  const unit = { d: 86_400, h: 3_600, m: 60, s: 1, "": 1 }[match[2] as "d" | "h" | "m" | "s" | ""];
  const seconds = Number(match[1]) * unit;
  if (!Number.isSafeInteger(seconds) || seconds < min || seconds > max) {
    throw usageError(`${name} must be between ${shortDuration(min)} and ${shortDuration(max)}, got ${text}`);
  }
  return seconds;
}

/** 2592000 → "30d", 3600 → "1h", 90 → "90s": the largest unit that divides it. */
function shortDuration(seconds: number): string {
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
  ] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
