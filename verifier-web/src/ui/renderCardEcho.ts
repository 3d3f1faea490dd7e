import { formatFaceValue } from "../../../scripts/print/formatFaceValue.js";
import type { CardReport } from "../CardReport.js";
import type { Translator } from "../i18n/createTranslator.js";
import { h, ltr } from "./h.js";

/**
 * What is printed on the card, so the buyer compares: serial, face value and currency (in the card's
 * own format, `50.00 USD`, the same in every language), the supplier's registered name, the batch,
 * and the expiry. Without chain data only the QR's own fields are shown.
 */
export function renderCardEcho(report: CardReport, t: Translator): HTMLElement {
  const { payload, chain } = report;
  const batch = chain?.batch;
  const rows: [string, Node | string][] = [[t.t("echo.serial"), ltr(String(payload.serial), "mono")]];
  if (batch !== undefined) {
    rows.push([t.t("echo.faceValue"), ltr(faceValueText(batch.faceValue, batch.currency), "mono")]);
    rows.push([t.t("echo.supplier"), batch.issuerName ?? h("em", {}, t.t("echo.unnamed"))]);
  }
  rows.push([t.t("echo.batch"), ltr(String(payload.batchId), "mono")]);
  if (batch !== undefined) {
    rows.push([t.t("echo.expires"), batch.expiresAt === 0 ? t.t("echo.never") : t.date(batch.expiresAt)]);
  }
  return h(
    "section",
    { class: "echo", "aria-labelledby": "echo-title" },
    h("h2", { id: "echo-title" }, t.t("echo.heading")),
    h("dl", { class: "echo-list" }, ...rows.flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, value)])),
  );
}

function faceValueText(minorUnits: bigint, currency: string): string {
  try {
    return formatFaceValue(minorUnits, currency);
  } catch {
    return `${minorUnits} ${currency}`;
  }
}
