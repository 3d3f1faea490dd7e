import { expect } from "chai";
import { network } from "hardhat";
import { numberToHex, type Address } from "viem";

import { createLogger } from "../../../server/internal/createLogger.js";
import { createLogFetcher, type LogPage, type RpcLog } from "../../../server/sync/createLogFetcher.js";
import { createRpcClient } from "../../../server/sync/createRpcClient.js";
import { LogRangeError } from "../../../server/sync/LogRangeError.js";
import { startFaultyRpcProxy, type Fault, type RangeDialect } from "../../helpers/faultyRpcProxy.js";
import { createRng } from "../../helpers/indexerActivity.js";
import { startJsonRpcServer } from "../../helpers/jsonRpcServer.js";
import { deployRegistry } from "../../helpers/registryFixture.js";

const { ethers, provider } = await network.create();
const quiet = createLogger({ level: "silent" });

describe("createLogFetcher", function () {
  let server: Awaited<ReturnType<typeof startJsonRpcServer>>;
  let registry: Address;
  let head: number;
  let allLogs: RpcLog[];
  /** Blocks holding one log each, back to back. */
  let dense: [number, number];

  before(async function () {
    const base = await deployRegistry(ethers);
    registry = base.registryAddress;
    const mine = (blocks: number) => provider.request({ method: "hardhat_mine", params: [numberToHex(blocks)] });
    const toggle = (i: number) =>
      base.registry.connect(base.distributor).setApprovalForAll(base.operator.address, i % 2 === 0);
    await mine(500);
    const first = (await ethers.provider.getBlockNumber()) + 1;
    for (let i = 0; i < 30; i++) await toggle(i);
    dense = [first, first + 29];
    await mine(3_000);
    for (let i = 0; i < 5; i++) await toggle(i);
    await mine(2_500);
    for (let i = 0; i < 3; i++) await toggle(i);
    head = await ethers.provider.getBlockNumber();
    server = await startJsonRpcServer(provider);
    allLogs = (await provider.request({
      method: "eth_getLogs",
      params: [{ address: registry, fromBlock: "0x0", toBlock: numberToHex(head) }],
    })) as RpcLog[];
    expect(allLogs.length).to.be.greaterThan(35);
  });
  after(async function () {
    await server.close();
  });

  async function fetchAll(
    url: string | string[],
    options: { initialRange?: number; maxRange?: number; from?: number } = {},
  ) {
    const rpc = createRpcClient({ urls: [url].flat(), logger: quiet, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 300 });
    const fetcher = createLogFetcher({ rpc, logger: quiet, addresses: [registry], targetLogs: 4, ...options });
    const pages: LogPage[] = [];
    for await (const page of fetcher.fetch(options.from ?? 0, head)) pages.push(page);
    return { pages, fetcher };
  }

  /** Pages are contiguous, in order, and cover exactly [from, head]; their logs are every log. */
  function expectCompleteCover(pages: LogPage[], from = 0) {
    let next = from;
    for (const page of pages) {
      expect(page.fromBlock, "pages are contiguous").to.equal(next);
      expect(page.toBlock).to.be.at.least(page.fromBlock);
      next = page.toBlock + 1;
    }
    expect(next - 1, "the last page ends at the requested block").to.equal(head);
    const fetched = pages.flatMap((page) => page.logs);
    expect(fetched).to.deep.equal(allLogs.filter((log) => Number(log.blockNumber) >= from));
  }

  /** Like expectCompleteCover, over `[from, to]`. */
  function expectCompleteCoverTo(pages: LogPage[], from: number, to: number) {
    let next = from;
    for (const page of pages) {
      expect(page.fromBlock, "pages are contiguous").to.equal(next);
      expect(page.toBlock).to.be.at.least(page.fromBlock);
      next = page.toBlock + 1;
    }
    expect(next - 1).to.equal(to);
    const inRange = (log: RpcLog) => Number(log.blockNumber) >= from && Number(log.blockNumber) <= to;
    expect(pages.flatMap((page) => page.logs)).to.deep.equal(allLogs.filter(inRange));
  }

  const dialects: [RangeDialect, string][] = [
    ["alchemy", "asks next for the range Alchemy suggests"],
    ["infura", "asks next for the range Infura suggests"],
    ["quicknode", "keeps under QuickNode's stated maximum span"],
    ["maxRange", "keeps under a stated 'maximum block range'"],
    ["tooWide", "halves the span on a bare 'block range is too wide'"],
  ];
  for (const [dialect, what] of dialects) {
    it(`shrinks on ${dialect}'s range error: ${what}, and skips no block`, async function () {
      const maxBlocks = 37;
      const proxy = await startFaultyRpcProxy({ target: server.url, rangeLimit: { maxBlocks, dialect } });
      try {
        const { pages } = await fetchAll(proxy.url, { initialRange: 1_000, maxRange: 4_096 });
        expectCompleteCover(pages);
        const getLogs = proxy.calls.filter((call) => call.method === "eth_getLogs");
        const refused = getLogs.findIndex((call) => call.fault === "range");
        expect(refused).to.be.at.least(0);
        const span = (call: (typeof getLogs)[number]) => {
          const filter = call.params[0] as { fromBlock: string; toBlock: string };
          return Number(filter.toBlock) - Number(filter.fromBlock) + 1;
        };
        const retry = getLogs[refused + 1]!;
        if (dialect === "tooWide") expect(span(retry)).to.equal(Math.floor(span(getLogs[refused]!) / 2));
        else expect(span(retry)).to.equal(maxBlocks);
        expect(pages.every((page) => page.toBlock - page.fromBlock + 1 <= maxBlocks)).to.equal(true);
      } finally {
        await proxy.close();
      }
    });
  }

  it("shrinks where logs are dense ('more than N results') and grows back where they are sparse", async function () {
    const proxy = await startFaultyRpcProxy({ target: server.url, maxResults: 3 });
    try {
      const { pages, fetcher } = await fetchAll(proxy.url, { initialRange: 64, maxRange: 2_048, from: dense[0] - 200 });
      expectCompleteCover(pages, dense[0] - 200);
      const spans = pages.map((page) => page.toBlock - page.fromBlock + 1);
      const inDense = pages.filter((page) => page.fromBlock >= dense[0] && page.toBlock <= dense[1]);
      expect(inDense.length).to.be.at.least(10);
      expect(Math.max(...inDense.map((page) => page.toBlock - page.fromBlock + 1))).to.be.at.most(3);
      const afterDense = spans.slice(pages.findIndex((page) => page.fromBlock > dense[1]));
      expect(Math.max(...afterDense)).to.be.at.least(512);
      expect(fetcher.span).to.be.greaterThan(3);
    } finally {
      await proxy.close();
    }
  });

  it("fetches every log through 429s, 5xx, malformed JSON, resets and timeouts", async function () {
    const rng = createRng(5);
    const kinds: Fault[] = [
      { type: "status", status: 429 },
      { type: "status", status: 503 },
      { type: "malformed" },
      { type: "reset" },
      { type: "hang" },
    ];
    const flaky = await startFaultyRpcProxy({
      target: server.url,
      faults: () => (rng.next() < 0.3 ? kinds[rng.int(kinds.length)] : undefined),
      rangeLimit: { maxBlocks: 200, dialect: "alchemy" },
    });
    try {
      const { pages } = await fetchAll(flaky.url, { initialRange: 500, maxRange: 1_000 });
      expectCompleteCover(pages);
      const seen = new Set(flaky.calls.map((call) => call.fault));
      expect([...seen]).to.include.members(["status", "malformed", "reset", "hang", "range"]);
    } finally {
      await flaky.close();
    }
  });

  it("falls back to a second URL when the first one fails", async function () {
    const broken = await startFaultyRpcProxy({ target: server.url, faults: () => ({ type: "status", status: 502 }) });
    const backup = await startFaultyRpcProxy({ target: server.url, rangeLimit: { maxBlocks: 300, dialect: "infura" } });
    try {
      const { pages } = await fetchAll([broken.url, backup.url], { initialRange: 500, maxRange: 1_000 });
      expectCompleteCover(pages);
      expect(broken.calls.length).to.be.greaterThan(0);
      // Every page comes from a range the backup served (an answer over `targetLogs` makes several pages).
      for (const page of pages) {
        expect(
          backup.servedLogRanges.some(([from, to]) => from <= page.fromBlock && page.toBlock <= to),
          `page [${page.fromBlock}, ${page.toBlock}] was served by the backup`,
        ).to.equal(true);
      }
    } finally {
      await broken.close();
      await backup.close();
    }
  });

  it("sizes spans from the log density and splits a large answer into block-aligned pages", async function () {
    const rpc = createRpcClient({ urls: [server.url], logger: quiet, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 300 });
    const from = dense[0] - 2;
    const fetcher = createLogFetcher({ rpc, logger: quiet, addresses: [registry], targetLogs: 8, initialRange: 64 });
    expect(fetcher.span, "the first span is modest whatever initialRange says").to.equal(10);
    const pages: LogPage[] = [];
    for await (const page of fetcher.fetch(from, dense[1])) pages.push(page);
    expectCompleteCoverTo(pages, from, dense[1]);
    // The first answer (10 blocks, 8 logs) exceeds no target; the next spans follow the density (1 log a block).
    expect(pages.every((page) => page.logs.length <= 8)).to.equal(true);
    expect(Math.max(...pages.map((page) => page.toBlock - page.fromBlock + 1))).to.be.at.most(10);

    const big = createLogFetcher({ rpc, logger: quiet, addresses: [registry], targetLogs: 7, maxRange: 64 });
    const split: LogPage[] = [];
    for await (const page of big.fetch(dense[0], dense[0] + 9)) split.push(page);
    expect(split.map((page) => [page.fromBlock, page.toBlock, page.logs.length])).to.deep.equal([
      [dense[0], dense[0] + 6, 7],
      [dense[0] + 7, dense[0] + 9, 3],
    ]);
  });

  it("fails loudly when a single block is refused, instead of skipping it", async function () {
    const proxy = await startFaultyRpcProxy({ target: server.url, maxResults: 0 });
    try {
      const error = await fetchAll(proxy.url, { initialRange: 8, from: dense[0] - 3 }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(LogRangeError);
      expect((error as LogRangeError).shortMessage).to.include(`single block ${dense[0]}`);
    } finally {
      await proxy.close();
    }
  });
});
