import { expect } from "chai";
import { network } from "hardhat";

import { measureApiLookups } from "../../../../scripts/bench/indexer/measureApiLookups.js";
import { deployApiFixture } from "../../../helpers/apiFixture.js";

const { ethers, provider } = await network.create();

describe("measureApiLookups", function () {
  let fx: Awaited<ReturnType<typeof deployApiFixture>>;

  before(async function () {
    fx = await deployApiFixture(ethers, provider);
    await fx.sync();
  });

  after(async function () {
    await fx.close();
  });

  it("measures card-status lookups at random serials, all answered", async function () {
    const { url } = await fx.startApi();
    const result = await measureApiLookups({
      baseUrl: url,
      batchId: fx.f.batch.batchId,
      count: 300,
      durationSeconds: 1,
      connections: 2,
    });
    expect(result.requestsPerSecond).to.be.greaterThan(0);
    expect(result).to.deep.include({ errors: 0, non2xx: 0 });
    expect(result.p99Ms).to.be.at.least(result.p50Ms);
  });

  it("measures timeline lookups at the serials given, all answered", async function () {
    const { url } = await fx.startApi();
    const result = await measureApiLookups({
      baseUrl: url,
      batchId: fx.f.batch.batchId,
      count: 300,
      durationSeconds: 1,
      connections: 2,
      route: "timeline",
      serials: [0, 299],
    });
    expect(result.requestsPerSecond).to.be.greaterThan(0);
    expect(result).to.deep.include({ errors: 0, timeouts: 0, non2xx: 0 });
  });

  it("refuses serials outside the batch before loading the API", async function () {
    const { url } = await fx.startApi();
    const failure = await measureApiLookups({
      baseUrl: url,
      batchId: fx.f.batch.batchId,
      count: 300,
      durationSeconds: 1,
      connections: 2,
      serials: [300],
    }).catch((error: unknown) => error);
    expect(failure).to.be.instanceOf(RangeError);
  });

  it("refuses to report a rate-limited run, and says how to run it", async function () {
    const { url } = await fx.startApi({ rateLimit: 1, rateBurst: 5 });
    const failure = await measureApiLookups({
      baseUrl: url,
      batchId: fx.f.batch.batchId.toString(),
      count: 300,
      durationSeconds: 1,
      connections: 2,
    }).catch((error: unknown) => error);
    expect(failure).to.be.instanceOf(Error);
    expect((failure as Error).message).to.include("CARDPROOF_API_RATE_LIMIT=0");
  });
});
