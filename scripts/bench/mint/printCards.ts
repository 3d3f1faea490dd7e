import { statSync } from "node:fs";
import { join } from "node:path";

import { readCodesFile } from "../../mint/codesFile.js";
import { createSheetPdfWriter } from "../../print/createSheetPdfWriter.js";
import { BENCH_EXPIRES_AT } from "../lib/prepareBenchBatch.js";
import { BENCH_CODES_FILE, BENCH_PASSPHRASE } from "./benchBatch.js";

/** What printing took. */
export type PrintResult = {
  cards: number;
  /** Decrypting the codes file plus writing the PDF. */
  seconds: number;
  decryptSeconds: number;
  pages: number;
  bytes: number;
};

/**
 * Prints the first `cards` cards of the batch in `dir` to `dir/cards.pdf` the way a supplier would:
 * the codes come from the encrypted codes file (read and decrypted with `readCodesFile`), the sheet
 * from `createSheetPdfWriter` (A4, ten cards a page).
 */
export async function printCards({ dir, cards }: { dir: string; cards: number }): Promise<PrintResult> {
  const started = performance.now();
  const { header, codes } = await readCodesFile(join(dir, BENCH_CODES_FILE), BENCH_PASSPHRASE);
  const decrypted = performance.now();
  try {
    const output = join(dir, "cards.pdf");
    const writer = createSheetPdfWriter({ output, verifierBase: "https://verify.cardproof.example/" });
    for (let serial = 0; serial < cards; serial++) {
      await writer.addCard({
        chainId: header.chainId,
        registry: header.registry,
        batchId: header.batchId,
        serial,
        code: String.fromCharCode(...codes.subarray(20 * serial, 20 * serial + 20)),
        faceValue: 25_00n,
        currency: "USD",
        expiresAt: BENCH_EXPIRES_AT,
        supplierName: "Nordlicht Game Cards GmbH",
      });
    }
    const { pages } = await writer.close();
    return {
      cards,
      seconds: (performance.now() - started) / 1000,
      decryptSeconds: (decrypted - started) / 1000,
      pages,
      bytes: statSync(output).size,
    };
  } finally {
    codes.fill(0);
  }
}
