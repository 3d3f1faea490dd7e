import { expect } from "chai";

import { createMetrics } from "../../../server/internal/createMetrics.js";

describe("createMetrics (prom-client registry)", function () {
  it("renders counters, gauges and histograms in the Prometheus text format", async function () {
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
    expect(await metrics.render()).to.equal(
      [
        "# HELP app_requests_total Requests",
        "# TYPE app_requests_total counter",
        'app_requests_total{route="/a"} 3',
        'app_requests_total{route="/b\\"\\\\\\n"} 1',
        "",
        "# HELP app_lag_blocks Lag",
        "# TYPE app_lag_blocks gauge",
        "app_lag_blocks 7",
        "",
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

  it("writes 0 for an unlabelled counter not yet incremented, and computes collected gauges when scraped", async function () {
    const metrics = createMetrics();
    metrics.counter({ name: "app_reorgs_total", help: "Reorgs" });
    let size = 1;
    metrics.gauge({ name: "app_cache_bytes", help: "Cache", collect: () => size });
    size = 42;
    expect(await metrics.render())
      .to.include("app_reorgs_total 0\n")
      .and.to.include("app_cache_bytes 42\n");
  });

  it("returns the registered metric for a repeated name, and refuses another type or a bad name", async function () {
    const metrics = createMetrics();
    metrics.counter({ name: "app_total", help: "x" }).inc();
    metrics.counter({ name: "app_total", help: "x" }).inc();
    expect(await metrics.render()).to.include("app_total 2\n");
    expect(() => metrics.gauge({ name: "app_total", help: "x" })).to.throw("already a counter");
    expect(() => metrics.counter({ name: "app-total", help: "x" })).to.throw("invalid metric name");
    expect(() => metrics.counter({ name: "app_down_total", help: "x" }).inc(undefined, -1)).to.throw("cannot decrease");
  });

  it("adds the process and Node.js series only when asked (the server's registry), beside the app's", async function () {
    const plain = await createMetrics().render();
    expect(plain).to.not.include("process_");
    const metrics = createMetrics({ processMetrics: true });
    metrics.counter({ name: "app_total", help: "x" }).inc();
    const text = await metrics.render();
    for (const series of [
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_eventloop_lag_p99_seconds",
      "nodejs_heap_size_used_bytes",
      "app_total 1",
    ]) {
      expect(text).to.match(new RegExp(`^${series}`, "m"));
    }
    expect(Number(/^process_resident_memory_bytes (\d+)/m.exec(text)?.[1])).to.be.above(10 * 2 ** 20);
  });
});
