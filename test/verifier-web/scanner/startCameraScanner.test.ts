import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { expect } from "chai";
import type { Browser } from "playwright-core";

import type { ScanDegradation } from "../../../scripts/bench/scan/scanDegradations.js";
import type { ScanHarness } from "../../../scripts/bench/scan/scanHarnessPage.js";
import { SCAN_HARNESS_CARD, startScanHarness } from "../../../scripts/bench/scan/startScanHarness.js";
import { buildVerifierWeb, type VerifierBuild } from "../../../verifier-web/build.js";
import { ar } from "../../../verifier-web/src/i18n/messages/ar.js";
import { en } from "../../../verifier-web/src/i18n/messages/en.js";
import { launchVerifierBrowser, newPhoneContext, openRecordedPage } from "../../helpers/verifierBrowser.js";
import { startStaticVerifier } from "../../helpers/verifierStack.js";

const ffmpeg = (args: string[]) => promisify(execFile)("ffmpeg", ["-loglevel", "error", "-y", ...args]);

/** A second of a plain colour as Chromium's fake camera video (1280×720 Y4M). */
async function plainVideo(colour: string, out: string): Promise<string> {
  await ffmpeg([
    "-f",
    "lavfi",
    "-i",
    `color=c=${colour}:s=1280x720:r=10:d=1`,
    "-pix_fmt",
    "yuv420p",
    "-f",
    "yuv4mpegpipe",
    out,
  ]);
  return out;
}

/** A card at 60% of the frame, upright and sharp (the benchmark's reference frame). */
const SHARP_CARD = { size: 0.6, rotation: 0, blur: 0, noise: 4, jpeg: null, glare: false, scratched: false };

describe("verifier page camera: hard cards and live guidance (built page, fake camera, Chromium)", function () {
  let dir: string;
  let build: VerifierBuild;
  let site: Awaited<ReturnType<typeof startStaticVerifier>>;
  let harness: Awaited<ReturnType<typeof startScanHarness>>;
  const browsers: Browser[] = [];

  before(async function () {
    this.timeout(120_000);
    dir = await mkdtemp(join(tmpdir(), "cardproof-camera-"));
    build = await buildVerifierWeb({ outDir: join(dir, "dist") });
    // No registry the test card belongs to: the page answers without any network once it has read the QR.
    site = await startStaticVerifier(build, { registries: [] }, []);
    harness = await startScanHarness();
  });

  afterEach(async function () {
    for (const browser of browsers.splice(0)) await browser.close();
  });

  after(async function () {
    await site?.close();
    await harness?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  /** Opens the page with `video` as the camera, in `locale`, and presses "Scan with the camera". */
  async function scanWith(video: string, locale = "en-US", scanLabel: string = en["input.scan"]) {
    const browser = await launchVerifierBrowser({ fakeCamera: video });
    browsers.push(browser);
    const { page, problems, requests } = await openRecordedPage(await newPhoneContext(browser, locale));
    await page.goto(site.url);
    await page.getByRole("button", { name: scanLabel }).click();
    return { page, problems, requests };
  }

  it("asks for more light after a few seconds of a dark camera, in a polite live region", async function () {
    this.timeout(60_000);
    const { page } = await scanWith(await plainVideo("0x101010", join(dir, "dark.y4m")));
    const guidance = page.locator(".scan-guidance");
    await page.waitForFunction(() => document.querySelector(".scan-guidance")?.textContent !== "", undefined, {
      timeout: 20_000,
    });
    expect(await guidance.textContent()).to.equal(en["scan.guide.light"]);
    expect(await guidance.getAttribute("aria-live")).to.equal("polite");
    // Stopping the camera takes the advice away.
    await page.getByRole("button", { name: en["input.stop"] }).click();
    expect(await guidance.textContent()).to.equal("");
  });

  it("asks to move closer when a lit frame shows no QR code, in the page's language", async function () {
    this.timeout(60_000);
    const { page } = await scanWith(await plainVideo("0x8a8782", join(dir, "grey.y4m")), "ar", ar["input.scan"]);
    await page.waitForFunction(() => document.querySelector(".scan-guidance")?.textContent !== "", undefined, {
      timeout: 20_000,
    });
    expect(await page.locator(".scan-guidance").textContent()).to.equal(ar["scan.guide.closer"]);
  });

  it("asks to hold steady while the picture keeps changing", async function () {
    this.timeout(60_000);
    // A lit frame flickering between two grey levels, every frame: what a shaking phone looks like to the meter.
    const video = join(dir, "shaking.y4m");
    await ffmpeg(["-f", "lavfi", "-i", "color=c=gray:s=1280x720:r=10:d=1", "-vf", "geq=lum='if(mod(N,2),90,220)':cb=128:cr=128", "-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe", video]); // prettier-ignore
    const { page } = await scanWith(video);
    const steady = en["scan.guide.steady"];
    await page.waitForFunction((text) => document.querySelector(".scan-guidance")?.textContent === text, steady, {
      timeout: 20_000,
    });
  });

  /** A fake camera video of one frame made as `npm run bench:scan` makes them. */
  async function cameraVideoOf(name: string, change: Partial<ScanDegradation>): Promise<string> {
    const degradation: ScanDegradation = { ...SHARP_CARD, group: "test", label: name, ...change };
    const maker = await launchVerifierBrowser();
    let url: string;
    try {
      const page = await maker.newPage();
      await page.goto(harness.url);
      await page.waitForFunction(() => "scanHarness" in globalThis);
      url = await page.evaluate(
        async ({ card, degradation }) => {
          const scan = (globalThis as unknown as { scanHarness: ScanHarness }).scanHarness;
          await scan.setCard(card);
          await scan.makeFrame("camera", degradation, 7);
          return scan.framePng("camera");
        },
        { card: harness.card, degradation },
      );
    } finally {
      await maker.close();
    }
    await writeFile(join(dir, `${name}.png`), Buffer.from(url.slice(url.indexOf(",") + 1), "base64"));
    const video = join(dir, `${name}.y4m`);
    await ffmpeg(["-loop", "1", "-i", join(dir, `${name}.png`), "-t", "1", "-r", "10", "-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe", video]); // prettier-ignore
    return video;
  }

  it("reads a card at 30% of the frame, turned 28° and slightly blurred, from the camera", async function () {
    this.timeout(90_000);
    const { page, problems } = await scanWith(await cameraVideoOf("small", { size: 0.3, rotation: 28, blur: 1 }));
    const verdict = page.locator("[data-verdict]");
    await verdict.waitFor({ state: "visible", timeout: 30_000 });
    // The QR was read and parsed: the page went on to check the card (no registry matches here).
    expect(await verdict.getAttribute("data-verdict")).not.to.equal("invalid");
    expect(await page.locator(".scan-video").isHidden()).to.equal(true);
    expect(problems, problems.join("\n")).to.deep.equal([]);
  });

  it("names the secret QR when only it is in view, and its code appears nowhere", async function () {
    this.timeout(90_000);
    const video = await cameraVideoOf("secret", { size: 0.7, scratched: true, thumbOnPublicQr: true });
    const { page, requests } = await scanWith(video);
    const secret = en["scan.secret"];
    await page.waitForFunction((text) => document.querySelector(".scan-guidance")?.textContent === text, secret, {
      timeout: 20_000,
    });
    expect(await page.locator("[data-verdict]").count()).to.equal(0);
    const code = SCAN_HARNESS_CARD.code;
    const seen = [
      await page.content(),
      page.url(),
      ...requests.map((request) => `${request.url()} ${request.postData() ?? ""}`),
    ];
    for (const text of seen) expect(text.replaceAll(/[\s-]/g, "")).not.to.contain(code);
  });
});
