import { parseBatchId } from "../chain/parseBatchId.js";
import { usageError } from "../CliError.js";
import { parseSerialRange } from "../parseOptionValue.js";

/** A lot named on the command line: `<batch-id> <serials>`, the serials half-open as the registry takes them. */
export type LotArguments = { batchId: bigint; start: number; end: number };

/** Reads `<batch-id> <serials>` ("0-999" both ends included, or "7"); `example` shows a whole command line. */
export function parseLotArguments(positionals: readonly string[], example: string): LotArguments {
  const [batchText, serialsText, ...extra] = positionals;
  if (batchText === undefined || serialsText === undefined || extra.length > 0) {
    throw usageError("give the batch id and the serials, e.g. 0-999 or 7", example);
  }
  return { batchId: parseBatchId("the batch id", batchText), ...parseSerialRange("the serials", serialsText) };
}
