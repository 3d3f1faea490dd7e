import { expect } from "chai";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { network } from "hardhat";
import { type Hex } from "viem";

import type { AuditReport } from "../../../scripts/audit/AuditReport.js";
import type { CardReceipt } from "../../../scripts/audit/buildCardReceipt.js";
import { cardUrl, encodeCardPayload } from "../../../scripts/lib/cardPayload.js";
import { createLogger } from "../../../server/internal/createLogger.js";
import { createStore } from "../../../server/store/createStore.js";
import { openDatabase } from "../../../server/store/openDatabase.js";
import { startAuditFixture, type AuditFixture } from "../../helpers/auditFixture.js";
import { startJsonRpcServer } from "../../helpers/jsonRpcServer.js";

const { ethers, provider, networkHelpers } = await network.create();

const STRANGER = "0x000000000000000000000000000000000000bad1";

describe("cardproof audit", function () {
  let fx: AuditFixture;
  let batchId: string;

  before(async function () {
    fx = await startAuditFixture(ethers, provider, networkHelpers);
    batchId = fx.f.batch.batchId.toString();
  });

  after(async function () {
    await fx?.close();
  });

  async function audit(args: readonly string[]) {
    const run = await fx.cardproof(["audit", ...fx.target, ...args, "--json"]);
    let report: AuditReport;
    try {
      report = run.json<AuditReport>();
    } catch {
      throw new Error(`no report (exit ${run.code}): ${run.stderr}`);
    }
    return { code: run.code, report, stderr: run.stderr };
  }

  /** Audits a tampered copy of the mirror; returns the findings by kind, and the findings. */
  async function auditTampered(tamper: Parameters<AuditFixture["tamperedCopy"]>[0]) {
    const path = await fx.tamperedCopy(tamper);
    const { code, report } = await audit(["--indexer-db", path]);
    return { code, counts: report.findingCounts, findings: report.findings, report };
  }

  describe("a clean system", function () {
    it("is consistent (exit 0), and the report says what was checked", async function () {
      const { code, report } = await audit(["--indexer-db", fx.dbPath]);
      expect(code).to.equal(0);
      expect(report).to.include({ verdict: "consistent", exitCode: 0 });
      expect(report.findings).to.deep.equal([]);
      const head = await ethers.provider.getBlockNumber();
      expect(report.chain.block?.number).to.equal(head);
      expect(report.checked).to.deep.include({ batches: 2, orders: 4, tokens: 1, policies: 2, issuers: 1 });
      expect(report.checked.links).to.equal(13);
      expect(report.checked.cards).to.equal(400);
      expect(report.checked.balances).to.have.length(1);
      expect(report.checked.balances[0]!.balance).to.equal(report.checked.balances[0]!.books);
      const [mirror] = report.checked.indexer;
      expect(mirror).to.include({ source: "sqlite", checkpoint: head });
      expect(mirror!.tables.map((table) => table.table)).to.include.members([
        "raw_logs",
        "runs",
        "batch_events",
        "orders",
        "redemptions",
      ]);
      for (const table of mirror!.tables) {
        expect(table, table.table).to.include({ missing: 0, extra: 0, different: 0 });
        expect(table.actual, table.table).to.equal(table.expected);
      }
      expect(mirror!.tables.find((table) => table.table === "raw_logs")!.expected).to.equal(report.checked.events);
    });

    it("prints a human summary with the verdict, and writes the JSON report with --report", async function () {
      const reportPath = join(fx.workdir, "reports", "clean.json");
      const run = await fx.cardproof(["audit", ...fx.target, "--report", reportPath, "--sample", "20", "--seed", "7"]);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.match(/hash-chain links recomputed/);
      expect(run.stdout).to.contain("seed 7");
      expect(run.stdout).to.contain("verdict: consistent");
      const written = JSON.parse(await readFile(reportPath, "utf8")) as AuditReport;
      expect(written).to.deep.include({ verdict: "consistent", exitCode: 0 });
      expect(written.scope).to.deep.equal({ batch: null, card: null, cards: "sample", sample: 20, seed: 7 });
      expect(written.checked.cards).to.equal(40);
    });

    it("reads the contracts and the first block from the deployment file", async function () {
      const deployed = await fx.f.registry.deploymentTransaction()!.wait();
      const block = (await ethers.provider.getBlock(deployed!.blockNumber))!;
      const path = join(fx.workdir, "deployment.json");
      await writeFile(
        path,
        JSON.stringify({
          version: 1,
          chainId: fx.f.chainId.toString(),
          registry: fx.f.registryAddress,
          escrow: fx.f.escrowAddress,
          deployBlock: String(block.number),
          deployBlockHash: block.hash,
          deployer: fx.f.admin.address,
          deployedAt: new Date().toISOString(),
        }),
      );
      const run = await fx.cardproof(["audit", "--rpc-url", fx.rpc.url, "--deployment", path, "--json"]);
      expect(run.code, run.stderr).to.equal(0);
      const report = run.json<AuditReport>();
      expect(report.chain).to.deep.include({
        fromBlock: block.number,
        registry: fx.f.registryAddress.toLowerCase(),
        escrow: fx.f.escrowAddress.toLowerCase(),
      });
      expect(report.checked.orders).to.equal(4);
    });

    it("checks every card with --full, and one batch with --batch", async function () {
      const full = await audit(["--full"]);
      expect(full.code, full.stderr).to.equal(0);
      expect(full.report.checked.cards).to.equal(1_300);
      expect(full.report.checked.redemptionSegments).to.be.greaterThan(3);
      const one = await audit(["--batch", batchId, "--indexer-db", fx.dbPath]);
      expect(one.code, one.stderr).to.equal(0);
      expect(one.report.checked).to.deep.include({ batches: 1, orders: 0 });
      expect(one.report.checked.notChecked.join(" ")).to.contain("escrow: out of scope");
      expect(one.report.checked.indexer[0]!.skipped.map((item) => item.table)).to.include.members([
        "raw_logs",
        "orders",
        "issuers",
      ]);
    });

    it("matches the chain as it was at an older block when pinned to it", async function () {
      const second = await fx.f.registry.queryFilter(fx.f.registry.filters.BatchIssued(fx.secondBatchId));
      const before = second[0]!.blockNumber - 1;
      const { code, report } = await audit(["--block", String(before), "--full", "--indexer-db", fx.dbPath]);
      expect(code, JSON.stringify(report.findings.slice(0, 3))).to.equal(0);
      expect(report.chain.block?.number).to.equal(before);
      expect(report.checked.batches).to.equal(1);
      expect(report.checked.cards).to.equal(300);
      expect(report.checked.links).to.be.lessThan(13);
      // The mirror is ahead (at the head): it is compared at its own checkpoint, not flagged as behind.
      expect(report.findingCounts).to.deep.equal({});
      expect(report.checked.indexer[0]!.checkpoint).to.be.greaterThan(before);
    });
  });

  describe("a tampered mirror", function () {
    it("reports a deleted history row as missing, with its block and transaction", async function () {
      const { code, counts, findings } = await auditTampered((db) => {
        db.prepare("DELETE FROM batch_events WHERE event_name = 'LotActivated'").run();
      });
      expect(code).to.equal(1);
      expect(counts).to.deep.equal({ "indexer-missing-row": 1 });
      const [gone] = findings;
      expect(gone).to.include({ table: "batch_events", batchId });
      expect(gone!.message).to.contain("LotActivated");
      expect(gone!.tx).to.match(/^0x[0-9a-f]{64}$/);
      expect(gone!.block).to.be.a("number");
    });

    it("reports an altered holder as a different row, naming the column and both values", async function () {
      const { code, counts, findings } = await auditTampered((db) => {
        db.prepare("UPDATE runs SET holder = ? WHERE batch_id = ? AND start_serial = 0").run(STRANGER, batchId);
      });
      expect(code).to.equal(1);
      expect(counts).to.deep.equal({ "indexer-different-row": 1 });
      expect(findings[0]).to.deep.include({ table: "runs", batchId, serial: 0, actual: { holder: STRANGER } });
      expect(findings[0]!.message).to.contain(`holder (mirror ${STRANGER}`);
    });

    it("reports an injected fake event as extra rows", async function () {
      const { code, counts, findings } = await auditTampered((db) => {
        const block = (db.prepare("SELECT MAX(block_number) AS n FROM raw_logs").get() as { n: number }).n;
        const fake = { block, tx: `0x${"ab".repeat(32)}`, from: fx.f.issuer.address.toLowerCase(), to: STRANGER };
        db.prepare(
          `INSERT INTO transfers (block_number, log_index, batch_id, start_serial, end_serial, from_account, to_account, operator, tx_hash, block_timestamp)
           VALUES (?, 999, ?, 250, 260, ?, ?, ?, ?, NULL)`,
        ).run(fake.block, batchId, fake.from, fake.to, fake.from, fake.tx);
        db.prepare(
          `INSERT INTO raw_logs (block_number, log_index, block_hash, block_timestamp, tx_hash, address, event_name, args_json)
           VALUES (?, 999, ?, NULL, ?, ?, 'LotTransferred', '{}')`,
        ).run(fake.block, `0x${"cd".repeat(32)}`, fake.tx, fx.f.registryAddress.toLowerCase());
      });
      expect(code).to.equal(1);
      expect(counts).to.deep.equal({ "indexer-extra-row": 2 });
      expect(findings.map((item) => item.table).sort()).to.deep.equal(["raw_logs", "transfers"]);
      expect(
        findings.every((item) => item.key !== undefined && (item.key as { log_index: number }).log_index === 999),
      ).to.equal(true);
    });

    it("reports a wrong redemption flag (a redeemed card shown unredeemed) as a missing redemption", async function () {
      const { code, counts, findings } = await auditTampered((db) => {
        db.prepare("DELETE FROM redemptions WHERE batch_id = ? AND serial = 1").run(batchId);
      });
      expect(code).to.equal(1);
      expect(counts).to.deep.equal({ "indexer-missing-row": 1 });
      expect(findings[0]).to.include({ table: "redemptions", batchId, serial: 1 });
    });

    it("reports a card marked redeemed that never was, as an extra redemption", async function () {
      const { counts, findings } = await auditTampered((db) => {
        db.prepare(
          `INSERT INTO redemptions (block_number, log_index, batch_id, serial, redeemer, card_key, seq, tx_hash, block_timestamp)
           SELECT block_number, log_index + 500, batch_id, 7, redeemer, card_key, seq, tx_hash, block_timestamp FROM redemptions WHERE serial = 1`,
        ).run();
      });
      expect(counts).to.deep.equal({ "indexer-extra-row": 1 });
      expect(findings[0]).to.include({ table: "redemptions", serial: 7 });
    });

    it("reports a truncated sync (an older checkpoint) as behind, and its rows as consistent at that checkpoint", async function () {
      const head = await ethers.provider.getBlockNumber();
      const path = await fx.tamperedCopy(() => {});
      const db = openDatabase(path);
      createStore({ db, logger: createLogger({ level: "silent" }) }).rollbackTo(head - 3);
      db.close();
      const { code, report } = await audit(["--indexer-db", path]);
      expect(code).to.equal(1);
      expect(report.findingCounts).to.deep.equal({ "indexer-behind": 1 });
      expect(report.findings[0]).to.include({
        kind: "indexer-behind",
        severity: "warning",
        expected: head,
        actual: head - 3,
      });
      expect(report.checked.indexer[0]!.checkpoint).to.equal(head - 3);
      // Within the allowed lag it is consistent.
      const lenient = await audit(["--indexer-db", path, "--max-indexer-lag", "3"]);
      expect(lenient.code).to.equal(0);
    });

    it("reports a truncated tail under an unchanged checkpoint as missing rows", async function () {
      const head = await ethers.provider.getBlockNumber();
      const { counts } = await auditTampered((db) => {
        for (const table of ["raw_logs", "batch_events", "transfers"])
          db.prepare(`DELETE FROM ${table} WHERE block_number >= ?`).run(head);
      });
      expect(Object.keys(counts)).to.deep.equal(["indexer-missing-row"]);
      expect(counts["indexer-missing-row"]).to.be.greaterThanOrEqual(3);
    });

    it("refuses a mirror of another deployment instead of comparing it", async function () {
      const { code, counts } = await auditTampered((db) => {
        db.prepare("UPDATE sync_state SET registry = ?").run(STRANGER);
      });
      expect(code).to.equal(1);
      expect(counts).to.deep.equal({ "indexer-identity-mismatch": 1 });
    });
  });

  describe("a node that hides a log", function () {
    it("is caught by the hash chain and the contract views", async function () {
      const redeemed = await fx.f.registry.queryFilter(fx.f.registry.filters.VoucherRedeemed(fx.f.batch.batchId, 2));
      const hidden = redeemed[0]!.transactionHash.toLowerCase();
      const lying = await startJsonRpcServer({
        async request(args) {
          const result = await provider.request(args);
          if (args.method !== "eth_getLogs") return result;
          return (result as { transactionHash: string; topics: string[] }[]).filter(
            (log) => !(log.transactionHash.toLowerCase() === hidden && BigInt(log.topics[2] ?? 0) === 2n),
          );
        },
      });
      try {
        const run = await fx.cardproof(["audit", ...fx.target.slice(2), "--rpc-url", lying.url, "--full", "--json"]);
        expect(run.code).to.equal(1);
        const kinds = Object.keys(run.json<AuditReport>().findingCounts);
        expect(kinds).to.include.members(["link-mismatch", "head-mismatch", "seq-mismatch", "redeemed-mismatch"]);
      } finally {
        await lying.close();
      }
    });
  });

  describe("audit card", function () {
    it("prints a card's verified history: issuance, the escrow delivery, transfer, activation, redemption", async function () {
      const run = await fx.cardproof(["audit", "card", `${batchId}/1`, ...fx.target, "--json"]);
      expect(run.code, run.stderr).to.equal(0);
      const receipt = run.json<CardReceipt>();
      expect(receipt.verdict).to.equal("consistent");
      expect(receipt.history.map((step) => step.event)).to.deep.equal([
        "BatchIssued",
        "LotTransferred",
        "LotTransferred",
        "LotActivated",
        "VoucherRedeemed",
      ]);
      expect(receipt.history.every((step) => step.linkVerified && step.time !== null)).to.equal(true);
      const [confirmedOrder] = await fx.f.escrow.queryFilter(fx.f.escrow.filters.OrderOpened());
      expect(receipt.history[1]!.order).to.equal(confirmedOrder!.args.orderId.toLowerCase());
      expect(receipt.hashChain).to.include({ verified: true, links: 11 });
      expect(receipt.replayed).to.deep.equal(receipt.onChain);
      expect(receipt.onChain).to.include({ status: "Redeemed", redeemed: true, activated: true });
    });

    it("takes the card's QR link, and prints a readable receipt", async function () {
      const cardKey = fx.f.batch.cardKeys[7]!;
      const payload = encodeCardPayload({
        chainId: fx.f.chainId,
        registry: fx.f.registryAddress as Hex,
        batchId: fx.f.batch.batchId,
        serial: 7,
        cardKey,
      });
      const run = await fx.cardproof([
        "audit",
        "card",
        cardUrl("https://verify.cardproof.example/", payload),
        ...fx.target,
      ]);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.contain(`card receipt: batch ${batchId}, card 7`);
      expect(run.stdout).to.match(/Hash chain: all 11 links of the batch recomputed/);
      expect(run.stdout).to.contain("delivered by escrow order 0x");
      expect(run.stdout).to.contain("verdict: verified");
    });

    it("refuses a card printed for another registry (exit 2)", async function () {
      const payload = encodeCardPayload({
        chainId: fx.f.chainId,
        registry: STRANGER,
        batchId: fx.f.batch.batchId,
        serial: 7,
        cardKey: `0x${"11".repeat(20)}`,
      });
      const run = await fx.cardproof(["audit", "card", payload, ...fx.target]);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.contain("printed for registry");
    });
  });

  describe("when it cannot complete", function () {
    it("exits 2 when the node cannot be reached", async function () {
      const run = await fx.cardproof(["audit", ...fx.target.slice(2), "--rpc-url", "http://127.0.0.1:9", "--json"]);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.contain("cannot reach the chain");
    });

    it("exits 2 with an incomplete report when the mirror cannot be read", async function () {
      const bogus = join(fx.workdir, "not-a-mirror.sqlite");
      await writeFile(bogus, "this is not SQLite");
      const { code, report } = await audit(["--indexer-db", bogus]);
      expect(code).to.equal(2);
      expect(report).to.include({ verdict: "incomplete", exitCode: 2 });
      expect(report.error!.message).to.contain("indexer database");
    });

    it("exits 2 without a deployment file or addresses", async function () {
      const run = await fx.cardproof(["audit", "--rpc-url", fx.rpc.url]);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.contain("no deployment file");
    });
  });

  describe("against the indexer's API", function () {
    it("finds the API consistent, then catches a redemption the mirror lost", async function () {
      const api = await fx.startApi();
      const clean = await audit(["--indexer-url", api.url]);
      expect(clean.code, JSON.stringify(clean.report.findings.slice(0, 3))).to.equal(0);
      const routes = clean.report.checked.indexer[0]!.tables;
      expect(routes.map((route) => route.table)).to.include.members([
        "GET /v1/batches",
        "GET /v1/orders",
        "GET /v1/batches/{batchId}/cards/{serial}",
      ]);
      expect(routes.every((route) => route.expected > 0 && route.expected === route.actual)).to.equal(true);

      fx.indexer.db.prepare("DELETE FROM redemptions WHERE batch_id = ? AND serial = 1").run(batchId);
      const tampered = await audit(["--indexer-url", api.url, "--card", `${batchId}/1`]);
      expect(tampered.code).to.equal(1);
      expect(tampered.report.findingCounts).to.deep.equal({ "indexer-different-row": 1 });
      const card = tampered.report.findings.find((item) => item.table === "GET /v1/batches/{batchId}/cards/{serial}")!;
      expect(card.actual).to.deep.equal({ status: "Active", redeemed: false });
    });
  });

  describe("the escrow's balance", function () {
    it("reports tokens sent to the escrow directly as a surplus (a warning)", async function () {
      await fx.f.usdc.mint(fx.f.escrowAddress, 5n);
      const { code, report } = await audit([]);
      expect(code).to.equal(1);
      expect(report.findingCounts).to.deep.equal({ "escrow-balance-mismatch": 1 });
      expect(report.findings[0]).to.include({ severity: "warning" });
      expect(BigInt(report.findings[0]!.actual as string) - BigInt(report.findings[0]!.expected as string)).to.equal(
        5n,
      );
    });
  });
});
