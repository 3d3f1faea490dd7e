import type { Hex } from "viem";

import { createLogger, type Logger } from "../../../server/internal/createLogger.js";
import type { AuditBlockSpec } from "../../audit/readBlock.js";
import type { CommandInput } from "../CliCommand.js";
import { CliError, usageError } from "../CliError.js";
import type { CliOutput } from "../createOutput.js";
import { optionalString, parseAddress, parseInteger } from "../parseOptionValue.js";

/** The options naming what to audit, shared by `audit` and `audit card`. */
export const AUDIT_TARGET_OPTIONS = {
  registry: { type: "string" },
  escrow: { type: "string" },
  "from-block": { type: "string" },
  block: { type: "string" },
} as const;

export const AUDIT_TARGET_USAGE = `  --registry <address>     audit this registry instead of the deployment file's
  --escrow <address|none>  and this escrow (default: the deployment file's; none with --registry)
  --from-block <n>         first block to read logs from (default: the deployment block; 0 with --registry)
  --block <n|latest|finalized|safe>
                           the audited block: every view is read at it (default finalized: the node's
                           final block, its head on a development chain)`;

/** The chain and contracts an audit reads. */
export type AuditTarget = {
  rpcUrl: string;
  chainId: bigint;
  registry: Hex;
  escrow: Hex | null;
  fromBlock: number;
  block: AuditBlockSpec;
};

/**
 * Resolves the audit's chain, contracts and block from the options and the deployment file. What
 * stops it from reading the chain (unreachable node, missing or foreign deployment file) is exit
 * code 2: the audit could not be made, which is not a finding.
 */
export async function resolveAuditTarget({
  values,
  context,
}: Pick<CommandInput, "values" | "context">): Promise<AuditTarget> {
  const registryText = optionalString(values, "registry");
  const escrowText = optionalString(values, "escrow");
  const fromText = optionalString(values, "from-block");
  const block = parseBlockSpec(optionalString(values, "block") ?? "finalized");
  const ctx = await incompleteOnFailure(context());
  let registry: Hex;
  let escrow: Hex | null;
  let fromBlock: number;
  if (registryText !== undefined) {
    registry = parseAddress("--registry", registryText).toLowerCase() as Hex;
    escrow =
      escrowText === undefined || escrowText === "none"
        ? null
        : (parseAddress("--escrow", escrowText).toLowerCase() as Hex);
    fromBlock = fromText === undefined ? 0 : parseInteger("--from-block", fromText);
  } else {
    const deployment = await incompleteOnFailure(ctx.deployment());
    registry = deployment.registry.toLowerCase() as Hex;
    escrow =
      escrowText === "none"
        ? null
        : escrowText !== undefined
          ? (parseAddress("--escrow", escrowText).toLowerCase() as Hex)
          : (deployment.escrow.toLowerCase() as Hex);
    fromBlock = fromText === undefined ? Number(deployment.deployBlock) : parseInteger("--from-block", fromText);
  }
  return { rpcUrl: ctx.rpcUrl, chainId: ctx.chainId, registry, escrow, fromBlock, block };
}

/** `--block`: a block number or one of the tags every node knows. */
export function parseBlockSpec(text: string): AuditBlockSpec {
  if (text === "latest" || text === "finalized" || text === "safe") return text;
  if (/^\d[\d_]*$/.test(text)) return parseInteger("--block", text);
  throw usageError(`--block must be a block number, latest, finalized or safe, got "${text}"`);
}

/** A logger for the RPC client and log fetcher: warnings and errors as the CLI's warnings. */
export function auditLogger(output: CliOutput): Logger {
  return createLogger({ level: "warn", sink: (record) => output.warn(record.msg) });
}

/** The CLI errors of connecting, with exit code 2 (could not complete) instead of 1. */
async function incompleteOnFailure<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof CliError && error.exitCode !== 2) {
      throw new CliError(error.message, {
        exitCode: 2,
        ...(error.hint === undefined ? {} : { hint: error.hint }),
        cause: error,
      });
    }
    throw error;
  }
}
