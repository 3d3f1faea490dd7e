import { join } from "node:path";

import { expect } from "chai";
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import type { Address } from "viem";

import { makeBatchId } from "../../scripts/lib/batchId.js";
import { encodeCardPayload } from "../../scripts/lib/cardPayload.js";
import { computeDecimalCheck } from "../../scripts/lib/decimalCheckDigits.js";
import { formatCode } from "../../scripts/lib/formatCode.js";
import { ar } from "../../verifier-web/src/i18n/messages/ar.js";
import { en } from "../../verifier-web/src/i18n/messages/en.js";
import { es } from "../../verifier-web/src/i18n/messages/es.js";
import {
  launchVerifierBrowser,
  newPhoneContext,
  openRecordedPage,
  saveScreenshot,
  waitForVerdict,
} from "../helpers/verifierBrowser.js";
import {
  makeFakeCameraVideo,
  SCREENSHOT_DIR,
  startStaticVerifier,
  startVerifierStack,
  type VerifierStack,
} from "../helpers/verifierStack.js";

/**
 * Han characters on the page that no installed font can draw: a missing glyph renders as the .notdef
 * box, exactly like an unassigned code point. (A string, so the test runner's transpiler cannot add
 * helpers the page lacks.)
 */
const MISSING_HAN_GLYPHS = `(() => {
  const canvas = document.createElement("canvas");
  canvas.width = 40;
  canvas.height = 40;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.font = "28px " + getComputedStyle(document.body).fontFamily;
  function draw(char) {
    context.clearRect(0, 0, 40, 40);
    context.fillText(char, 4, 32);
    return Array.from(context.getImageData(0, 0, 40, 40).data).join(",");
  }
  const notdef = draw("\u{10FFFD}");
  const han = [...new Set(document.body.innerText.match(/\\p{Script=Han}/gu) || [])];
  return { checked: han.length, missing: han.filter((char) => draw(char) === notdef) };
})()`;

describe("verifier page (real chain, CLI, indexer and Chromium)", function () {
  let stack: VerifierStack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  before(async function () {
    this.timeout(300_000);
    stack = await startVerifierStack();
    browser = await launchVerifierBrowser();
  });

  afterEach(async function () {
    stack.rpc.down = false;
    for (const context of contexts.splice(0)) await context.close();
  });

  after(async function () {
    await browser?.close();
    await stack?.close();
  });

  /** Opens `url` in a fresh phone-sized context and waits for the verdict. */
  async function open(url: string, { locale = "en-US" }: { locale?: string } = {}) {
    const context = await newPhoneContext(browser, locale);
    contexts.push(context);
    const recorded = await openRecordedPage(context);
    await recorded.page.goto(url);
    const verdict = await waitForVerdict(recorded.page);
    return { ...recorded, verdict };
  }
  const cardUrl = (payload: string) => `${stack.pageUrl}#${payload}`;
  const text = (page: Page, selector: string) => page.locator(selector).innerText();
  const checkResult = (page: Page, check: string) =>
    page.locator(`[data-check="${check}"]`).getAttribute("data-result");

  it("says genuine and unused for an activated card, echoes the card, shows how it was checked", async function () {
    const { page, problems, verdict } = await open(cardUrl(stack.a.payloads[2]!));
    expect(verdict).to.equal("genuine");
    expect(await text(page, "#verdict-title")).to.equal(en["verdict.genuine.title"]);
    // The payload left the address bar and this history entry.
    expect(page.url()).to.equal(stack.pageUrl);
    expect(await page.evaluate(() => location.hash)).to.equal("");

    const echo = await text(page, ".echo");
    expect(echo).to.contain("50.00 USD").and.to.contain("Acme Game Cards").and.to.contain(String(stack.a.batchId));
    for (const check of ["registry", "status", "proof", "history"])
      expect(await checkResult(page, check)).to.equal("pass");
    expect(await text(page, '[data-check="proof"]')).to.contain("40 cards");
    expect(
      await page.locator("[data-event]").evaluateAll((items) => items.map((item) => item.getAttribute("data-event"))),
    ).to.deep.equal(["BatchIssued", "LotTransferred", "LotActivated"]);
    expect(await text(page, ".timeline")).to.contain("Issued by Acme Game Cards");
    expect(await page.locator(".repeat").getAttribute("data-count")).to.equal("1");
    expect(await page.locator("[data-partial]").count()).to.equal(0);
    expect(problems, problems.join("\n")).to.deep.equal([]);

    const timeToVerdict = await page.evaluate(() => performance.getEntriesByName("cardproof:verdict")[0]!.startTime);
    console.log(`      time to verdict on localhost: ${Math.round(timeToVerdict)} ms after navigation start`);
    await saveScreenshot(page, SCREENSHOT_DIR, "genuine");
  });

  it("says already redeemed, when and by whom", async function () {
    const { page, verdict } = await open(cardUrl(stack.a.payloads[3]!));
    expect(verdict).to.equal("redeemed");
    const detail = await text(page, ".verdict-detail");
    expect(detail).to.match(/^Redeemed .*ago \(.*\) by 0x[0-9a-f]{4}…[0-9a-f]{4}\.$/);
    expect(detail).to.contain(stack.accounts.studio.toLowerCase().slice(-4));
    expect(await page.locator("[data-event]").last().getAttribute("data-event")).to.equal("VoucherRedeemed");
    await saveScreenshot(page, SCREENSHOT_DIR, "redeemed");
  });

  it("says revoked with the supplier's reason", async function () {
    const { page, verdict } = await open(cardUrl(stack.a.payloads[25]!));
    expect(verdict).to.equal("revoked");
    expect(await text(page, ".verdict-detail")).to.equal("Reason: stolen.");
    expect(await text(page, ".timeline")).to.contain("Revoked by the supplier: stolen");
    await saveScreenshot(page, SCREENSHOT_DIR, "revoked");
  });

  it("says expired with the date", async function () {
    const { page, verdict } = await open(cardUrl(stack.b.payloads[1]!));
    expect(verdict).to.equal("expired");
    expect(await text(page, ".verdict-text")).to.match(/^This card expired on \w+ \d+, \d{4} and can no longer/);
    expect(await text(page, ".echo")).to.contain("10.00 EUR");
    await saveScreenshot(page, SCREENSHOT_DIR, "expired");
  });

  it("says genuine but not activated for a card the shop has not sold yet", async function () {
    const { page, verdict } = await open(cardUrl(stack.a.payloads[7]!));
    expect(verdict).to.equal("notActivated");
    expect(await text(page, '[data-check="status"]')).to.contain("not activated");
    await saveScreenshot(page, SCREENSHOT_DIR, "not-activated");
  });

  it("says counterfeit for a card whose QR names a real serial with another card key, or a batch never issued", async function () {
    const forged = encodeCardPayload({
      chainId: 31_337n,
      registry: stack.registry,
      batchId: stack.a.batchId,
      serial: 5,
      cardKey: `0x${"5e".repeat(20)}`,
    });
    const { page, verdict } = await open(cardUrl(forged));
    expect(verdict).to.equal("counterfeit");
    expect(await text(page, ".verdict-detail")).to.equal(en["counterfeit.cardKeyMismatch"]);
    expect(await checkResult(page, "proof")).to.equal("fail");
    expect(await page.locator(".repeat, .code-check").count()).to.equal(0);
    await saveScreenshot(page, SCREENSHOT_DIR, "counterfeit");

    const neverIssued = encodeCardPayload({
      chainId: 31_337n,
      registry: stack.registry,
      batchId: makeBatchId(1, 99),
      serial: 0,
      cardKey: `0x${"01".repeat(20)}`,
    });
    const second = await open(cardUrl(neverIssued));
    expect(second.verdict).to.equal("counterfeit");
    expect(await text(second.page, ".verdict-detail")).to.equal(en["counterfeit.batchNotIssued"]);
    // The indexer answered (404 for a batch it never saw): nothing says it could not be reached.
    expect(await second.page.locator(".timeline").count()).to.equal(0);
    expect(await text(second.page, "main")).not.to.contain("could not be reached");
  });

  it("says not verified for a card of a registry outside the allowlist, without asking anyone", async function () {
    const lookalike = `0x${"ab".repeat(20)}` as Address;
    const payload = encodeCardPayload({
      chainId: 31_337n,
      registry: lookalike,
      batchId: stack.a.batchId,
      serial: 2,
      cardKey: `0x${"02".repeat(20)}`,
    });
    const before = stack.rpc.bodies.length;
    const { page, verdict, requests } = await open(cardUrl(payload));
    expect(verdict).to.equal("unknownRegistry");
    expect(await text(page, '[data-check="registry"]')).to.contain("0xabababababababab");
    expect(stack.rpc.bodies.length).to.equal(before);
    expect(requests.filter((request) => request.url().includes("/v1/"))).to.deep.equal([]);
    await saveScreenshot(page, SCREENSHOT_DIR, "unknown-registry");
  });

  it("refuses a tampered QR payload by its check digits, before any lookup", async function () {
    const payload = stack.a.payloads[2]!;
    const digit = payload[30] === "7" ? "8" : "7";
    const tampered = `${payload.slice(0, 30)}${digit}${payload.slice(31)}`;
    const before = stack.rpc.bodies.length;
    const { page, verdict } = await open(cardUrl(tampered));
    expect(verdict).to.equal("invalid");
    expect(await text(page, ".verdict-text")).to.equal(en["invalid.checksum"]);
    expect(en["invalid.checksum"]).to.contain("damaged or tampered with").and.to.contain("do not buy or accept");
    expect(stack.rpc.bodies.length).to.equal(before);
  });

  it("says a CardProof v1 card was printed for v1, never green, before any lookup", async function () {
    const v2 = stack.a.payloads[2]!;
    const body = `1${v2.slice(1, -5)}`;
    const v1 = `${body}${computeDecimalCheck(body, 5)}`;
    const before = stack.rpc.bodies.length;
    const { page, verdict, requests } = await open(cardUrl(v1));
    expect(verdict).to.equal("invalid");
    expect(await text(page, ".verdict-text")).to.equal(en["invalid.printedForV1"]);
    expect(await page.locator('[data-verdict="genuine"], .code-check').count()).to.equal(0);
    expect(stack.rpc.bodies.length).to.equal(before);
    expect(requests.filter((request) => request.url().includes("/v1/"))).to.deep.equal([]);
  });

  it("never says genuine when the indexer is stopped and no other proof source answers", async function () {
    const other = await stack.startOtherIndexer();
    const site = await startStaticVerifier(
      stack.build,
      { registries: [{ chainId: "31337", address: stack.registry, rpcUrls: [stack.rpc.url], indexerUrl: other.url }] },
      [stack.rpc.url, other.url],
    );
    try {
      await other.stop();
      const { page, verdict, problems, requests } = await open(`${site.url}#${stack.a.payloads[2]}`);
      expect(verdict).to.equal("unproven");
      expect(await text(page, "#verdict-title")).to.equal(en["verdict.unproven.title"]);
      expect(await page.getByRole("button", { name: en["verdict.retry"] }).count()).to.equal(1);
      expect(await checkResult(page, "status")).to.equal("pass");
      expect(await checkResult(page, "proof")).to.equal("warn");
      expect(await text(page, '[data-check="proof"] .check-text')).to.equal(en["evidence.proof.sourcesDown"]);
      expect(await checkResult(page, "history")).to.equal("warn");
      expect(await text(page, ".timeline")).to.contain(en["timeline.unavailable"]);
      expect(await page.locator(".repeat").count()).to.equal(0);
      // No verified proof, no verified card key: the code check offers nothing to match against.
      await page.getByText(en["code.heading"]).click();
      expect(await page.locator("#code-result").getAttribute("data-outcome")).to.equal("notVerified");
      expect(await page.locator("#code-input").count()).to.equal(0);
      expect(requests.some((request) => request.url().includes("cardKeyOfTypedCode"))).to.equal(false);
      expect(problems.filter((problem) => !/ERR_CONNECTION_REFUSED|Failed to load/.test(problem))).to.deep.equal([]);
      await saveScreenshot(page, SCREENSHOT_DIR, "indexer-down");
    } finally {
      await site.close();
    }
  });

  it("says it could not check, never counterfeit, while the RPC node is down, and checks on Retry", async function () {
    stack.rpc.down = true;
    const { page, verdict } = await open(cardUrl(stack.a.payloads[2]!));
    expect(verdict).to.equal("unavailable");
    expect(await text(page, "#verdict-title")).to.equal(en["verdict.unavailable.title"]);
    expect(await checkResult(page, "status")).to.equal("warn");
    expect(await text(page, ".echo")).to.contain("Serial");
    await saveScreenshot(page, SCREENSHOT_DIR, "could-not-check");

    stack.rpc.down = false;
    await page.getByRole("button", { name: en["verdict.retry"] }).click();
    await page.locator('[data-verdict="genuine"]').waitFor();
  });

  it("loads the card-key code only when the code check opens, from the page's own origin", async function () {
    const { page, requests, problems } = await open(cardUrl(stack.a.payloads[2]!));
    const isKeyChunk = (request: Request) => /\/assets\/chunks\/cardKeyOfTypedCode-[^/]+\.js$/.test(request.url());
    expect(requests.filter(isKeyChunk)).to.deep.equal([]);
    const chunk = page.waitForRequest(isKeyChunk);
    await page.getByText(en["code.heading"]).click();
    const loaded = await chunk;
    expect(new URL(loaded.url()).origin).to.equal(new URL(stack.pageUrl).origin);
    expect((await loaded.response())!.status()).to.equal(200);
    await page.locator('#code-result[data-outcome="ready"]').waitFor({ state: "attached" });
    expect(requests.filter(isKeyChunk)).to.have.length(1);
    // The lazy chunk is the one the build reported, outside the initial JavaScript.
    const lazy = stack.build.lazy.find((item) => item.file.includes("cardKeyOfTypedCode-"));
    expect(lazy, "the build lists the key chunk as loaded on demand").to.not.equal(undefined);
    expect(loaded.url()).to.contain(lazy!.file);
    expect(problems, problems.join("\n")).to.deep.equal([]);
  });

  it("checks the scratched code in the page against the proven card key and sends it nowhere", async function () {
    const { page, requests } = await open(cardUrl(stack.a.payloads[2]!));
    const code = stack.a.codes[2]!;
    await page.getByText(en["code.heading"]).click();
    await page.locator('#code-result[data-outcome="ready"]').waitFor({ state: "attached" });
    const sentBefore = requests.length;
    const proxied = stack.rpc.bodies.length;
    const input = page.getByLabel(en["code.label"]);
    // Another card's code: a valid code, but its key (derived for serial 2) is not this card's.
    await input.fill(stack.a.codes[4]!);
    await input.press("Enter");
    await page.locator('#code-result[data-outcome="noMatch"]').waitFor();
    expect(await text(page, "#code-result")).to.equal(en["code.noMatch"]);
    await input.fill(formatCode(code).toLowerCase());
    await page.getByRole("button", { name: en["code.button"] }).click();
    await page.locator('#code-result[data-outcome="match"]').waitFor();
    expect(await text(page, "#code-result")).to.equal(en["code.match"]);
    expect(await input.inputValue()).to.equal("");
    await page.waitForTimeout(300); // anything the check might have sent would be on its way by now

    expect(
      requests.length,
      requests
        .slice(sentBefore)
        .map((r) => r.url())
        .join("\n"),
    ).to.equal(sentBefore);
    expect(stack.rpc.bodies.length).to.equal(proxied);
    const forms = [code, formatCode(code)].flatMap((form) => [form, form.toLowerCase()]);
    for (const request of requests as Request[]) {
      const sent = `${request.url()} ${request.postData() ?? ""}`;
      for (const form of forms) expect(sent).not.to.contain(form);
    }
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }))).not.to.contain(code);
  });

  it("counts checks per card without personal data: checked N times, first on …", async function () {
    const first = await open(cardUrl(stack.a.payloads[12]!));
    expect(await text(first.page, ".repeat-count")).to.equal(en["repeat.times.one"]);
    const second = await open(cardUrl(stack.a.payloads[12]!));
    expect(await text(second.page, ".repeat-count")).to.match(/^Checked 2 times, first on /);
    // The same browser session checking again reads the count without adding to it.
    await second.page.locator("#paste-input").fill(cardUrl(stack.a.payloads[12]!));
    await second.page.locator("#paste-input").press("Enter");
    await second.page.locator('.repeat[data-count="2"]').waitFor();
  });

  it("lays out Arabic right to left, with hex and numbers isolated left to right", async function () {
    const { page, verdict } = await open(cardUrl(stack.a.payloads[2]!), { locale: "ar-EG" });
    expect(verdict).to.equal("genuine");
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).to.deep.equal([
      "ar",
      "rtl",
    ]);
    expect(await text(page, "#verdict-title")).to.equal(ar["verdict.genuine.title"]);
    const badge = (await page.locator(".verdict-badge").boundingBox())!;
    const title = (await page.locator("#verdict-title").boundingBox())!;
    expect(badge.x, "the badge sits on the right in RTL").to.be.greaterThan(title.x);
    expect(await page.locator('[data-check="registry"] bdi[dir="ltr"]').first().innerText()).to.equal(
      stack.registry.toLowerCase(),
    );
    await saveScreenshot(page, SCREENSHOT_DIR, "arabic");
  });

  it("renders Chinese without missing glyphs, and switches language on demand", async function () {
    const { page, verdict } = await open(cardUrl(stack.a.payloads[2]!), { locale: "zh-CN" });
    expect(verdict).to.equal("genuine");
    expect(await page.evaluate(() => document.documentElement.lang)).to.equal("zh-CN");
    const missing = (await page.evaluate(MISSING_HAN_GLYPHS)) as { checked: number; missing: string[] };
    expect(missing.checked).to.be.greaterThan(30);
    expect(missing.missing, `no font for ${missing.missing.join("")}: install fonts-wqy-microhei`).to.deep.equal([]);

    await page.locator("#language").selectOption("es");
    await page.locator("html[lang=es]").waitFor();
    expect(await text(page, "#verdict-title")).to.equal(es["verdict.genuine.title"]);
  });

  it("is usable from the keyboard: paste a link, Enter, and focus lands on the verdict", async function () {
    const context = await newPhoneContext(browser);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(stack.pageUrl);
    await page.locator("#paste-input").waitFor();
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.id)) !== "paste-input"; i++) {
      await page.keyboard.press("Tab");
    }
    await page.keyboard.type(`HTTP://127.0.0.1/#${stack.a.payloads[7]}`);
    await page.keyboard.press("Enter");
    expect(await waitForVerdict(page)).to.equal("notActivated");
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("verdict-title");
    expect(await page.locator("#language").getAttribute("id")).to.equal("language");
    expect(await page.getByLabel(en["app.language"]).count()).to.equal(1);
  });

  it("is served with a strict policy: connections only to itself and the configured node", async function () {
    const response = await fetch(stack.pageUrl);
    const csp = response.headers.get("content-security-policy")!;
    expect(csp).to.contain(`connect-src 'self' ${new URL(stack.rpc.url).origin};`);
    expect(csp).to.contain("script-src 'self' 'wasm-unsafe-eval'").and.to.contain("frame-ancestors 'none'");
    expect(response.headers.get("referrer-policy")).to.equal("no-referrer");
    const config = await (await fetch(`${stack.pageUrl}config.json`)).json();
    expect(config).to.deep.equal({
      registries: [
        {
          chainId: "31337",
          address: stack.registry.toLowerCase(),
          rpcUrls: [stack.rpc.url],
          indexerUrl: "/",
          proofSources: ["indexer"],
          explorerUrl: null,
          escrow: null,
        },
      ],
    });
  });

  it("scans a CLI-printed card with the fake camera (WebAssembly decoder from its own origin)", async function () {
    const png = await stack.printCard(2);
    const video = await makeFakeCameraVideo(png, join(stack.chain.workdir, "card.y4m"));
    const camera = await launchVerifierBrowser({ fakeCamera: video });
    try {
      const context = await newPhoneContext(camera);
      const { page, requests } = await openRecordedPage(context);
      await page.goto(stack.pageUrl);
      const loaded = requests.length;
      await page.getByRole("button", { name: en["input.scan"] }).click();
      expect(await waitForVerdict(page)).to.equal("genuine");
      expect(await page.locator("[data-partial]").count()).to.equal(0);
      const scanner = requests.slice(loaded).map((request) => new URL(request.url()));
      expect(scanner.some((url) => /\/wasm\/zxing_reader-[A-Z2-7]{8}\.wasm$/.test(url.pathname))).to.equal(true);
      const origins = new Set(requests.map((request) => new URL(request.url()).origin));
      expect([...origins].sort()).to.deep.equal([new URL(stack.pageUrl).origin, new URL(stack.rpc.url).origin].sort());
    } finally {
      await camera.close();
    }
  });
});
