import type { ChainCard, CounterfeitReason, ProofCheck, VerdictKind } from "./CardReport.js";

/**
 * The verdict from what the chain says and what the proof check found. Counterfeit wins over any
 * status (a made-up card may copy a real serial); otherwise the status decides, in the contract's
 * precedence (Redeemed > Revoked > Expired > Inactive > Active). An unchecked proof does not change
 * the verdict: the page says separately that it was not checked.
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
      return { verdict: "notActivated" };
    case "Active":
      return { verdict: "genuine" };
  }
}
