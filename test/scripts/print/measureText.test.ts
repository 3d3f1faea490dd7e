import { expect } from "chai";

import { measureText } from "../../../scripts/print/measureText.js";

describe("measureText", function () {
  it("uses the Adobe metrics of Helvetica, Helvetica-Bold and Courier", function () {
    // Helvetica: H 722, e 556, l 222, o 556; Helvetica-Bold: H 722, e 556, l 278, o 611.
    expect(measureText("Hello", "regular", 1000)).to.equal(722 + 556 + 222 + 222 + 556);
    expect(measureText("Hello", "bold", 1000)).to.equal(722 + 556 + 278 + 278 + 611);
    expect(measureText("Hello", "mono", 10)).to.equal(30);
  });

  it("measures WinAnsi characters beyond ASCII and assumes 1 em for others", function () {
    expect(measureText("\u20ac", "regular", 1000)).to.equal(556); // €
    expect(measureText("\u00e9", "bold", 1000)).to.equal(556); // é
    expect(measureText("\u5361", "regular", 1000)).to.equal(1000); // 卡
  });
});
