import { existsSync } from "node:fs";

import { BATCHES_DIR, belongsToDeployment, listPlans } from "./batchPlan.js";
import { CliError } from "./CliError.js";
import { DEFAULT_DEPLOYMENT_PATH, readDeployment } from "./deploymentFile.js";
import type { OptionValues } from "./parseOptionValue.js";

/** The deployment file a command reads: `--deployment`, `CARDPROOF_DEPLOYMENT`, or the default. */
export function deploymentPathOf(values: OptionValues): string {
  const flag = values.deployment;
  return (typeof flag === "string" ? flag : undefined) ?? process.env.CARDPROOF_DEPLOYMENT ?? DEFAULT_DEPLOYMENT_PATH;
}

/**
 * The batch folder a command was given: a path as is, or a batch id (`4294967297`), looked up among
 * the folders under {@link BATCHES_DIR} minted on the deployment of the deployment file, so the same
 * command works on any fresh chain without knowing the folder's name.
 *
 * @throws {CliError} when no folder, or several, hold that batch of this deployment.
 */
export async function resolveBatchFolder(argument: string, deploymentPath: string): Promise<string> {
  if (!/^\d+$/.test(argument) || existsSync(argument)) return argument;
  const deployment = await readDeployment(deploymentPath);
  const batchId = BigInt(argument);
  const matches = (await listPlans(BATCHES_DIR)).filter(
    ({ plan }) => plan.batchId === batchId && belongsToDeployment(plan, deployment),
  );
  if (matches.length === 1) return matches[0]!.folder;
  if (matches.length === 0) {
    throw new CliError(
      `no folder of batch ${argument} under ${BATCHES_DIR} for the deployment in ${deploymentPath} ` +
        `(registry ${deployment.registry} on chain ${deployment.chainId})`,
      { hint: "pass the batch's folder, as `batch mint` printed it, or the --deployment it was minted on" },
    );
  }
  throw new CliError(`several folders hold batch ${argument}: ${matches.map(({ folder }) => folder).join(", ")}`, {
    hint: "pass the folder itself",
  });
}
