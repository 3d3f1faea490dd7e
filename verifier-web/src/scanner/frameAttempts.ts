import type { QrEngine } from "./createQrReader.js";

/**
 * One decoder call on part of a frame: the source rectangle (`sx`, `sy`, `sw`, `sh`, in frame pixels)
 * drawn at `dw` × `dh` pixels, sharpened first when `sharpen` is set. `name` says what it is for.
 */
export type FrameAttempt = {
  name: string;
  sx: number;
  sy: number;
  sw: number;
  sh: number;
  dw: number;
  dh: number;
  sharpen: boolean;
};

/** Widest image handed to jsQR: it reads about 640 px quickly and slows down with the pixel count. */
const JSQR_WIDTH = 640;
/** Widest image handed to ZXing or the native detector (a 1080p frame is read as is, 4K scaled down). */
const DETECTOR_WIDTH = 1920;
/** Tiles in the order they are tried: the centre first (a card is usually held in the middle). */
const TILE_ORDER = [4, 1, 3, 5, 7, 0, 2, 6, 8];

/**
 * The attempts that read a hard frame, the likeliest first. Every list starts with the whole frame
 * (the one call the page made before), then nine overlapping half-size tiles (a 3 × 3 grid with a
 * quarter-frame step, so every symbol up to a quarter of the frame's width and height lies whole in
 * one tile, away from the others):
 *
 * - jsQR (one symbol per call, about 3 px per module needed): first three overlapping half-width
 *   strips at full resolution (the public and the secret QR of a scratched card land in different
 *   images, and a card that fills the frame is read sharper than at 640 px), then the tiles at full
 *   resolution, then the centre third sharpened and upscaled to 640 px (a very small card);
 * - ZXing and the native detector (every symbol per call, but blind below about 2.5 px per module
 *   once blurred): the tiles sharpened and upscaled 2× (small, turned, slightly blurred cards).
 *
 * @dev Pure arithmetic on the frame's size, so the camera loop plans once per resolution and
 * spreads the list over several frames (`createFrameScanner`).
 */
export function frameAttempts(width: number, height: number, engine: QrEngine): FrameAttempt[] {
  if (width <= 0 || height <= 0) return [];
  const target = engine === "jsqr" ? JSQR_WIDTH : DETECTOR_WIDTH;
  const attempt = (name: string, x: number, y: number, w: number, h: number, zoom: number, sharpen = false) => {
    // `zoom` is the wanted scale; no image is made wider than the decoder's target.
    const scale = Math.min(zoom, target / w);
    const rounded = { sx: Math.round(x), sy: Math.round(y), sw: Math.round(w), sh: Math.round(h) };
    return { name, ...rounded, dw: Math.round(w * scale), dh: Math.round(h * scale), sharpen } satisfies FrameAttempt;
  };
  const full = attempt("full", 0, 0, width, height, 1);
  const tiles = (zoom: number, sharpen: boolean) =>
    TILE_ORDER.map((index) =>
      attempt(
        `tile ${index + 1}/9${zoom === 1 ? "" : ` ×${zoom}`}`,
        ((index % 3) * width) / 4,
        (Math.floor(index / 3) * height) / 4,
        width / 2,
        height / 2,
        zoom,
        sharpen,
      ),
    );
  if (engine !== "jsqr") return [full, ...tiles(2, true)];
  const strips = [0, 1, 2].map((i) => attempt(`strip ${i + 1}/3`, (i * width) / 4, 0, width / 2, height, 1));
  const centreThird = attempt("centre third", width / 3, height / 3, width / 3, height / 3, 3, true);
  return [full, ...strips, ...tiles(1, false), centreThird];
}
