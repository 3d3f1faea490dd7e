import { CliError } from "../CliError.js";

/**
 * The card key derived from the code given is not the card key committed for the card: found before any
 * transaction, so nothing is sent. The message names the card only, never the code.
 */
export function wrongCodeError(batchId: bigint, serial: number): CliError {
  return new CliError(`this code does not belong to card ${serial} of batch ${batchId}`, {
    hint: "check the serial printed on the card and the code under its scratch panel (no transaction was sent)",
  });
}
