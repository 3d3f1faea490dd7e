import type { CardReport } from "../CardReport.js";
// Types only (erased): the module itself is loaded with import() when the panel opens.
import type * as CodeCheck from "../codeCheck/cardKeyOfTypedCode.js";
import type { Translator } from "../i18n/createTranslator.js";
import { h } from "./h.js";

type CodeCheckModule = typeof CodeCheck;

/**
 * "Check my scratched code": the card key of the code typed here is derived in this page and
 * compared with the card's key from the Merkle proof this browser verified against the on-chain
 * root. Without a verified proof nothing is compared (the printed 8-byte prefix is not enough to
 * say "matches"). The key derivation (secp256k1) is loaded from this page's own origin only when
 * the panel is opened. The code is never sent, stored or logged: no request, no form submission,
 * no storage, and the field is emptied at each check.
 */
export function renderCodeCheck(report: CardReport, t: Translator): HTMLElement | null {
  if (report.verdict === "counterfeit" || report.verdict === "unknownRegistry") return null;
  const heading = h("summary", {}, t.t("code.heading"));
  const proof = report.proof;
  const registry = report.registry;
  if (proof.state !== "verified" || registry === undefined) {
    return h(
      "details",
      { class: "code-check" },
      heading,
      h("p", { id: "code-result", class: "code-result", "data-outcome": "notVerified" }, t.t("code.notVerified")),
    );
  }
  const card = {
    chainId: report.payload.chainId,
    registry: registry.address,
    batchId: report.payload.batchId,
    serial: report.payload.serial,
  };
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
  const button = h("button", { type: "submit", class: "button" }, t.t("code.button"));
  const result = h("p", { id: "code-result", class: "code-result", role: "status" });
  const show = (outcome: string, message: string) => {
    result.textContent = message;
    result.dataset.outcome = outcome;
  };

  let loading: Promise<CodeCheckModule> | undefined;
  const load = (): Promise<CodeCheckModule> => {
    if (loading === undefined) {
      show("loading", t.t("code.loading"));
      button.disabled = true;
      loading = import("../codeCheck/cardKeyOfTypedCode.js").then(
        (module) => {
          button.disabled = false;
          if (result.dataset.outcome === "loading") show("ready", "");
          return module;
        },
        (error: unknown) => {
          loading = undefined; // opening the panel again retries
          button.disabled = false;
          show("loadFailed", t.t("code.loadFailed"));
          throw error;
        },
      );
    }
    return loading;
  };

  const check = async (event: Event) => {
    event.preventDefault();
    const text = input.value;
    input.value = "";
    let module: CodeCheckModule;
    try {
      module = await load();
    } catch {
      return;
    }
    const typed = module.cardKeyOfTypedCode(text, card);
    if (typed.kind === "invalid") {
      show("invalid", t.t(`code.${typed.reason}`, { position: typed.position ?? 0 }));
    } else if (typed.cardKey === proof.cardKey.toLowerCase()) {
      show("match", t.t("code.match"));
    } else {
      show("noMatch", t.t("code.noMatch"));
    }
  };

  const details = h(
    "details",
    { class: "code-check" },
    heading,
    h("p", { id: "code-explain", class: "code-explain" }, t.t("code.explain")),
    h(
      "form",
      { class: "code-form", novalidate: true, on: { submit: (event: Event) => void check(event) } },
      h("label", { for: "code-input" }, t.t("code.label")),
      h("div", { class: "row" }, input, button),
    ),
    result,
  );
  details.addEventListener("toggle", () => {
    if (details.open) void load().catch(() => undefined);
  });
  return details;
}
