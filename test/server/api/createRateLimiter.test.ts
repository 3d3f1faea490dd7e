import { expect } from "chai";

import { createRateLimiter } from "../../../server/api/createRateLimiter.js";

describe("createRateLimiter", function () {
  function limiterAt(options: { ratePerSecond: number; burst: number; maxClients?: number }) {
    let now = 0;
    const limiter = createRateLimiter({ ...options, now: () => now });
    return { limiter, advance: (ms: number) => (now += ms) };
  }

  it("allows a burst, then one request per refill interval, with the wait until the next token", function () {
    const { limiter, advance } = limiterAt({ ratePerSecond: 2, burst: 3 });
    for (let i = 0; i < 3; i++) expect(limiter.take("a")).to.deep.equal({ allowed: true });
    expect(limiter.take("a")).to.deep.equal({ allowed: false, retryAfterSeconds: 1 });
    advance(499);
    expect(limiter.take("a").allowed).to.equal(false);
    advance(1);
    expect(limiter.take("a").allowed).to.equal(true);
    expect(limiter.take("a").allowed).to.equal(false);
  });

  it("keeps one bucket per client", function () {
    const { limiter } = limiterAt({ ratePerSecond: 1, burst: 1 });
    expect(limiter.take("a").allowed).to.equal(true);
    expect(limiter.take("a").allowed).to.equal(false);
    expect(limiter.take("b").allowed).to.equal(true);
  });

  it("says how many seconds a slow rate needs before the next request", function () {
    const { limiter } = limiterAt({ ratePerSecond: 0.1, burst: 1 });
    limiter.take("a");
    expect(limiter.take("a")).to.deep.equal({ allowed: false, retryAfterSeconds: 10 });
  });

  it("forgets refilled buckets and bounds the clients it remembers", function () {
    const { limiter, advance } = limiterAt({ ratePerSecond: 10, burst: 10, maxClients: 100 });
    for (let i = 0; i < 100; i++) limiter.take(`client-${i}`);
    expect(limiter.size).to.equal(100);
    limiter.take("one-more");
    expect(limiter.size).to.be.at.most(100);
    advance(61_000);
    limiter.take("late");
    expect(limiter.size).to.equal(1);
  });

  it("refuses a rate or burst that cannot admit anything", function () {
    expect(() => createRateLimiter({ ratePerSecond: 0, burst: 1 })).to.throw(RangeError);
    expect(() => createRateLimiter({ ratePerSecond: 1, burst: 0 })).to.throw(RangeError);
  });
});
