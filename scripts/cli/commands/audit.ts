import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

import { reportJson } from "../../audit/AuditReport.js";
import { formatAuditSummary } from "../../audit/formatAuditSummary.js";
import { runAudit } from "../../audit/runAudit.js";
import { parseBatchId } from "../chain/parseBatchId.js";
import type { CliCommand } from "../CliCommand.js";
import { CliError, usageError } from "../CliError.js";
import { optionalString, parseInteger } from "../parseOptionValue.js";
import { checkCardDeployment, parseCardReference } from "./auditCardReference.js";
import { AUDIT_TARGET_OPTIONS, AUDIT_TARGET_USAGE, auditLogger, resolveAuditTarget } from "./auditTarget.js";

/**
 * `cardproof audit`: replays every registry and escrow log from the chain, checks the result
 * against the contracts' views at the audited block and optionally against an indexer; exit 0
 * consistent, 1 findings, 2 could not complete.
 */
export const auditCommand: CliCommand = {
  path: ["audit"],
  summary:
    "replay the chain's logs and check contracts and indexer against them (exit 0 consistent, 1 findings, 2 incomplete)",
  usage: `Usage: cardproof audit [options]

Reads every VoucherRegistry and SettlementEscrow log from the chain (nothing from an indexer),
replays them with the auditor's own state machine and checks, at the audited block: every batch's
hash-chain head and seq, issuers, redeemers and approvals; custody runs, activation, revocation,
redemption and status of a random sample of cards (or all); every escrow order's state, credits,
fund and fees, and token.balanceOf(escrow) == open orders + credits + fund + fees. With an indexer,
every row it derives must equal the replay's.

${AUDIT_TARGET_USAGE}
  --batch <id>             audit one batch (its cards, chain and mirror rows; the escrow is skipped)
  --card <card>            audit one card: <batchId>/<serial>, its QR link or payload
  --sample <n>             cards checked per batch (default 200)
  --seed <n>               seed of the sample (default: from the audited block's hash)
  --full                   check every card (one statusOf per card, every run, the whole bitmap)
  --indexer-db <file>      compare an indexer's SQLite mirror (opened read-only)
  --indexer-url <url>      compare an indexer's REST API (e.g. http://127.0.0.1:8787)
  --max-indexer-lag <n>    blocks an indexer may trail the audited block (default 0)
  --report <file>          also write the JSON report to <file>
  --concurrency <n>        contract views in flight (default 8)
  --max-findings <n>       findings kept per kind in the report (default 1000; all are counted)

Exit codes: 0 consistent, 1 findings, 2 the audit could not complete (nothing concluded).`,
  options: {
    ...AUDIT_TARGET_OPTIONS,
    batch: { type: "string" },
    card: { type: "string" },
    sample: { type: "string" },
    seed: { type: "string" },
    full: { type: "boolean" },
    "indexer-db": { type: "string" },
    "indexer-url": { type: "string" },
    "max-indexer-lag": { type: "string" },
    report: { type: "string" },
    concurrency: { type: "string" },
    "max-findings": { type: "string" },
  },
  async run({ values, positionals, output, context }) {
    if (positionals.length > 0)
      throw usageError(
        `unexpected argument "${positionals[0]}"`,
        "`cardproof audit card <card>` audits one card's history",
      );
    const batchText = optionalString(values, "batch");
    const cardText = optionalString(values, "card");
    if (batchText !== undefined && cardText !== undefined) throw usageError("pass --batch or --card, not both");
    const batchId = batchText === undefined ? undefined : parseBatchId("--batch", batchText);
    const card = cardText === undefined ? undefined : parseCardReference("--card", cardText);
    const seedText = optionalString(values, "seed");
    const indexerDb = optionalString(values, "indexer-db");
    const indexerUrl = optionalString(values, "indexer-url");
    if (indexerUrl !== undefined && !/^https?:\/\//.test(indexerUrl))
      throw usageError(`--indexer-url must be an http(s) URL, got "${indexerUrl}"`);
    const options = {
      sample: parseInteger("--sample", optionalString(values, "sample") ?? "200", { min: 1, max: 10_000_000 }),
      full: values.full === true,
      ...(seedText === undefined ? {} : { seed: parseInteger("--seed", seedText, { max: 2 ** 32 - 1 }) }),
      ...(batchId === undefined ? {} : { batchId }),
      ...(card === undefined ? {} : { card: { batchId: card.batchId, serial: card.serial } }),
      ...(indexerDb === undefined ? {} : { indexerDb }),
      ...(indexerUrl === undefined ? {} : { indexerUrl }),
      maxIndexerLag: parseInteger("--max-indexer-lag", optionalString(values, "max-indexer-lag") ?? "0"),
      concurrency: parseInteger("--concurrency", optionalString(values, "concurrency") ?? "8", { min: 1, max: 256 }),
      maxFindings: parseInteger("--max-findings", optionalString(values, "max-findings") ?? "1000", { min: 1 }),
    };
    const reportPath = optionalString(values, "report");

    const target = await resolveAuditTarget({ values, context });
    if (card !== undefined) checkCardDeployment(card, target.chainId, target.registry);
    output.info(
      `auditing chain ${target.chainId}: registry ${target.registry}${target.escrow === null ? "" : `, escrow ${target.escrow}`}, logs from block ${target.fromBlock}`,
    );
    const report = await runAudit(
      { ...target, ...options },
      {
        logger: auditLogger(output),
        info: (line) => output.info(line),
        progress: (label, total, unit) => output.progress(label, total, unit),
      },
    );
    if (reportPath !== undefined) await writeReport(reportPath, reportJson(report));
    output.result(JSON.parse(reportJson(report)) as Record<string, unknown>, formatAuditSummary(report));
    return report.exitCode;
  },
};

/** Writes a JSON report; one that cannot be written leaves the audit incomplete (exit 2). */
export async function writeReport(path: string, json: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, `${json}\n`);
  } catch (error) {
    throw new CliError(`cannot write the report to ${path}: ${(error as Error).message}`, { exitCode: 2 });
  }
}
