import type { ScanDegradation } from "./scanDegradations.js";

/** A rectangle as shares of the card's width and height (0-1). */
export type CardArea = { x: number; y: number; width: number; height: number };

/** The printed card a frame shows: its image with the secret QR visible, and where things are on it. */
export type FrameCard = {
  /** The card as `cardproof batch print` renders it (scratch area visible). */
  scratched: ImageBitmap;
  /** The scratch panel's area, painted silver on an unscratched card. */
  panel: CardArea;
  /** The public QR's area (where the glare falls). */
  publicQr: CardArea;
};

/** Frame size of a phone camera's preview stream (what `startCameraScanner` asks for). */
export const FRAME_WIDTH = 1280;
export const FRAME_HEIGHT = 720;

/**
 * One 1280 × 720 camera frame of `card` under `degradation` (see {@link ScanDegradation}), drawn in
 * the browser with a canvas: table, card placed and turned, blur, glare, sensor noise, JPEG. `seed`
 * picks the position, the direction of the turn and the noise, so a run is repeatable.
 */
export async function makeCameraFrame(
  card: FrameCard,
  degradation: ScanDegradation,
  seed: number,
): Promise<HTMLCanvasElement> {
  const random = mulberry32(seed);
  const canvas = document.createElement("canvas");
  canvas.width = FRAME_WIDTH;
  canvas.height = FRAME_HEIGHT;
  const context = canvas.getContext("2d", { willReadFrequently: true })!;

  const table = context.createLinearGradient(0, 0, FRAME_WIDTH, FRAME_HEIGHT);
  table.addColorStop(0, "#8a8782");
  table.addColorStop(1, "#5f5d59");
  context.fillStyle = table;
  context.fillRect(0, 0, FRAME_WIDTH, FRAME_HEIGHT);

  // The card: its width a share of the frame's, turned, placed at random but whole in the frame.
  const image = card.scratched;
  const width = degradation.size * FRAME_WIDTH;
  const height = (width * image.height) / image.width;
  const angle = ((degradation.rotation + (random() * 4 - 2)) * (random() < 0.5 ? -1 : 1) * Math.PI) / 180;
  const boxW = Math.abs(width * Math.cos(angle)) + Math.abs(height * Math.sin(angle));
  const boxH = Math.abs(width * Math.sin(angle)) + Math.abs(height * Math.cos(angle));
  const cx = FRAME_WIDTH / 2 + (random() - 0.5) * Math.max(0, FRAME_WIDTH - boxW);
  const cy = FRAME_HEIGHT / 2 + (random() - 0.5) * Math.max(0, FRAME_HEIGHT - boxH);
  context.save();
  context.translate(cx, cy);
  context.rotate(angle);
  if (degradation.blur > 0) context.filter = `blur(${degradation.blur}px)`;
  context.drawImage(image, -width / 2, -height / 2, width, height);
  if (!degradation.scratched) {
    const { x, y, width: w, height: h } = card.panel;
    context.fillStyle = "#b9bcc0";
    context.fillRect(-width / 2 + x * width, -height / 2 + y * height, w * width, h * height);
  }
  if (degradation.thumbOnPublicQr === true) {
    const { x, y, width: w, height: h } = card.publicQr;
    context.fillStyle = "#c89f86";
    context.fillRect(
      -width / 2 + (x - 0.02) * width,
      -height / 2 + (y - 0.03) * height,
      (w + 0.04) * width,
      (h + 0.06) * height,
    );
  }
  context.filter = "none";
  if (degradation.glare) {
    const qr = card.publicQr;
    const gx = -width / 2 + (qr.x + qr.width * 0.75) * width;
    const gy = -height / 2 + (qr.y + qr.height * 0.3) * height;
    const radius = qr.width * width * 0.45;
    const glare = context.createRadialGradient(gx, gy, 0, gx, gy, radius);
    glare.addColorStop(0, "rgba(255,255,255,0.9)");
    glare.addColorStop(0.5, "rgba(255,255,255,0.6)");
    glare.addColorStop(1, "rgba(255,255,255,0)");
    context.fillStyle = glare;
    context.fillRect(gx - radius, gy - radius, radius * 2, radius * 2);
  }
  context.restore();

  if (degradation.noise > 0) {
    const pixels = context.getImageData(0, 0, FRAME_WIDTH, FRAME_HEIGHT);
    const data = pixels.data;
    // The sum of three uniforms is close enough to Gaussian, and cheap; its σ is 0.5.
    const sigma = degradation.noise * 2;
    for (let i = 0; i < data.length; i += 4) {
      for (let c = 0; c < 3; c++) data[i + c] = data[i + c]! + (random() + random() + random() - 1.5) * sigma;
    }
    context.putImageData(pixels, 0, 0);
  }
  if (degradation.jpeg !== null) {
    const blob = await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (made) => (made === null ? reject(new Error("toBlob failed")) : resolve(made)),
        "image/jpeg",
        degradation.jpeg!,
      ),
    );
    const decoded = await createImageBitmap(blob);
    context.drawImage(decoded, 0, 0);
    decoded.close();
  }
  return canvas;
}

/** A small seeded generator (mulberry32): the same seed gives the same frame on every run. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
