import { expect } from "chai";
import { PNG } from "pngjs";

import { decodeSecretPayload } from "../../../scripts/lib/secretPayload.js";
import { QR_QUIET_ZONE } from "../../../scripts/print/createQrMatrix.js";
import type { DrawingLayer } from "../../../scripts/print/layoutCard.js";
import { CARD_WIDTH_MM, layoutCard } from "../../../scripts/print/layoutCard.js";
import { renderCardPng } from "../../../scripts/print/renderCardPng.js";
import type { PixelRegion } from "../../helpers/decodeQr.js";
import { decodeQrFromPng } from "../../helpers/decodeQr.js";
import { makePrintableCard, TEST_CODE, TEST_VERIFIER } from "../../helpers/printableCard.js";

describe("renderCardPng", function () {
  const card = makePrintableCard({ supplierName: "Caf\u00e9 Cards \u5361" });
  const drawing = layoutCard(card, { verifierBase: TEST_VERIFIER });

  /** Pixels of the QR on `layer` with its quiet zone, at `dpi`. */
  function qrRegion(layer: DrawingLayer, dpi: number): PixelRegion {
    const qr = drawing.items.find((item) => item.kind === "qr" && item.layer === layer);
    if (qr?.kind !== "qr") throw new Error("no QR");
    const pxPerMm = Math.round((CARD_WIDTH_MM / 25.4) * dpi) / CARD_WIDTH_MM;
    const margin = (QR_QUIET_ZONE * qr.size) / qr.matrix.size;
    const [x, y] = [Math.floor((qr.x - margin) * pxPerMm), Math.floor((qr.y - margin) * pxPerMm)];
    const side = Math.ceil((qr.size + 2 * margin) * pxPerMm);
    return { x, y, width: side, height: side };
  }

  it("is a PNG of the card at 300 dpi by default", function () {
    const png = renderCardPng(card, { verifierBase: TEST_VERIFIER });
    const image = PNG.sync.read(png);
    expect([image.width, image.height]).to.deep.equal([1011, 638]);
  });

  it("holds a public QR that decodes to the card link and a redemption QR that decodes to the code", function () {
    for (const dpi of [150, 300, 600]) {
      const png = renderCardPng(card, { verifierBase: TEST_VERIFIER, dpi });
      expect(decodeQrFromPng(png, qrRegion("public", dpi)), `${dpi} dpi`).to.equal(drawing.url);
      const secret = decodeQrFromPng(png, qrRegion("scratch", dpi));
      expect(decodeSecretPayload(secret!), `${dpi} dpi`).to.deep.equal({
        code: TEST_CODE,
        batchId: card.batchId,
        serial: card.serial,
      });
    }
  });

  it("rejects resolutions outside 72-2400 dpi", function () {
    for (const dpi of [0, 71, 2401, Number.NaN]) {
      expect(() => renderCardPng(card, { verifierBase: TEST_VERIFIER, dpi }), String(dpi)).to.throw(RangeError, /dpi/);
    }
  });
});
