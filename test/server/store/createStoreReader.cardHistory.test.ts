import { expect } from "chai";

import { createStoreReader } from "../../../server/store/createStoreReader.js";
import { openDatabase } from "../../../server/store/openDatabase.js";
import { createRandom } from "../../helpers/createRandom.js";

describe("createStoreReader: a card's history", function () {
  const BATCH = "4294967297";
  const COUNT = 5_000;

  it("is every event whose range holds the card, one-card events and lots alike, oldest first", function () {
    const db = openDatabase(":memory:");
    const insert = db.prepare(
      `INSERT INTO batch_events (block_number, log_index, batch_id, seq, event_name, start_serial, end_serial, head, tx_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, '0x00', '0x00')`,
    );
    const random = createRandom(7);
    const rows: { block: number; index: number; start: number; end: number }[] = [];
    db.transaction(() => {
      const add = (batch: string, name: string, start: number, end: number) => {
        const block = rows.length + 1;
        const index = random.int(3);
        insert.run(block, index, batch, block, name, start, end);
        if (batch === BATCH) rows.push({ block, index, start, end });
      };
      add(BATCH, "BatchIssued", 0, COUNT);
      for (let i = 0; i < 3_000; i++) {
        const start = random.int(COUNT);
        const kind = random.int(4);
        // One-card redemptions, one-card lots, and lots of 2 to 300 cards (clipped at the end).
        const end = kind === 0 ? start + 1 : Math.min(COUNT, start + 2 + random.int(299));
        add(BATCH, kind === 0 ? "VoucherRedeemed" : "LotTransferred", start, kind === 1 ? start + 1 : end);
      }
      add("8589934593", "LotTransferred", 0, COUNT); // another batch's lot never shows
    })();
    const reader = createStoreReader(db);
    const serials = [0, 1, COUNT - 2, COUNT - 1, ...Array.from({ length: 300 }, () => random.int(COUNT))];
    for (const serial of serials) {
      const expected = rows
        .filter((row) => row.start <= serial && serial < row.end)
        .sort((a, b) => a.block - b.block || a.index - b.index)
        .map((row) => `${row.block}/${row.index}`);
      const actual = reader.getCardHistory(BATCH, serial).map((event) => `${event.blockNumber}/${event.logIndex}`);
      expect(actual, `serial ${serial}`).to.deep.equal(expected);
    }
    db.close();
  });
});
