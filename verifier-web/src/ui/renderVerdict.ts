import { revokeReasonName } from "../../../scripts/lib/revokeReasons.js";
import type { CardReport } from "../CardReport.js";
import type { Translator } from "../i18n/createTranslator.js";
import { describeAccount } from "./describeAccount.js";
import { h, sentence } from "./h.js";
import { icon, type IconName } from "./icon.js";

/** The icon in the verdict's badge (decorative: the title says it in words). */
const ICONS: Record<CardReport["verdict"], IconName> = {
  genuine: "check",
  redeemed: "cross",
  revoked: "ban",
  expired: "clock",
  notActivated: "alert",
  counterfeit: "cross",
  unknownRegistry: "question",
  unproven: "question",
  unavailable: "retry",
};

/**
 * The verdict, first and large: badge, title and a plain sentence in the verdict's colour; the
 * details that matter for it (when and by whom redeemed, the revocation reason, the expiry date);
 * "partly checked" when a verdict the chain alone proves came without a proof; Retry when the check
 * could not run or could not prove the card. Times are relative to this device's clock.
 */
export function renderVerdict(report: CardReport, t: Translator, onRetry: () => void): HTMLElement {
  const { verdict } = report;
  const lines: (Node | string)[] = [];
  const text = (() => {
    switch (verdict) {
      case "expired":
        return t.t("verdict.expired.text", { date: t.date(report.chain?.batch?.expiresAt ?? 0) });
      case "unavailable":
        switch (report.unavailableReason) {
          case "wrongChain":
            return t.t("verdict.unavailable.wrongChain");
          case "noRpc":
            return t.t("verdict.unavailable.noRpc");
          case "badHint":
            return t.t("verdict.unavailable.badHint");
          default:
            return t.t("verdict.unavailable.text");
        }
      default:
        return t.t(`verdict.${verdict}.text`);
    }
  })();
  lines.push(h("p", { class: "verdict-text" }, text));

  if (verdict === "counterfeit" && report.counterfeitReason !== undefined) {
    lines.push(h("p", { class: "verdict-detail" }, t.t(`counterfeit.${report.counterfeitReason}`)));
  }
  if (verdict === "redeemed" && report.registry !== undefined) {
    const redemption = report.timeline?.find((event) => event.kind === "VoucherRedeemed");
    if (redemption !== undefined && redemption.operator !== null) {
      const time =
        redemption.timestamp === null
          ? ""
          : `${t.relative(redemption.timestamp, wallClock())} (${t.dateTime(redemption.timestamp)})`;
      const who = describeAccount(redemption.operator, {
        names: report.names,
        registry: report.registry,
        escrowLabel: t.t("timeline.escrow"),
      });
      lines.push(h("p", { class: "verdict-detail" }, sentence(t.t("verdict.redeemed.detail"), { time, who })));
    }
  }
  if (verdict === "revoked" && report.chain?.run !== undefined) {
    lines.push(
      h(
        "p",
        { class: "verdict-detail" },
        t.t("verdict.revoked.detail", { reason: reasonText(report.chain.run.revokeReason, t) }),
      ),
    );
  }
  const partial =
    report.proof.state === "notChecked" && (verdict === "redeemed" || verdict === "revoked" || verdict === "expired")
      ? t.t("verdict.partial", { why: proofNotCheckedText(report.proof, t) })
      : undefined;

  return h(
    "section",
    { class: `verdict verdict-${verdict}`, "data-verdict": verdict, "aria-labelledby": "verdict-title" },
    h("div", { class: "verdict-badge", "aria-hidden": "true" }, icon(ICONS[verdict])),
    h("div", { class: "verdict-body" },
      h("h2", { id: "verdict-title", class: "verdict-title", tabindex: "-1" }, t.t(`verdict.${verdict}.title`)),
      ...lines,
      partial === undefined ? null : h("p", { class: "verdict-partial", "data-partial": "proof" }, partial),
      verdict === "unavailable" || verdict === "unproven"
        ? h("button", { type: "button", class: "button retry", on: { click: onRetry } }, t.t("verdict.retry"))
        : null,
    ),
  ); // prettier-ignore
}

/** Why no proof was checked, in words (the evidence list says the same). */
export function proofNotCheckedText(
  proof: Extract<CardReport["proof"], { state: "notChecked" }>,
  t: Translator,
): string {
  switch (proof.reason) {
    case "badProof":
      return t.t("evidence.proof.badProof", {
        sources: proof.badSources.map((label) => sourceName(label, t)).join(", "),
      });
    case "noManifest":
      return t.t("evidence.proof.noManifest");
    case "noSource":
      return t.t("evidence.proof.noSource");
    case "sourcesDown":
    case "noChain":
      return t.t("evidence.proof.sourcesDown");
  }
}

/** A proof source's label in words: the history service, or a static host as it is. */
export function sourceName(label: string, t: Translator): string {
  return label === "indexer" ? t.t("evidence.source.indexer") : label;
}

/**
 * Now, in Unix seconds, from this device's clock: what "3 minutes ago" is measured from. A block
 * time ahead of it (a node's clock running fast) reads as "now", never as "in 2 hours".
 */
export function wallClock(): number {
  return Math.floor(Date.now() / 1000);
}

/** A revocation reason code in words: its name when it has one, else its number. */
export function reasonText(code: number, t: Translator): string {
  const name = revokeReasonName(code);
  return name === undefined ? t.t("reason.code", { code }) : t.t(`reason.${name}`);
}
