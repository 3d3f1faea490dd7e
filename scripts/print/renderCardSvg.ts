import type { CardDrawing, CardLayoutOptions, DrawingItem, DrawingLayer } from "./layoutCard.js";
import { layoutCard } from "./layoutCard.js";
import type { TextFont } from "./measureText.js";
import type { PrintableCard } from "./PrintableCard.js";

/** How {@link renderCardSvg} renders a card. */
export type CardSvgOptions = CardLayoutOptions & {
  /** Draw the card's rounded outline (for screens and proofs; cut marks replace it on sheets). Default true. */
  border?: boolean;
};

/** Helvetica where the system has it, else a metric look-alike, else DejaVu Sans (PNG cards). */
const SANS = "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif";
const MONO = "'Courier New', Courier, 'Liberation Mono', 'DejaVu Sans Mono', monospace";
/** ISO/IEC 7810 ID-1 corner radius. */
const CORNER_RADIUS = 3.18;
const LAYER_IDS: Readonly<Record<DrawingLayer, string>> = { public: "public", scratch: "scratch-area" };

/**
 * One card as a standalone SVG document, in millimetres (`width="85.6mm"`), every QR module a vector
 * rectangle with `shape-rendering="crispEdges"`, so it stays sharp at any print resolution. The
 * public side is `<g id="public">`; what the scratch panel covers is `<g id="scratch-area">`.
 *
 * @throws {RangeError} as {@link layoutCard} for an invalid card; messages never contain the code.
 */
export function renderCardSvg(card: PrintableCard, options: CardSvgOptions): string {
  return drawingToSvg(
    layoutCard(card, options),
    options.border ?? true,
    `Card ${card.serial} of batch ${card.batchId}`,
  );
}

function drawingToSvg(drawing: CardDrawing, border: boolean, title: string): string {
  const width = num(drawing.width);
  const height = num(drawing.height);
  const parts = [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}mm" height="${height}mm" viewBox="0 0 ${width} ${height}">\n`,
    `<title>${escapeXml(title)}</title>\n`,
    `<rect width="${width}" height="${height}" rx="${CORNER_RADIUS}" fill="#ffffff"`,
    border ? ' stroke="#9a9a9a" stroke-width="0.2"/>\n' : "/>\n",
  ];
  for (const layer of ["public", "scratch"] as const) {
    parts.push(`<g id="${LAYER_IDS[layer]}">\n`);
    for (const item of drawing.items) if (item.layer === layer) parts.push(itemToSvg(item), "\n");
    parts.push("</g>\n");
  }
  parts.push("</svg>\n");
  return parts.join("");
}

function itemToSvg(item: DrawingItem): string {
  switch (item.kind) {
    case "qr": {
      // One path in module units, one subpath per run of dark modules.
      const d = item.matrix.runs.map((run) => `M${run.column} ${run.row}h${run.length}v1h-${run.length}z`).join("");
      const scale = num(item.size / item.matrix.size);
      return `<path transform="translate(${num(item.x)} ${num(item.y)}) scale(${scale})" fill="#000000" shape-rendering="crispEdges" d="${d}"/>`;
    }
    case "text":
      return (
        `<text x="${num(item.x)}" y="${num(item.y)}" font-family="${fontFamily(item.font)}" font-size="${num(item.size)}"` +
        `${item.font === "regular" ? "" : ' font-weight="bold"'}${item.anchor === "start" ? "" : ` text-anchor="${item.anchor}"`}` +
        ` fill="#000000" xml:space="preserve">${escapeXml(item.text)}</text>`
      );
    case "rect":
      return (
        `<rect x="${num(item.x)}" y="${num(item.y)}" width="${num(item.width)}" height="${num(item.height)}" rx="${num(item.radius)}"` +
        ` fill="none" stroke="#000000" stroke-width="${num(item.stroke)}"` +
        `${item.dash.length > 0 ? ` stroke-dasharray="${item.dash.map(num).join(" ")}"` : ""}/>`
      );
  }
}

function fontFamily(font: TextFont): string {
  return font === "mono" ? MONO : SANS;
}

/** A length with at most 3 decimals (micrometres), without trailing zeros. */
function num(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

/** Escapes text for an element or attribute; drops characters XML 1.0 forbids. */
function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}
