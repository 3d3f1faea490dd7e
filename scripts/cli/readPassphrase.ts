import { MIN_PASSPHRASE_LENGTH } from "../mint/codesFile.js";
import { CliError } from "./CliError.js";
import { promptHidden } from "./promptHidden.js";

/** The environment variable that holds the codes file's passphrase when no one can type it. */
export const PASSPHRASE_VARIABLE = "CARDPROOF_CODES_PASSPHRASE";

/**
 * The passphrase that protects a batch's codes file: from `CARDPROOF_CODES_PASSPHRASE`, else typed
 * at the terminal without echo (twice when `confirm`, for a new file).
 *
 * @throws {CliError} when there is no terminal to ask and the variable is unset, when the two typed
 *         passphrases differ, or when the user presses Ctrl-C.
 */
export async function readPassphrase(purpose: string, { confirm }: { confirm: boolean }): Promise<string> {
  const fromEnv = process.env[PASSPHRASE_VARIABLE];
  if (fromEnv !== undefined && fromEnv !== "") return checkStrength(fromEnv, confirm, `${PASSPHRASE_VARIABLE} is`);
  if (process.stdin.isTTY !== true || process.stderr.isTTY !== true) {
    throw new CliError(`a passphrase is needed to ${purpose}, and there is no terminal to type it`, {
      hint: `set ${PASSPHRASE_VARIABLE} in the environment`,
    });
  }
  const first = checkStrength(await promptHidden(`Passphrase to ${purpose}: `), confirm, "the passphrase is");
  if (!confirm) return first;
  const second = await promptHidden("Repeat the passphrase: ");
  if (first !== second) throw new CliError("the two passphrases differ", { hint: "run the command again" });
  return first;
}

/** A new codes file needs a passphrase of some length; an existing one takes whatever it was made with. */
function checkStrength(passphrase: string, isNew: boolean, subject: string): string {
  if (isNew && [...passphrase.normalize("NFC")].length < MIN_PASSPHRASE_LENGTH) {
    throw new CliError(`${subject} too short for a new codes file: at least ${MIN_PASSPHRASE_LENGTH} characters`, {
      hint: "use a long passphrase (several words) and keep it apart from the codes file",
    });
  }
  return passphrase;
}
