/** What a provider's "range too large / too many results" error says about the range to use. */
export type RangeErrorHint = {
  /** A range the provider proposes (Alchemy, Infura): `[from, to]`, inclusive. */
  suggested?: { from: number; to: number };
  /** The largest block span the provider accepts (QuickNode's "limited to a 10,000 range", ...). */
  maxRange?: number;
};

/** A JSON-RPC error object as providers send it. */
export type JsonRpcErrorLike = { code?: number | undefined; message?: string | undefined; data?: unknown };

// Dialects seen in the wild, lower-cased. Each means: the same request will fail again; ask less.
const RANGE_PATTERNS = [
  /log response size exceeded/, // Alchemy
  /query returned more than \d+ results/, // Infura, geth-based providers
  /block range is too (wide|large)/, // QuickNode (older), Ankr, others
  /limited to a [\d,]+ (block )?range/, // QuickNode
  /(exceed|exceeds|exceeded) (the )?max(imum)? (block )?range/, // Cloudflare, Chainstack, erigon
  /block range (limit|too large|exceeded|cannot exceed)/,
  /range (too large|is too large|exceeds)/,
  /(too many|more than \d+) (results|logs)/,
  /response (size|is too big|too large)/,
  /max(imum)? (results|logs) (exceeded|reached)/,
  /query timeout exceeded|query exceeds max results/,
];

/**
 * Recognises an `eth_getLogs` error that means "ask for a smaller block range", and extracts what
 * it suggests: Alchemy's "this block range should work: [0x.., 0x..]", Infura's "Try with this
 * block range [0x.., 0x..]" (or its `data: { from, to }`), a maximum span such as QuickNode's
 * "eth_getLogs is limited to a 10,000 range" or "maximum block range: 5000". Returns undefined for
 * any other error.
 */
export function parseRangeError(error: JsonRpcErrorLike): RangeErrorHint | undefined {
  const message = (error.message ?? "").toLowerCase();
  if (!RANGE_PATTERNS.some((pattern) => pattern.test(message))) return undefined;
  const hint: RangeErrorHint = {};

  const bracket = /\[\s*(0x[0-9a-f]+|\d+)\s*,\s*(0x[0-9a-f]+|\d+)\s*\]/.exec(message);
  const data = error.data as { from?: unknown; to?: unknown } | undefined;
  if (bracket !== null) {
    hint.suggested = { from: toNumber(bracket[1]!), to: toNumber(bracket[2]!) };
  } else if (data !== null && typeof data === "object" && data.from !== undefined && data.to !== undefined) {
    hint.suggested = { from: toNumber(String(data.from)), to: toNumber(String(data.to)) };
  }
  if (hint.suggested !== undefined && !(hint.suggested.to >= hint.suggested.from)) delete hint.suggested;

  const span =
    /limited to a ([\d,]+)/.exec(message) ??
    /max(?:imum)? (?:block )?range(?: is| of|:)? ?([\d,]+)/.exec(message) ??
    /range (?:limit|cannot exceed|exceeds)(?: of|:)? ?([\d,]+)/.exec(message) ??
    /up to a ([\d,]+)k? block range/.exec(message);
  if (span !== null) {
    let value = Number(span[1]!.replace(/,/g, ""));
    if (/up to a [\d,]+k block range/.test(message)) value *= 1000;
    if (Number.isSafeInteger(value) && value > 0) hint.maxRange = value;
  }
  return hint;
}

function toNumber(text: string): number {
  return text.startsWith("0x") ? Number.parseInt(text.slice(2), 16) : Number(text);
}
