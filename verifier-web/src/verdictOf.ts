import type { ChainCard, CounterfeitReason, ProofCheck, VerdictKind } from "./CardReport.js";

/**
 * The verdict from what the chain says and what the proof check found. Counterfeit only when
 * proven: the chain has no such batch or serial, or a proof that reached the on-chain root names
 * another card key than the QR. Otherwise the status decides, in the contract's precedence
 * (Redeemed > Revoked > Expired > Inactive > Active). Redeemed, revoked and expired are facts of
 * the serial the chain proves alone; "genuine" and "not activated" also say the QR is the committed
 * card, so without a proof verified in this browser they become the neutral `unproven`.
 */
export function verdictOf(
  chain: ChainCard,
  proof: ProofCheck,
): { verdict: VerdictKind; counterfeitReason?: CounterfeitReason } {
  if (!chain.issued) return { verdict: "counterfeit", counterfeitReason: "batchNotIssued" };
  if (chain.status === "Unknown") return { verdict: "counterfeit", counterfeitReason: "serialOutOfRange" };
  if (proof.state === "failed") return { verdict: "counterfeit", counterfeitReason: proof.reason };
  switch (chain.status) {
    case "Redeemed":
      return { verdict: "redeemed" };
    case "Revoked":
      return { verdict: "revoked" };
    case "Expired":
      return { verdict: "expired" };
    case "Inactive":
      return { verdict: proof.state === "verified" ? "notActivated" : "unproven" };
    case "Active":
      return { verdict: proof.state === "verified" ? "genuine" : "unproven" };
  }
}
