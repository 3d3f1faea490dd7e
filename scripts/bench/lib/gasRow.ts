import { getBytes, type ContractTransactionResponse } from "ethers";

/** How a row's gas figure was obtained. */
export type GasSource = "receipt" | "sum of receipts" | "receipt / cards" | "estimateGas";

/** One measured figure of the gas table. */
export type GasRow = {
  /** Stable id, also the gas snapshot key for hot paths (e.g. `transferLot/prefix-fresh/1000`). */
  key: string;
  /** Contract function (or baseline) measured. */
  operation: string;
  /** The state the call runs in, in words (which slots it writes, where the lot sits, ...). */
  shape: string;
  /** Cards the call covers. */
  size: number;
  /** Gas used: `receipt.gasUsed` of real transactions, or `estimateGas` for views. */
  gas: number;
  source: GasSource;
  /** Upper bound the figure must stay within, or null when the row has no target. */
  target: number | null;
  /** `gas <= target`, or null without a target. */
  pass: boolean | null;
  /** Whether the figure goes into the committed gas snapshot and `--check`. */
  hotPath: boolean;
  /** Extra facts: proof length, per-card figure, ratio to `issueBatch`, ... */
  note: string;
};

/** Builds a row, deriving `pass` from `target`. */
export function gasRow(row: Omit<GasRow, "pass" | "target" | "note" | "hotPath"> & Partial<GasRow>): GasRow {
  const target = row.target ?? null;
  return {
    ...row,
    target,
    pass: target === null ? null : row.gas <= target,
    hotPath: row.hotPath ?? false,
    note: row.note ?? "",
  };
}

/**
 * Sends a transaction, waits for it to be mined and returns its `receipt.gasUsed`.
 *
 * @throws when the transaction reverts (ethers throws `CALL_EXCEPTION`) or has no receipt.
 */
export async function gasUsedBy(sent: Promise<ContractTransactionResponse>): Promise<number> {
  return (await measureTransaction(sent)).gas;
}

/**
 * {@link gasUsedBy}, plus the transaction's EIP-7623 calldata floor (`21,000 + 10 * tokens`, where a
 * zero byte is 1 token and any other byte 4): since Prague a transaction pays at least that, so when
 * `gas === calldataFloor` the calldata, not the execution, sets the price.
 */
export async function measureTransaction(
  sent: Promise<ContractTransactionResponse>,
): Promise<{ gas: number; calldataFloor: number }> {
  const tx = await sent;
  const receipt = await tx.wait();
  if (receipt === null || receipt.status !== 1) throw new Error(`transaction ${tx.hash} failed`);
  const data = getBytes(tx.data);
  const zeros = data.reduce((count, byte) => count + (byte === 0 ? 1 : 0), 0);
  return { gas: Number(receipt.gasUsed), calldataFloor: 21_000 + 10 * (zeros + 4 * (data.length - zeros)) };
}
