import { describeRevokeReason } from "../lib/revokeReasons.js";
import type { CardReceipt, CardState } from "./buildCardReceipt.js";

/** The receipt for people: a page that can go into a dispute file as it is. */
export function formatCardReceipt(receipt: CardReceipt): string[] {
  const lines: string[] = [];
  const { chain, card, batch, hashChain } = receipt;
  lines.push(`CardProof card receipt: batch ${card.batchId}, card ${card.serial}`);
  lines.push(`  chain ${chain.chainId}, registry ${chain.registry}`);
  if (chain.block !== null) {
    lines.push(
      `  verified against block ${chain.block.number} (${chain.block.hash}, ${new Date(chain.block.timestamp * 1000).toISOString().replace(".000Z", "Z")}) from the chain's own logs and views`,
    );
  }
  if (batch !== null) {
    const expiry =
      batch.expiresAt === 0
        ? "never expires"
        : `expires ${new Date(batch.expiresAt * 1000).toISOString().slice(0, 10)}`;
    lines.push("");
    lines.push(
      `Batch: ${batch.count.toLocaleString("en-US")} cards of ${batch.faceValue} minor units of ${batch.currency}, ${expiry}${batch.activationRequired ? ", activation required" : ""}`,
    );
    lines.push(
      `  issuer ${batch.issuer}${batch.issuerName === null ? "" : ` (${batch.issuerName})`}, issuer id ${batch.issuerId}`,
    );
    lines.push(`  Merkle root ${batch.merkleRoot}, manifest ${batch.manifestHash}`);
  }
  if (hashChain !== null) {
    lines.push("");
    lines.push(
      hashChain.verified
        ? `Hash chain: all ${hashChain.links} links of the batch recomputed; the head ${hashChain.head} is the registry's at this block: verified`
        : `Hash chain: NOT verified: ${hashChain.links} links replayed end at ${hashChain.head}, the registry has seq ${hashChain.onChainSeq ?? "-"} head ${hashChain.onChainHead ?? "-"}`,
    );
  }
  if (receipt.history.length > 0) {
    lines.push("", "History (oldest first):");
    for (const step of receipt.history) {
      lines.push(
        `  #${step.seq}  ${step.time ?? "time unknown"}  block ${step.block}  ${step.linkVerified ? "link ok" : "LINK BROKEN"}`,
      );
      lines.push(
        `      ${step.event}: ${step.event === "LotRevoked" ? step.description.replace(`reason ${step.reason}`, describeRevokeReason(step.reason ?? 0)) : step.description}`,
      );
      if (step.cardKey !== null) lines.push(`      card key ${step.cardKey}`);
      lines.push(`      tx ${step.tx}, head ${step.head}`);
    }
  }
  if (receipt.replayed !== null || receipt.onChain !== null) {
    lines.push("", "Current state:");
    if (receipt.replayed !== null) lines.push(`  from the logs:      ${describe(receipt.replayed)}`);
    if (receipt.onChain !== null) lines.push(`  registry's views:   ${describe(receipt.onChain)}`);
  }
  if (receipt.findings.length > 0) {
    lines.push("", `Findings (${receipt.findings.length}):`);
    for (const item of receipt.findings) lines.push(`  x ${item.kind}  ${item.message}`);
  }
  lines.push("");
  if (receipt.verdict === "incomplete") {
    lines.push(`verdict: INCOMPLETE, nothing can be concluded (exit 2): ${receipt.error?.message ?? ""}`);
    if (receipt.error?.hint !== undefined) lines.push(`  ${receipt.error.hint}`);
  } else if (receipt.verdict === "findings") {
    lines.push(`verdict: ${receipt.findings.length} finding(s) (exit 1)`);
  } else {
    lines.push("verdict: verified, the history above is complete and matches the registry (exit 0)");
  }
  return lines;
}

function describe(state: CardState): string {
  const flags = [
    state.activated ? "activated" : "not activated",
    ...(state.revoked ? [`revoked (${describeRevokeReason(state.revokeReason)})`] : []),
    state.redeemed ? "redeemed" : "not redeemed",
  ];
  return `${state.status}, held by ${state.holder}, run [${state.runStart}, ${state.runEnd}), ${flags.join(", ")}`;
}
