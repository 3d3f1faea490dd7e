import type { Hex } from "viem";

import { voucherRegistryAbi } from "../lib/voucherRegistryAbi.js";
import { finding, type AuditFinding } from "./AuditFinding.js";
import type { ReplayBatch } from "./createRegistryReplay.js";
import type { ViewReader } from "./createViewReader.js";
import type { Replay } from "./replayEvents.js";

/** What the registry-level checks covered. */
export type RegistryCheckCounts = { batches: number; issuers: number; redeemers: number; approvals: number };

const lower = (value: string) => value.toLowerCase();

/**
 * Compares each replayed batch with `batchOf` at the audited block: the recomputed hash-chain head
 * and seq first (`head-mismatch`, `seq-mismatch`), then every other field (`batch-mismatch`); then
 * issuers (`issuerOf`), redeemers (`isRedeemer`) and operator approvals (`isApprovedOperator`).
 */
export async function checkRegistry({
  replay,
  views,
  registry,
  batches,
}: {
  replay: Replay;
  views: ViewReader;
  registry: Hex;
  /** The batches in scope. */
  batches: readonly ReplayBatch[];
}): Promise<{ findings: AuditFinding[]; counts: RegistryCheckCounts }> {
  const findings: AuditFinding[] = [];
  const counts: RegistryCheckCounts = { batches: 0, issuers: 0, redeemers: 0, approvals: 0 };
  const inScope = new Set(batches.map((batch) => batch.key));

  await Promise.all(
    batches.map(async (batch) => {
      const answer = await views.read(registry, voucherRegistryAbi, "batchOf", [batch.batchId]);
      counts.batches++;
      const batchId = batch.key;
      if (!answer.ok) {
        findings.push(
          finding("batch-mismatch", `batch ${batchId} was issued in the logs, but batchOf reverts: ${answer.error}`, {
            batchId,
            block: batch.issued.block,
            tx: batch.issued.tx,
            expected: "issued",
            actual: answer.error,
          }),
        );
        return;
      }
      const onChain = answer.value;
      if (lower(onChain.head) !== batch.chain.head) {
        findings.push(
          finding(
            "head-mismatch",
            `batch ${batchId}: the ${batch.chain.seq} links replayed from the logs end at ${batch.chain.head}, the registry stores ${lower(onChain.head)}`,
            { batchId, expected: batch.chain.head, actual: lower(onChain.head) },
          ),
        );
      }
      if (Number(onChain.seq) !== batch.chain.seq) {
        findings.push(
          finding(
            "seq-mismatch",
            `batch ${batchId}: ${batch.chain.seq} links in the logs, the registry counts ${onChain.seq}`,
            {
              batchId,
              expected: batch.chain.seq,
              actual: Number(onChain.seq),
            },
          ),
        );
      }
      const expected: Record<string, unknown> = {
        issuer: batch.issuer,
        issuerId: batch.issuerId,
        count: batch.params.count,
        stockStart: batch.custody.stockStart,
        expiresAt: batch.params.expiresAt,
        activationRequired: batch.params.activationRequired,
        faceValue: batch.params.faceValue,
        currency: batch.params.currency,
        merkleRoot: batch.params.merkleRoot,
      };
      const actual: Record<string, unknown> = {
        issuer: lower(onChain.issuer),
        issuerId: Number(onChain.issuerId),
        count: Number(onChain.count),
        stockStart: Number(onChain.stockStart),
        expiresAt: Number(onChain.expiresAt),
        activationRequired: onChain.activationRequired,
        faceValue: onChain.faceValue,
        currency: lower(onChain.currency),
        merkleRoot: lower(onChain.merkleRoot),
      };
      for (const field of Object.keys(expected)) {
        if (expected[field] !== actual[field]) {
          findings.push(
            finding(
              "batch-mismatch",
              `batch ${batchId}: ${field} is ${String(actual[field])} on chain, ${String(expected[field])} in the replay`,
              {
                batchId,
                expected: { [field]: expected[field] },
                actual: { [field]: actual[field] },
              },
            ),
          );
        }
      }
    }),
  );

  const issuers = [...replay.registry.issuers.values()];
  await Promise.all(
    issuers.map(async (issuer) => {
      const answer = await views.read(registry, voucherRegistryAbi, "issuerOf", [issuer.account]);
      counts.issuers++;
      if (!answer.ok) throw new Error(`issuerOf reverted: ${answer.error}`);
      const [issuerId, profileHash] = answer.value;
      const profileDiffers = issuer.profileHash !== null && lower(profileHash) !== issuer.profileHash;
      if (Number(issuerId) !== issuer.issuerId || profileDiffers) {
        findings.push(
          finding(
            "issuer-mismatch",
            `issuer ${issuer.account}: id ${issuerId} and profile ${lower(profileHash)} on chain`,
            {
              account: issuer.account,
              expected: { issuerId: issuer.issuerId, profileHash: issuer.profileHash },
              actual: { issuerId: Number(issuerId), profileHash: lower(profileHash) },
            },
          ),
        );
      }
    }),
  );

  const redeemers = batches.flatMap((batch) =>
    [...batch.redeemers].map(([account, allowed]) => ({ batch, account, allowed })),
  );
  await Promise.all(
    redeemers.map(async ({ batch, account, allowed }) => {
      const answer = await views.read(registry, voucherRegistryAbi, "isRedeemer", [batch.batchId, account]);
      counts.redeemers++;
      if (!answer.ok || answer.value !== allowed) {
        findings.push(
          finding(
            "redeemer-mismatch",
            `batch ${batch.key}: redeemer ${account} is ${answer.ok ? answer.value : answer.error} on chain, ${allowed} in the replay`,
            {
              batchId: batch.key,
              account,
              expected: allowed,
              actual: answer.ok ? answer.value : answer.error,
            },
          ),
        );
      }
    }),
  );

  const approvals = [...replay.registry.approvals.values()].filter(
    (approval) => approval.scope === "*" || inScope.has(approval.scope),
  );
  await Promise.all(
    approvals.map(async (approval) => {
      // Batch 0 can never be issued (issuer ids start at 1), so it reads the global approval alone.
      const scope = approval.scope === "*" ? "0" : approval.scope;
      const expected = replay.registry.isApproved(approval.holder, scope, approval.operator);
      const answer = await views.read(registry, voucherRegistryAbi, "isApprovedOperator", [
        approval.holder,
        BigInt(scope),
        approval.operator,
      ]);
      counts.approvals++;
      if (!answer.ok || answer.value !== expected) {
        findings.push(
          finding(
            "approval-mismatch",
            `operator ${approval.operator} of ${approval.holder} (${approval.scope === "*" ? "all batches" : `batch ${approval.scope}`}) is ${answer.ok ? answer.value : answer.error} on chain, ${expected} in the replay`,
            { account: approval.holder, expected, actual: answer.ok ? answer.value : answer.error },
          ),
        );
      }
    }),
  );
  return { findings, counts };
}
