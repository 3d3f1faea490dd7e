import { InvalidCardPayloadError } from "../../lib/InvalidCardPayloadError.js";
import { InvalidCodeError } from "../../lib/InvalidCodeError.js";
import { parseCode } from "../../lib/parseCode.js";
import { decodeSecretPayload } from "../../lib/secretPayload.js";
import { promptHidden } from "../promptHidden.js";
import { CliError, usageError } from "../CliError.js";

/** The card to redeem: its canonical secret code and which card it claims to be. */
export type RedemptionInput = {
  /** SECRET: canonical code. Never print it, never put it in an error. */
  code: string;
  batchId: bigint;
  serial: number;
  /** Whether it came as a typed code or as a scanned redemption payload (`CPS2…`). */
  form: "code" | "payload";
};

/** No code or payload is longer; more input is refused unread. */
const MAX_INPUT_BYTES = 1_024;

/**
 * Reads what `redeem` was given: a typed code (any case, dashes, look-alikes; its check character
 * checked) with the card named by `--batch-id` and `--serial`, or a scanned redemption payload,
 * which names its card itself (`--batch-id`/`--serial`, if given too, must agree). `-` reads it
 * from standard input instead (hidden when typed at a terminal), so it stays out of the shell history.
 *
 * @throws {CliError} when the code or payload is malformed, or the card is not named. SECURITY:
 *         messages come from {@link parseCode} and {@link decodeSecretPayload}, which never repeat
 *         the input; nothing here does either.
 */
export async function readRedemptionInput(
  argument: string,
  card: { batchId: bigint | undefined; serial: number | undefined },
): Promise<RedemptionInput> {
  const text = argument === "-" ? await readStdinSecret() : argument;
  const trimmed = text.trim();
  if (/^cps/i.test(trimmed)) {
    let payload;
    try {
      payload = decodeSecretPayload(trimmed);
    } catch (error) {
      throw explainInputError(error, "redemption QR code");
    }
    if (
      (card.batchId !== undefined && card.batchId !== payload.batchId) ||
      (card.serial !== undefined && card.serial !== payload.serial)
    ) {
      throw usageError(
        `the scanned QR code is for card ${payload.serial} of batch ${payload.batchId}, not the card --batch-id and --serial name`,
        "leave out --batch-id and --serial when redeeming a scanned QR code",
      );
    }
    return { ...payload, form: "payload" };
  }
  let code: string;
  try {
    code = parseCode(trimmed);
  } catch (error) {
    throw explainInputError(error, "code");
  }
  if (card.batchId === undefined || card.serial === undefined) {
    throw usageError(
      "a typed code needs its card: pass --batch-id and --serial (printed on the card)",
      "or scan the QR code under the scratch panel, which names its card",
    );
  }
  return { code, batchId: card.batchId, serial: card.serial, form: "code" };
}

function explainInputError(error: unknown, what: string): CliError {
  if (error instanceof InvalidCodeError || error instanceof InvalidCardPayloadError) {
    return new CliError(`the ${what} is not valid: ${error.shortMessage}`, { hint: error.details });
  }
  // Anything else is a bug; its message is not shown, in case it quotes the input.
  return new CliError(`the ${what} could not be read`);
}

/** The secret from standard input: typed without echo at a terminal, else the first line piped in. */
async function readStdinSecret(): Promise<string> {
  const { stdin } = process;
  if (stdin.isTTY === true) return await promptHidden("Code or scanned QR text (hidden): ");
  let received = "";
  stdin.setEncoding("utf8");
  for await (const chunk of stdin as AsyncIterable<string>) {
    received += chunk;
    if (received.length > MAX_INPUT_BYTES) throw new CliError(`more than ${MAX_INPUT_BYTES} bytes on standard input`);
  }
  const line = received.split(/\r?\n/).find((candidate) => candidate.trim() !== "");
  if (line === undefined) {
    throw usageError("nothing on standard input", "pipe the code or the scanned QR text into `cardproof redeem -`");
  }
  return line;
}
