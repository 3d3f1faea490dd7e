import { expect } from "chai";

import { formatFaceValue } from "../../../scripts/print/formatFaceValue.js";

describe("formatFaceValue", function () {
  it("uses the currency's own decimals and groups thousands", function () {
    expect(formatFaceValue(5000n, "USD")).to.equal("50.00 USD");
    expect(formatFaceValue(5n, "EUR")).to.equal("0.05 EUR");
    expect(formatFaceValue(0n, "EUR")).to.equal("0.00 EUR");
    expect(formatFaceValue(123456789n, "CNY")).to.equal("1,234,567.89 CNY");
    expect(formatFaceValue(1000000n, "JPY")).to.equal("1,000,000 JPY");
    expect(formatFaceValue(12345n, "KWD")).to.equal("12.345 KWD");
    expect(formatFaceValue(1n, "CLF")).to.equal("0.0001 CLF");
    expect(formatFaceValue(2n ** 64n - 1n, "USD")).to.equal("184,467,440,737,095,516.15 USD");
  });

  it("rejects negative amounts and currencies that are not three capitals", function () {
    expect(() => formatFaceValue(-1n, "USD")).to.throw(RangeError, /negative/);
    for (const currency of ["usd", "US", "USDT", "U$D"]) {
      expect(() => formatFaceValue(1n, currency), currency).to.throw(RangeError, /ISO 4217/);
    }
  });
});
