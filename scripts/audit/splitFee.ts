/** 100% in basis points. */
export const BPS = 10_000n;

/** `bps` basis points of `amount`, rounded down (`FeeSplit.share`). */
export function shareOf(amount: bigint, bps: number | bigint): bigint {
  return (amount * BigInt(bps)) / BPS;
}

/**
 * What a supplier earning `gross` is credited, and the fee's platform and fund parts, exactly as
 * `contracts/libraries/FeeSplit.sol` splits it: every share rounds down and every remainder is a
 * subtraction, so the three parts add up to `gross`.
 */
export function splitFee(
  gross: bigint,
  feeBps: number,
  fundShareBps: number,
): { net: bigint; platformFee: bigint; fundFee: bigint } {
  const fee = shareOf(gross, feeBps);
  const fundFee = shareOf(fee, fundShareBps);
  return { net: gross - fee, platformFee: fee - fundFee, fundFee };
}
