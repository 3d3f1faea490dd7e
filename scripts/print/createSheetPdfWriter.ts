import { createWriteStream } from "node:fs";
import type { Writable } from "node:stream";
import { deflateSync } from "node:zlib";

import { createPdfWriter, pdfLiteralString } from "./createPdfWriter.js";
import { formatSerialRanges } from "./formatSerialRanges.js";
import type { CardDrawing, CardLayoutOptions, DrawingItem } from "./layoutCard.js";
import { layoutCard } from "./layoutCard.js";
import type { TextFont } from "./measureText.js";
import { measureText } from "./measureText.js";
import type { PrintableCard } from "./PrintableCard.js";
import type { SheetLayout } from "./sheetLayout.js";
import { A4_TEN_UP, assertSheetLayout, cardPosition, cardsPerPage, gridSize } from "./sheetLayout.js";
import { toWinAnsi } from "./winAnsi.js";

/** Where and how {@link createSheetPdfWriter} prints. */
export type SheetPdfWriterOptions = CardLayoutOptions & {
  /** A file path, or a stream; {@link SheetPdfWriter.close} ends it either way. */
  output: string | Writable;
  /** Page and grid; {@link A4_TEN_UP} by default. */
  layout?: SheetLayout;
};

/** What {@link SheetPdfWriter.close} reports. */
export type SheetPdfSummary = { pages: number; cards: number; bytes: number };

/** A PDF of card sheets being written; see {@link createSheetPdfWriter}. */
export type SheetPdfWriter = {
  /**
   * Lays the card out and adds it to the current page; a full page is written out at once. Await
   * each call (calls made without waiting are queued in order).
   *
   * @throws {RangeError} for an invalid card (see `layoutCard`), a card of another batch than the
   *         first, or text the PDF standard fonts cannot show; the sheet stays usable. Write errors
   *         of the output reject this call or a later one.
   */
  addCard(card: PrintableCard): Promise<void>;
  /** Writes the last page, the document's catalogue and cross-reference table, and ends the output. */
  close(): Promise<SheetPdfSummary>;
};

/** Points per millimetre. */
const PT_PER_MM = 72 / 25.4;
/** The standard fonts a sheet uses, with their resource names; WinAnsi-encoded, never embedded. */
const FONTS: readonly { font: TextFont; resource: string; baseFont: string }[] = [
  { font: "regular", resource: "F1", baseFont: "Helvetica" },
  { font: "bold", resource: "F2", baseFont: "Helvetica-Bold" },
  { font: "mono", resource: "F3", baseFont: "Courier-Bold" },
];
const FONT_RESOURCE = Object.fromEntries(FONTS.map(({ font, resource }) => [font, resource])) as Record<
  TextFont,
  string
>;
/** Cut marks: hairline (0.1 mm), 4 mm long, starting 1.5 mm outside the grid. */
const MARK = { width: 0.1, length: 4, offset: 1.5 };
/** Footer text: Helvetica 2.6 mm (7.4 pt), its baseline 10 mm under the grid. */
const FOOTER = { size: 2.6, below: 10 };
/** Bézier handle length of a quarter circle, as a fraction of the radius. */
const KAPPA = 0.5523;

/**
 * Starts a printable PDF 1.4 of card sheets: by default A4 pages of 2 × 5 credit-card-size cards
 * ({@link A4_TEN_UP}), with cut marks around the grid at every cut line and a footer naming the
 * page's serials (as ranges), the batch and the page number. Every QR module is a vector rectangle;
 * text is set in the PDF standard fonts (Helvetica, Courier), so nothing is embedded and the
 * characters are those of WinAnsi (Western European). One sheet file holds one batch.
 *
 * @dev Streaming: a page is laid out, deflated and written as soon as its last card arrives, and the
 *      writer keeps only the current page's cards and one byte offset per PDF object, so memory stays
 *      flat for any number of cards (a 1,000-card run: see scripts/print/README.md).
 * @throws {RangeError} when `verifierBase` or `layout` is invalid, or the layout leaves no room for the
 *         cut marks (5.5 mm around the grid) or the footer (11 mm under it).
 */
export function createSheetPdfWriter({
  output,
  layout = A4_TEN_UP,
  verifierBase,
}: SheetPdfWriterOptions): SheetPdfWriter {
  assertSheetLayout(layout);
  const grid = gridSize(layout);
  const reach = MARK.offset + MARK.length;
  if (layout.left < reach || layout.top < reach || layout.pageWidth - layout.left - grid.width < reach) {
    throw new RangeError(`the cut marks need ${reach} mm of paper around the card grid`);
  }
  if (layout.pageHeight - layout.top - grid.height < FOOTER.below + 1) {
    throw new RangeError(`the footer needs ${FOOTER.below + 1} mm of paper under the card grid`);
  }
  new URL(verifierBase); // Fails fast on a malformed base; layoutCard checks the rest per card.
  const stream = typeof output === "string" ? createWriteStream(output) : output;
  const pdf = createPdfWriter(stream);
  const catalog = pdf.reserve();
  const pages = pdf.reserve();
  const fonts = FONTS.map(() => pdf.reserve());
  const info = pdf.reserve();
  const pageIds: number[] = [];
  const perPage = cardsPerPage(layout);
  const mediaBox = `[0 0 ${num(layout.pageWidth * PT_PER_MM)} ${num(layout.pageHeight * PT_PER_MM)}]`;
  const fontResources = FONTS.map(({ resource }, i) => `/${resource} ${fonts[i]} 0 R`).join(" ");

  let current: { operators: string; serial: number }[] = [];
  let batchId: bigint | undefined;
  let cards = 0;
  let closed = false;
  let queue: Promise<void> = Promise.resolve();

  const writePage = async (onPage: { operators: string; serial: number }[]) => {
    const pageNumber = pageIds.length + 1;
    // Millimetres, y down; 6 decimals keep the scale exact to 0.1 µm across the page.
    const scale = PT_PER_MM.toFixed(6);
    let content = `q ${scale} 0 0 -${scale} 0 ${(layout.pageHeight * PT_PER_MM).toFixed(6)} cm\n`;
    onPage.forEach(({ operators }, index) => {
      const { x, y } = cardPosition(layout, index);
      content += `q 1 0 0 1 ${num(x)} ${num(y)} cm\n${operators}Q\n`;
    });
    content += cutMarks(layout, grid);
    content += footer(
      layout,
      grid,
      batchId,
      onPage.map(({ serial }) => serial),
      pageNumber,
    );
    content += "Q\n";
    const contentId = pdf.reserve();
    const pageId = pdf.reserve();
    pageIds.push(pageId);
    await pdf.writeStream(contentId, "/Filter /FlateDecode", deflateSync(Buffer.from(content, "latin1")));
    await pdf.writeObject(
      pageId,
      `<< /Type /Page /Parent ${pages} 0 R /MediaBox ${mediaBox} ` +
        `/Resources << /Font << ${fontResources} >> /ProcSet [/PDF /Text] >> /Contents ${contentId} 0 R >>`,
    );
  };

  const enqueue = (task: () => Promise<void>) => {
    const done = queue.then(task);
    queue = done.catch(() => undefined);
    return done;
  };

  return {
    async addCard(card) {
      if (closed) throw new Error("addCard after close: start a new sheet writer");
      if (batchId !== undefined && card.batchId !== batchId) {
        throw new RangeError(`card of batch ${card.batchId} on a sheet of batch ${batchId}: one sheet file per batch`);
      }
      toWinAnsi(card.supplierName, "supplierName");
      const operators = drawingOperators(layoutCard(card, { verifierBase }));
      batchId = card.batchId;
      cards++;
      await enqueue(async () => {
        current.push({ operators, serial: card.serial });
        if (current.length === perPage) {
          const full = current;
          current = [];
          await writePage(full);
        }
      });
    },
    async close() {
      if (closed) throw new Error("the sheet writer is already closed");
      closed = true;
      await enqueue(async () => {
        if (current.length > 0 || pageIds.length === 0) await writePage(current);
        current = [];
      });
      for (const [i, { baseFont }] of FONTS.entries()) {
        await pdf.writeObject(
          fonts[i]!,
          `<< /Type /Font /Subtype /Type1 /BaseFont /${baseFont} /Encoding /WinAnsiEncoding >>`,
        );
      }
      await pdf.writeObject(
        pages,
        `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${pageIds.length} >>`,
      );
      await pdf.writeObject(catalog, `<< /Type /Catalog /Pages ${pages} 0 R >>`);
      const title = batchId === undefined ? "CardProof cards" : `CardProof cards, batch ${batchId}`;
      await pdf.writeObject(info, `<< /Title ${pdfLiteralString(toWinAnsi(title, "title"))} /Producer (CardProof) >>`);
      const bytes = await pdf.end(catalog, info);
      return { pages: pageIds.length, cards, bytes };
    },
  };
}

/**
 * PDF content operators drawing one card in its own millimetre space (origin top-left, y down; the
 * page's transformation sets that up). Text matrices flip y back so glyphs stand upright.
 *
 * @throws {RangeError} when a text has characters outside WinAnsi (the caller checks the supplier
 *         name first, the only free text; the secret code is canonical ASCII).
 */
function drawingOperators(drawing: CardDrawing): string {
  let out = "";
  for (const item of drawing.items) out += itemOperators(item);
  return out;
}

function itemOperators(item: DrawingItem): string {
  switch (item.kind) {
    case "qr": {
      let out = `q 1 0 0 1 ${num(item.x)} ${num(item.y)} cm ${num(item.size / item.matrix.size)} 0 0 ${num(item.size / item.matrix.size)} 0 0 cm\n`;
      for (const run of item.matrix.runs) out += `${run.column} ${run.row} ${run.length} 1 re\n`;
      return `${out}f Q\n`;
    }
    case "text":
      return textOperators(item.text, item.font, item.size, item.x, item.y, item.anchor);
    case "rect": {
      const { x, y, width: w, height: h } = item;
      const r = Math.min(item.radius, w / 2, h / 2);
      const k = r * KAPPA;
      const dash = item.dash.length > 0 ? `[${item.dash.map(num).join(" ")}] 0 d ` : "";
      const path = [
        `${num(x + r)} ${num(y)} m`,
        `${num(x + w - r)} ${num(y)} l`,
        `${num(x + w - r + k)} ${num(y)} ${num(x + w)} ${num(y + r - k)} ${num(x + w)} ${num(y + r)} c`,
        `${num(x + w)} ${num(y + h - r)} l`,
        `${num(x + w)} ${num(y + h - r + k)} ${num(x + w - r + k)} ${num(y + h)} ${num(x + w - r)} ${num(y + h)} c`,
        `${num(x + r)} ${num(y + h)} l`,
        `${num(x + r - k)} ${num(y + h)} ${num(x)} ${num(y + h - r + k)} ${num(x)} ${num(y + h - r)} c`,
        `${num(x)} ${num(y + r)} l`,
        `${num(x)} ${num(y + r - k)} ${num(x + r - k)} ${num(y)} ${num(x + r)} ${num(y)} c`,
      ];
      return `q ${dash}${num(item.stroke)} w\n${path.join("\n")}\nh S Q\n`;
    }
  }
}

function textOperators(
  text: string,
  font: TextFont,
  size: number,
  x: number,
  y: number,
  anchor: "start" | "middle" | "end",
): string {
  const width = measureText(text, font, size);
  const left = anchor === "start" ? x : anchor === "middle" ? x - width / 2 : x - width;
  const encoded = pdfLiteralString(toWinAnsi(text, "card text"));
  return `BT /${FONT_RESOURCE[font]} ${num(size)} Tf 1 0 0 -1 ${num(left)} ${num(y)} Tm ${encoded} Tj ET\n`;
}

/** Short hairlines outside the grid, in line with every cut: card edges, both sides of each gap. */
function cutMarks(layout: SheetLayout, grid: { width: number; height: number }): string {
  const xs = new Set<number>();
  const ys = new Set<number>();
  for (let column = 0; column < layout.columns; column++) {
    const x = layout.left + column * (layout.cardWidth + layout.gap);
    xs.add(round(x)).add(round(x + layout.cardWidth));
  }
  for (let row = 0; row < layout.rows; row++) {
    const y = layout.top + row * (layout.cardHeight + layout.gap);
    ys.add(round(y)).add(round(y + layout.cardHeight));
  }
  const top = layout.top - MARK.offset;
  const bottom = layout.top + grid.height + MARK.offset;
  const left = layout.left - MARK.offset;
  const right = layout.left + grid.width + MARK.offset;
  let out = `q ${num(MARK.width)} w 0 G\n`;
  for (const x of xs) {
    out += `${num(x)} ${num(top)} m ${num(x)} ${num(top - MARK.length)} l\n`;
    out += `${num(x)} ${num(bottom)} m ${num(x)} ${num(bottom + MARK.length)} l\n`;
  }
  for (const y of ys) {
    out += `${num(left)} ${num(y)} m ${num(left - MARK.length)} ${num(y)} l\n`;
    out += `${num(right)} ${num(y)} m ${num(right + MARK.length)} ${num(y)} l\n`;
  }
  return `${out}S Q\n`;
}

/** "CardProof · batch 30064771073 · serials 0–9" on the left, "page 1" on the right. */
function footer(
  layout: SheetLayout,
  grid: { width: number; height: number },
  batchId: bigint | undefined,
  serials: number[],
  pageNumber: number,
): string {
  const y = layout.top + grid.height + FOOTER.below;
  const right = layout.left + grid.width;
  const pageText = `page ${pageNumber}`;
  const room = grid.width - measureText(pageText, "regular", FOOTER.size) - 5;
  let leftText =
    serials.length === 0
      ? "CardProof \u00b7 no cards"
      : `CardProof \u00b7 batch ${batchId} \u00b7 ${serials.length === 1 ? "serial" : "serials"} ${formatSerialRanges(serials)}`;
  while (measureText(leftText, "regular", FOOTER.size) > room) leftText = `${leftText.slice(0, -2)}\u2026`;
  return (
    textOperators(leftText, "regular", FOOTER.size, layout.left, y, "start") +
    textOperators(pageText, "regular", FOOTER.size, right, y, "end")
  );
}

/** A length with at most 3 decimals, without trailing zeros. */
function num(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
