import type { CardReport, HistoryProblem } from "../CardReport.js";
import type { Translator } from "../i18n/createTranslator.js";
import { h, ltr, sentence } from "./h.js";
import { proofNotCheckedText, sourceName } from "./renderVerdict.js";

type Mark = "pass" | "fail" | "warn" | "info";

const MARKS: Record<Mark, string> = { pass: "✓", fail: "✕", warn: "!", info: "•" };

/**
 * Which checks passed and how: the registry on the allowlist, the status read from the chain at
 * block N, the proof checked in this browser against the on-chain root (and from which source),
 * the history service's events checked one by one against the node, and how much of the batch's
 * history that covers. Each line has a mark and a sentence; nothing is implied.
 */
export function renderEvidence(report: CardReport, t: Translator): HTMLElement {
  const items: [Mark, string, Node | string][] = [];
  const { registry, payload, chain, proof } = report;
  if (registry === undefined) {
    items.push([
      "fail",
      "registry",
      sentence(t.t("evidence.registryUnknown"), {
        registry: ltr(payload.registryPrefix, "hex"),
        chainId: ltr(String(payload.chainId), "mono"),
      }),
    ]);
  } else {
    items.push([
      "pass",
      "registry",
      sentence(t.t("evidence.registry"), {
        registry: ltr(registry.address, "hex"),
        chain:
          registry.chainName ?? sentence(t.t("evidence.chain"), { chainId: ltr(String(registry.chainId), "mono") }),
      }),
    ]);
  }
  if (report.verdict === "unavailable" && registry !== undefined) {
    const node = registry.rpcUrls[0] === undefined ? "" : new URL(registry.rpcUrls[0]).host;
    items.push(["warn", "status", sentence(t.t("evidence.unavailable"), { node: ltr(node, "mono") })]);
  }
  if (chain !== undefined) {
    items.push([
      chain.issued && chain.status !== "Unknown" ? "pass" : "fail",
      "status",
      sentence(t.t("evidence.status"), {
        block: ltr(t.number(chain.blockNumber), "mono"),
        status: h("strong", {}, t.t(`status.${chain.status}`)),
      }),
    ]);
  }
  if (proof.state === "verified") {
    items.push([
      "pass",
      "proof",
      t.t("evidence.proof.verified", {
        depth: t.number(proof.depth),
        count: t.number(chain?.batch?.count ?? 0),
        source: sourceName(proof.source, t),
      }),
    ]);
    // A source before it served a proof that does not reach the root: say so, though another proved the card.
    if (proof.badSources.length > 0) {
      const sources = proof.badSources.map((label) => sourceName(label, t)).join(", ");
      items.push(["warn", "badSource", t.t("evidence.proof.badSource", { sources })]);
    }
  } else if (proof.state === "failed") {
    items.push(["fail", "proof", t.t("evidence.proof.cardKeyMismatch", { source: sourceName(proof.source, t) })]);
  } else if (proof.reason !== "noChain") {
    items.push([proof.reason === "badProof" ? "fail" : "warn", "proof", proofNotCheckedText(proof, t)]);
  }
  if (chain?.batch !== undefined) items.push(...historyItems(report, t));
  return h(
    "section",
    { class: "evidence", "aria-labelledby": "evidence-title" },
    h("h2", { id: "evidence-title" }, t.t("evidence.heading")),
    h(
      "ul",
      { class: "checks" },
      ...items.map(([mark, check, text]) =>
        h(
          "li",
          { class: `check check-${mark}`, "data-check": check, "data-result": mark },
          h("span", { class: "check-mark", "aria-hidden": "true" }, MARKS[mark]),
          h("span", { class: "check-text" }, text),
        ),
      ),
    ),
  );
}

/** The history lines: what was checked against the node, what it covers, or what was wrong. */
function historyItems(report: CardReport, t: Translator): [Mark, string, Node | string][] {
  const { history } = report;
  if (history.state === "notChecked") {
    return history.reason === "noBatch" ? [] : [["warn", "history", t.t(`evidence.history.${history.reason}`)]];
  }
  if (history.problems.length > 0) {
    const list = h(
      "ul",
      { class: "history-problems" },
      ...history.problems.map((problem) => h("li", { "data-problem": problem.kind }, problemText(problem, t))),
    );
    return [["fail", "history", h("span", {}, t.t("evidence.history.altered"), list)]];
  }
  const seq = t.number(history.batchSeq);
  const items: [Mark, string, Node | string][] = [
    ["pass", "history", t.t("evidence.history.checked", { shown: t.number(history.shown) })],
    history.unfetched === 0
      ? ["pass", "completeness", t.t("evidence.history.complete", { seq })]
      : ["info", "completeness", t.t("evidence.history.partial", { seq, unfetched: t.number(history.unfetched) })],
  ];
  if (history.fromNode > 0) {
    items.push(["info", "fromNode", t.t("evidence.history.fromNode", { count: t.number(history.fromNode) })]);
  }
  return items;
}

function problemText(problem: HistoryProblem, t: Translator): string {
  const eventName = (kind: string) =>
    ["BatchIssued", "LotTransferred", "LotActivated", "LotRevoked", "VoucherRedeemed"].includes(kind)
      ? t.t(`event.${kind as "BatchIssued"}`)
      : kind;
  switch (problem.kind) {
    case "notOnChain":
      return t.t("history.problem.notOnChain", {
        event: eventName(problem.event),
        block: problem.blockNumber === null ? "?" : t.number(problem.blockNumber),
      });
    case "altered":
      return t.t("history.problem.altered", {
        seq: t.number(problem.seq),
        event: eventName(problem.event),
        fields: problem.fields.join(", "),
      });
    case "listedTwice":
    case "omitted":
    case "hashLink":
    case "custodyGap":
      return t.t(`history.problem.${problem.kind}`, { seq: t.number(problem.seq), event: eventName(problem.event) });
    case "noIssuance":
      return t.t("history.problem.noIssuance");
    case "stateDiffers":
      return t.t("history.problem.stateDiffers", {
        fields: problem.fields.map((field) => t.t(`history.field.${field}`)).join(", "),
      });
  }
}
