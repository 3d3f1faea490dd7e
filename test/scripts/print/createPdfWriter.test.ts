import { Writable } from "node:stream";

import { expect } from "chai";

import { createPdfWriter, pdfLiteralString } from "../../../scripts/print/createPdfWriter.js";
import { readPdf } from "../../helpers/readPdf.js";

/** A stream that keeps what it is given, acknowledging each chunk on a later turn (so it pushes back). */
function slowSink(): { stream: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    highWaterMark: 64,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      setImmediate(done);
    },
  });
  return { stream, bytes: () => Buffer.concat(chunks) };
}

describe("createPdfWriter", function () {
  it("writes objects in any order with a cross-reference table that points at each", async function () {
    const sink = slowSink();
    const pdf = createPdfWriter(sink.stream);
    const catalog = pdf.reserve();
    const pages = pdf.reserve();
    const page = pdf.reserve();
    const content = pdf.reserve();
    const info = pdf.reserve();
    await pdf.writeStream(content, "", Buffer.from("0 0 m 10 10 l S", "latin1"));
    await pdf.writeObject(
      page,
      `<< /Type /Page /Parent ${pages} 0 R /MediaBox [0 0 100 100] /Contents ${content} 0 R >>`,
    );
    await pdf.writeObject(pages, `<< /Type /Pages /Kids [${page} 0 R] /Count 1 >>`);
    await pdf.writeObject(catalog, `<< /Type /Catalog /Pages ${pages} 0 R >>`);
    await pdf.writeObject(info, "<< /Producer (test) >>");
    const size = await pdf.end(catalog, info);

    const file = sink.bytes();
    expect(size).to.equal(file.length);
    expect(file.subarray(0, 15).toString("latin1")).to.equal("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
    const read = readPdf(file);
    expect(read.objects.size).to.equal(5);
    expect(read.pages).to.have.length(1);
    expect(read.objects.get(content)!.stream!.toString()).to.equal("0 0 m 10 10 l S");
    expect(read.trailer).to.equal(`<< /Size 6 /Root ${catalog} 0 R /Info ${info} 0 R >>`);
  });

  it("refuses to end with a reserved object unwritten, or to write one twice", async function () {
    const pdf = createPdfWriter(slowSink().stream);
    const first = pdf.reserve();
    pdf.reserve();
    await pdf.writeObject(first, "<< >>");
    let twice: unknown;
    await pdf.writeObject(first, "<< >>").catch((error: unknown) => (twice = error));
    expect(String(twice)).to.match(/PDF object 1 is not reserved or already written/);
    let ended: unknown;
    await pdf.end(first, first).catch((error: unknown) => (ended = error));
    expect(String(ended)).to.match(/PDF object 2 was reserved but never written/);
  });

  it("passes on the output's write errors", async function () {
    const failing = new Writable({
      write(_chunk, _encoding, done) {
        done(new Error("disk full"));
      },
    });
    const pdf = createPdfWriter(failing);
    const id = pdf.reserve();
    let caught: unknown;
    await new Promise((resolve) => setImmediate(resolve));
    await pdf.writeObject(id, "<< >>").catch((error: unknown) => (caught = error));
    expect(String(caught)).to.match(/disk full/);
  });
});

describe("pdfLiteralString", function () {
  it("escapes parentheses and backslashes and writes other bytes in octal", function () {
    expect(pdfLiteralString(Buffer.from("a(b)c\\d", "latin1"))).to.equal("(a\\(b\\)c\\\\d)");
    expect(pdfLiteralString(Uint8Array.of(0x96, 0x0a, 0x41))).to.equal("(\\226\\012A)");
  });
});
