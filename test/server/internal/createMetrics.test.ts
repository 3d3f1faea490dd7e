import { expect } from "chai";

import { createMetrics } from "../../../server/internal/createMetrics.js";

describe("createMetrics", function () {
  it("renders counters, gauges and histograms in the Prometheus text format", function () {
    const metrics = createMetrics();
    const requests = metrics.counter({ name: "app_requests_total", help: "Requests", labelNames: ["route"] });
    const lag = metrics.gauge({ name: "app_lag_blocks", help: "Lag" });
    const latency = metrics.histogram({ name: "app_latency_seconds", help: "Latency", buckets: [0.1, 1] });
    requests.inc({ route: "/a" });
    requests.inc({ route: "/a" }, 2);
    requests.inc({ route: '/b"\\\n' });
    lag.set(7);
    latency.observe(0.05);
    latency.observe(0.5);
    latency.observe(3);
    expect(metrics.render()).to.equal(
      [
        "# HELP app_requests_total Requests",
        "# TYPE app_requests_total counter",
        'app_requests_total{route="/a"} 3',
        'app_requests_total{route="/b\\"\\\\\\n"} 1',
        "# HELP app_lag_blocks Lag",
        "# TYPE app_lag_blocks gauge",
        "app_lag_blocks 7",
        "# HELP app_latency_seconds Latency",
        "# TYPE app_latency_seconds histogram",
        'app_latency_seconds_bucket{le="0.1"} 1',
        'app_latency_seconds_bucket{le="1"} 2',
        'app_latency_seconds_bucket{le="+Inf"} 3',
        "app_latency_seconds_sum 3.55",
        "app_latency_seconds_count 3",
        "",
      ].join("\n"),
    );
  });

  it("writes 0 for an unlabelled counter not yet incremented, and computes collected gauges when scraped", function () {
    const metrics = createMetrics();
    metrics.counter({ name: "app_reorgs_total", help: "Reorgs" });
    let size = 1;
    metrics.gauge({ name: "app_cache_bytes", help: "Cache", collect: () => size });
    size = 42;
    expect(metrics.render()).to.include("app_reorgs_total 0\n").and.to.include("app_cache_bytes 42\n");
  });

  it("returns the registered metric for a repeated name, and refuses another type or a bad name", function () {
    const metrics = createMetrics();
    metrics.counter({ name: "app_total", help: "x" }).inc();
    metrics.counter({ name: "app_total", help: "x" }).inc();
    expect(metrics.render()).to.include("app_total 2\n");
    expect(() => metrics.gauge({ name: "app_total", help: "x" })).to.throw("already a counter");
    expect(() => metrics.counter({ name: "app-total", help: "x" })).to.throw("invalid metric name");
    expect(() => metrics.counter({ name: "app_down_total", help: "x" }).inc(undefined, -1)).to.throw("cannot decrease");
  });
});
