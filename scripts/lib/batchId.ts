/**
 * Batch ids are `issuerId << 32 | number`: each issuer owns a 2^32 id space and picks the
 * number itself, so it knows the id (which every leaf commits to) before it builds the tree.
 */
export function makeBatchId(issuerId: number | bigint, number: number | bigint): bigint {
  const issuer = BigInt(issuerId);
  const n = BigInt(number);
  if (issuer <= 0n || issuer > 0xffffffn) throw new RangeError(`issuer id must be 1..2^24-1, got ${issuer}`);
  if (n < 0n || n > 0xffffffffn) throw new RangeError(`batch number must be 0..2^32-1, got ${n}`);
  return (issuer << 32n) | n;
}

/** The issuer id and batch number a batch id is made of. */
export function splitBatchId(batchId: bigint): { issuerId: number; number: number } {
  return { issuerId: Number(batchId >> 32n), number: Number(batchId & 0xffffffffn) };
}
