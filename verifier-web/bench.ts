/**
 * `npm run bench:verifier`: the built page on localhost, in Debian's Chromium against the real
 * stack of the browser tests (EDR chain, CLI-minted batch, indexer serving the page), served two
 * ways side by side in one run:
 *
 * - **now**: the indexer (`serveVerifierPage`: brotli/gzip, immutable hashed files, ETags);
 * - **old way**: `express.static` as the indexer served it before (identity, `no-cache`, serve-static's
 *   weak ETag and Last-Modified), on another port, with the indexer as a cross-origin API.
 *
 * Each of `--runs` loads (default 15) opens a genuine card's link in a fresh browser context (cold
 * cache), waits for the verdict on screen (the page's `cardproof:verdict` mark) and for the network
 * to go quiet, then starts the fake camera (the decoder chunk and the `.wasm` load), then visits the
 * link again in the same context (warm cache) and starts the camera again. Bytes over the wire are
 * Chromium's own count (CDP `Network.loadingFinished` `encodedDataLength`: response headers and body
 * as received, compressed when compressed). Prints medians; `--json` for JSON only; `--throttle`
 * for an emulated slow phone connection instead of plain localhost (flags via
 * `CARDPROOF_BENCH_FLAGS="--runs 5 --json"`, since `hardhat run` passes no arguments).
 */
import { createServer } from "node:http";
import { join } from "node:path";

import express from "express";
import type { Browser, BrowserContext, Page } from "playwright-core";

import { BENCH_FLAGS_ENV } from "../scripts/bench/lib/parseBenchFlags.js";
import { pageSecurityHeaders, setHeaders } from "../server/api/securityHeaders.js";
import { launchVerifierBrowser, newPhoneContext } from "../test/helpers/verifierBrowser.js";
import { makeFakeCameraVideo, startVerifierStack, type VerifierStack } from "../test/helpers/verifierStack.js";
import { closeServer, listen } from "../test/helpers/jsonRpcServer.js";
import { en } from "./src/i18n/messages/en.js";

// `hardhat run` passes no arguments: the flags also come from CARDPROOF_BENCH_FLAGS="--runs 5 --json".
const args = [...(process.env[BENCH_FLAGS_ENV] ?? "").split(/\s+/).filter(Boolean), ...process.argv.slice(2)];
const runsIndex = args.indexOf("--runs");
const runs = runsIndex >= 0 ? Number(args[runsIndex + 1]) : 15;
const json = args.includes("--json");
/**
 * `--throttle`: every page on an emulated slow phone connection (Chromium's network emulation:
 * 1.6 Mbit/s down, 750 kbit/s up, 150 ms added per request), where the bytes saved show as time.
 */
const throttle = args.includes("--throttle");
const SLOW_PHONE = { offline: false, latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 };

/** What one request cost: where it went and the bytes Chromium received for it. */
type WireRequest = { url: URL; bytes: number; done: boolean; phase: Phase };
type Phase = "beforeCamera" | "afterCamera";
/** Bytes received by kind of request: the page's own files, the indexer's API, the JSON-RPC node. */
type Bytes = { page: number; api: number; rpc: number; total: number };
type Sample = {
  verdictMs: number;
  domContentLoadedMs: number;
  /** From the click on "Scan with the camera" until the `.wasm` is downloaded. */
  decoderMs: number;
  /** The repeat visit's time to verdict. */
  warmVerdictMs: number;
  cold: { beforeCamera: Bytes; afterCamera: Bytes };
  warm: { beforeCamera: Bytes; afterCamera: Bytes };
};

const stack = await startVerifierStack();
const oldWay = await startOldWayServer(stack);
const video = await makeFakeCameraVideo(await stack.printCard(2), join(stack.chain.workdir, "card.y4m"));
const browser = await launchVerifierBrowser({ fakeCamera: video });
const link = (base: string) => `${base}#${stack.a.payloads[2]}`;
const samples: Record<"now" | "oldWay", Sample[]> = { now: [], oldWay: [] };
try {
  for (let run = 0; run < runs; run++) {
    // Alternate which way goes first, so neither always runs on a warmer machine.
    const order = run % 2 === 0 ? (["now", "oldWay"] as const) : (["oldWay", "now"] as const);
    for (const way of order) samples[way].push(await measure(browser, way === "now" ? stack.pageUrl : oldWay.url));
  }
} finally {
  await browser.close();
  await oldWay.close();
  await stack.close();
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const median = (values: number[]) => sorted(values)[Math.floor(values.length / 2)]!;
const medianBytes = (list: Bytes[]): Bytes => ({
  page: median(list.map((bytes) => bytes.page)),
  api: median(list.map((bytes) => bytes.api)),
  rpc: median(list.map((bytes) => bytes.rpc)),
  total: median(list.map((bytes) => bytes.total)),
});
const summary = (list: Sample[]) => ({
  timeToVerdictMs: {
    median: Math.round(median(list.map((sample) => sample.verdictMs))),
    max: Math.round(Math.max(...list.map((sample) => sample.verdictMs))),
  },
  domContentLoadedMs: { median: Math.round(median(list.map((sample) => sample.domContentLoadedMs))) },
  decoderLoadedMs: { median: Math.round(median(list.map((sample) => sample.decoderMs))) },
  repeatVisitVerdictMs: { median: Math.round(median(list.map((sample) => sample.warmVerdictMs))) },
  coldBytes: {
    beforeCamera: medianBytes(list.map((sample) => sample.cold.beforeCamera)),
    afterCamera: medianBytes(list.map((sample) => sample.cold.afterCamera)),
  },
  warmBytes: {
    beforeCamera: medianBytes(list.map((sample) => sample.warm.beforeCamera)),
    afterCamera: medianBytes(list.map((sample) => sample.warm.afterCamera)),
  },
});
const result = {
  runs,
  network: throttle ? "slow phone (1.6 Mbit/s down, 750 kbit/s up, +150 ms a request)" : "localhost",
  initialJsGzipBytes: stack.build.initialJsGzip,
  now: summary(samples.now),
  oldWay: summary(samples.oldWay),
};

if (json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const split = (bytes: Bytes) =>
    `${kb(bytes.total)} (page ${kb(bytes.page)}, API ${kb(bytes.api)}, RPC ${kb(bytes.rpc)})`;
  const rows: [string, (way: ReturnType<typeof summary>) => string][] = [
    ["verdict on screen", (way) => `median ${way.timeToVerdictMs.median} ms, worst ${way.timeToVerdictMs.max} ms`],
    ["DOMContentLoaded", (way) => `median ${way.domContentLoadedMs.median} ms`],
    ["decoder loaded", (way) => `median ${way.decoderLoadedMs.median} ms after the click`],
    ["repeat visit verdict", (way) => `median ${way.repeatVisitVerdictMs.median} ms`],
    ["bytes before camera", (way) => split(way.coldBytes.beforeCamera)],
    ["bytes camera starts", (way) => `${kb(way.coldBytes.afterCamera.page)} (decoder chunk + .wasm)`],
    ["bytes repeat visit", (way) => split(way.warmBytes.beforeCamera)],
    ["bytes repeat camera", (way) => `${kb(way.warmBytes.afterCamera.page)}`],
  ];
  const width = Math.max(...rows.map(([, cell]) => cell(result.now).length)) + 2;
  process.stdout.write(
    [
      `verifier page, ${runs} loads of a genuine card's link, network ${result.network} (fresh context each, then a repeat visit);`,
      `initial JavaScript ${kb(result.initialJsGzipBytes)} gzipped; bytes over the wire are medians (headers + body as received)`,
      "",
      `  ${"".padEnd(22)}${"now (br, immutable, ETag)".padEnd(width)}old way (identity, no-cache)`,
      ...rows.map(([label, cell]) => `  ${label.padEnd(22)}${cell(result.now).padEnd(width)}${cell(result.oldWay)}`),
      "",
    ].join("\n"),
  );
}

/** One cold visit, the camera, a warm visit and the camera again, in a fresh context. */
async function measure(browser: Browser, base: string): Promise<Sample> {
  const context = await newPhoneContext(browser);
  try {
    const cold = await visit(context, base);
    const warm = await visit(context, base);
    return {
      verdictMs: cold.verdictMs,
      domContentLoadedMs: cold.domContentLoadedMs,
      decoderMs: cold.decoderMs,
      warmVerdictMs: warm.verdictMs,
      cold: cold.bytes,
      warm: warm.bytes,
    };
  } finally {
    await context.close();
  }
}

/** Opens the card's link in a new tab of `context`, waits for the verdict, then starts the camera. */
async function visit(context: BrowserContext, base: string) {
  const page = await context.newPage();
  const wire = await recordWire(context, page);
  await page.goto(link(base));
  await page.locator('[data-verdict="genuine"]').waitFor();
  const timing = await page.evaluate(() => ({
    verdictMs: performance.getEntriesByName("cardproof:verdict")[0]!.startTime,
    domContentLoadedMs: (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming)
      .domContentLoadedEventEnd,
  }));
  // The counter's POST and the audit may finish after the verdict: wait until nothing is in flight.
  await page.waitForLoadState("networkidle");
  await wire.settled();
  wire.phase = "afterCamera";
  const clickedAt = await page.evaluate(() => performance.now());
  await page.getByRole("button", { name: en["input.scan"] }).click();
  await wire.waitFor((request) => request.url.pathname.endsWith(".wasm") && request.done);
  await wire.settled();
  const wasmLoadedAt = await page.evaluate(
    () =>
      (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).find((entry) =>
        entry.name.endsWith(".wasm"),
      )!.responseEnd,
  );
  const bytes = { beforeCamera: wire.bytes("beforeCamera"), afterCamera: wire.bytes("afterCamera") };
  await page.close();
  return { ...timing, decoderMs: wasmLoadedAt - clickedAt, bytes };
}

/**
 * Every request of `page` as Chromium's network stack saw it (CDP), tagged with the phase it
 * started in. Requests served from the HTTP cache finish with 0 bytes received.
 */
async function recordWire(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page);
  const requests = new Map<string, WireRequest>();
  const state = { phase: "beforeCamera" as Phase };
  cdp.on("Network.requestWillBeSent", (event) => {
    const url = new URL(event.request.url);
    if (url.protocol === "http:" || url.protocol === "https:") {
      requests.set(event.requestId, { url, bytes: 0, done: false, phase: state.phase });
    }
  });
  cdp.on("Network.loadingFinished", (event) => {
    const request = requests.get(event.requestId);
    if (request !== undefined) Object.assign(request, { bytes: event.encodedDataLength, done: true });
  });
  cdp.on("Network.loadingFailed", (event) => {
    const request = requests.get(event.requestId);
    if (request !== undefined) request.done = true;
  });
  await cdp.send("Network.enable");
  if (throttle) await cdp.send("Network.emulateNetworkConditions", SLOW_PHONE);
  const waitFor = async (found: (request: WireRequest) => boolean, what = "the decoder's .wasm") => {
    const deadline = Date.now() + 30_000;
    while (![...requests.values()].some(found)) {
      if (Date.now() > deadline) throw new Error(`the page did not load ${what} within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return {
    set phase(phase: Phase) {
      state.phase = phase;
    },
    waitFor,
    /** Resolves once every request seen so far has finished. */
    settled: () => waitFor(() => [...requests.values()].every((request) => request.done), "every request it started"),
    bytes(phase: Phase): Bytes {
      const bytes: Bytes = { page: 0, api: 0, rpc: 0, total: 0 };
      for (const request of requests.values()) {
        if (request.phase !== phase) continue;
        const kind =
          request.url.origin === new URL(stack.rpc.url).origin
            ? "rpc"
            : request.url.pathname.startsWith("/v1/")
              ? "api"
              : "page";
        bytes[kind] += request.bytes;
        bytes.total += request.bytes;
      }
      return bytes;
    },
  };
}

/**
 * The page served as the indexer served it before `serveVerifierPage`: `express.static` with
 * `cacheControl: false` under the page's headers (so `Cache-Control: no-cache`, identity, and
 * serve-static's weak ETag and Last-Modified), and the same `config.json` with the indexer as
 * a cross-origin API.
 */
async function startOldWayServer(stack: VerifierStack) {
  const config = (await (await fetch(`${stack.pageUrl}config.json`)).json()) as {
    registries: { indexerUrl: string }[];
  };
  for (const registry of config.registries) registry.indexerUrl = `${stack.indexer.url}/`;
  const headers = pageSecurityHeaders([new URL(stack.rpc.url).origin, new URL(stack.indexer.url).origin]);
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.get("/config.json", (_req, res) => {
    setHeaders(res, headers);
    res.json(config);
  });
  app.use(
    express.static(stack.build.outDir, {
      index: "index.html",
      dotfiles: "ignore",
      redirect: false,
      cacheControl: false,
      setHeaders: (res) => setHeaders(res, headers),
    }),
  );
  const server = createServer(app);
  const url = await listen(server);
  return { url: `${url}/`, close: () => closeServer(server) };
}
