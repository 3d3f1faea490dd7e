/**
 * Scanner benchmark: how often each QR decoder path of the verifier page reads a printed card from
 * camera frames, before (one decoder call on the whole frame, as the page did) and after (the
 * multi-scale, cropped attempts of `createFrameScanner`), side by side in one run in headless
 * Chromium.
 *
 *   npm run bench:scan                    table on stdout, progress on stderr
 *   npm run bench:scan -- --frames 3      frames per degradation (default 6)
 *   npm run bench:scan -- --rows blur     only the rows whose group or label contains "blur"
 *
 * Frames (1280 × 720, see `scan/scanDegradations.ts` for every degradation) are drawn in the page
 * with a canvas from a card rendered by the print renderer. Paths: ZXing-C++ WebAssembly, jsQR, and
 * the native `BarcodeDetector` when this Chromium reads QR codes with it ("n/a" otherwise, as on
 * desktop Linux). A read counts when the card's own public QR text comes out (the secret QR of a
 * scratched card, or nothing, does not). Times are per frame, in the page, the median and the 90th
 * percentile over every frame (after: until the card is read or every attempt failed; the camera
 * spreads those attempts over frames, 60 ms of decoding each); they vary with the machine. The
 * `camera:` rows replay the camera loop's decoding (`readNext`) on each frame held still: cards read,
 * frames it took, the longest decoding of one frame.
 */
import { chromium } from "playwright-core";

import type { QrEngine } from "../../verifier-web/src/scanner/createQrReader.js";
import { argumentsAfterScript } from "./lib/argumentsAfterScript.js";
import { renderTable } from "./lib/renderTable.js";
import type { CameraOutcome, ScanHarness, ScanMode, ScanOutcome } from "./scan/scanHarnessPage.js";
import { SCAN_DEGRADATIONS, type ScanDegradation } from "./scan/scanDegradations.js";
import { startScanHarness } from "./scan/startScanHarness.js";

const CHROMIUM_PATH = process.env.CARDPROOF_CHROMIUM ?? "/usr/bin/chromium";
const ENGINES: readonly QrEngine[] = ["zxing-wasm", "jsqr", "native"];
const MODES: readonly ScanMode[] = ["before", "after"];
const ENGINE_NAMES: Record<QrEngine, string> = { "zxing-wasm": "ZXing wasm", jsqr: "jsQR", native: "native" };

const args = argumentsAfterScript(process.argv, import.meta.url);
const rowsFlag = args.indexOf("--rows");
const ROWS = rowsFlag === -1 ? "" : (args[rowsFlag + 1] ?? "");
const framesFlag = args.indexOf("--frames");
const FRAMES = framesFlag === -1 ? 6 : Number(args[framesFlag + 1]);
if (!Number.isInteger(FRAMES) || FRAMES < 1 || FRAMES > 100) {
  console.error(
    "usage: npm run bench:scan [-- --frames N] [--rows TEXT]   (N: frames per degradation, 1-100, default 6)",
  );
  process.exit(2);
}
const ROW_NAMES = SCAN_DEGRADATIONS.map((degradation) => `${degradation.group} ${degradation.label}`);
if (!ROW_NAMES.some((name) => name.includes(ROWS))) {
  console.error(
    `no degradation matches --rows ${JSON.stringify(ROWS)}; pick part of one of:\n  ${ROW_NAMES.join("\n  ")}`,
  );
  process.exit(2);
}

const harness = await startScanHarness();
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
});
try {
  const page = await browser.newPage();
  await page.goto(harness.url);
  await page.waitForFunction(() => "scanHarness" in globalThis);
  await page.evaluate(
    (card) => (globalThis as unknown as { scanHarness: ScanHarness }).scanHarness.setCard(card),
    harness.card,
  );
  const engines: QrEngine[] = [];
  for (const engine of ENGINES) {
    const supported = await page.evaluate(
      (name) => (globalThis as unknown as { scanHarness: ScanHarness }).scanHarness.supports(name),
      engine,
    );
    if (supported) engines.push(engine);
  }
  const paths = engines.flatMap((engine) => MODES.map((mode) => ({ engine, mode })));
  const times = new Map<string, number[]>(paths.map(({ engine, mode }) => [`${engine} ${mode}`, []]));
  const camera = new Map<QrEngine, CameraOutcome[]>(engines.map((engine) => [engine, []]));
  const rows: string[][] = [];
  let measured = 0;
  const started = Date.now();
  for (const [index, degradation] of SCAN_DEGRADATIONS.entries()) {
    if (!`${degradation.group} ${degradation.label}`.includes(ROWS)) continue;
    const outcomes = await page.evaluate(
      async ({ degradation, frames, paths, engines, index }) => {
        const scan = (globalThis as unknown as { scanHarness: ScanHarness }).scanHarness;
        const results: ScanOutcome[][] = paths.map(() => []);
        const cameras: CameraOutcome[][] = engines.map(() => []);
        for (let frame = 0; frame < frames; frame++) {
          const id = `${index}-${frame}`;
          await scan.makeFrame(id, degradation as ScanDegradation, 1_000 * index + frame + 1);
          for (const [p, path] of paths.entries()) results[p]!.push(await scan.read(id, path.engine, path.mode));
          for (const [e, engine] of engines.entries()) cameras[e]!.push(await scan.readCamera(id, engine));
        }
        scan.clearFrames();
        return { results, cameras };
      },
      { degradation, frames: FRAMES, paths, engines, index },
    );
    for (const [e, engine] of engines.entries()) camera.get(engine)!.push(...outcomes.cameras[e]!);
    const cells = ENGINES.flatMap((engine) =>
      MODES.map((mode) => {
        const p = paths.findIndex((path) => path.engine === engine && path.mode === mode);
        if (p === -1) return "n/a";
        const read = outcomes.results[p]!;
        times.get(`${engine} ${mode}`)!.push(...read.map((outcome) => outcome.ms));
        const wrong = read.filter((outcome) => outcome.kind === "wrong").length;
        return `${read.filter((outcome) => outcome.kind === "card").length}/${read.length}${wrong > 0 ? ` (${wrong} wrong)` : ""}`;
      }),
    );
    rows.push([degradation.group, degradation.label, ...cells]);
    measured++;
    console.error(`  ${degradation.group}, ${degradation.label}: ${cells.join("  ")}`);
  }
  const quantile = (values: number[], q: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
  };
  for (const [label, q] of [
    ["median", 0.5],
    ["90th percentile", 0.9],
  ] as const) {
    rows.push([
      `${label} time per frame`,
      "",
      ...ENGINES.flatMap((engine) =>
        MODES.map((mode) => {
          const values = times.get(`${engine} ${mode}`);
          return values === undefined ? "n/a" : `${quantile(values, q).toFixed(0)} ms`;
        }),
      ),
    ]);
  }
  // The camera loop on the same frames (each frame held still before it): how many frames it took
  // to read the card, and the longest any frame spent decoding (what keeps the page responsive).
  const cameraRow = (label: string, cell: (outcomes: CameraOutcome[]) => string) => [
    label,
    "",
    ...ENGINES.flatMap((engine) => {
      const outcomes = camera.get(engine);
      return outcomes === undefined ? ["n/a", "n/a"] : ["", cell(outcomes)];
    }),
  ];
  rows.push(
    cameraRow(
      "camera: cards read",
      (outcomes) => `${outcomes.filter((o) => o.kind === "card").length}/${outcomes.length}`,
    ),
    cameraRow("camera: frames to read, median", (outcomes) => {
      const read = outcomes.filter((o) => o.kind === "card").map((o) => o.frames);
      return read.length === 0 ? "-" : String(quantile(read, 0.5));
    }),
    cameraRow("camera: frames to read, max", (outcomes) => {
      const read = outcomes.filter((o) => o.kind === "card").map((o) => o.frames);
      return read.length === 0 ? "-" : String(Math.max(...read));
    }),
    cameraRow("camera: longest frame", (outcomes) => `${Math.max(...outcomes.map((o) => o.longestMs)).toFixed(0)} ms`),
  );
  const headers = [
    "degradation",
    "",
    ...ENGINES.flatMap((engine) => MODES.map((mode) => `>${ENGINE_NAMES[engine]} ${mode}`)),
  ];
  console.log(
    `Cards read per degradation (${FRAMES} frames each, 1280×720, Chromium ${browser.version()} headless; ` +
      `before = one call on the whole frame, after = createFrameScanner)\n`,
  );
  console.log(renderTable(headers, rows));
  console.error(`\n${measured} degradations × ${FRAMES} frames in ${((Date.now() - started) / 1000).toFixed(0)} s`);
} finally {
  await browser.close();
  await harness.close();
}
