/** Cards per page of the bitmap: 2,048 words of 32 bits (8 KiB). */
const PAGE_BITS = 65_536;

/**
 * One batch's redemption bitmap, replayed: a bit per serial, in pages allocated on first use, so
 * a 4-billion-card batch costs memory only where cards were redeemed.
 */
export function createRedeemedSet() {
  const pages = new Map<number, Uint32Array>();
  let size = 0;
  return {
    /** Cards redeemed. */
    get size() {
      return size;
    },
    has(serial: number): boolean {
      const page = pages.get(Math.floor(serial / PAGE_BITS));
      if (page === undefined) return false;
      const bit = serial % PAGE_BITS;
      return (page[bit >>> 5]! & (1 << (bit & 31))) !== 0;
    },
    /** Sets the bit; false when it was already set. */
    add(serial: number): boolean {
      const index = Math.floor(serial / PAGE_BITS);
      let page = pages.get(index);
      if (page === undefined) {
        page = new Uint32Array(PAGE_BITS / 32);
        pages.set(index, page);
      }
      const bit = serial % PAGE_BITS;
      const mask = 1 << (bit & 31);
      if ((page[bit >>> 5]! & mask) !== 0) return false;
      page[bit >>> 5] = page[bit >>> 5]! | mask;
      size++;
      return true;
    },
    /** Redeemed serials in `[start, end)`, ascending. */
    *within(start: number, end: number): Generator<number> {
      const indexes = [...pages.keys()].sort((a, b) => a - b);
      for (const index of indexes) {
        const base = index * PAGE_BITS;
        if (base + PAGE_BITS <= start || base >= end) continue;
        const page = pages.get(index)!;
        for (let word = 0; word < page.length; word++) {
          let bits = page[word]!;
          while (bits !== 0) {
            const low = 31 - Math.clz32(bits & -bits);
            bits &= bits - 1;
            const serial = base + word * 32 + low;
            if (serial >= start && serial < end) yield serial;
          }
        }
      }
    },
  };
}

export type RedeemedSet = ReturnType<typeof createRedeemedSet>;
