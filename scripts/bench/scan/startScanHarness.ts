import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";

import { build } from "esbuild";

import { makeBatchId } from "../../lib/batchId.js";
import { computeCheckCharacter } from "../../lib/codeAlphabet.js";
import { layoutCard } from "../../print/layoutCard.js";
import type { PrintableCard } from "../../print/PrintableCard.js";
import { renderCardPng } from "../../print/renderCardPng.js";
import type { CardArea } from "./makeCameraFrame.js";

/** The verifier base printed on the benchmark's card. */
const VERIFIER_BASE = "https://verify.cardproof.example/";

/** The card the harness shows: demo registry, a $50 card, a fixed secret code (tests look for leaks of it). */
export const SCAN_HARNESS_CARD: PrintableCard = {
  chainId: 31337n,
  registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  batchId: makeBatchId(7, 1),
  serial: 4_242,
  code: "M3XQ8R2KTB7HCWNP5VZ" + computeCheckCharacter("M3XQ8R2KTB7HCWNP5VZ"),
  faceValue: 5000n,
  currency: "USD",
  expiresAt: 1_830_297_600,
  supplierName: "Acme Game Cards",
};

/** Where the card's parts are, for the page's frame maker; and the public QR's text. */
export type HarnessCard = { panel: CardArea; publicQr: CardArea; publicText: string };

/**
 * Serves the scanner harness on 127.0.0.1: `scanHarnessPage.ts` bundled by esbuild (the verifier's
 * own scanner modules, jsQR and the `barcode-detector` ponyfill inside), ZXing's `.wasm` under
 * `wasm/` as the page serves it, and `card.png`, one card rendered by the print renderer at 300 dpi
 * (`renderCardPng`, as `cardproof batch print --format png` does). Open `url` in Chromium and use
 * `window.scanHarness` (see `ScanHarness`) after `setCard(card)`.
 */
export async function startScanHarness(): Promise<{ url: string; card: HarnessCard; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "cardproof-scan-"));
  try {
    await build({
      entryPoints: [join(import.meta.dirname, "scanHarnessPage.ts")],
      bundle: true,
      format: "esm",
      target: ["es2022"],
      outfile: join(dir, "harness.js"),
      logLevel: "warning",
      charset: "utf8",
      // The page's build names the .wasm by its hash; here it keeps its own name.
      define: { ZXING_WASM_FILE: JSON.stringify("zxing_reader.wasm") },
    });
    const wasm = createRequire(import.meta.url).resolve("zxing-wasm/reader/zxing_reader.wasm");
    await mkdir(join(dir, "wasm"));
    await copyFile(wasm, join(dir, "wasm", "zxing_reader.wasm"));
    await writeFile(join(dir, "card.png"), renderCardPng(SCAN_HARNESS_CARD, { verifierBase: VERIFIER_BASE }));
    await writeFile(
      join(dir, "index.html"),
      '<!doctype html><html><head><meta charset="utf-8"><title>scan harness</title></head>' +
        '<body><script type="module" src="harness.js"></script></body></html>',
    );
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  const drawing = layoutCard(SCAN_HARNESS_CARD, { verifierBase: VERIFIER_BASE });
  const share = (x: number, y: number, width: number, height: number): CardArea => ({
    x: x / drawing.width,
    y: y / drawing.height,
    width: width / drawing.width,
    height: height / drawing.height,
  });
  const panel = drawing.items.find((item) => item.kind === "rect");
  const publicQr = drawing.items.find((item) => item.kind === "qr" && item.layer === "public");
  if (panel?.kind !== "rect" || publicQr?.kind !== "qr") throw new Error("the card layout has no scratch area or QR");
  const card: HarnessCard = {
    panel: share(panel.x, panel.y, panel.width, panel.height),
    publicQr: share(publicQr.x, publicQr.y, publicQr.size, publicQr.size),
    publicText: drawing.url,
  };

  const types: Record<string, string> = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".wasm": "application/wasm",
    ".png": "image/png",
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const file = normalize(join(dir, path === "/" ? "index.html" : path));
    if (!file.startsWith(dir)) {
      res.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    card,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
