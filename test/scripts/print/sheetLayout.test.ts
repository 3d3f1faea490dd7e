import { expect } from "chai";

import {
  A4_TEN_UP,
  assertSheetLayout,
  cardPosition,
  cardsPerPage,
  gridSize,
} from "../../../scripts/print/sheetLayout.js";

describe("sheetLayout", function () {
  it("puts ten credit cards on A4, centred across, with room below the grid for marks and footer", function () {
    expect(cardsPerPage(A4_TEN_UP)).to.equal(10);
    const { width, height } = gridSize(A4_TEN_UP);
    expect(Math.abs(A4_TEN_UP.left * 2 + width - 210)).to.be.below(1e-9);
    expect(A4_TEN_UP.top).to.be.at.least(4.5 + 4 + 1.5); // paper margin + mark + offset
    expect(297 - (A4_TEN_UP.top + height)).to.be.at.least(15);
    expect(cardPosition(A4_TEN_UP, 0)).to.deep.equal({ x: A4_TEN_UP.left, y: A4_TEN_UP.top });
    expect(cardPosition(A4_TEN_UP, 3)).to.deep.equal({ x: A4_TEN_UP.left + 85.6, y: A4_TEN_UP.top + 53.98 });
    expect(() => assertSheetLayout(A4_TEN_UP)).not.to.throw();
  });

  it("rejects layouts that cannot be printed", function () {
    for (const [change, message] of [
      [{ columns: 0 }, /columns must be a positive integer/],
      [{ rows: 1.5 }, /rows must be a positive integer/],
      [{ cardWidth: 0 }, /cardWidth must be positive/],
      [{ gap: -1 }, /must not be negative/],
      [{ columns: 3 }, /does not fit on the page/],
    ] as const) {
      expect(() => assertSheetLayout({ ...A4_TEN_UP, ...change }), message.source).to.throw(RangeError, message);
    }
  });
});
