import jsQRModule from "jsqr";
import { PNG } from "pngjs";

/** jsqr is CommonJS with `exports.default`; Node's ESM loader hands over the whole module as default. */
const jsQR = jsQRModule.default;

/** A region of an image, in pixels. */
export type PixelRegion = { x: number; y: number; width: number; height: number };

/**
 * The text of the QR code that jsQR (npm `jsqr`, an independent pure-JS decoder) finds in a PNG
 * image, or in `region` of it; `null` when it finds none.
 */
export function decodeQrFromPng(png: Uint8Array, region?: PixelRegion): string | null {
  const image = PNG.sync.read(Buffer.from(png));
  const { x, y, width, height } = region ?? { x: 0, y: 0, width: image.width, height: image.height };
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let row = 0; row < height; row++) {
    const from = ((y + row) * image.width + x) * 4;
    rgba.set(image.data.subarray(from, from + width * 4), row * width * 4);
  }
  return decodeQrFromRgba(rgba, width, height);
}

/**
 * The text of a QR symbol given as dark modules (`dark[row][column]`), drawn at 8 pixels a module
 * with a 4-module quiet zone and decoded by jsQR; `null` when it cannot read it.
 */
export function decodeQrFromModules(dark: readonly (readonly boolean[])[]): string | null {
  const scale = 8;
  const size = dark.length;
  const side = (size + 8) * scale;
  const rgba = new Uint8ClampedArray(side * side * 4).fill(255);
  for (let py = 0; py < side; py++) {
    for (let px = 0; px < side; px++) {
      const row = Math.floor(py / scale) - 4;
      const column = Math.floor(px / scale) - 4;
      if (dark[row]?.[column]) rgba.fill(0, (py * side + px) * 4, (py * side + px) * 4 + 3);
    }
  }
  return decodeQrFromRgba(rgba, side, side);
}

function decodeQrFromRgba(rgba: Uint8ClampedArray, width: number, height: number): string | null {
  return jsQR(rgba, width, height, { inversionAttempts: "dontInvert" })?.data ?? null;
}
