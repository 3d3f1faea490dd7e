import { expect } from "chai";
import { network } from "hardhat";
import { decodeEventLog, type Hex } from "viem";

import type { RpcLog } from "../../../server/sync/createLogFetcher.js";
import type { AuditEvent, EscrowEvent, RegistryEvent } from "../../../scripts/audit/AuditEvent.js";
import { createLogDecoder } from "../../../scripts/audit/createLogDecoder.js";
import { replayEvents } from "../../../scripts/audit/replayEvents.js";
import { settlementEscrowAbi } from "../../../scripts/lib/settlementEscrowAbi.js";
import { voucherRegistryAbi } from "../../../scripts/lib/voucherRegistryAbi.js";
import { deployIndexerFixture, runFullLifecycle, type ActivityFixture } from "../../helpers/indexerActivity.js";

const { ethers, provider, networkHelpers } = await network.create();

describe("audit replay: decoding and tampered logs", function () {
  let f: ActivityFixture;
  let logs: RpcLog[];
  let events: AuditEvent[];
  let head: number;

  before(async function () {
    f = await deployIndexerFixture(ethers);
    await runFullLifecycle(f, networkHelpers);
    head = await ethers.provider.getBlockNumber();
    logs = (await provider.request({
      method: "eth_getLogs",
      params: [{ address: [f.registryAddress, f.escrowAddress], fromBlock: "0x0", toBlock: "latest" }],
    })) as RpcLog[];
    events = logs.map(createLogDecoder({ registry: f.registryAddress as Hex, escrow: f.escrowAddress as Hex }));
  });

  const replay = (list: readonly AuditEvent[]) =>
    replayEvents(list, { chainId: f.chainId, escrow: f.escrowAddress.toLowerCase() as Hex, untilBlock: head });
  const kinds = (list: readonly AuditEvent[]) => [...new Set(replay(list).findings.map((item) => item.kind))].sort();
  const indexOf = (name: string, nth = 0) =>
    events.map((event, i) => [event, i] as const).filter(([event]) => event.name === name)[nth]![1];
  /** `events` with the event at `index` replaced by `change(event)` (or dropped when it returns undefined). */
  const tamper = (index: number, change: (event: AuditEvent) => AuditEvent | undefined) =>
    events.flatMap((event, i) => (i === index ? (change(structuredClone(event)) ?? []) : [event]));

  it("decodes every log exactly as viem decodes it, addresses and hashes in lower case", function () {
    expect(events.filter((event) => "other" in event && event.undecodable === true)).to.deep.equal([]);
    const names = new Set(events.map((event) => event.name));
    for (const name of [
      "BatchIssued",
      "LotTransferred",
      "LotActivated",
      "LotRevoked",
      "VoucherRedeemed",
      "RedeemerSet",
      "OrderOpened",
      "OrderResolved",
      "ProtectionFundPaid",
      "RoleGranted",
    ]) {
      expect(names, name).to.include(name);
    }
    const lower = (value: unknown): unknown =>
      typeof value === "string"
        ? value.toLowerCase()
        : Array.isArray(value)
          ? value.map(lower)
          : typeof value === "object" && value !== null
            ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, lower(v)]))
            : value;
    logs.forEach((log, i) => {
      const abi =
        log.address.toLowerCase() === f.registryAddress.toLowerCase() ? voucherRegistryAbi : settlementEscrowAbi;
      const viem = decodeEventLog({ abi, topics: log.topics as [Hex], data: log.data });
      expect({ name: events[i]!.name, args: events[i]!.args }, viem.eventName).to.deep.equal({
        name: viem.eventName,
        args: lower(viem.args),
      });
      expect(events[i]!.block).to.equal(Number(BigInt(log.blockNumber)));
    });
  });

  it("rejects a log whose words are not their types' canonical encoding", function () {
    const index = indexOf("LotTransferred");
    const log = logs[index]!;
    const dirty = { ...log, data: `0x${"ff".repeat(4)}${log.data.slice(10)}` as Hex };
    const decoded = createLogDecoder({ registry: f.registryAddress as Hex, escrow: f.escrowAddress as Hex })(dirty);
    expect(decoded).to.include({ name: "LotTransferred", undecodable: true });
    expect(kinds([...events.slice(0, index), decoded, ...events.slice(index + 1)])).to.include("undecodable-log");
  });

  it("replays the untouched logs without a finding", function () {
    const result = replay(events);
    expect(result.findings).to.deep.equal([]);
    expect(result.applied).to.equal(events.filter((event) => !("other" in event)).length);
  });

  it("reports a missing lot transfer as a seq gap, and the custody it breaks", function () {
    const dropped = tamper(indexOf("LotTransferred", 3), () => undefined);
    expect(kinds(dropped)).to.deep.equal(["link-mismatch", "replay-conflict"]);
    const gap = replay(dropped).findings.find((item) => item.kind === "link-mismatch")!;
    expect(gap.message).to.contain("claims seq");
  });

  it("reports an altered recipient as a head the chain does not reach", function () {
    const altered = tamper(indexOf("LotTransferred", 3), (event) => {
      (event as Extract<RegistryEvent, { name: "LotTransferred" }>).args.to =
        "0x000000000000000000000000000000000000dead";
      return event;
    });
    const findings = replay(altered).findings;
    expect(findings.map((item) => item.kind)).to.include("link-mismatch");
    expect(findings.find((item) => item.kind === "link-mismatch")!.message).to.contain("claims a head");
  });

  it("reports a redemption replayed twice", function () {
    const index = indexOf("VoucherRedeemed");
    const twice = [...events.slice(0, index + 1), events[index]!, ...events.slice(index + 1)];
    const findings = replay(twice).findings;
    expect(
      findings.some((item) => item.kind === "replay-conflict" && item.message.includes("redeemed twice")),
    ).to.equal(true);
  });

  it("reports a fulfilment without the registry's delivery in its transaction", function () {
    const fulfilled = indexOf("OrderFulfilled");
    expect(events[fulfilled - 1]!.name).to.equal("LotTransferred");
    const withoutDelivery = tamper(fulfilled - 1, () => undefined);
    expect(kinds(withoutDelivery)).to.include("delivery-mismatch");
  });

  it("reports settlement amounts that are not the order's fee split", function () {
    const skimmed = tamper(indexOf("OrderConfirmed"), (event) => {
      const confirmed = event as Extract<EscrowEvent, { name: "OrderConfirmed" }>;
      confirmed.args.supplierAmount -= 1n;
      confirmed.args.platformFee += 1n;
      return confirmed;
    });
    expect(kinds(skimmed)).to.include("settlement-mismatch");
  });

  it("reports an order whose terms do not hash to its id", function () {
    const forged = tamper(indexOf("OrderOpened"), (event) => {
      (event as Extract<EscrowEvent, { name: "OrderOpened" }>).args.order.unitPrice += 1n;
      return event;
    });
    expect(kinds(forged)).to.include("order-id-mismatch");
  });

  it("stops at the block it is asked for", function () {
    const second = events[indexOf("BatchIssued", 1)]!;
    const before = replayEvents(events, { chainId: f.chainId, escrow: null, untilBlock: second.block - 1 });
    expect([...before.registry.batches.keys()]).to.have.length(1);
    expect(before.escrow).to.equal(undefined);
  });
});
