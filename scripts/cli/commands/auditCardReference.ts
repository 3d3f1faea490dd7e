import type { Hex } from "viem";

import { parseCardUrl, type CardPayload } from "../../lib/cardPayload.js";
import { InvalidCardPayloadError } from "../../lib/InvalidCardPayloadError.js";
import { parseBatchId } from "../chain/parseBatchId.js";
import { CliError, usageError } from "../CliError.js";
import { parseInteger } from "../parseOptionValue.js";

/** A card named on the command line, and the printed payload when it came from one. */
export type CardReference = { batchId: bigint; serial: number; payload?: CardPayload };

/**
 * Reads a card as people name it: `batchId/serial` (`4294967297/17`, or the batch id in hex), the
 * link printed in its public QR, or the bare payload digits.
 */
export function parseCardReference(name: string, text: string): CardReference {
  const pair = /^\s*([0-9a-fA-Fx_]+)\s*\/\s*(\d[\d_]*)\s*$/.exec(text);
  if (pair !== null) {
    return { batchId: parseBatchId(name, pair[1]!), serial: parseInteger(name, pair[2]!, { max: 2 ** 32 - 1 }) };
  }
  try {
    const payload = parseCardUrl(text);
    return { batchId: payload.batchId, serial: payload.serial, payload };
  } catch (error) {
    if (!(error instanceof InvalidCardPayloadError)) throw error;
    throw usageError(
      `${name}: ${error.shortMessage}`,
      `${error.details}; or name the card as <batchId>/<serial>, e.g. 4294967297/17`,
    );
  }
}

/**
 * Refuses a card printed for another chain or registry than the one audited: its history there
 * would say nothing about this card.
 */
export function checkCardDeployment(card: CardReference, chainId: bigint, registry: Hex): void {
  const payload = card.payload;
  if (payload === undefined) return;
  if (payload.chainId !== chainId) {
    throw new CliError(`the card was printed for chain ${payload.chainId}, the RPC serves chain ${chainId}`, {
      exitCode: 2,
      hint: "pass the --rpc-url of the card's chain",
    });
  }
  if (!registry.toLowerCase().startsWith(payload.registryPrefix)) {
    throw new CliError(`the card was printed for registry ${payload.registryPrefix}…, not for ${registry}`, {
      exitCode: 2,
      hint: "pass the --deployment (or --registry) of the card's registry",
    });
  }
}
