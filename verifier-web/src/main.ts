import "./styles.css";

import { parseCardUrl, type CardPayload } from "../../scripts/lib/cardPayload.js";
import { InvalidCardPayloadError } from "../../scripts/lib/InvalidCardPayloadError.js";
import type { CardReport } from "./CardReport.js";
import { createTranslator, type Translator } from "./i18n/createTranslator.js";
import { LANGUAGES, pickLanguage, type Language } from "./i18n/languages.js";
import { loadPageConfig, type PageConfig, type RegistryConfig } from "./pageConfig.js";
import { takeFragment } from "./takeFragment.js";
import { createInputPanel } from "./ui/createInputPanel.js";
import { h } from "./ui/h.js";
import { icon } from "./ui/icon.js";
import { renderCardEcho } from "./ui/renderCardEcho.js";
import { renderCodeCheck } from "./ui/renderCodeCheck.js";
import { renderEvidence } from "./ui/renderEvidence.js";
import { renderRepeatScans } from "./ui/renderRepeatScans.js";
import { renderTimeline } from "./ui/renderTimeline.js";
import { renderVerdict } from "./ui/renderVerdict.js";
import { verifyCard } from "./verifyCard.js";

/** Where the chosen language is remembered (this browser only). */
const LANGUAGE_KEY = "cardproof.language";
/** Cards counted on the indexer in this browser session, so a reload or Retry is not counted again. */
const COUNTED_KEY = "cardproof.counted";

/** What the page shows: nothing yet, a check in flight, its report, or unreadable input. */
type View =
  | { kind: "idle" }
  | { kind: "checking"; payload: CardPayload }
  | { kind: "report"; report: CardReport; text: string }
  | { kind: "invalid"; reason: InvalidCardPayloadError["reason"] | "printedForV1" }
  | { kind: "configError" };

const state: { t: Translator; view: View; config: Promise<PageConfig>; run: number } = {
  t: undefined as unknown as Translator,
  view: { kind: "idle" },
  config: loadPageConfig(document.baseURI),
  run: 0,
};
let panel: ReturnType<typeof createInputPanel> | undefined;

void start();

async function start(): Promise<void> {
  const saved = readStorage(localStorage, LANGUAGE_KEY);
  const language = pickLanguage([...(saved === undefined ? [] : [saved]), ...navigator.languages]);
  await useLanguage(language);
  const fragment = takeFragment(location, history);
  if (fragment === undefined) render();
  else void check(fragment);
}

async function useLanguage(language: Language): Promise<void> {
  state.t = createTranslator(language, await language.load());
  document.documentElement.lang = language.tag;
  document.documentElement.dir = language.dir;
  document.title = state.t.t("app.title");
}

/** Reads a scanned, pasted or linked text and checks the card. */
async function check(text: string): Promise<void> {
  let payload: CardPayload;
  try {
    payload = parseCardUrl(text);
  } catch (error) {
    if (!(error instanceof InvalidCardPayloadError)) throw error;
    state.view = { kind: "invalid", reason: isVersion1(error, text) ? "printedForV1" : error.reason };
    render();
    return;
  }
  const run = ++state.run;
  state.view = { kind: "checking", payload };
  render();
  let config: PageConfig;
  try {
    config = await state.config;
  } catch {
    state.config = loadPageConfig(document.baseURI); // a Retry reloads it
    state.view = { kind: "configError" };
    render();
    return;
  }
  const report = await verifyCard(payload, config, {
    countCheck: (registry) => firstCheckInSession(registry, payload),
  });
  if (run !== state.run) return; // a newer check replaced this one
  state.view = { kind: "report", report, text };
  render();
  document.getElementById("verdict-title")?.focus();
  performance.mark("cardproof:verdict", { detail: report.verdict });
}

/**
 * Whether a refused payload is a version 1 card (CardProof v1: a code-hash prefix, registry v1):
 * its digits start with 1. Such a card is never checked, and says so rather than "newer version".
 */
function isVersion1(error: InvalidCardPayloadError, text: string): boolean {
  const digits = /(?:^|#)\s*(\d+)\s*$/.exec(text.trim())?.[1];
  return error.reason === "version" && digits !== undefined && digits.startsWith("1");
}

function render(): void {
  const { t, view } = state;
  panel?.stopCamera();
  const main = h("main", { id: "main", tabindex: "-1" });
  const result = h("div", { class: "result", "aria-live": "polite" });
  main.append(result);
  switch (view.kind) {
    case "checking":
      result.append(
        h(
          "p",
          { class: "checking", "aria-busy": "true" },
          h("span", { class: "spinner", "aria-hidden": "true" }),
          t.t("app.checking"),
        ),
      );
      break;
    case "invalid":
      result.append(
        h("section", { class: "verdict verdict-invalid", "data-verdict": "invalid" },
          h("div", { class: "verdict-badge", "aria-hidden": "true" }, icon("question")),
          h("div", { class: "verdict-body" },
            h("h2", { class: "verdict-title" }, t.t("invalid.title")),
            h("p", { class: "verdict-text" }, t.t(`invalid.${view.reason === "code" || view.reason === "public" ? "malformed" : view.reason}`)),
          ),
        ),
      ); // prettier-ignore
      break;
    case "configError":
      result.append(
        h(
          "section",
          { class: "verdict verdict-unavailable", "data-verdict": "configError" },
          h("div", { class: "verdict-body" }, h("p", { class: "verdict-text" }, t.t("app.configError"))),
        ),
      );
      break;
    case "report": {
      const { report, text } = view;
      result.append(renderVerdict(report, t, () => void check(text)));
      result.append(renderCardEcho(report, t));
      if (report.repeat !== undefined) result.append(renderRepeatScans(report.repeat, t));
      const code = renderCodeCheck(report, t);
      if (code !== null) result.append(code);
      result.append(renderEvidence(report, t));
      const timeline = renderTimeline(report, t);
      if (timeline !== null) result.append(timeline);
      break;
    }
    case "idle":
      break;
  }
  panel = createInputPanel(t, { again: view.kind !== "idle", onText: (text) => void check(text) });
  main.append(panel.element);

  const select = h("select", { id: "language", class: "language-select" });
  for (const language of LANGUAGES) {
    const option = h("option", { value: language.tag, lang: language.tag }, language.name);
    option.selected = language.tag === t.language.tag;
    select.append(option);
  }
  select.addEventListener("change", () => {
    const language = LANGUAGES.find((item) => item.tag === select.value) ?? LANGUAGES[0]!;
    writeStorage(localStorage, LANGUAGE_KEY, language.tag);
    void useLanguage(language).then(() => {
      render();
      document.getElementById("language")?.focus();
    });
  });
  const header = h(
    "header",
    { class: "header" },
    h("div", { class: "brand" }, h("h1", {}, t.t("app.title")), h("p", { class: "tagline" }, t.t("app.tagline"))),
    h("div", { class: "language" }, h("label", { for: "language" }, t.t("app.language")), select),
  );
  const footer = h("footer", { class: "footer" }, h("p", {}, t.t("footer.privacy")));
  document.body.replaceChildren(header, main, footer);
  document.body.dataset.view = view.kind;
}

/**
 * Whether to count this check on the indexer: the first check of this card (on this registry) in
 * this browser session. Remembered in `sessionStorage`, which the browser drops with the tab.
 */
function firstCheckInSession(registry: RegistryConfig, payload: CardPayload): boolean {
  const key = `${registry.chainId}:${registry.address}:${payload.batchId}:${payload.serial}`;
  const counted = (readStorage(sessionStorage, COUNTED_KEY) ?? "").split(" ");
  if (counted.includes(key)) return false;
  writeStorage(sessionStorage, COUNTED_KEY, [...counted.slice(-50), key].join(" ").trim());
  return true;
}

function readStorage(storage: Storage, key: string): string | undefined {
  try {
    return storage.getItem(key) ?? undefined;
  } catch {
    return undefined; // storage disabled
  }
}

function writeStorage(storage: Storage, key: string, value: string): void {
  try {
    storage.setItem(key, value);
  } catch {
    // storage disabled: nothing is remembered
  }
}
