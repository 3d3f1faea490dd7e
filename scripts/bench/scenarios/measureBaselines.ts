import type { BenchContext } from "../createBenchContext.js";
import { gasRow, gasUsedBy, type GasRow } from "../lib/gasRow.js";
import type { BenchBatch } from "../lib/prepareBenchBatch.js";

/**
 * Cards per transaction for the one-call baselines. The chain runs Osaka, where EIP-7825 caps one
 * transaction at 16,777,216 gas: 1,000 cards of any one-record-per-card design do not fit in one
 * transaction (ERC-1155 `mintBatch` of 1,000 ids needs about 23M), so they go in chunks of 250
 * and the receipts are summed.
 */
const CHUNK = 250;

/**
 * What the same 1,000 cards would cost to put on chain one record per card, next to `issueBatch`
 * of that batch (`issueGas`). Each baseline mints to the issuer, which owns it (OpenZeppelin `Ownable`),
 * with token ids `batchId << 32 | serial`:
 * - OpenZeppelin ERC-721, one `mint` transaction per card (the sum of 1,000 receipts), and a loop
 *   of `_mint` in {@link CHUNK}-card transactions;
 * - OpenZeppelin ERC-1155, `mintBatch` of 1,000 distinct ids (amount 1), {@link CHUNK} ids per transaction;
 * - a naive registry storing (holder, status, code hash) per serial, {@link CHUNK} records per transaction.
 */
export async function measureBaselines(ctx: BenchContext, batch: BenchBatch, issueGas: number): Promise<GasRow[]> {
  const { ethers, issuer } = ctx;
  const count = batch.params.count;
  const ids = Array.from({ length: count }, (_, serial) => (batch.batchId << 32n) | BigInt(serial));
  // The naive registry stores each card's public commitment in a bytes32: the card key, left-padded.
  const codeHashes = Array.from({ length: count }, (_, serial) =>
    ethers.zeroPadValue(batch.cardKeys.subarray(20 * serial, 20 * serial + 20), 32),
  );
  const baseline = (key: string, operation: string, shape: string, gas: number, source: GasRow["source"]) =>
    gasRow({
      key: `baseline/${key}`,
      operation,
      shape,
      size: count,
      gas,
      source,
      note: `${(gas / issueGas).toFixed(0)}x issueBatch of the same cards; ${Math.round(gas / count).toLocaleString("en-US")} per card`,
    });
  const rows: GasRow[] = [];

  const erc721 = await ethers.deployContract("BenchERC721", [issuer.address], issuer);
  let perTx = 0;
  for (const id of ids) perTx += await gasUsedBy(erc721.mint(issuer.address, id));
  rows.push(baseline("erc721-mint-per-tx", "ERC721 mint", "1 tx per card, gas summed", perTx, "sum of receipts"));
  ctx.log(`  ERC-721: ${count} mint transactions`);

  const chunked = `${count / CHUNK} txs of ${CHUNK} (EIP-7825 tx cap), gas summed`;
  const inChunks = async (send: (first: number, end: number) => Promise<number>) => {
    let gas = 0;
    for (let first = 0; first < count; first += CHUNK) gas += await send(first, Math.min(first + CHUNK, count));
    return gas;
  };

  const erc721Loop = await ethers.deployContract("BenchERC721", [issuer.address], issuer);
  const loop = await inChunks((first, end) =>
    gasUsedBy(erc721Loop.mintRange(issuer.address, ids[first]!, end - first)),
  );
  rows.push(baseline("erc721-mint-loop", "ERC721 mintRange", `loop of _mint, ${chunked}`, loop, "sum of receipts"));

  const erc1155 = await ethers.deployContract("BenchERC1155", [issuer.address], issuer);
  const batched = await inChunks((first, end) =>
    gasUsedBy(
      erc1155.mintBatch(
        issuer.address,
        ids.slice(first, end),
        ids.slice(first, end).map(() => 1n),
      ),
    ),
  );
  rows.push(
    baseline("erc1155-mint-batch", "ERC1155 mintBatch", `distinct ids, ${chunked}`, batched, "sum of receipts"),
  );

  const naive = await ethers.deployContract("NaiveVoucherRegistry", [issuer.address], issuer);
  const records = await inChunks((first, end) =>
    gasUsedBy(naive.registerCards(batch.batchId, first, codeHashes.slice(first, end))),
  );
  rows.push(
    baseline("naive-registry", "naive registry", `1 record (2 slots) per card, ${chunked}`, records, "sum of receipts"),
  );
  ctx.log("measured baselines");
  return rows;
}
