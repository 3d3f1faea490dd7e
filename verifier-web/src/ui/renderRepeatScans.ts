import type { RepeatScans } from "../CardReport.js";
import type { Translator } from "../i18n/createTranslator.js";
import { h } from "./h.js";

/** "Checked N times, first on …", like the anti-counterfeit lookups buyers know. */
export function renderRepeatScans(repeat: RepeatScans, t: Translator): HTMLElement {
  const text =
    repeat.count <= 1 || repeat.firstAt === null
      ? t.plural("repeat.times", 1)
      : t.plural("repeat.times", repeat.count, { date: t.dateTime(repeat.firstAt) });
  return h(
    "section",
    { class: "repeat", "data-count": repeat.count },
    h("p", { class: "repeat-count" }, text),
    h("p", { class: "repeat-explain" }, t.t("repeat.explain")),
  );
}
