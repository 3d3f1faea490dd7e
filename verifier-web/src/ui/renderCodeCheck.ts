import { hashCode } from "../../../scripts/lib/hashCode.js";
import { InvalidCodeError } from "../../../scripts/lib/InvalidCodeError.js";
import { parseCode } from "../../../scripts/lib/parseCode.js";
import type { CardReport } from "../CardReport.js";
import type { Translator } from "../i18n/createTranslator.js";
import { h } from "./h.js";

/**
 * "Check my scratched code": the code typed here is parsed and hashed in this page and compared with
 * the card's code hash (the full hash from the proof checked against the chain, or the 8-byte prefix
 * printed in the QR when the proof was not available). The code is never sent, stored or logged: no
 * request, no form submission, no storage, and the field is emptied after each check.
 */
export function renderCodeCheck(report: CardReport, t: Translator): HTMLElement | null {
  if (report.verdict === "counterfeit" || report.verdict === "unknownRegistry") return null;
  const full = report.proof.state === "verified" ? report.proof.codeHash : undefined;
  const prefix = report.payload.codeHashPrefix;
  const input = h("input", {
    id: "code-input",
    type: "text",
    class: "code-input",
    dir: "ltr",
    autocomplete: "off",
    autocapitalize: "characters",
    spellcheck: "false",
    inputmode: "text",
    maxlength: 64,
    "aria-describedby": "code-explain code-result",
  });
  const result = h("p", { id: "code-result", class: "code-result", role: "status" });
  const check = (event: Event) => {
    event.preventDefault();
    let message: string;
    let outcome: "match" | "noMatch" | "invalid";
    try {
      const codeHash = hashCode(parseCode(input.value));
      if (full !== undefined) outcome = codeHash === full.toLowerCase() ? "match" : "noMatch";
      else outcome = codeHash.startsWith(prefix) ? "match" : "noMatch";
      message = outcome === "match" ? t.t(full === undefined ? "code.matchPrefix" : "code.match") : t.t("code.noMatch");
    } catch (error) {
      if (!(error instanceof InvalidCodeError)) throw error;
      outcome = "invalid";
      message = t.t(`code.${error.reason}`, { position: error.position ?? 0 });
    }
    input.value = "";
    result.textContent = message;
    result.dataset.outcome = outcome;
  };
  return h(
    "details",
    { class: "code-check" },
    h("summary", {}, t.t("code.heading")),
    h("p", { id: "code-explain", class: "code-explain" }, t.t("code.explain")),
    h(
      "form",
      { class: "code-form", novalidate: true, on: { submit: check } },
      h("label", { for: "code-input" }, t.t("code.label")),
      h("div", { class: "row" }, input, h("button", { type: "submit", class: "button" }, t.t("code.button"))),
    ),
    result,
  );
}
