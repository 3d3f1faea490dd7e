import { expect } from "chai";
import { network } from "hardhat";
import { getAddress, type Address } from "viem";

import { computeOrderId, orderAmount, type EscrowOrder } from "../../../scripts/lib/orderId.js";
import { deployEscrow } from "../../helpers/escrowFixture.js";

const { ethers, networkHelpers } = await network.create();

describe("computeOrderId", function () {
  async function fixture() {
    return deployEscrow(ethers);
  }

  const asOrder = (terms: Awaited<ReturnType<Awaited<ReturnType<typeof fixture>>["orderFor"]>>): EscrowOrder => ({
    ...terms,
    buyer: getAddress(terms.buyer),
    supplier: getAddress(terms.supplier),
    token: getAddress(terms.token),
  });

  it("equals the escrow's own id, and the id its OrderOpened log carries", async function () {
    const { escrow, escrowAddress, chainId, buyer, orderFor } = await networkHelpers.loadFixture(fixture);
    const terms = await orderFor({ quantity: 7 });
    const expected = computeOrderId({ chainId, escrow: escrowAddress as Address, order: asOrder(terms) });
    expect(await escrow.orderIdOf(terms)).to.equal(expected);
    await expect(escrow.connect(buyer).open(terms))
      .to.emit(escrow, "OrderOpened")
      .withArgs(expected, buyer.address, terms.supplier, (order: unknown) => Array.isArray(order), orderAmount(terms));
  });

  it("changes with every term, the chain and the escrow", async function () {
    const { escrowAddress, chainId, orderFor } = await networkHelpers.loadFixture(fixture);
    const order = asOrder(await orderFor());
    const base = computeOrderId({ chainId, escrow: escrowAddress as Address, order });
    const variants: EscrowOrder[] = [
      { ...order, quantity: order.quantity + 1 },
      { ...order, unitPrice: order.unitPrice + 1n },
      { ...order, fulfilDeadline: order.fulfilDeadline + 1 },
      { ...order, challengeWindow: order.challengeWindow + 1 },
      { ...order, minValidity: order.minValidity + 1 },
      { ...order, acceptActivated: !order.acceptActivated },
      { ...order, policyId: order.policyId + 1 },
      { ...order, batchId: order.batchId + 1n },
      { ...order, salt: `0x${"11".repeat(32)}` },
    ];
    const ids = new Set([
      base,
      ...variants.map((variant) => computeOrderId({ chainId, escrow: escrowAddress as Address, order: variant })),
    ]);
    ids.add(computeOrderId({ chainId: chainId + 1n, escrow: escrowAddress as Address, order }));
    ids.add(computeOrderId({ chainId, escrow: order.buyer, order }));
    expect(ids.size).to.equal(variants.length + 3);
  });
});
