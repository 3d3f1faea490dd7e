import { join } from "node:path";

import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { toFunctionSelector } from "viem";

import { encodeCardPayload } from "../../scripts/lib/cardPayload.js";
import { en } from "../../verifier-web/src/i18n/messages/en.js";
import { startShardServer } from "../../scripts/demo/startShardServer.js";
import { startLyingIndexerProxy } from "../helpers/lyingIndexerProxy.js";
import {
  launchVerifierBrowser,
  newPhoneContext,
  openRecordedPage,
  waitForVerdict,
} from "../helpers/verifierBrowser.js";
import { startStaticVerifier, startVerifierStack, type VerifierStack } from "../helpers/verifierStack.js";

type Listed = Record<string, unknown> & { event: string; seq: number; blockHash: string; logIndex: number };

/**
 * The page against a history service that lies, one test per kind of lie, through a proxy in
 * front of the real indexer (real chain, CLI, indexer and Chromium): the verdict must still come
 * from the chain, green only with a proof this browser verified, and every altered, invented or
 * missing event must be named as such.
 */
describe("verifier page against a lying or unreachable history service", function () {
  let stack: VerifierStack;
  let proxy: Awaited<ReturnType<typeof startLyingIndexerProxy>>;
  let browser: Browser;
  /** The page on a static host whose config lists the (lying) indexer, then static proof shards. */
  let withShards: { url: string; shardsHost: string; close(): Promise<void> };
  const contexts: BrowserContext[] = [];

  before(async function () {
    this.timeout(300_000);
    stack = await startVerifierStack();
    proxy = await startLyingIndexerProxy(stack.indexer.url);
    browser = await launchVerifierBrowser();
    const dir = join(stack.chain.workdir, "proof-shards");
    const published = await stack.chain.cardproof(["batch", "publish", stack.a.folder, "--static", dir]);
    expect(published.code, published.stderr).to.equal(0);
    const shards = await startShardServer({ dir, host: "127.0.0.1", port: 0, portHint: "" });
    const site = await startStaticVerifier(
      stack.build,
      {
        registries: [
          {
            chainId: "31337",
            address: stack.registry,
            rpcUrls: [stack.rpc.url],
            indexerUrl: proxy.pageUrl,
            proofSources: ["indexer", shards.url],
          },
        ],
      },
      [stack.rpc.url, proxy.pageUrl, shards.url],
    );
    withShards = {
      url: site.url,
      shardsHost: new URL(shards.url).host,
      close: async () => {
        await site.close();
        await shards.close();
      },
    };
  });

  afterEach(async function () {
    proxy.lie = undefined;
    proxy.down = false;
    stack.rpc.failing = undefined;
    for (const context of contexts.splice(0)) await context.close();
  });

  after(async function () {
    await browser?.close();
    await withShards?.close();
    await proxy?.close();
    await stack?.close();
  });

  async function open(payload: string, prepare?: (page: Page) => Promise<void>, site = proxy.pageUrl) {
    const context = await newPhoneContext(browser);
    contexts.push(context);
    const recorded = await openRecordedPage(context);
    await prepare?.(recorded.page);
    await recorded.page.goto(`${site}#${payload}`);
    const verdict = await waitForVerdict(recorded.page);
    return { ...recorded, verdict };
  }
  const text = (page: Page, selector: string) => page.locator(selector).innerText();
  const checkResult = (page: Page, check: string) =>
    page.locator(`[data-check="${check}"]`).getAttribute("data-result");
  const problems = (page: Page) =>
    page.locator("[data-problem]").evaluateAll((items) => items.map((item) => item.getAttribute("data-problem")));
  const shownEvents = (page: Page) =>
    page.locator("[data-event]").evaluateAll((items) => items.map((item) => item.getAttribute("data-event")));
  /** Rewrites the timeline of card `serial` of batch A. */
  const onTimeline = (serial: number, edit: (events: Listed[]) => Listed[]) => {
    proxy.lie = (path, data) =>
      path === `/v1/batches/${stack.a.batchId}/cards/${serial}/timeline`
        ? { ...(data as object), events: edit(structuredClone((data as { events: Listed[] }).events)) }
        : data;
  };
  const forgedCard = (serial: number) =>
    encodeCardPayload({
      chainId: 31_337n,
      registry: stack.registry,
      batchId: stack.a.batchId,
      serial,
      cardKey: `0x${"5e".repeat(20)}`,
    });

  it("checks every event of an honest history on the node and says how much of the batch it covers", async function () {
    const { page, verdict, problems: errors } = await open(stack.a.payloads[2]!);
    expect(verdict).to.equal("genuine");
    expect(await shownEvents(page)).to.deep.equal(["BatchIssued", "LotTransferred", "LotActivated"]);
    expect(await checkResult(page, "history"), await text(page, '[data-check="history"]')).to.equal("pass");
    expect(await text(page, '[data-check="history"] .check-text')).to.equal(
      en["evidence.history.checked"].replace("{shown}", "3"),
    );
    // Batch A's chain has links for other lots (the revocation of 20-29, the redemption of 3): not fetched, and said so.
    expect(await checkResult(page, "completeness")).to.equal("info");
    expect(await text(page, '[data-check="completeness"]')).to.contain("cardproof audit");
    expect(errors, errors.join("\n")).to.deep.equal([]);
  });

  it("is never green for a proof that does not reach the on-chain root, and never calls the card counterfeit for it", async function () {
    proxy.lie = (path, data) => {
      if (!path.endsWith("/cards/2/proof")) return data;
      const proof = data as { proof: string[] };
      proof.proof[0] = `0x${"ab".repeat(32)}`;
      return proof;
    };
    const { page, verdict } = await open(stack.a.payloads[2]!);
    expect(verdict).to.equal("unproven");
    expect(await checkResult(page, "proof")).to.equal("fail");
    expect(await text(page, '[data-check="proof"] .check-text')).to.equal(
      en["evidence.proof.badProof"].replace("{sources}", en["evidence.source.indexer"]),
    );
    await page.getByText(en["code.heading"]).click();
    expect(await page.locator("#code-result").getAttribute("data-outcome")).to.equal("notVerified");
  });

  it("is never green for a forged card whose made-up proof names the forger's card key", async function () {
    proxy.lie = (path, data) =>
      path.endsWith("/cards/5/proof") ? { ...(data as object), cardKey: `0x${"5e".repeat(20)}` } : data;
    const { verdict } = await open(forgedCard(5));
    expect(verdict).to.equal("unproven");
  });

  it("is never green for a forged card while the indexer cannot be reached, and matches no typed code", async function () {
    proxy.down = true;
    const { page, verdict } = await open(forgedCard(5));
    expect(verdict).to.equal("unproven");
    expect(await text(page, "#verdict-title")).to.equal(en["verdict.unproven.title"]);
    expect(await page.locator('[data-verdict="genuine"]').count()).to.equal(0);
    await page.getByText(en["code.heading"]).click();
    expect(await page.locator("#code-result").getAttribute("data-outcome")).to.equal("notVerified");
    expect(await page.locator("#code-input").count()).to.equal(0);
    expect(await text(page, ".timeline")).to.contain(en["timeline.unavailable"]);
  });

  it("takes the status from the chain whatever the status, proof hint and audit routes claim", async function () {
    proxy.lie = (path, data) => {
      if (path === `/v1/batches/${stack.a.batchId}/cards/25`) return { ...(data as object), status: "Active" };
      if (path.endsWith("/audit")) return { ...(data as object), replayed: { seq: 1, head: `0x${"00".repeat(32)}`, chainOk: false } };
      return data;
    }; // prettier-ignore
    const { page, verdict } = await open(stack.a.payloads[25]!);
    expect(verdict).to.equal("revoked");
    expect(await checkResult(page, "history")).to.equal("pass");
  });

  it("says the history was altered when the revocation is removed from the timeline, and keeps the chain's verdict", async function () {
    onTimeline(25, (events) => events.filter((event) => event.event !== "LotRevoked"));
    const { page, verdict } = await open(stack.a.payloads[25]!);
    expect(verdict).to.equal("revoked");
    expect(await checkResult(page, "history")).to.equal("fail");
    expect(await text(page, '[data-check="history"]')).to.contain(en["evidence.history.altered"]);
    expect(await problems(page)).to.include("stateDiffers");
    expect(await text(page, '[data-problem="stateDiffers"]')).to.contain(en["history.field.revoked"]);
  });

  it("says which event was altered when a transfer's recipient or a block time is rewritten, and shows the chain's values", async function () {
    const impostor = stack.accounts.admin.toLowerCase();
    onTimeline(2, (events) =>
      events.map((event) =>
        event.event === "LotTransferred"
          ? { ...event, to: impostor }
          : event.event === "LotActivated"
            ? { ...event, timestamp: (event.timestamp as number) - 86_400 }
            : event,
      ),
    );
    const { page, verdict } = await open(stack.a.payloads[2]!);
    expect(verdict).to.equal("genuine");
    expect(await checkResult(page, "history")).to.equal("fail");
    expect(await problems(page)).to.include.members(["altered"]);
    const altered = await page.locator('[data-problem="altered"]').allInnerTexts();
    expect(altered.join("\n")).to.contain("to").and.to.contain("timestamp");
    // The timeline shows who the chain says received the lot: the retailer, not the impostor.
    expect(await text(page, ".timeline")).to.contain(stack.accounts.retailer.toLowerCase().slice(-4));
    expect(await text(page, ".timeline")).not.to.contain(impostor.slice(-4));
  });

  it("names a made-up redemption under a green verdict as not on the chain, and does not show it", async function () {
    onTimeline(2, (events) => [
      ...events,
      {
        ...events.at(-1)!,
        event: "VoucherRedeemed",
        seq: 99,
        blockHash: `0x${"12".repeat(32)}`,
        operator: stack.accounts.studio.toLowerCase(),
      },
    ]);
    const { page, verdict } = await open(stack.a.payloads[2]!);
    expect(verdict).to.equal("genuine");
    expect(await problems(page)).to.deep.equal(["notOnChain"]);
    expect(await checkResult(page, "history")).to.equal("fail");
    expect(await shownEvents(page)).not.to.include("VoucherRedeemed");
  });

  it("says events are missing when the timeline is emptied", async function () {
    onTimeline(2, () => []);
    const { page, verdict } = await open(stack.a.payloads[2]!);
    expect(verdict).to.equal("genuine");
    expect(await problems(page)).to.include.members(["noIssuance", "stateDiffers"]);
  });

  it("says events are missing when the activation is dropped from the timeline", async function () {
    onTimeline(2, (events) => {
      const activation = events.find((event) => event.event === "LotActivated")!;
      return events.filter((event) => event !== activation);
    });
    const { page } = await open(stack.a.payloads[2]!);
    expect(await problems(page)).to.include("stateDiffers");
    expect(await text(page, '[data-problem="stateDiffers"]')).to.contain(en["history.field.activated"]);
  });

  it("names an extra event of another lot attached to this card as not on the chain for it", async function () {
    let revocation: Listed | undefined;
    proxy.lie = (path, data) => {
      const events = (data as { events?: Listed[] }).events;
      if (path.endsWith("/cards/25/timeline")) revocation = events?.find((event) => event.event === "LotRevoked");
      if (path.endsWith("/cards/2/timeline") && revocation !== undefined) return { ...(data as object), events: [...events!, revocation] };
      return data;
    }; // prettier-ignore
    await open(stack.a.payloads[25]!);
    expect(revocation, "the revocation of 20-29 was listed for card 25").to.not.equal(undefined);
    const { page, verdict } = await open(stack.a.payloads[2]!);
    expect(verdict).to.equal("genuine");
    expect(await problems(page)).to.include("notOnChain");
    expect(await shownEvents(page)).not.to.include("LotRevoked");
  });

  it("says a wrong run hint is the history service's fault, not the node's, when only the hint can locate the card", async function () {
    const lookupStatus = toFunctionSelector("lookupStatus(uint64,uint32)");
    stack.rpc.failing = (call) =>
      call.method === "eth_call" && String((call.params[0] as { data?: string }).data).startsWith(lookupStatus);
    const honest = await open(stack.a.payloads[2]!);
    expect(honest.verdict).to.equal("genuine"); // the indexer's true hint locates the card

    proxy.lie = (path, data) => (path.endsWith("/cards/2/proof") ? { ...(data as object), hint: 20 } : data);
    const { page, verdict } = await open(stack.a.payloads[2]!);
    expect(verdict).to.equal("unavailable");
    expect(await text(page, ".verdict-text")).to.equal(en["verdict.unavailable.badHint"]);
  });

  it("measures times from this phone's clock, not from the latest block", async function () {
    const twentyMinutesOn = new Date(Date.now() + 20 * 60_000);
    const { page, verdict } = await open(stack.a.payloads[3]!, (tab) => tab.clock.setFixedTime(twentyMinutesOn));
    expect(verdict).to.equal("redeemed");
    expect(await text(page, ".verdict-detail")).to.match(/Redeemed (19|20|21|22|23) minutes ago/);
  });

  it("proves a genuine card green from the static proof shards while the indexer cannot be reached", async function () {
    proxy.down = true;
    const { page, verdict } = await open(stack.a.payloads[2]!, undefined, withShards.url);
    expect(verdict).to.equal("genuine");
    expect(await checkResult(page, "proof")).to.equal("pass");
    expect(await text(page, '[data-check="proof"]')).to.contain(withShards.shardsHost);
    expect(await text(page, ".timeline")).to.contain(en["timeline.unavailable"]);
    // With a proven card key, the scratched code can be matched.
    await page.getByText(en["code.heading"]).click();
    await page.locator('#code-result[data-outcome="ready"]').waitFor({ state: "attached" });
    await page.getByLabel(en["code.label"]).fill(stack.a.codes[2]!);
    await page.getByLabel(en["code.label"]).press("Enter");
    await page.locator('#code-result[data-outcome="match"]').waitFor();
  });

  it("proves a forged card counterfeit from the static proof shards while the indexer cannot be reached", async function () {
    proxy.down = true;
    const { page, verdict } = await open(forgedCard(5), undefined, withShards.url);
    expect(verdict).to.equal("counterfeit");
    expect(await text(page, ".verdict-detail")).to.equal(en["counterfeit.cardKeyMismatch"]);
  });

  it("passes over an indexer's bad proof to the static shards, and says the indexer's proof was ignored", async function () {
    proxy.lie = (path, data) => {
      if (!path.endsWith("/cards/2/proof")) return data;
      const proof = data as { proof: string[] };
      proof.proof[0] = `0x${"ab".repeat(32)}`;
      return proof;
    };
    const { page, verdict } = await open(stack.a.payloads[2]!, undefined, withShards.url);
    expect(verdict).to.equal("genuine");
    expect(await checkResult(page, "history"), "the indexer answered the page's other origin").to.equal("pass");
    expect(await checkResult(page, "badSource")).to.equal("warn");
    expect(await text(page, '[data-check="badSource"] .check-text')).to.equal(
      en["evidence.proof.badSource"].replace("{sources}", en["evidence.source.indexer"]),
    );
  });
});
