import type { Hex } from "viem";

import { usageError } from "../CliError.js";
import { parseBytes32 } from "../parseOptionValue.js";

/** The one positional argument of an order command: the order id `cardproof order open` printed. */
export function parseOrderIdArgument(positionals: readonly string[], example: string): Hex {
  if (positionals.length !== 1) throw usageError("give the order id (0x followed by 64 hex digits)", example);
  return parseBytes32("the order id", positionals[0]!);
}

/** "2026-01-31 12:00:00 UTC" for Unix seconds. */
export function formatTime(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** 86400 → "24h", 604800 → "7d", 5400 → "90m". */
export function formatWindow(seconds: number): string {
  if (seconds % 86_400 === 0 && seconds >= 172_800) return `${seconds / 86_400}d`;
  if (seconds % 3_600 === 0) return `${seconds / 3_600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
