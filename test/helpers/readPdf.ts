import { inflateSync } from "node:zlib";

/** One indirect object of a PDF file. */
export type PdfObject = { id: number; offset: number; dictionary: string; stream: Buffer | undefined };

/** What {@link readPdf} finds in a PDF file. */
export type ReadPdf = {
  header: string;
  objects: Map<number, PdfObject>;
  trailer: string;
  /** Page objects in the order of the page tree's `Kids`. */
  pages: PdfObject[];
  /** Each page's text, from its content stream's `Tj` strings (WinAnsi decoded), one line per string. */
  pageTexts: string[];
};

/**
 * A small, strict PDF reader for tests of PDFs this project writes: follows `startxref` to the
 * cross-reference table and checks that every entry's offset is the start of `<n> 0 obj`, reads each
 * object (inflating Flate streams), then walks the page tree.
 *
 * @throws {Error} when the file is not laid out as a PDF with a valid cross-reference table.
 */
export function readPdf(file: Buffer): ReadPdf {
  const header = file.subarray(0, 8).toString("latin1");
  const tail = file.subarray(Math.max(0, file.length - 64)).toString("latin1");
  const startxref = /startxref\n(\d+)\n%%EOF\n$/.exec(tail);
  if (!startxref) throw new Error("no startxref / %%EOF at the end");
  const xrefOffset = Number(startxref[1]);
  const xref = file.subarray(xrefOffset).toString("latin1");
  const table = /^xref\n0 (\d+)\n([\s\S]*?)trailer\n(<<[\s\S]*?>>)\nstartxref/.exec(xref);
  if (!table) throw new Error(`no xref table at offset ${xrefOffset}`);
  const size = Number(table[1]);
  const entries = table[2]!;
  if (entries.length !== size * 20) throw new Error("xref entries are not 20 bytes each");
  const objects = new Map<number, PdfObject>();
  for (let id = 1; id < size; id++) {
    const entry = entries.slice(id * 20, id * 20 + 20);
    const match = /^(\d{10}) 00000 n \n$/.exec(entry);
    if (!match) throw new Error(`xref entry ${id} is malformed`);
    const offset = Number(match[1]);
    const start = file.subarray(offset, offset + 32).toString("latin1");
    if (!start.startsWith(`${id} 0 obj\n`)) throw new Error(`xref offset of object ${id} does not point at it`);
    objects.set(id, readObject(file, id, offset));
  }
  const trailer = table[3]!;
  const root = objects.get(Number(/\/Root (\d+) 0 R/.exec(trailer)?.[1]));
  const pagesId = Number(/\/Pages (\d+) 0 R/.exec(root?.dictionary ?? "")?.[1]);
  const pageTree = objects.get(pagesId)?.dictionary ?? "";
  const kids = [...(/\/Kids \[([^\]]*)\]/.exec(pageTree)?.[1]?.matchAll(/(\d+) 0 R/g) ?? [])].map((m) => Number(m[1]));
  const pages = kids.map((id) => objects.get(id)!);
  const pageTexts = pages.map((page) => {
    const contents = objects.get(Number(/\/Contents (\d+) 0 R/.exec(page.dictionary)?.[1]));
    return textOf(contents?.stream?.toString("latin1") ?? "");
  });
  return { header, objects, trailer, pages, pageTexts };
}

function readObject(file: Buffer, id: number, offset: number): PdfObject {
  const bodyStart = offset + `${id} 0 obj\n`.length;
  const end = file.indexOf("\nendobj\n", bodyStart, "latin1");
  const streamAt = file.indexOf(">>\nstream\n", bodyStart, "latin1");
  if (streamAt < 0 || streamAt > end) {
    return { id, offset, dictionary: file.subarray(bodyStart, end).toString("latin1"), stream: undefined };
  }
  const dictionary = file.subarray(bodyStart, streamAt + 2).toString("latin1");
  const length = Number(/\/Length (\d+)/.exec(dictionary)?.[1]);
  const dataStart = streamAt + ">>\nstream\n".length;
  const raw = file.subarray(dataStart, dataStart + length);
  if (file.subarray(dataStart + length, dataStart + length + 10).toString("latin1") !== "\nendstream") {
    throw new Error(`stream of object ${id} does not end where its /Length says`);
  }
  return { id, offset, dictionary, stream: dictionary.includes("/FlateDecode") ? inflateSync(raw) : raw };
}

/** WinAnsi bytes 0x80-0x9F that differ from Latin-1, as used in the tests' texts. */
const WIN_ANSI: Readonly<Record<number, string>> = { 0x85: "\u2026", 0x96: "\u2013", 0x97: "\u2014", 0x80: "\u20ac" };

/** The strings shown by `Tj` in a content stream, one per line. */
function textOf(content: string): string {
  const lines: string[] = [];
  for (const match of content.matchAll(/\(((?:\\.|[^\\)])*)\) Tj/g)) {
    const literal = match[1]!.replace(/\\([0-7]{3}|.)/g, (_, escape: string) =>
      escape.length === 3 ? String.fromCharCode(parseInt(escape, 8)) : escape,
    );
    lines.push(Array.from(literal, (char) => WIN_ANSI[char.charCodeAt(0)] ?? char).join(""));
  }
  return lines.join("\n");
}
