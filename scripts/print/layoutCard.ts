import { cardUrl, encodeCardPayload } from "../lib/cardPayload.js";
import { formatCode } from "../lib/formatCode.js";
import { deriveCardKey } from "../lib/deriveCardKey.js";
import { encodeSecretPayload } from "../lib/secretPayload.js";
import { createQrMatrix } from "./createQrMatrix.js";
import type { QrMatrix } from "./createQrMatrix.js";
import { formatFaceValue } from "./formatFaceValue.js";
import type { TextFont } from "./measureText.js";
import { measureText } from "./measureText.js";
import type { PrintableCard } from "./PrintableCard.js";

/** ISO/IEC 7810 ID-1 (credit card) width, in millimetres. */
export const CARD_WIDTH_MM = 85.6;
/** ISO/IEC 7810 ID-1 (credit card) height, in millimetres. */
export const CARD_HEIGHT_MM = 53.98;

/**
 * Which side of the scratch panel an item is on: `scratch` items (the secret code and its QR) are
 * hidden under the panel, so renderers group them (an SVG `<g id="scratch-area">`) for the printer.
 */
export type DrawingLayer = "public" | "scratch";

/** One thing drawn on a card; lengths in millimetres, origin at the card's top-left, y downwards. */
export type DrawingItem =
  | {
      kind: "qr";
      layer: DrawingLayer;
      /** Top-left corner of the symbol (its quiet zone lies outside, kept free by the layout). */
      x: number;
      y: number;
      /** Width of the symbol without quiet zone. */
      size: number;
      matrix: QrMatrix;
    }
  | {
      kind: "text";
      layer: DrawingLayer;
      /** Anchor point on the baseline. */
      x: number;
      y: number;
      text: string;
      font: TextFont;
      /** Font size (em height). */
      size: number;
      anchor: "start" | "middle" | "end";
    }
  | {
      kind: "rect";
      layer: DrawingLayer;
      x: number;
      y: number;
      width: number;
      height: number;
      /** Corner radius. */
      radius: number;
      /** Outline width; rectangles are outlines, never filled. */
      stroke: number;
      /** Dash and gap lengths, or empty for a solid line. */
      dash: readonly number[];
    };

/** A card laid out, ready for {@link renderCardSvg} or a PDF sheet. */
export type CardDrawing = {
  width: number;
  height: number;
  /** The link in the public QR ({@link cardUrl}). */
  url: string;
  items: readonly DrawingItem[];
};

/** How a card is laid out. */
export type CardLayoutOptions = {
  /** The verifier's base URL, e.g. `https://verify.cardproof.example/`; see {@link cardUrl}. */
  verifierBase: string;
};

/** Text columns: left under the public QR, right beside it. */
const LEFT = { x: 4, width: 23.5 };
const RIGHT = { x: 31, width: 51.1 };
/** Public QR symbol: 21 mm, so a version 6 symbol has 0.51 mm modules (read by phones at 2 cm). */
const PUBLIC_QR = { x: 4.5, y: 4.5, size: 21 };
/** The area the scratch panel covers, and the secret QR in it (version 3: 0.45 mm modules). */
const SCRATCH = { x: RIGHT.x, y: 31, width: RIGHT.width, height: 19.5 };
const SECRET_QR = { x: SCRATCH.x + SCRATCH.width - 2.3 - 13, y: SCRATCH.y + (SCRATCH.height - 13) / 2, size: 13 };
/**
 * SVG and PNG cards may be set in DejaVu Sans instead of Helvetica, up to about 10% wider: text is
 * fitted as if it were that much wider than Helvetica's metrics say.
 */
const WIDTH_MARGIN = 1.1;

/**
 * Lays out one card (85.6 × 53.98 mm): the public QR with "Scan to check" and the verifier's host
 * under it; beside it the supplier, face value, serial, batch and expiry; below those, the scratch
 * area with the secret code in four groups (`formatCode`) and the redemption QR
 * (`encodeSecretPayload`). Long supplier names and face values shrink, then end in "…".
 *
 * @throws {RangeError} when a field is invalid (a code that is not canonical, a bad currency, a
 *         supplier name with control characters, ids out of range); messages never contain the code.
 */
export function layoutCard(card: PrintableCard, { verifierBase }: CardLayoutOptions): CardDrawing {
  if (card.supplierName.trim() === "" || /\p{Cc}/u.test(card.supplierName)) {
    throw new RangeError(`supplierName must be a non-empty line of text, got ${JSON.stringify(card.supplierName)}`);
  }
  if (!Number.isSafeInteger(card.expiresAt) || card.expiresAt < 0 || card.expiresAt > 2 ** 32 - 1) {
    throw new RangeError(`expiresAt ${card.expiresAt} is not a uint32 Unix time`);
  }
  const formattedCode = formatCode(card.code);
  const where = { chainId: card.chainId, registry: card.registry, batchId: card.batchId, serial: card.serial };
  const cardKey = card.cardKey ?? deriveCardKey({ ...where, code: card.code });
  const payload = encodeCardPayload({ ...where, cardKey });
  const url = cardUrl(verifierBase, payload);
  const host = new URL(verifierBase).host;
  const secret = encodeSecretPayload({ code: card.code, batchId: card.batchId, serial: card.serial });

  const items: DrawingItem[] = [];
  const text = (
    layer: DrawingLayer,
    x: number,
    y: number,
    value: string,
    font: TextFont,
    size: number,
    anchor: "start" | "middle" | "end" = "start",
    maxWidth = Infinity,
  ) => items.push({ kind: "text", layer, x, y, font, anchor, ...fitText(value, font, size, maxWidth) });

  // Public side: the QR a buyer scans before paying, and what it is about.
  items.push({ kind: "qr", layer: "public", ...PUBLIC_QR, matrix: createQrMatrix(url, "Q") });
  const leftCentre = LEFT.x + LEFT.width / 2;
  text("public", leftCentre, 31.2, "Scan to check", "bold", 2.3, "middle", LEFT.width);
  text("public", leftCentre, 34, host, "regular", 1.9, "middle", LEFT.width);
  text("public", leftCentre, 45.5, "Do not buy if the", "regular", 1.8, "middle", LEFT.width);
  text("public", leftCentre, 48.2, "panel is scratched", "regular", 1.8, "middle", LEFT.width);

  text("public", RIGHT.x, 8.3, card.supplierName.trim(), "bold", 3.2, "start", RIGHT.width);
  text("public", RIGHT.x, 16.2, formatFaceValue(card.faceValue, card.currency), "bold", 6.6, "start", RIGHT.width);
  text("public", RIGHT.x, 20.8, `Serial ${card.serial}`, "regular", 2.3, "start", RIGHT.width);
  text("public", RIGHT.x, 23.9, `Batch ${card.batchId}`, "regular", 2.3, "start", RIGHT.width);
  text("public", RIGHT.x, 27, formatExpiry(card.expiresAt), "regular", 2.3, "start", RIGHT.width);

  // The scratch area: outlined and labelled on the public side, its contents on the scratch layer.
  text("public", SCRATCH.x, SCRATCH.y - 1, "SCRATCH AREA", "bold", 1.9);
  items.push({ kind: "rect", layer: "public", ...SCRATCH, radius: 1.5, stroke: 0.25, dash: [1, 0.7] });
  const codeX = SCRATCH.x + 2;
  text("scratch", codeX, SCRATCH.y + 4.2, "REDEMPTION CODE", "regular", 1.7);
  text("scratch", codeX, SCRATCH.y + 9.4, formattedCode.slice(0, 11), "mono", 3.4);
  text("scratch", codeX, SCRATCH.y + 14.2, formattedCode.slice(12), "mono", 3.4);
  text("scratch", codeX, SCRATCH.y + 17.9, "Secret: do not share", "regular", 1.7);
  items.push({ kind: "qr", layer: "scratch", ...SECRET_QR, matrix: createQrMatrix(secret, "Q") });

  return { width: CARD_WIDTH_MM, height: CARD_HEIGHT_MM, url, items };
}

/** The expiry as an exact instant in UTC, since cards cross time zones: "Expires 2027-12-31 00:00 UTC". */
function formatExpiry(expiresAt: number): string {
  if (expiresAt === 0) return "No expiry";
  const iso = new Date(expiresAt * 1000).toISOString();
  return `Expires ${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Shrinks `value` down to 70% of `size` to fit `maxWidth`, then cuts it and ends it with "…". */
function fitText(value: string, font: TextFont, size: number, maxWidth: number): { text: string; size: number } {
  const widthAt = (candidate: string, candidateSize: number) =>
    measureText(candidate, font, candidateSize) * WIDTH_MARGIN;
  const natural = widthAt(value, size);
  if (natural <= maxWidth) return { text: value, size };
  const shrunk = Math.max(size * 0.7, (size * maxWidth) / natural);
  if (widthAt(value, shrunk) <= maxWidth) return { text: value, size: shrunk };
  const chars = [...value];
  while (chars.length > 0 && widthAt(`${chars.join("").trimEnd()}…`, shrunk) > maxWidth) chars.pop();
  return { text: `${chars.join("").trimEnd()}…`, size: shrunk };
}
