import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";

import { chromium, type Browser, type BrowserContext, type Page, type Request } from "playwright-core";

/** Debian's Chromium (installed by apt in CI); Playwright downloads no browser here. */
export const CHROMIUM_PATH = process.env.CARDPROOF_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Flags for headless Chromium as root on a closed network: no sandbox (root), no GPU, and none of
 * the background services that would flood the network with requests that cannot succeed.
 */
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
  "--disable-dev-shm-usage",
];

/** Starts Chromium; with `fakeCamera`, the camera shows that Y4M or MJPEG file and is allowed. */
export function launchVerifierBrowser({ fakeCamera }: { fakeCamera?: string } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: install Debian's (apt-get install chromium) or set CARDPROOF_CHROMIUM`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      ...FLAGS,
      ...(fakeCamera === undefined
        ? []
        : [
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            `--use-file-for-fake-video-capture=${fakeCamera}`,
          ]),
    ],
  });
}

/** A phone-sized browser context (390 px wide) in `locale`. */
export function newPhoneContext(browser: Browser, locale = "en-US"): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, locale });
}

/** A page that records every request it makes and every console error and CSP violation. */
export async function openRecordedPage(context: BrowserContext) {
  const page = await context.newPage();
  const requests: Request[] = [];
  const problems: string[] = [];
  page.on("request", (request) => requests.push(request));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(String(error)));
  return { page, requests, problems };
}

/** Waits for the verdict (or the "not a card" answer) and returns its kind. */
export async function waitForVerdict(page: Page): Promise<string> {
  const verdict = page.locator("[data-verdict]");
  await verdict.waitFor({ state: "visible", timeout: 20_000 });
  return (await verdict.getAttribute("data-verdict"))!;
}

/** Saves a screenshot of what the phone shows first under `dir` (small PNG: 390×844, scale 1). */
export async function saveScreenshot(page: Page, dir: string, name: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: false, animations: "disabled" });
  return path;
}
