/**
 * A small seeded PRNG (mulberry32): the same seed picks the same sample on every machine, so an
 * audit's card sample can be reproduced with `--seed`.
 */
export function createSeededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    /** Integer in `[0, n)`. */
    int: (n: number) => Math.floor(next() * n),
  };
}
