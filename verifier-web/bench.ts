/**
 * `npm run bench:verifier`: time to verdict of the built page on localhost, in Debian's Chromium
 * against the real stack of the browser tests (EDR chain, CLI-minted batch, indexer serving the
 * page). Loads a genuine card's link `--runs` times (default 15), each in a fresh browser context
 * (cold caches, no service worker), and prints the median and worst time from navigation start to
 * the verdict on screen (the page's `cardproof:verdict` performance mark). `--json` for JSON only.
 */
import { launchVerifierBrowser, newPhoneContext } from "../test/helpers/verifierBrowser.js";
import { startVerifierStack } from "../test/helpers/verifierStack.js";

const args = process.argv.slice(2);
const runsIndex = args.indexOf("--runs");
const runs = runsIndex >= 0 ? Number(args[runsIndex + 1]) : 15;
const json = args.includes("--json");

const stack = await startVerifierStack();
const browser = await launchVerifierBrowser();
const samples: { verdict: number; domContentLoaded: number }[] = [];
try {
  for (let run = 0; run < runs; run++) {
    const context = await newPhoneContext(browser);
    const page = await context.newPage();
    await page.goto(`${stack.pageUrl}#${stack.a.payloads[2]}`);
    await page.locator('[data-verdict="genuine"]').waitFor();
    samples.push(
      await page.evaluate(() => ({
        verdict: performance.getEntriesByName("cardproof:verdict")[0]!.startTime,
        domContentLoaded: (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming)
          .domContentLoadedEventEnd,
      })),
    );
    await context.close();
  }
} finally {
  await browser.close();
  await stack.close();
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const median = (values: number[]) => sorted(values)[Math.floor(values.length / 2)]!;
const result = {
  runs,
  initialJsGzipBytes: stack.build.initialJsGzip,
  timeToVerdictMs: {
    median: Math.round(median(samples.map((sample) => sample.verdict))),
    max: Math.round(Math.max(...samples.map((sample) => sample.verdict))),
  },
  domContentLoadedMs: { median: Math.round(median(samples.map((sample) => sample.domContentLoaded))) },
};
if (json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  process.stdout.write(
    [
      `verifier page, ${runs} loads of a genuine card's link on localhost (fresh context each):`,
      `  initial JavaScript   ${(result.initialJsGzipBytes / 1024).toFixed(1)} KB gzipped`,
      `  DOMContentLoaded     median ${result.domContentLoadedMs.median} ms`,
      `  verdict on screen    median ${result.timeToVerdictMs.median} ms, worst ${result.timeToVerdictMs.max} ms (after navigation start)`,
      "",
    ].join("\n"),
  );
}
