import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";

import { expect } from "chai";

import { generateCodes } from "../../../scripts/lib/generateCode.js";
import { createSheetPdfWriter } from "../../../scripts/print/createSheetPdfWriter.js";
import { layoutCard } from "../../../scripts/print/layoutCard.js";
import { A4_TEN_UP } from "../../../scripts/print/sheetLayout.js";
import { decodeQrFromModules } from "../../helpers/decodeQr.js";
import { makePrintableCard, TEST_VERIFIER } from "../../helpers/printableCard.js";
import { readPdf } from "../../helpers/readPdf.js";

const DASH = "\u2013";
const DOT = "\u00b7";

/** A stream that keeps what it is given. */
function memorySink(): { stream: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      setImmediate(done);
    },
  });
  return { stream, bytes: () => Buffer.concat(chunks) };
}

/** Cards with serials `serials` and fresh codes. */
function cardsWith(serials: readonly number[]) {
  const codes = generateCodes(serials.length);
  return serials.map((serial, i) => makePrintableCard({ serial, code: codes[i]! }));
}

/** The first QR drawn on a page, rebuilt from its `re` operators. */
function firstQrOn(content: string): boolean[][] {
  const block = /q 1 0 0 1 [\d.]+ [\d.]+ cm [\d.]+ 0 0 [\d.]+ 0 0 cm\n((?:\d+ \d+ \d+ 1 re\n)+)f Q/.exec(content)?.[1];
  expect(block, "a QR block").to.be.a("string");
  const runs = [...block!.matchAll(/(\d+) (\d+) (\d+) 1 re/g)].map((m) => m.slice(1).map(Number));
  const size = Math.max(...runs.map(([column, , length]) => column! + length!));
  const modules = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  for (const [column, row, length] of runs) for (let c = column!; c < column! + length!; c++) modules[row!]![c] = true;
  return modules;
}

describe("createSheetPdfWriter", function () {
  let directory: string;
  beforeEach(function () {
    directory = mkdtempSync(join(tmpdir(), "cardproof-sheet-"));
  });
  afterEach(function () {
    rmSync(directory, { recursive: true, force: true });
  });

  it("writes a valid PDF with ten cards a page and a footer naming serials, batch and page", async function () {
    const cards = cardsWith(Array.from({ length: 25 }, (_, i) => i));
    const path = join(directory, "sheet.pdf");
    const writer = createSheetPdfWriter({ output: path, verifierBase: TEST_VERIFIER });
    for (const card of cards) await writer.addCard(card);
    const summary = await writer.close();

    const file = readFileSync(path);
    expect(file.subarray(0, 8).toString("latin1")).to.equal("%PDF-1.4");
    expect(summary).to.deep.equal({ pages: 3, cards: 25, bytes: file.length });
    const pdf = readPdf(file); // Throws unless every xref offset points at its object.
    expect(pdf.pages).to.have.length(3);
    expect(
      [...pdf.objects.values()].some(
        (object) => object.dictionary.includes("/Type /Pages /Kids") && object.dictionary.includes("/Count 3"),
      ),
    ).to.equal(true);
    const batch = cards[0]!.batchId;
    for (const [page, serials] of [`0${DASH}9`, `10${DASH}19`, `20${DASH}24`].entries()) {
      const lines = pdf.pageTexts[page]!.split("\n");
      expect(lines.slice(-2)).to.deep.equal([
        `CardProof ${DOT} batch ${batch} ${DOT} serials ${serials}`,
        `page ${page + 1}`,
      ]);
    }
    expect(pdf.pageTexts[2]!.split("\n").filter((line) => line.startsWith("Serial "))).to.have.length(5);
    expect(pdf.pages[0]!.dictionary).to.include("/MediaBox [0 0 595.276 841.89]");
  });

  it("draws each public QR as vectors that decode to the card link", async function () {
    const sink = memorySink();
    const [card] = cardsWith([7]);
    const writer = createSheetPdfWriter({ output: sink.stream, verifierBase: TEST_VERIFIER });
    await writer.addCard(card!);
    await writer.close();
    const pdf = readPdf(sink.bytes());
    const content = pdf.objects.get(Number(/\/Contents (\d+) 0 R/.exec(pdf.pages[0]!.dictionary)![1]))!.stream!;
    expect(decodeQrFromModules(firstQrOn(content.toString("latin1")))).to.equal(
      layoutCard(card!, { verifierBase: TEST_VERIFIER }).url,
    );
  });

  it("lists scattered serials as ranges and shows one card's serial in the singular", async function () {
    const sink = memorySink();
    const writer = createSheetPdfWriter({ output: sink.stream, verifierBase: TEST_VERIFIER });
    for (const card of cardsWith([100, 5, 6, 7, 3, 42, 43, 44, 45, 46, 9])) await writer.addCard(card);
    await writer.close();
    const footers = readPdf(sink.bytes()).pageTexts.map((text) => text.split("\n").at(-2));
    expect(footers.map((footer) => footer!.split(` ${DOT} `)[2])).to.deep.equal([
      `serials 3, 5${DASH}7, 42${DASH}46, 100`,
      "serial 9",
    ]);
  });

  it("rejects a card of another batch or with a name the standard fonts cannot show, and stays usable", async function () {
    const sink = memorySink();
    const writer = createSheetPdfWriter({ output: sink.stream, verifierBase: TEST_VERIFIER });
    const [first, second] = cardsWith([1, 2]);
    await writer.addCard(first!);
    let otherBatch: unknown;
    await writer.addCard({ ...second!, batchId: second!.batchId + 1n }).catch((error: unknown) => (otherBatch = error));
    expect(otherBatch).to.be.an.instanceOf(RangeError);
    expect(String(otherBatch)).to.match(/one sheet file per batch/);
    let cyrillic: unknown;
    await writer
      .addCard({ ...second!, supplierName: "\u041a\u0430\u0440\u0442\u044b" })
      .catch((error: unknown) => (cyrillic = error));
    expect(String(cyrillic)).to.match(/^RangeError: supplierName has the character U\+041A/);
    await writer.addCard(second!);
    expect(await writer.close()).to.deep.include({ pages: 1, cards: 2 });
    expect(readPdf(sink.bytes()).pageTexts[0]).to.include(`serials 1${DASH}2`);
  });

  it("queues cards added without waiting, in order", async function () {
    const sink = memorySink();
    const writer = createSheetPdfWriter({ output: sink.stream, verifierBase: TEST_VERIFIER });
    await Promise.all(cardsWith(Array.from({ length: 30 }, (_, i) => i)).map((card) => writer.addCard(card)));
    await writer.close();
    const footers = readPdf(sink.bytes()).pageTexts.map((text) => text.split("\n").at(-2));
    expect(footers.map((footer) => footer!.split(" ").at(-1))).to.deep.equal([
      `0${DASH}9`,
      `10${DASH}19`,
      `20${DASH}29`,
    ]);
  });

  it("writes one page saying so when no card was added, and refuses cards after close", async function () {
    const sink = memorySink();
    const writer = createSheetPdfWriter({ output: sink.stream, verifierBase: TEST_VERIFIER });
    expect(await writer.close()).to.deep.include({ pages: 1, cards: 0 });
    expect(readPdf(sink.bytes()).pageTexts[0]).to.equal(`CardProof ${DOT} no cards\npage 1`);
    let late: unknown;
    await writer.addCard(makePrintableCard()).catch((error: unknown) => (late = error));
    expect(String(late)).to.match(/addCard after close/);
  });

  it("follows a custom layout and refuses one whose grid leaves the page", async function () {
    const sink = memorySink();
    const layout = { ...A4_TEN_UP, rows: 4, gap: 5, top: 20 };
    const writer = createSheetPdfWriter({ output: sink.stream, verifierBase: TEST_VERIFIER, layout });
    for (const card of cardsWith(Array.from({ length: 9 }, (_, i) => i))) await writer.addCard(card);
    expect(await writer.close()).to.deep.include({ pages: 2, cards: 9 });
    for (const [change, message] of [
      [{ rows: 6 }, /does not fit on the page/],
      [{ top: 3 }, /the cut marks need 5.5 mm of paper around the card grid/],
      [{ top: 20 }, /the footer needs 11 mm of paper under the card grid/],
    ] as const) {
      const bad = { ...A4_TEN_UP, ...change };
      expect(() =>
        createSheetPdfWriter({ output: memorySink().stream, verifierBase: TEST_VERIFIER, layout: bad }),
      ).to.throw(RangeError, message);
    }
  });

  it("prints 1,000 cards to a 100-page PDF", async function () {
    const path = join(directory, "thousand.pdf");
    const writer = createSheetPdfWriter({ output: path, verifierBase: TEST_VERIFIER });
    for (const card of cardsWith(Array.from({ length: 1000 }, (_, i) => i))) await writer.addCard(card);
    const summary = await writer.close();
    const pdf = readPdf(readFileSync(path));
    expect(summary).to.deep.include({ pages: 100, cards: 1000 });
    expect(pdf.pages).to.have.length(100);
    expect(pdf.pageTexts[99]!.split("\n").slice(-2)).to.deep.equal([
      `CardProof ${DOT} batch ${makePrintableCard().batchId} ${DOT} serials 990${DASH}999`,
      "page 100",
    ]);
  });
});
