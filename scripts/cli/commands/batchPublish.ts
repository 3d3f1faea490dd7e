import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { MANIFEST_FILE, readPlan } from "../batchPlan.js";
import type { CliCommand } from "../CliCommand.js";
import { CliError, usageError } from "../CliError.js";
import { optionalString } from "../parseOptionValue.js";
import { publishManifest } from "../publishManifest.js";

/** `cardproof batch publish`: upload an issued batch's manifest to an indexer. */
export const batchPublishCommand: CliCommand = {
  path: ["batch", "publish"],
  summary: "upload a batch's public manifest to an indexer, which then serves proofs for its cards",
  usage: `Usage: cardproof batch publish <folder> --indexer-url <url>

  --indexer-url <url>   the indexer's base URL, e.g. http://127.0.0.1:8787 (env CARDPROOF_INDEXER_URL)`,
  options: { "indexer-url": { type: "string" } },
  async run({ values, positionals, output, context }) {
    if (positionals.length !== 1)
      throw usageError(
        "give the batch folder",
        "cardproof batch publish .cardproof/batches/31337-4294967297 --indexer-url …",
      );
    const folder = positionals[0]!;
    const indexerUrl = optionalString(values, "indexer-url") ?? process.env.CARDPROOF_INDEXER_URL;
    if (indexerUrl === undefined) throw usageError("missing --indexer-url", "e.g. --indexer-url http://127.0.0.1:8787");
    const plan = await readPlan(folder);
    if (plan.state !== "issued") {
      throw new CliError(`batch ${plan.batchId} in ${folder} is not issued yet`, {
        hint: `finish it first: cardproof batch mint --resume ${folder}`,
      });
    }
    const ctx = await context();
    const url = await publishManifest(ctx, {
      indexerUrl,
      batchId: plan.batchId,
      manifest: await readFile(join(folder, MANIFEST_FILE)),
    });
    output.result({ batchId: plan.batchId, manifestUrl: url }, [`manifest of batch ${plan.batchId} published: ${url}`]);
  },
};
