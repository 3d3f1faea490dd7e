import type { CardReport, TimelineEvent } from "../CardReport.js";
import type { Translator } from "../i18n/createTranslator.js";
import { describeAccount } from "./describeAccount.js";
import { h, ltr, sentence } from "./h.js";
import { reasonText, wallClock } from "./renderVerdict.js";

/**
 * The card's custody timeline (issued by → transferred to → activated → redeemed) as the page's
 * own node logged it, the history service only having said where to look: registered names,
 * relative (this device's clock) and exact times, explorer links when configured, and a note on
 * events the service left out or has not reached. Or why there is none.
 */
export function renderTimeline(report: CardReport, t: Translator): HTMLElement | null {
  const { registry, timeline, history } = report;
  if (registry === undefined || report.chain?.batch === undefined) return null;
  if (history.state === "notChecked" && (history.reason === "noIndexer" || history.reason === "noBatch")) return null;
  const section = h(
    "section",
    { class: "timeline", "aria-labelledby": "timeline-title" },
    h("h2", { id: "timeline-title" }, t.t("timeline.heading")),
  );
  if (timeline === undefined) {
    const why =
      history.state === "notChecked" && history.reason === "noHistory"
        ? "timeline.noHistory"
        : history.state === "notChecked" && history.reason === "indexerDown"
          ? "timeline.unavailable"
          : "timeline.rpcFailed";
    section.append(h("p", { class: "timeline-unavailable", "data-why": why }, t.t(why)));
    return section;
  }
  const now = wallClock();
  const who = (account: string | null) =>
    account === null
      ? "?"
      : describeAccount(account, { names: report.names, registry, escrowLabel: t.t("timeline.escrow") });
  const list = h("ol", { class: "timeline-list" });
  for (const event of timeline) {
    const title = titleOf(event, t, who);
    const when =
      event.timestamp === null
        ? null
        : h(
            "time",
            { datetime: new Date(event.timestamp * 1000).toISOString() },
            `${t.relative(event.timestamp, now)} · ${t.dateTime(event.timestamp)}`,
          );
    const block = sentence(t.t("timeline.block"), { block: ltr(t.number(event.blockNumber), "mono") });
    const link =
      registry.explorerUrl === undefined
        ? null
        : h(
            "a",
            { href: `${registry.explorerUrl}/tx/${event.txHash}`, rel: "noopener noreferrer", target: "_blank" },
            t.t("timeline.explorer"),
          );
    const source =
      event.source === "indexer"
        ? null
        : h("p", { class: "timeline-source", "data-source": event.source }, t.t(`timeline.source.${event.source}`));
    list.append(
      h("li", { class: `timeline-event event-${event.kind}`, "data-event": event.kind, "data-source": event.source },
        h("p", { class: "timeline-title" }, title),
        h("p", { class: "timeline-meta" }, when, when === null ? null : " · ", block, link === null ? null : " · ", link),
        source,
      ),
    ); // prettier-ignore
  }
  section.append(list);
  return section;
}

function titleOf(event: TimelineEvent, t: Translator, who: (account: string | null) => Node | string): Node | string {
  switch (event.kind) {
    case "BatchIssued":
      return sentence(t.t("timeline.BatchIssued"), { who: who(event.to) });
    case "LotTransferred": {
      const line = sentence(t.t("timeline.LotTransferred"), { who: who(event.to) });
      line.append(" ", sentence(t.t("timeline.from"), { who: who(event.from) }));
      return line;
    }
    case "LotActivated":
      return sentence(t.t("timeline.LotActivated"), { who: who(event.operator) });
    case "LotRevoked":
      return t.t("timeline.LotRevoked", { reason: reasonText(event.reason ?? 0, t) });
    case "VoucherRedeemed":
      return sentence(t.t("timeline.VoucherRedeemed"), { who: who(event.operator) });
  }
}
