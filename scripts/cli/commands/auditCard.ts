import { buildCardReceipt } from "../../audit/buildCardReceipt.js";
import { formatCardReceipt } from "../../audit/formatCardReceipt.js";
import type { CliCommand } from "../CliCommand.js";
import { usageError } from "../CliError.js";
import { optionalString } from "../parseOptionValue.js";
import { writeReport } from "./audit.js";
import { checkCardDeployment, parseCardReference } from "./auditCardReference.js";
import { AUDIT_TARGET_OPTIONS, AUDIT_TARGET_USAGE, auditLogger, resolveAuditTarget } from "./auditTarget.js";

/** `cardproof audit card <card>`: one card's full verified history, from the chain alone. */
export const auditCardCommand: CliCommand = {
  path: ["audit", "card"],
  summary: "print a card's verified history from the chain's logs: a receipt for a dispute file",
  usage: `Usage: cardproof audit card <card> [options]

<card> is the link in the card's public QR, its payload digits, or <batchId>/<serial>.

Replays the card's batch from the chain's logs and prints every step that touched the card
(issuance, each lot transfer with the escrow order that delivered it, activation, revocation,
redemption) with block, time and transaction, each hash-chain link recomputed, the batch's head
checked against the registry's, and the card's state from the logs next to the registry's views.

${AUDIT_TARGET_USAGE}
  --report <file>          also write the JSON receipt to <file>

Exit codes: 0 verified, 1 findings, 2 could not complete.`,
  options: { ...AUDIT_TARGET_OPTIONS, report: { type: "string" } },
  async run({ values, positionals, output, context }) {
    const [text, ...extra] = positionals;
    if (text === undefined)
      throw usageError("missing <card>", "e.g. cardproof audit card 4294967297/17, or the card's QR link");
    if (extra.length > 0) throw usageError(`unexpected argument "${extra[0]}"`);
    const card = parseCardReference("<card>", text);
    const reportPath = optionalString(values, "report");
    const target = await resolveAuditTarget({ values, context });
    checkCardDeployment(card, target.chainId, target.registry);
    output.info(`reading batch ${card.batchId} from the chain for card ${card.serial}`);
    const receipt = await buildCardReceipt(
      {
        ...target,
        batchId: card.batchId,
        serial: card.serial,
        ...(card.payload === undefined ? {} : { payload: card.payload }),
      },
      { logger: auditLogger(output) },
    );
    const json = JSON.stringify(
      receipt,
      (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value),
      2,
    );
    if (reportPath !== undefined) await writeReport(reportPath, json);
    output.result(JSON.parse(json) as Record<string, unknown>, formatCardReceipt(receipt));
    return receipt.exitCode;
  },
};
