import { expect } from "chai";

import { toWinAnsi, winAnsiCode } from "../../../scripts/print/winAnsi.js";

describe("winAnsi", function () {
  it("maps ASCII and Latin-1 to themselves and the Windows-1252 extras to 0x80-0x9F", function () {
    expect(winAnsiCode(0x41)).to.equal(0x41);
    expect(winAnsiCode(0xe9)).to.equal(0xe9);
    expect(winAnsiCode(0x20ac)).to.equal(0x80);
    expect(winAnsiCode(0x2013)).to.equal(0x96);
    expect(winAnsiCode(0x0a)).to.equal(-1);
    expect(winAnsiCode(0x7f)).to.equal(-1);
    expect(winAnsiCode(0x0416)).to.equal(-1); // Cyrillic Ж
    expect(Array.from(toWinAnsi("Caf\u00e9 \u2013 5\u20ac", "name"))).to.deep.equal([
      0x43, 0x61, 0x66, 0xe9, 0x20, 0x96, 0x20, 0x35, 0x80,
    ]);
  });

  it("composes decomposed accents before encoding", function () {
    expect(Array.from(toWinAnsi("e\u0301", "name"))).to.deep.equal([0xe9]);
  });

  it("names the field and the character it cannot encode", function () {
    expect(() => toWinAnsi("\u5361\u724c", "supplierName")).to.throw(
      RangeError,
      /^supplierName has the character U\+5361, which the PDF's standard fonts cannot show/,
    );
  });
});
