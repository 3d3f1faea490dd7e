import { CodesFileError, CodesFileExistsError } from "../mint/codesFile.js";
import { CliError } from "./CliError.js";
import { PASSPHRASE_VARIABLE } from "./readPassphrase.js";

/** A codes file that cannot be opened, in words that say what to do. Never mentions codes or passphrases. */
export function explainCodesFileError(error: unknown, path: string): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof CodesFileExistsError) {
    return new CliError(`${path} already exists`, { hint: "remove the leftover folder or pick another --out" });
  }
  if (!(error instanceof CodesFileError)) {
    const code = (error as NodeJS.ErrnoException)?.code;
    if (code === "ENOENT")
      return new CliError(`${path} is missing`, { hint: "restore the batch folder from its backup" });
    return new CliError(`cannot read ${path}: ${(error as Error)?.message}`, { cause: error });
  }
  switch (error.reason) {
    case "wrong-passphrase":
      return new CliError(`wrong passphrase for ${path}`, {
        hint: `check ${PASSPHRASE_VARIABLE} or the passphrase you typed`,
      });
    case "tampered":
    case "truncated":
      return new CliError(`${path} was altered or damaged (${error.reason}); its codes cannot be trusted`, {
        hint: "restore the codes file from a backup; never print from a damaged file",
      });
    case "not-a-codes-file":
    case "unsupported-version":
      return new CliError(`${path} is not a codes file this CLI can read (${error.reason})`, {
        hint: "pass the batch folder `cardproof batch mint` wrote",
      });
  }
}
