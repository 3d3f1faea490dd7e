/**
 * Keccak-256 (the Ethereum variant: Keccak padding `0x01`, not SHA3's `0x06`) over bytes, written
 * for bulk hashing: an unrolled Keccak-f[1600] permutation on 32-bit halves of the 25 lanes, a reused
 * state, and output written straight into a caller's buffer.
 *
 * Why not `keccak_256` from `@noble/hashes` (what viem's `keccak256` runs, and the reference the
 * tests compare with): its looped permutation takes about 7.5 µs on our 2-core machines against 2.1 µs
 * here, and a 1,000,000-card batch needs 5,000,000 permutations (code hashes, double-hashed leaves,
 * tree): about 37 s with it, 12 s with this. Pure JS, no Node APIs: it runs in the browser.
 *
 * @dev The module-level scratch state is safe: JS is single-threaded and nothing here yields, so two
 *      calls are never in flight at once.
 */

/** Keccak-256 rate in bytes: 1600 - 2 * 256 bits = 1088 bits. */
const RATE = 136;

/** The 24 round constants, as [low 32 bits, high 32 bits] pairs. */
const ROUND_CONSTANTS = new Int32Array([
  0x00000001, 0x00000000, 0x00008082, 0x00000000, 0x0000808a, 0x80000000, 0x80008000, 0x80000000, 0x0000808b,
  0x00000000, 0x80000001, 0x00000000, 0x80008081, 0x80000000, 0x00008009, 0x80000000, 0x0000008a, 0x00000000,
  0x00000088, 0x00000000, 0x80008009, 0x00000000, 0x8000000a, 0x00000000, 0x8000808b, 0x00000000, 0x0000008b,
  0x80000000, 0x00008089, 0x80000000, 0x00008003, 0x80000000, 0x00008002, 0x80000000, 0x00000080, 0x80000000,
  0x0000800a, 0x00000000, 0x8000000a, 0x80000000, 0x80008081, 0x80000000, 0x00008080, 0x80000000, 0x80000001,
  0x00000000, 0x80008008, 0x80000000,
]);

/** Scratch state: lane i is words 2i (low half) and 2i + 1 (high half). */
const state = new Int32Array(50);

/**
 * Hashes `data` with Keccak-256 and writes the 32-byte digest to `out` at `outOffset`.
 *
 * @param data Bytes to hash (any length; a `subarray` view is fine).
 * @param out Where to write the digest; a new 32-byte array when omitted.
 * @param outOffset Byte offset in `out` (default 0); `out` must have 32 bytes from there.
 * @returns `out` (or the new array).
 * @example
 * bytesToHex(keccak256Bytes(new Uint8Array(0))) // "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
 */
export function keccak256Bytes(data: Uint8Array, out: Uint8Array = new Uint8Array(32), outOffset = 0): Uint8Array {
  if (outOffset < 0 || outOffset + 32 > out.length) {
    throw new RangeError(
      `keccak256Bytes needs 32 bytes of output space at offset ${outOffset}, the buffer has ${out.length} bytes`,
    );
  }
  state.fill(0);
  const length = data.length;
  let offset = 0;
  // Absorb every full block. A message whose length is a multiple of the rate still gets a padding block.
  for (; offset + RATE <= length; offset += RATE) {
    absorb(data, offset, RATE);
    permute();
  }
  absorb(data, offset, length - offset);
  const tail = length - offset;
  xorByte(tail, 0x01);
  xorByte(RATE - 1, 0x80);
  permute();
  for (let w = 0; w < 8; w++) {
    const word = state[w]!;
    const o = outOffset + 4 * w;
    out[o] = word;
    out[o + 1] = word >>> 8;
    out[o + 2] = word >>> 16;
    out[o + 3] = word >>> 24;
  }
  return out;
}

/** XORs `count` (< RATE) bytes of `data` from `offset` into the start of the state, little-endian. */
function absorb(data: Uint8Array, offset: number, count: number): void {
  const words = count >>> 2;
  for (let w = 0; w < words; w++) {
    const o = offset + 4 * w;
    state[w]! ^= data[o]! | (data[o + 1]! << 8) | (data[o + 2]! << 16) | (data[o + 3]! << 24);
  }
  for (let i = words * 4; i < count; i++) xorByte(i, data[offset + i]!);
}

/** XORs one byte into the state at byte position `position` (little-endian lanes). */
function xorByte(position: number, value: number): void {
  state[position >>> 2]! ^= value << (8 * (position & 3));
}

/**
 * Keccak-f[1600] on the scratch state: 24 rounds of theta, rho, pi, chi, iota, each round unrolled over
 * the 25 lanes (a{i} is lane x + 5y; c = column parities, d = theta effect, b = lanes after rho and pi).
 * 64-bit rotations are done on the two halves; rotating by 32 or more swaps them first.
 */
function permute(): void {
  let a0l = state[0]!;
  let a0h = state[1]!;
  let a1l = state[2]!;
  let a1h = state[3]!;
  let a2l = state[4]!;
  let a2h = state[5]!;
  let a3l = state[6]!;
  let a3h = state[7]!;
  let a4l = state[8]!;
  let a4h = state[9]!;
  let a5l = state[10]!;
  let a5h = state[11]!;
  let a6l = state[12]!;
  let a6h = state[13]!;
  let a7l = state[14]!;
  let a7h = state[15]!;
  let a8l = state[16]!;
  let a8h = state[17]!;
  let a9l = state[18]!;
  let a9h = state[19]!;
  let a10l = state[20]!;
  let a10h = state[21]!;
  let a11l = state[22]!;
  let a11h = state[23]!;
  let a12l = state[24]!;
  let a12h = state[25]!;
  let a13l = state[26]!;
  let a13h = state[27]!;
  let a14l = state[28]!;
  let a14h = state[29]!;
  let a15l = state[30]!;
  let a15h = state[31]!;
  let a16l = state[32]!;
  let a16h = state[33]!;
  let a17l = state[34]!;
  let a17h = state[35]!;
  let a18l = state[36]!;
  let a18h = state[37]!;
  let a19l = state[38]!;
  let a19h = state[39]!;
  let a20l = state[40]!;
  let a20h = state[41]!;
  let a21l = state[42]!;
  let a21h = state[43]!;
  let a22l = state[44]!;
  let a22h = state[45]!;
  let a23l = state[46]!;
  let a23h = state[47]!;
  let a24l = state[48]!;
  let a24h = state[49]!;
  for (let round = 0; round < 48; round += 2) {
    const c0l = a0l ^ a5l ^ a10l ^ a15l ^ a20l;
    const c0h = a0h ^ a5h ^ a10h ^ a15h ^ a20h;
    const c1l = a1l ^ a6l ^ a11l ^ a16l ^ a21l;
    const c1h = a1h ^ a6h ^ a11h ^ a16h ^ a21h;
    const c2l = a2l ^ a7l ^ a12l ^ a17l ^ a22l;
    const c2h = a2h ^ a7h ^ a12h ^ a17h ^ a22h;
    const c3l = a3l ^ a8l ^ a13l ^ a18l ^ a23l;
    const c3h = a3h ^ a8h ^ a13h ^ a18h ^ a23h;
    const c4l = a4l ^ a9l ^ a14l ^ a19l ^ a24l;
    const c4h = a4h ^ a9h ^ a14h ^ a19h ^ a24h;
    const d0l = c4l ^ ((c1l << 1) | (c1h >>> 31));
    const d0h = c4h ^ ((c1h << 1) | (c1l >>> 31));
    const d1l = c0l ^ ((c2l << 1) | (c2h >>> 31));
    const d1h = c0h ^ ((c2h << 1) | (c2l >>> 31));
    const d2l = c1l ^ ((c3l << 1) | (c3h >>> 31));
    const d2h = c1h ^ ((c3h << 1) | (c3l >>> 31));
    const d3l = c2l ^ ((c4l << 1) | (c4h >>> 31));
    const d3h = c2h ^ ((c4h << 1) | (c4l >>> 31));
    const d4l = c3l ^ ((c0l << 1) | (c0h >>> 31));
    const d4h = c3h ^ ((c0h << 1) | (c0l >>> 31));
    const t0l = a0l ^ d0l;
    const t0h = a0h ^ d0h;
    const b0l = t0l;
    const b0h = t0h;
    const t5l = a5l ^ d0l;
    const t5h = a5h ^ d0h;
    const b16l = (t5h << 4) | (t5l >>> 28);
    const b16h = (t5l << 4) | (t5h >>> 28);
    const t10l = a10l ^ d0l;
    const t10h = a10h ^ d0h;
    const b7l = (t10l << 3) | (t10h >>> 29);
    const b7h = (t10h << 3) | (t10l >>> 29);
    const t15l = a15l ^ d0l;
    const t15h = a15h ^ d0h;
    const b23l = (t15h << 9) | (t15l >>> 23);
    const b23h = (t15l << 9) | (t15h >>> 23);
    const t20l = a20l ^ d0l;
    const t20h = a20h ^ d0h;
    const b14l = (t20l << 18) | (t20h >>> 14);
    const b14h = (t20h << 18) | (t20l >>> 14);
    const t1l = a1l ^ d1l;
    const t1h = a1h ^ d1h;
    const b10l = (t1l << 1) | (t1h >>> 31);
    const b10h = (t1h << 1) | (t1l >>> 31);
    const t6l = a6l ^ d1l;
    const t6h = a6h ^ d1h;
    const b1l = (t6h << 12) | (t6l >>> 20);
    const b1h = (t6l << 12) | (t6h >>> 20);
    const t11l = a11l ^ d1l;
    const t11h = a11h ^ d1h;
    const b17l = (t11l << 10) | (t11h >>> 22);
    const b17h = (t11h << 10) | (t11l >>> 22);
    const t16l = a16l ^ d1l;
    const t16h = a16h ^ d1h;
    const b8l = (t16h << 13) | (t16l >>> 19);
    const b8h = (t16l << 13) | (t16h >>> 19);
    const t21l = a21l ^ d1l;
    const t21h = a21h ^ d1h;
    const b24l = (t21l << 2) | (t21h >>> 30);
    const b24h = (t21h << 2) | (t21l >>> 30);
    const t2l = a2l ^ d2l;
    const t2h = a2h ^ d2h;
    const b20l = (t2h << 30) | (t2l >>> 2);
    const b20h = (t2l << 30) | (t2h >>> 2);
    const t7l = a7l ^ d2l;
    const t7h = a7h ^ d2h;
    const b11l = (t7l << 6) | (t7h >>> 26);
    const b11h = (t7h << 6) | (t7l >>> 26);
    const t12l = a12l ^ d2l;
    const t12h = a12h ^ d2h;
    const b2l = (t12h << 11) | (t12l >>> 21);
    const b2h = (t12l << 11) | (t12h >>> 21);
    const t17l = a17l ^ d2l;
    const t17h = a17h ^ d2h;
    const b18l = (t17l << 15) | (t17h >>> 17);
    const b18h = (t17h << 15) | (t17l >>> 17);
    const t22l = a22l ^ d2l;
    const t22h = a22h ^ d2h;
    const b9l = (t22h << 29) | (t22l >>> 3);
    const b9h = (t22l << 29) | (t22h >>> 3);
    const t3l = a3l ^ d3l;
    const t3h = a3h ^ d3h;
    const b5l = (t3l << 28) | (t3h >>> 4);
    const b5h = (t3h << 28) | (t3l >>> 4);
    const t8l = a8l ^ d3l;
    const t8h = a8h ^ d3h;
    const b21l = (t8h << 23) | (t8l >>> 9);
    const b21h = (t8l << 23) | (t8h >>> 9);
    const t13l = a13l ^ d3l;
    const t13h = a13h ^ d3h;
    const b12l = (t13l << 25) | (t13h >>> 7);
    const b12h = (t13h << 25) | (t13l >>> 7);
    const t18l = a18l ^ d3l;
    const t18h = a18h ^ d3h;
    const b3l = (t18l << 21) | (t18h >>> 11);
    const b3h = (t18h << 21) | (t18l >>> 11);
    const t23l = a23l ^ d3l;
    const t23h = a23h ^ d3h;
    const b19l = (t23h << 24) | (t23l >>> 8);
    const b19h = (t23l << 24) | (t23h >>> 8);
    const t4l = a4l ^ d4l;
    const t4h = a4h ^ d4h;
    const b15l = (t4l << 27) | (t4h >>> 5);
    const b15h = (t4h << 27) | (t4l >>> 5);
    const t9l = a9l ^ d4l;
    const t9h = a9h ^ d4h;
    const b6l = (t9l << 20) | (t9h >>> 12);
    const b6h = (t9h << 20) | (t9l >>> 12);
    const t14l = a14l ^ d4l;
    const t14h = a14h ^ d4h;
    const b22l = (t14h << 7) | (t14l >>> 25);
    const b22h = (t14l << 7) | (t14h >>> 25);
    const t19l = a19l ^ d4l;
    const t19h = a19h ^ d4h;
    const b13l = (t19l << 8) | (t19h >>> 24);
    const b13h = (t19h << 8) | (t19l >>> 24);
    const t24l = a24l ^ d4l;
    const t24h = a24h ^ d4h;
    const b4l = (t24l << 14) | (t24h >>> 18);
    const b4h = (t24h << 14) | (t24l >>> 18);
    a0l = b0l ^ (~b1l & b2l);
    a0h = b0h ^ (~b1h & b2h);
    a1l = b1l ^ (~b2l & b3l);
    a1h = b1h ^ (~b2h & b3h);
    a2l = b2l ^ (~b3l & b4l);
    a2h = b2h ^ (~b3h & b4h);
    a3l = b3l ^ (~b4l & b0l);
    a3h = b3h ^ (~b4h & b0h);
    a4l = b4l ^ (~b0l & b1l);
    a4h = b4h ^ (~b0h & b1h);
    a5l = b5l ^ (~b6l & b7l);
    a5h = b5h ^ (~b6h & b7h);
    a6l = b6l ^ (~b7l & b8l);
    a6h = b6h ^ (~b7h & b8h);
    a7l = b7l ^ (~b8l & b9l);
    a7h = b7h ^ (~b8h & b9h);
    a8l = b8l ^ (~b9l & b5l);
    a8h = b8h ^ (~b9h & b5h);
    a9l = b9l ^ (~b5l & b6l);
    a9h = b9h ^ (~b5h & b6h);
    a10l = b10l ^ (~b11l & b12l);
    a10h = b10h ^ (~b11h & b12h);
    a11l = b11l ^ (~b12l & b13l);
    a11h = b11h ^ (~b12h & b13h);
    a12l = b12l ^ (~b13l & b14l);
    a12h = b12h ^ (~b13h & b14h);
    a13l = b13l ^ (~b14l & b10l);
    a13h = b13h ^ (~b14h & b10h);
    a14l = b14l ^ (~b10l & b11l);
    a14h = b14h ^ (~b10h & b11h);
    a15l = b15l ^ (~b16l & b17l);
    a15h = b15h ^ (~b16h & b17h);
    a16l = b16l ^ (~b17l & b18l);
    a16h = b16h ^ (~b17h & b18h);
    a17l = b17l ^ (~b18l & b19l);
    a17h = b17h ^ (~b18h & b19h);
    a18l = b18l ^ (~b19l & b15l);
    a18h = b18h ^ (~b19h & b15h);
    a19l = b19l ^ (~b15l & b16l);
    a19h = b19h ^ (~b15h & b16h);
    a20l = b20l ^ (~b21l & b22l);
    a20h = b20h ^ (~b21h & b22h);
    a21l = b21l ^ (~b22l & b23l);
    a21h = b21h ^ (~b22h & b23h);
    a22l = b22l ^ (~b23l & b24l);
    a22h = b22h ^ (~b23h & b24h);
    a23l = b23l ^ (~b24l & b20l);
    a23h = b23h ^ (~b24h & b20h);
    a24l = b24l ^ (~b20l & b21l);
    a24h = b24h ^ (~b20h & b21h);
    a0l ^= ROUND_CONSTANTS[round]!;
    a0h ^= ROUND_CONSTANTS[round + 1]!;
  }
  state[0] = a0l;
  state[1] = a0h;
  state[2] = a1l;
  state[3] = a1h;
  state[4] = a2l;
  state[5] = a2h;
  state[6] = a3l;
  state[7] = a3h;
  state[8] = a4l;
  state[9] = a4h;
  state[10] = a5l;
  state[11] = a5h;
  state[12] = a6l;
  state[13] = a6h;
  state[14] = a7l;
  state[15] = a7h;
  state[16] = a8l;
  state[17] = a8h;
  state[18] = a9l;
  state[19] = a9h;
  state[20] = a10l;
  state[21] = a10h;
  state[22] = a11l;
  state[23] = a11h;
  state[24] = a12l;
  state[25] = a12h;
  state[26] = a13l;
  state[27] = a13h;
  state[28] = a14l;
  state[29] = a14h;
  state[30] = a15l;
  state[31] = a15h;
  state[32] = a16l;
  state[33] = a16h;
  state[34] = a17l;
  state[35] = a17h;
  state[36] = a18l;
  state[37] = a18h;
  state[38] = a19l;
  state[39] = a19h;
  state[40] = a20l;
  state[41] = a20h;
  state[42] = a21l;
  state[43] = a21h;
  state[44] = a22l;
  state[45] = a22h;
  state[46] = a23l;
  state[47] = a23h;
  state[48] = a24l;
  state[49] = a24h;
}
