import type { CardReport } from "../CardReport.js";
import type { Translator } from "../i18n/createTranslator.js";
import { h, ltr, sentence } from "./h.js";

type Mark = "pass" | "fail" | "warn" | "info";

const MARKS: Record<Mark, string> = { pass: "✓", fail: "✕", warn: "!", info: "•" };

/**
 * Which checks passed and how: the registry on the allowlist, the proof checked in this browser
 * against the on-chain root, the status read from the chain at block N, the indexer's history
 * compared with the on-chain hash chain. Each line has a mark and a sentence; nothing is implied.
 */
export function renderEvidence(report: CardReport, t: Translator): HTMLElement {
  const items: [Mark, string, Node | string][] = [];
  const { registry, payload, chain, proof, history } = report;
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
      t.t("evidence.proof.verified", { depth: t.number(proof.depth), count: t.number(chain?.batch?.count ?? 0) }),
    ]);
  } else if (proof.state === "failed") {
    items.push(["fail", "proof", t.t(`evidence.proof.${proof.reason}`)]);
  } else if (proof.reason !== "noChain") {
    items.push(["warn", "proof", t.t(`evidence.proof.${proof.reason}`)]);
  }
  if (chain?.batch !== undefined) {
    switch (history.state) {
      case "matches":
        items.push([
          "pass",
          "history",
          t.t("evidence.history.matches", { seq: t.number(history.seq), block: t.number(history.blockNumber) }),
        ]);
        break;
      case "behind":
        items.push([
          "warn",
          "history",
          t.t("evidence.history.behind", {
            indexed: t.number(history.indexedSeq),
            onChain: t.number(history.chainSeq),
          }),
        ]);
        break;
      case "mismatch":
        items.push(["fail", "history", t.t("evidence.history.mismatch")]);
        break;
      case "notChecked":
        items.push(["warn", "history", t.t("evidence.history.notChecked")]);
        break;
    }
  }
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
