/**
 * The main job on the embedded default: a local Hardhat (EDR) chain, a deployed VoucherRegistry
 * and SettlementEscrow, one batch of cards issued, a lot bought through the escrow (delivery
 * versus payment in a test stablecoin), traded on down the supply chain, activated at a point of sale,
 * redeemed, one lot revoked, and every card's status read back from the chain. Finally the
 * batch's provenance hash chain is replayed from the chain's logs and compared with the head
 * the contract stores.
 *
 * Run: `npm start`. Secret codes stay in memory: nothing here prints them.
 */
import { network } from "hardhat";
import { stringToHex, toHex, type Address, type Hex } from "viem";

import { makeBatchId } from "./lib/batchId.js";
import { computeOrderId, orderAmount, type EscrowOrder } from "./lib/orderId.js";
import { buildMerkleTree } from "./lib/buildMerkleTree.js";
import { generateCodes } from "./lib/generateCode.js";
import { hashCode } from "./lib/hashCode.js";
import { createLeafHasher } from "./lib/hashLeaf.js";
import { replayProvenance, type ProvenanceEvent } from "./lib/provenanceChain.js";
import { toProvenanceEvent } from "./lib/toProvenanceEvent.js";

const CARD_COUNT = 10_000;
const STATUS_NAMES = ["Unknown", "Active", "Inactive", "Redeemed", "Revoked", "Expired"] as const;
const REASON_STOLEN = 1;

const { ethers, networkName } = await network.create();
const chainId = (await ethers.provider.getNetwork()).chainId;
const [admin, issuer, distributor, retailer, gameStudio] = await ethers.getSigners();
if (
  admin === undefined ||
  issuer === undefined ||
  distributor === undefined ||
  retailer === undefined ||
  gameStudio === undefined
) {
  throw new Error("the local chain needs at least 5 funded accounts");
}
const who = new Map<string, string>([
  [issuer.address, "issuer (supplier)"],
  [distributor.address, "distributor"],
  [retailer.address, "retailer"],
  [gameStudio.address, "game studio (redeemer)"],
]);
const name = (address: string) => who.get(address) ?? address;

const step = (text: string) => console.log(`\n> ${text}`);
console.log(`CardProof demo on chain ${chainId} (${networkName}, local EDR)`);

step("deploy VoucherRegistry and register the supplier as issuer #1");
const registry = await ethers.deployContract("VoucherRegistry", [admin.address, admin.address]);
await registry.waitForDeployment();
const registryAddress = (await registry.getAddress()) as Address;
await (
  await registry.registerIssuer(issuer.address, stringToHex("Acme Game Cards Ltd, vetted 2026", { size: 32 }))
).wait();
console.log(`  registry ${registryAddress}`);

step(`prepare a batch of ${CARD_COUNT.toLocaleString("en-US")} cards off chain (codes, code hashes, Merkle tree)`);
const batchId = makeBatchId(1, 1);
const started = performance.now();
const codes = generateCodes(CARD_COUNT);
const codeHashes = codes.map((code) => hashCode(code));
const hashLeaf = createLeafHasher({ chainId, registry: registryAddress, batchId });
const leaves = new Uint8Array(CARD_COUNT * 32);
codeHashes.forEach((codeHash, serial) => hashLeaf(serial, hexBytes(codeHash), leaves, serial * 32));
const tree = buildMerkleTree(leaves);
console.log(`  root ${tree.root} (${Math.round(performance.now() - started)} ms)`);

step("issue the batch: one transaction, one Merkle root, activation required before redemption");
const issued = await (
  await registry.connect(issuer).issueBatch(batchId, {
    merkleRoot: tree.root,
    count: CARD_COUNT,
    faceValue: 50_00n,
    currency: stringToHex("USD", { size: 3 }),
    expiresAt: Math.floor(Date.now() / 1000) + 365 * 86_400,
    activationRequired: true,
    metadataHash: stringToHex("demo batch metadata", { size: 32 }),
    manifestHash: stringToHex("demo batch manifest", { size: 32 }),
    metadataURI: "https://cards.example/batches/1.json",
  })
).wait();
console.log(`  batch ${batchId} issued, gas ${issued?.gasUsed}`);
await (await registry.connect(issuer).setRedeemer(batchId, gameStudio.address, true)).wait();

step("deploy SettlementEscrow (1% fee, 20% of it to the consumer protection fund) and a test stablecoin");
const usd = await ethers.deployContract("MockStablecoin", ["Demo USD", "dUSD"]);
const token = (await usd.getAddress()) as Address;
const escrow = await ethers.deployContract("SettlementEscrow", [
  registryAddress,
  admin.address,
  admin.address,
  admin.address,
  100,
  2_000,
  admin.address,
]);
const escrowAddress = (await escrow.getAddress()) as Address;
await (await escrow.setTokenAllowed(token, true)).wait();
await (await registry.connect(issuer).setApprovalForAll(escrowAddress, true)).wait();
await (await usd.mint(distributor.address, 100_000_000_000n)).wait();
console.log(`  escrow ${escrowAddress}, token ${token}`);

step("the distributor buys cards [0, 1000) at 47.50 dUSD each through the escrow");
const [policyId] = await escrow.currentPolicy();
const order: EscrowOrder = {
  buyer: distributor.address as Address,
  supplier: issuer.address as Address,
  token,
  batchId,
  quantity: 1_000,
  unitPrice: 47_500_000n,
  fulfilDeadline: (await ethers.provider.getBlock("latest"))!.timestamp + 7 * 86_400,
  challengeWindow: 86_400,
  policyId: Number(policyId),
  buyerRef: stringToHex("PO-2026-0001", { size: 32 }),
  salt: stringToHex("demo", { size: 32 }),
};
const orderId = computeOrderId({ chainId, escrow: escrowAddress, order });
await (await usd.connect(distributor).approve(escrowAddress, orderAmount(order))).wait();
const opened = await (await escrow.connect(distributor).open(order)).wait();
console.log(`  order ${orderId} opened, ${orderAmount(order) / 1_000_000n} dUSD locked, gas ${opened?.gasUsed}`);
const delivered = await (await escrow.connect(issuer).fulfill(order, 0, 0)).wait();
console.log(`  supplier delivered the lot in the same transaction that marked it delivered, gas ${delivered?.gasUsed}`);
const confirmed = await (await escrow.connect(distributor).confirm(order)).wait();
const credit = await escrow.creditOf(issuer.address, token);
console.log(`  distributor checked the cards and confirmed, gas ${confirmed?.gasUsed}; supplier credited`);
console.log(`  ${Number(credit) / 1e6} dUSD (after the 1% fee), which it withdraws:`);
await (await escrow.connect(issuer).withdraw(token)).wait();
console.log(`  supplier's wallet: ${Number(await usd.balanceOf(issuer.address)) / 1e6} dUSD`);

step("the distributor passes cards [0, 100) on to a retailer (a plain lot transfer)");
const t2 = await (
  await registry.connect(distributor).transferLot(batchId, distributor.address, retailer.address, 0, 100, 0)
).wait();
console.log(`  gas ${t2?.gasUsed}: a lot transfer costs the same whatever its size`);

step("the retailer sells cards 0-9 and activates them at the till");
await (await registry.connect(retailer).activateLot(batchId, 0, 10, 0)).wait();

step("a gamer tops up with card 3: the game studio redeems it with the scratched code");
const secret = codes[3]!;
const redeemed = await (
  await registry.connect(gameStudio).redeem(batchId, 3, 0, toHex(secret), tree.getProof(3))
).wait();
console.log(`  redeemed, gas ${redeemed?.gasUsed}, proof of ${tree.getProof(3).length} hashes`);

step("stock [5000, 6000) is reported stolen from the warehouse: the supplier freezes it");
await (await registry.connect(issuer).revokeLot(batchId, 5000, 6000, 1000, REASON_STOLEN)).wait();

step("status of some cards, read from the chain without any indexer (hint-free view)");
console.log("  serial  status     holder");
for (const serial of [3, 4, 50, 500, 5500, 9999]) {
  const [status, holder, runStart] = await registry.lookupStatus(batchId, serial);
  console.log(
    `  ${String(serial).padStart(6)}  ${STATUS_NAMES[Number(status)]!.padEnd(9)}  ${name(holder)}  (run from ${runStart})`,
  );
}

step("replay the batch's provenance hash chain from the chain's logs and compare with the contract");
const events: ProvenanceEvent[] = [];
for (const log of await ethers.provider.getLogs({ address: registryAddress, fromBlock: 0 })) {
  const parsed = registry.interface.parseLog(log);
  const event = parsed === null ? undefined : toProvenanceEvent(parsed.name, parsed.args.toObject(true));
  if (event !== undefined) events.push(event);
}
const { tips, mismatches } = replayProvenance(events);
const onChain = await registry.batchOf(batchId);
const tip = tips.get(batchId);
const agrees = mismatches.length === 0 && tip?.seq === onChain.seq && tip.head === onChain.head;
console.log(`  ${events.length} events replayed: seq ${tip?.seq}, head ${tip?.head}`);
console.log(`  on chain:            seq ${onChain.seq}, head ${onChain.head}`);
console.log(
  agrees ? "  history verified: the replay reproduces the on-chain head" : "  MISMATCH: history does not match",
);
if (!agrees) process.exitCode = 1;

function hexBytes(hex: Hex): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.slice(2), "hex"));
}
