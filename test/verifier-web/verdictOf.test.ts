import { expect } from "chai";

import type { ChainCard, ChainStatus, ProofCheck } from "../../verifier-web/src/CardReport.js";
import { verdictOf } from "../../verifier-web/src/verdictOf.js";

const chain = (status: ChainStatus, issued = true): ChainCard => ({
  blockNumber: 10n,
  blockTimestamp: 1_700_000_000,
  issued,
  status,
  holder: "0x0000000000000000000000000000000000000001",
  runStart: 0,
});
const verified: ProofCheck = { state: "verified", cardKey: `0x${"11".repeat(20)}`, depth: 3 };
const unchecked: ProofCheck = { state: "notChecked", reason: "indexerDown" };

describe("verifier-web verdictOf", function () {
  it("maps each on-chain status to its verdict, whether or not the proof could be checked", function () {
    const cases: [ChainStatus, string][] = [
      ["Active", "genuine"],
      ["Inactive", "notActivated"],
      ["Redeemed", "redeemed"],
      ["Revoked", "revoked"],
      ["Expired", "expired"],
    ];
    for (const [status, verdict] of cases) {
      expect(verdictOf(chain(status), verified), status).to.deep.equal({ verdict });
      expect(verdictOf(chain(status), unchecked), status).to.deep.equal({ verdict });
    }
  });

  it("says counterfeit for a batch never issued, a serial past its end, or a failed proof, whatever the status", function () {
    expect(verdictOf(chain("Unknown", false), unchecked)).to.deep.equal({
      verdict: "counterfeit",
      counterfeitReason: "batchNotIssued",
    });
    expect(verdictOf(chain("Unknown"), unchecked)).to.deep.equal({
      verdict: "counterfeit",
      counterfeitReason: "serialOutOfRange",
    });
    for (const reason of ["cardKeyMismatch", "proofInvalid"] as const) {
      for (const status of ["Active", "Redeemed", "Revoked"] as const) {
        expect(verdictOf(chain(status), { state: "failed", reason })).to.deep.equal({
          verdict: "counterfeit",
          counterfeitReason: reason,
        });
      }
    }
  });
});
