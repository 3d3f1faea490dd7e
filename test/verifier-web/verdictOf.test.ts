import { expect } from "chai";

import type { ChainCard, ChainStatus, ProofCheck } from "../../verifier-web/src/CardReport.js";
import { verdictOf } from "../../verifier-web/src/verdictOf.js";

const chain = (status: ChainStatus, issued = true): ChainCard => ({
  blockNumber: 10n,
  issued,
  status,
  holder: "0x0000000000000000000000000000000000000001",
  runStart: 0,
});
const verified: ProofCheck = {
  state: "verified",
  cardKey: `0x${"11".repeat(20)}`,
  depth: 3,
  source: "indexer",
  badSources: [],
};
const unchecked: ProofCheck = { state: "notChecked", reason: "sourcesDown", badSources: [] };
const lied: ProofCheck = { state: "notChecked", reason: "badProof", badSources: ["indexer"] };

describe("verifier-web verdictOf", function () {
  it("maps each on-chain status to its verdict when the proof was verified in the page", function () {
    const cases: [ChainStatus, string][] = [
      ["Active", "genuine"],
      ["Inactive", "notActivated"],
      ["Redeemed", "redeemed"],
      ["Revoked", "revoked"],
      ["Expired", "expired"],
    ];
    for (const [status, verdict] of cases)
      expect(verdictOf(chain(status), verified), status).to.deep.equal({ verdict });
  });

  it("never says genuine without a verified proof, but still says what the chain alone proves", function () {
    const cases: [ChainStatus, string][] = [
      ["Active", "unproven"],
      ["Inactive", "unproven"],
      ["Redeemed", "redeemed"],
      ["Revoked", "revoked"],
      ["Expired", "expired"],
    ];
    for (const [status, verdict] of cases) {
      expect(verdictOf(chain(status), unchecked), status).to.deep.equal({ verdict });
      expect(verdictOf(chain(status), lied), status).to.deep.equal({ verdict });
    }
  });

  it("says counterfeit for a batch never issued, a serial past its end, or a proven other card key, whatever the status", function () {
    expect(verdictOf(chain("Unknown", false), unchecked)).to.deep.equal({
      verdict: "counterfeit",
      counterfeitReason: "batchNotIssued",
    });
    expect(verdictOf(chain("Unknown"), unchecked)).to.deep.equal({
      verdict: "counterfeit",
      counterfeitReason: "serialOutOfRange",
    });
    for (const status of ["Active", "Redeemed", "Revoked"] as const) {
      expect(verdictOf(chain(status), { state: "failed", reason: "cardKeyMismatch", source: "indexer" })).to.deep.equal(
        { verdict: "counterfeit", counterfeitReason: "cardKeyMismatch" },
      );
    }
  });
});
