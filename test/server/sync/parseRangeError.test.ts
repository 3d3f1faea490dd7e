import { expect } from "chai";

import { parseRangeError } from "../../../server/sync/parseRangeError.js";

describe("parseRangeError", function () {
  it("reads Alchemy's suggested range", function () {
    const message =
      "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range and no limit on " +
      "the response size, or you can request any block range with a cap of 10K logs in the response. Based on " +
      "your parameters, this block range should work: [0x5f5e100, 0x5f5e8e5]";
    expect(parseRangeError({ code: -32602, message })).to.deep.equal({
      suggested: { from: 0x5f5e100, to: 0x5f5e8e5 },
      maxRange: 2_000,
    });
  });

  it("reads Infura's suggested range from the message or from its data", function () {
    expect(
      parseRangeError({
        code: -32005,
        message: "query returned more than 10000 results. Try with this block range [0x1E28AC, 0x1E2F3D].",
      }),
    ).to.deep.equal({ suggested: { from: 0x1e28ac, to: 0x1e2f3d } });
    expect(
      parseRangeError({
        code: -32005,
        message: "query returned more than 10000 results",
        data: { from: "0x10", to: "0x20", limit: 10000 },
      }),
    ).to.deep.equal({ suggested: { from: 16, to: 32 } });
  });

  it("reads a stated maximum span (QuickNode and others)", function () {
    expect(parseRangeError({ code: -32614, message: "eth_getLogs is limited to a 10,000 range" })).to.deep.equal({
      maxRange: 10_000,
    });
    expect(parseRangeError({ code: -32000, message: "exceed maximum block range: 5000" })).to.deep.equal({
      maxRange: 5_000,
    });
  });

  it("recognises a range error that suggests nothing", function () {
    expect(parseRangeError({ code: -32000, message: "block range is too wide" })).to.deep.equal({});
    expect(parseRangeError({ code: -32005, message: "query returned more than 10000 results" })).to.deep.equal({});
  });

  it("ignores errors that are not about the range", function () {
    expect(parseRangeError({ code: -32601, message: "Method eth_getLogs is not supported" })).to.equal(undefined);
    expect(parseRangeError({ code: 429, message: "Too many requests, slow down" })).to.equal(undefined);
    expect(parseRangeError({ code: -32000, message: "header not found" })).to.equal(undefined);
  });

  it("drops a suggested range that ends before it starts", function () {
    expect(
      parseRangeError({ message: "query returned more than 10 results. Try with this block range [0x20, 0x10]." }),
    ).to.deep.equal({});
  });
});
