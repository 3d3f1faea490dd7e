import { expect } from "chai";
import { network } from "hardhat";
import type { Address, Hex } from "viem";

import { computeOrderId } from "../../../scripts/lib/orderId.js";
import { deployApiFixture, request } from "../../helpers/apiFixture.js";
import type { OrderTerms } from "../../helpers/escrowFixture.js";
import { lotHintOf, runFullLifecycle } from "../../helpers/indexerActivity.js";
import { ISSUER_PROFILE } from "../../helpers/registryFixture.js";

const { ethers, provider, networkHelpers } = await network.create();

describe("API: chain, issuers, batches, orders and audits", function () {
  let fx: Awaited<ReturnType<typeof deployApiFixture>>;
  let url: string;
  let open: OrderTerms;
  let fulfilled: OrderTerms;
  let secondBatchId: bigint;

  before(async function () {
    fx = await deployApiFixture(ethers, provider);
    const { escrow, buyer, otherBuyer, supplier } = fx.f;
    ({ secondBatchId } = await runFullLifecycle(fx.f, networkHelpers));
    open = await fx.f.orderFor({ quantity: 7 });
    await escrow.connect(buyer).open(open);
    fulfilled = await fx.f.orderFor({ buyer: otherBuyer.address, quantity: 3 });
    await escrow.connect(otherBuyer).open(fulfilled);
    await escrow.connect(supplier).fulfill(fulfilled, 60, await lotHintOf(fx.f, fx.f.batch.batchId)(60));
    await fx.sync();
    ({ url } = await fx.startApi());
  });

  after(async function () {
    await fx.close();
  });

  it("names the chain and contracts it follows", async function () {
    const { status, body } = await request(url, "/v1/chain");
    expect(status).to.equal(200);
    expect(body.data).to.deep.include({
      chainId: fx.f.chainId.toString(),
      registry: fx.f.registryAddress.toLowerCase(),
      escrow: fx.f.escrowAddress.toLowerCase(),
      startBlock: 0,
    });
  });

  it("lists issuers and shows one by account", async function () {
    const list = await request(url, "/v1/issuers");
    expect(list.body.data.items).to.have.length(1);
    expect(list.body.data.items[0]).to.deep.include({
      account: fx.f.issuer.address.toLowerCase(),
      issuerId: 1,
      profileHash: ISSUER_PROFILE,
    });
    expect(list.body.data.items[0].registeredBlock).to.be.a("number");
    expect(list.body.data.next).to.equal(null);
    const one = await request(url, `/v1/issuers/${fx.f.issuer.address}`);
    expect(one.body.data).to.deep.equal(list.body.data.items[0]);
    const none = await request(url, `/v1/issuers/${fx.f.stranger.address}`);
    expect(none.status).to.equal(404);
    expect(none.body.error.code).to.equal("ISSUER_NOT_FOUND");
    expect((await request(url, "/v1/issuers/0x1234")).body.error.code).to.equal("INVALID_ADDRESS");
  });

  it("lists batches in id order with their manifest status, page by page", async function () {
    const all = await request(url, "/v1/batches");
    const ids = (all.body.data.items as { batchId: string }[]).map((batch) => batch.batchId);
    expect(ids).to.deep.equal([fx.f.batch.batchId.toString(), secondBatchId.toString()]);
    expect(all.body.data.items[0]).to.deep.include({
      batchIdHex: `0x${fx.f.batch.batchId.toString(16)}`,
      issuerId: 1,
      number: 1,
      count: 300,
      currency: "USD",
      merkleRoot: fx.f.batch.root,
    });
    expect(all.body.data.items[0].manifest.status).to.equal("none");

    const first = await request(url, "/v1/batches?limit=1");
    expect(first.body.data.items).to.have.length(1);
    expect(first.body.data.next).to.equal(fx.f.batch.batchId.toString());
    const second = await request(url, `/v1/batches?limit=1&after=${first.body.data.next}`);
    expect(second.body.data.items[0].batchId).to.equal(secondBatchId.toString());
    const last = await request(url, `/v1/batches?limit=1&after=${second.body.data.next}`);
    expect(last.body.data).to.deep.equal({ items: [], next: null });

    const byIssuer = await request(url, `/v1/batches?issuer=${fx.f.issuer.address}`);
    expect(byIssuer.body.data.items).to.have.length(2);
    const byStranger = await request(url, `/v1/batches?issuer=${fx.f.stranger.address}`);
    expect(byStranger.body.data.items).to.have.length(0);
  });

  it("shows one batch with its stock, hash-chain head and audit", async function () {
    const onChain = await fx.f.registry.batchOf(fx.f.batch.batchId);
    const { body } = await request(url, `/v1/batches/${fx.f.batch.batchId}`);
    expect(body.data).to.deep.include({
      stockStart: Number(onChain.stockStart),
      seq: Number(onChain.seq),
      head: onChain.head,
    });
    expect(body.data.audit).to.deep.include({
      seq: Number(onChain.seq),
      head: onChain.head,
      chainOk: true,
      mismatches: 0,
    });

    const audit = await request(url, `/v1/batches/${fx.f.batch.batchId}/audit`);
    expect(audit.body.data).to.deep.equal({
      batchId: fx.f.batch.batchId.toString(),
      onChain: { seq: Number(onChain.seq), head: onChain.head },
      replayed: body.data.audit,
      mismatchList: [],
    });
  });

  it("lists every batch's replayed hash-chain head, matching the registry's", async function () {
    const { body } = await request(url, "/v1/audit/heads");
    const heads = body.data.items as { batchId: string; seq: number; head: string; chainOk: boolean }[];
    expect(heads.map((head) => head.batchId)).to.deep.equal([fx.f.batch.batchId.toString(), secondBatchId.toString()]);
    for (const head of heads) {
      const onChain = await fx.f.registry.batchOf(BigInt(head.batchId));
      expect(head).to.deep.include({ seq: Number(onChain.seq), head: onChain.head, chainOk: true });
    }
    const paged = await request(url, `/v1/audit/heads?limit=1&after=0x${fx.f.batch.batchId.toString(16)}`);
    expect(paged.body.data.items[0].batchId).to.equal(secondBatchId.toString());
  });

  it("returns an order's terms, whose computeOrderId is the order's id, with its state and transitions", async function () {
    for (const [terms, status] of [
      [open, "Open"],
      [fulfilled, "Fulfilled"],
    ] as const) {
      const orderId = (await fx.f.orderIdOf(terms)) as Hex;
      const { status: http, body } = await request(url, `/v1/orders/${orderId.toUpperCase().replace("0X", "0x")}`);
      expect(http).to.equal(200);
      const t = body.data.terms;
      const recomputed = computeOrderId({
        chainId: BigInt(body.data.chainId as string),
        escrow: body.data.escrow as Address,
        order: { ...t, batchId: BigInt(t.batchId as string), unitPrice: BigInt(t.unitPrice as string) },
      });
      expect(recomputed).to.equal(orderId);
      expect(body.data).to.deep.include({ orderId, status, amount: fx.f.amountOf(terms).toString() });
      expect(body.data.events.map((event: { event: string }) => event.event)).to.deep.equal(
        status === "Open" ? ["OrderOpened"] : ["OrderOpened", "OrderFulfilled"],
      );
      // The terms are what the escrow takes back: it accepts them for this order.
      expect(
        await fx.f.escrow.orderIdOf({ ...t, batchId: BigInt(t.batchId), unitPrice: BigInt(t.unitPrice) }),
      ).to.equal(orderId);
    }
    const lot = (await request(url, `/v1/orders/${await fx.f.orderIdOf(fulfilled)}`)).body.data.lot;
    expect(lot).to.deep.equal({ start: 60, end: 63 });
  });

  it("lists orders by buyer, supplier and batch, page by page", async function () {
    const byBuyer = await request(url, `/v1/orders?buyer=${fx.f.otherBuyer.address}`);
    const ids = (byBuyer.body.data.items as { terms: { buyer: string } }[]).map((order) => order.terms.buyer);
    expect(ids.length).to.be.greaterThan(1);
    expect(new Set(ids)).to.deep.equal(new Set([fx.f.otherBuyer.address.toLowerCase()]));
    const bySupplier = await request(url, `/v1/orders?supplier=${fx.f.supplier.address}&batchId=${fx.f.batch.batchId}`);
    expect(bySupplier.body.data.items.length).to.equal(6);
    const page = await request(url, `/v1/orders?supplier=${fx.f.supplier.address}&limit=4`);
    const rest = await request(
      url,
      `/v1/orders?supplier=${fx.f.supplier.address}&limit=4&after=${page.body.data.next}`,
    );
    const paged = [...page.body.data.items, ...rest.body.data.items].map((order: { orderId: string }) => order.orderId);
    expect(paged).to.deep.equal(bySupplier.body.data.items.map((order: { orderId: string }) => order.orderId));
    expect(rest.body.data.next).to.equal(null);
  });

  it("answers unknown or malformed orders with 4xx and a stable code", async function () {
    const unknown = await request(url, `/v1/orders/0x${"ab".repeat(32)}`);
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal("ORDER_NOT_FOUND");
    for (const id of ["0x1234", `0x${"zz".repeat(32)}`, "order-1"]) {
      const malformed = await request(url, `/v1/orders/${id}`);
      expect(malformed.status).to.equal(400);
      expect(malformed.body.error.code).to.equal("INVALID_ORDER_ID");
    }
    for (const query of [
      "buyer=0x12",
      "batchId=x",
      "after=0x12",
      "limit=0",
      "limit=501",
      "limit=1&limit=2",
      "sort=asc",
    ]) {
      const bad = await request(url, `/v1/orders?${query}`);
      expect(bad.status, query).to.equal(400);
      expect(bad.body.error.code, query).to.be.oneOf([
        "INVALID_ADDRESS",
        "INVALID_BATCH_ID",
        "INVALID_ORDER_ID",
        "INVALID_QUERY",
      ]);
    }
  });
});
