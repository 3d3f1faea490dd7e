import { expect } from "chai";

import { cardUrl, encodeCardPayload } from "../../../scripts/lib/cardPayload.js";
import { formatCode } from "../../../scripts/lib/formatCode.js";
import { deriveCardKey } from "../../../scripts/lib/deriveCardKey.js";
import { encodeSecretPayload } from "../../../scripts/lib/secretPayload.js";
import { QR_QUIET_ZONE } from "../../../scripts/print/createQrMatrix.js";
import type { DrawingItem } from "../../../scripts/print/layoutCard.js";
import { CARD_HEIGHT_MM, CARD_WIDTH_MM, layoutCard } from "../../../scripts/print/layoutCard.js";
import { measureText } from "../../../scripts/print/measureText.js";
import { makePrintableCard, TEST_CODE, TEST_VERIFIER } from "../../helpers/printableCard.js";

type Box = { left: number; top: number; right: number; bottom: number };

/** The box an item covers; text as set in a font up to 10% wider than Helvetica, QRs with their quiet zone. */
function boxOf(item: DrawingItem, withQuietZone = true): Box {
  switch (item.kind) {
    case "qr": {
      const margin = withQuietZone ? (QR_QUIET_ZONE * item.size) / item.matrix.size : 0;
      return {
        left: item.x - margin,
        top: item.y - margin,
        right: item.x + item.size + margin,
        bottom: item.y + item.size + margin,
      };
    }
    case "text": {
      const width = measureText(item.text, item.font, item.size) * 1.1;
      const left = item.anchor === "start" ? item.x : item.anchor === "middle" ? item.x - width / 2 : item.x - width;
      return { left, top: item.y - 0.8 * item.size, right: left + width, bottom: item.y + 0.25 * item.size };
    }
    case "rect":
      return { left: item.x, top: item.y, right: item.x + item.width, bottom: item.y + item.height };
  }
}

const overlaps = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
const texts = (items: readonly DrawingItem[], layer?: string) =>
  items.flatMap((item) => (item.kind === "text" && (layer === undefined || item.layer === layer) ? [item.text] : []));

describe("layoutCard", function () {
  const card = makePrintableCard();
  const drawing = layoutCard(card, { verifierBase: TEST_VERIFIER });

  it("prints the manifest's card key when given one, the same as the one derived from the code", function () {
    const cardKey = deriveCardKey(card);
    expect(layoutCard({ ...card, cardKey }, { verifierBase: TEST_VERIFIER }).url).to.equal(drawing.url);
    const other = `0x${"ab".repeat(20)}` as const;
    const url = layoutCard({ ...card, cardKey: other }, { verifierBase: TEST_VERIFIER }).url;
    expect(url).to.equal(cardUrl(TEST_VERIFIER, encodeCardPayload({ ...card, cardKey: other })));
  });

  it("is a credit-card-size drawing whose public QR holds the card link", function () {
    expect([drawing.width, drawing.height]).to.deep.equal([CARD_WIDTH_MM, CARD_HEIGHT_MM]);
    const payload = encodeCardPayload({ ...card, cardKey: deriveCardKey(card) });
    expect(drawing.url).to.equal(cardUrl(TEST_VERIFIER, payload));
    const qrs = drawing.items.filter((item) => item.kind === "qr");
    expect(qrs.map((qr) => [qr.layer, qr.matrix.text])).to.deep.equal([
      ["public", drawing.url],
      ["scratch", encodeSecretPayload(card)],
    ]);
    expect(qrs[0]!.matrix.version).to.be.at.most(6);
    expect(qrs[1]!.matrix.version).to.equal(3);
  });

  it("prints the card's terms and identity on the public side", function () {
    expect(texts(drawing.items, "public")).to.include.members([
      "Nordlicht Game Cards GmbH",
      "50.00 USD",
      "Serial 123456",
      `Batch ${card.batchId}`,
      "Expires 2028-01-01 00:00 UTC",
      "SCRATCH AREA",
      "verify.cardproof.example",
    ]);
    expect(texts(layoutCard(makePrintableCard({ expiresAt: 0 }), { verifierBase: TEST_VERIFIER }).items)).to.include(
      "No expiry",
    );
  });

  it("prints the secret code in groups, only under the scratch panel", function () {
    const formatted = formatCode(TEST_CODE);
    expect(texts(drawing.items, "scratch")).to.include.members([formatted.slice(0, 11), formatted.slice(12)]);
    const windows = Array.from({ length: TEST_CODE.length - 3 }, (_, i) => TEST_CODE.slice(i, i + 4));
    for (const text of texts(drawing.items, "public")) {
      for (const window of windows) expect(text.replace(/-/g, "")).not.to.include(window);
    }
    const publicQr = drawing.items.find((item) => item.kind === "qr" && item.layer === "public");
    expect(publicQr?.kind === "qr" && publicQr.matrix.text).not.to.include(TEST_CODE.slice(0, 5));
  });

  it("keeps everything inside the card, the QR quiet zones clear and the scratch contents inside the panel", function () {
    const cardBox = { left: 0, top: 0, right: CARD_WIDTH_MM, bottom: CARD_HEIGHT_MM };
    const panel = drawing.items.find((item) => item.kind === "rect")!;
    for (const [i, item] of drawing.items.entries()) {
      const box = boxOf(item);
      expect(box.left >= cardBox.left && box.right <= cardBox.right, `item ${i} across`).to.equal(true);
      expect(box.top >= cardBox.top && box.bottom <= cardBox.bottom, `item ${i} down`).to.equal(true);
      if (item.layer === "scratch") {
        const inner = boxOf(item, false);
        expect(overlaps(inner, boxOf(panel)) && inner.left >= panel.x && inner.right <= panel.x + panel.width).to.equal(
          true,
        );
      }
      if (item.kind !== "qr") continue;
      for (const [j, other] of drawing.items.entries()) {
        if (j === i || (other.kind === "rect" && item.layer === "scratch")) continue;
        expect(overlaps(boxOf(item), boxOf(other)), `item ${j} in the quiet zone of QR ${i}`).to.equal(false);
      }
    }
  });

  it("shrinks a long supplier name, then cuts it with an ellipsis, within the column", function () {
    const long = layoutCard(
      makePrintableCard({ supplierName: "Very Long Supplier Name International Trading Company Limited" }),
      {
        verifierBase: TEST_VERIFIER,
      },
    );
    const name = long.items.find((item) => item.kind === "text" && item.text.startsWith("Very"));
    expect(name?.kind).to.equal("text");
    if (name?.kind !== "text") return;
    expect(name.text.endsWith("\u2026")).to.equal(true);
    expect(name.size).to.be.below(3.2);
    expect(boxOf(name).right).to.be.at.most(82.1 + 1e-9);
  });

  it("rejects invalid cards, never repeating the code", function () {
    const cases: [Parameters<typeof makePrintableCard>[0], RegExp][] = [
      [{ code: TEST_CODE.slice(1) }, /^formatCode expects a canonical code/],
      [{ code: `${TEST_CODE.slice(0, -1)}U` }, /^formatCode expects a canonical code/],
      [{ supplierName: "  " }, /supplierName must be a non-empty line/],
      [{ supplierName: "Two\nLines" }, /supplierName must be a non-empty line/],
      [{ expiresAt: -1 }, /expiresAt -1 is not a uint32/],
      [{ expiresAt: 2 ** 32 }, /is not a uint32/],
      [{ currency: "usd" }, /ISO 4217/],
      [{ serial: -1 }, /serial -1 is not a uint32/],
    ];
    for (const [change, message] of cases) {
      let error: Error | undefined;
      try {
        layoutCard(makePrintableCard(change), { verifierBase: TEST_VERIFIER });
      } catch (caught) {
        error = caught as Error;
      }
      expect(error, message.source).to.be.an.instanceOf(RangeError);
      expect(error!.message).to.match(message);
      expect(error!.message).not.to.include(TEST_CODE.slice(1, 6));
    }
  });
});
