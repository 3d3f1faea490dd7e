import { expect } from "chai";

import { formatSerialRanges } from "../../../scripts/print/formatSerialRanges.js";

describe("formatSerialRanges", function () {
  it("joins consecutive serials into ranges, sorted and without duplicates", function () {
    expect(formatSerialRanges([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).to.equal("0\u20139");
    expect(formatSerialRanges([13, 3, 4, 5, 9, 12, 5])).to.equal("3\u20135, 9, 12\u201313");
    expect(formatSerialRanges([42])).to.equal("42");
    expect(formatSerialRanges([4294967294, 4294967295])).to.equal("4294967294\u20134294967295");
    expect(formatSerialRanges([])).to.equal("");
  });
});
