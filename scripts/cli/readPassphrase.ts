import { MIN_PASSPHRASE_LENGTH } from "../mint/codesFile.js";
import { CliError } from "./CliError.js";
import { promptHidden } from "./promptHidden.js";

/** The environment variable that holds the codes file's passphrase when no one can type it. */
export const PASSPHRASE_VARIABLE = "CARDPROOF_CODES_PASSPHRASE";

/** Typing attempts before a command gives up (a typo is not a reason to start over). */
export const PASSPHRASE_ATTEMPTS = 3;

/** Where a typed passphrase comes from: the terminal, or a script of answers in tests. */
export type PassphraseTerminal = {
  /** Whether someone can type (stdin and stderr are a terminal). */
  interactive: boolean;
  /** Asks without echo. */
  prompt(question: string): Promise<string>;
  /** Says why it asks again. */
  warn(line: string): void;
};

const TERMINAL: PassphraseTerminal = {
  get interactive() {
    return process.stdin.isTTY === true && process.stderr.isTTY === true;
  },
  prompt: promptHidden,
  warn: (line) => process.stderr.write(`${line}\n`),
};

/**
 * The passphrase that protects a batch's codes file: from `CARDPROOF_CODES_PASSPHRASE`, else typed
 * at the terminal without echo (twice when `confirm`, for a new file). A typed one that is too short,
 * or whose repetition differs, is asked again, up to {@link PASSPHRASE_ATTEMPTS} times.
 *
 * @throws {CliError} when there is no terminal to ask and the variable is unset, when every attempt
 *         failed, or when the user presses Ctrl-C.
 */
export async function readPassphrase(
  purpose: string,
  { confirm }: { confirm: boolean },
  terminal: PassphraseTerminal = TERMINAL,
): Promise<string> {
  const fromEnv = process.env[PASSPHRASE_VARIABLE];
  if (fromEnv !== undefined && fromEnv !== "") {
    const problem = weakness(fromEnv, confirm);
    if (problem !== undefined) throw new CliError(`${PASSPHRASE_VARIABLE} is ${problem}`, { hint: STRENGTH_HINT });
    return fromEnv;
  }
  if (!terminal.interactive) {
    throw new CliError(`a passphrase is needed to ${purpose}, and there is no terminal to type it`, {
      hint: `set ${PASSPHRASE_VARIABLE} in the environment`,
    });
  }
  for (let attempt = 1; ; attempt++) {
    const last = attempt === PASSPHRASE_ATTEMPTS;
    const first = await terminal.prompt(`Passphrase to ${purpose}: `);
    const problem = weakness(first, confirm);
    if (problem !== undefined) {
      if (last) throw new CliError(`the passphrase is ${problem}`, { hint: STRENGTH_HINT });
      terminal.warn(`The passphrase is ${problem}; type another one.`);
      continue;
    }
    if (!confirm || (await terminal.prompt("Repeat the passphrase: ")) === first) return first;
    if (last) {
      throw new CliError(`the two passphrases differed ${PASSPHRASE_ATTEMPTS} times`, {
        hint: "run the command again, or set it in CARDPROOF_CODES_PASSPHRASE",
      });
    }
    terminal.warn("The two passphrases differ; type them again.");
  }
}

const STRENGTH_HINT = "use a long passphrase (several words) and keep it apart from the codes file";

/** A new codes file needs a passphrase of some length; an existing one takes whatever it was made with. */
function weakness(passphrase: string, isNew: boolean): string | undefined {
  if (isNew && [...passphrase.normalize("NFC")].length < MIN_PASSPHRASE_LENGTH) {
    return `too short for a new codes file: at least ${MIN_PASSPHRASE_LENGTH} characters`;
  }
  return undefined;
}
