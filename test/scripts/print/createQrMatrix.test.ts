import { expect } from "chai";
import { create } from "qrcode";

import { createQrMatrix } from "../../../scripts/print/createQrMatrix.js";
import { decodeQrFromModules } from "../../helpers/decodeQr.js";

/** The symbol as rows of booleans, from `isDark`. */
function modulesOf(matrix: ReturnType<typeof createQrMatrix>): boolean[][] {
  return Array.from({ length: matrix.size }, (_, row) =>
    Array.from({ length: matrix.size }, (_, column) => matrix.isDark(row, column)),
  );
}

describe("createQrMatrix", function () {
  it("encodes the text in the smallest symbol at level Q by default", function () {
    const matrix = createQrMatrix("HTTPS://VERIFY.CARDPROOF.EXAMPLE/#123");
    const reference = create("HTTPS://VERIFY.CARDPROOF.EXAMPLE/#123", { errorCorrectionLevel: "Q" });
    expect(matrix.version).to.equal(reference.version);
    expect(matrix.size).to.equal(17 + 4 * matrix.version);
    expect(decodeQrFromModules(modulesOf(matrix))).to.equal("HTTPS://VERIFY.CARDPROOF.EXAMPLE/#123");
  });

  it("grows with a higher error correction level", function () {
    const text = "x".repeat(40);
    expect(createQrMatrix(text, "H").version).to.be.above(createQrMatrix(text, "L").version);
  });

  it("lists the dark modules as maximal horizontal runs, covering each dark module once", function () {
    const matrix = createQrMatrix("CPS1K7QM20R4TB1HCWNP3VZ00000000012912720852026195206436");
    const fromRuns = Array.from({ length: matrix.size }, () => new Array<boolean>(matrix.size).fill(false));
    for (const { row, column, length } of matrix.runs) {
      expect(length).to.be.above(0);
      expect(matrix.isDark(row, column - 1)).to.equal(false); // starts after a light module or the edge
      expect(matrix.isDark(row, column + length)).to.equal(false); // ends before one
      for (let c = column; c < column + length; c++) {
        expect(fromRuns[row]![c]).to.equal(false);
        fromRuns[row]![c] = true;
      }
    }
    expect(fromRuns).to.deep.equal(modulesOf(matrix));
  });
});
