import { usageError } from "../CliError.js";

const MAX_UINT64 = (1n << 64n) - 1n;

/**
 * A batch id as people pass it: decimal (`4294967297`, as the CLI prints them) or `0x`-hex
 * (`0x100000001`, as block explorers show them); a `uint64` above 0.
 */
export function parseBatchId(name: string, text: string): bigint {
  const clean = text.trim().replaceAll("_", "");
  const value = /^\d+$/.test(clean) ? BigInt(clean) : /^0x[0-9a-f]+$/i.test(clean) ? BigInt(clean) : undefined;
  if (value === undefined) throw usageError(`${name} must be a batch id like 4294967297, got "${text}"`);
  if (value < 1n || value > MAX_UINT64) throw usageError(`${name} must be between 1 and ${MAX_UINT64}, got ${value}`);
  return value;
}
