import type { Writable } from "node:stream";

/** A PDF 1.4 file written object by object to a stream, with the cross-reference table at the end. */
export type PdfWriter = {
  /** Reserves the next object number, for an object written later (possibly after others that refer to it). */
  reserve(): number;
  /** Writes object `id` with `body`, a PDF object such as `<< /Type /Catalog /Pages 2 0 R >>`. */
  writeObject(id: number, body: string): Promise<void>;
  /**
   * Writes object `id` as a stream of `data`; `dictionary` holds its entries but `/Length`
   * (e.g. `/Filter /FlateDecode`, with `data` already deflated).
   */
  writeStream(id: number, dictionary: string, data: Uint8Array): Promise<void>;
  /**
   * Writes the cross-reference table and trailer, ends the output and waits until it is flushed.
   * Returns the file's size in bytes.
   *
   * @throws {Error} when a reserved object was never written.
   */
  end(root: number, info: number): Promise<number>;
};

/** Binary comment after the header: tells transfer tools the file is binary (PDF 1.4, 7.5.2). */
const HEADER = Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "latin1");

/**
 * Starts a PDF file on `output`. Objects go out as they are written, so memory stays bounded
 * whatever the page count; only each object's byte offset is kept, for the cross-reference table.
 * Waits for `drain` whenever `output` asks it to (backpressure).
 *
 * @dev Hand-written rather than pdfkit or pdf-lib: a card sheet needs rectangles, lines, text in the
 *      standard fonts and Flate streams, a hundred lines here. pdf-lib builds the whole document in
 *      memory before saving; pdfkit streams, but brings six dependencies (a font engine, ciphers, PNG
 *      and line-breaking code) for features the sheets do not use.
 */
export function createPdfWriter(output: Writable): PdfWriter {
  const offsets: (number | undefined)[] = [];
  let position = 0;
  let failure: Error | undefined;
  output.on("error", (error: Error) => (failure ??= error));

  const write = async (chunk: Buffer) => {
    if (failure) throw failure;
    position += chunk.length;
    if (!output.write(chunk)) await drained(output);
  };
  const begin = (index: number) => {
    if (!(index in offsets) || offsets[index] !== undefined) {
      throw new Error(`PDF object ${index + 1} is not reserved or already written`);
    }
    offsets[index] = position;
  };
  const headerWritten = write(HEADER);
  // Awaited by every later call; this keeps an early failure from being reported as unhandled meanwhile.
  headerWritten.catch(() => undefined);

  return {
    reserve() {
      offsets.push(undefined);
      return offsets.length; // Object numbers start at 1; offsets[0] stands for object 1.
    },
    async writeObject(id, body) {
      await headerWritten;
      begin(id - 1);
      await write(Buffer.from(`${id} 0 obj\n${body}\nendobj\n`, "latin1"));
    },
    async writeStream(id, dictionary, data) {
      await headerWritten;
      begin(id - 1);
      await write(Buffer.from(`${id} 0 obj\n<< ${dictionary} /Length ${data.length} >>\nstream\n`, "latin1"));
      await write(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      await write(Buffer.from("\nendstream\nendobj\n", "latin1"));
    },
    async end(root, info) {
      await headerWritten;
      const missing = offsets.findIndex((offset) => offset === undefined);
      if (missing >= 0) throw new Error(`PDF object ${missing + 1} was reserved but never written`);
      const xref = position;
      // Each entry is exactly 20 bytes: 10-digit offset, 5-digit generation, type, space, newline.
      const entries = offsets.map((offset) => `${String(offset).padStart(10, "0")} 00000 n \n`).join("");
      const size = offsets.length + 1;
      await write(
        Buffer.from(
          `xref\n0 ${size}\n0000000000 65535 f \n${entries}` +
            `trailer\n<< /Size ${size} /Root ${root} 0 R /Info ${info} 0 R >>\nstartxref\n${xref}\n%%EOF\n`,
          "latin1",
        ),
      );
      await new Promise<void>((resolve, reject) => {
        output.once("error", reject);
        output.end(() => resolve());
      });
      if (failure) throw failure;
      return position;
    },
  };
}

/** Resolves when `output` wants more data; rejects when it fails or closes first. */
function drained(output: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      output.off("drain", onDrain).off("error", onError).off("close", onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onError = (error: Error) => settle(error);
    const onClose = () => settle(new Error("the PDF output closed before the document was written"));
    output.on("drain", onDrain).on("error", onError).on("close", onClose);
  });
}

/** A PDF literal string `( … )` of `bytes` (e.g. WinAnsi text), escaping what the syntax needs. */
export function pdfLiteralString(bytes: Uint8Array): string {
  let out = "(";
  for (const byte of bytes) {
    if (byte === 0x28 || byte === 0x29 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${byte.toString(8).padStart(3, "0")}`;
  }
  return `${out})`;
}
