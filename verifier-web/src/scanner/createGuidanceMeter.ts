import type { QrSource } from "./createQrReader.js";

/** What the camera view should tell the person when no card was read for a while. */
export type ScanGuidance = "closer" | "steady" | "light" | "secret";

/** Side of the thumbnail the meter looks at: enough for light and motion, a fraction of a millisecond. */
const THUMB_WIDTH = 64;
const THUMB_HEIGHT = 36;
/** Mean grey level (0-255) under which a frame is too dark for a QR code to be read. */
const DARK_BELOW = 50;
/** Mean grey change (0-255) between two frames above which the phone or the card is moving. */
const MOVING_ABOVE = 10;

/**
 * Looks at each camera frame, small and grey, and says what would most likely help when nothing is
 * read: more light (the frame is dark), holding steady (it changes a lot from one frame to the next),
 * otherwise moving closer so the card's QR fills the frame (the usual reason). `sawSecret` reports
 * that only the secret redemption QR is in view, which the page names instead.
 */
export function createGuidanceMeter(): { assess(source: QrSource, sawSecret: boolean): ScanGuidance } {
  const canvas = document.createElement("canvas");
  canvas.width = THUMB_WIDTH;
  canvas.height = THUMB_HEIGHT;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  let previous: Float32Array | undefined;
  return {
    assess(source, sawSecret) {
      if (sawSecret) return "secret";
      if (context === null) return "closer";
      context.drawImage(source, 0, 0, THUMB_WIDTH, THUMB_HEIGHT);
      const { data } = context.getImageData(0, 0, THUMB_WIDTH, THUMB_HEIGHT);
      const grey = new Float32Array(THUMB_WIDTH * THUMB_HEIGHT);
      let sum = 0;
      let change = 0;
      for (let i = 0; i < grey.length; i++) {
        grey[i] = 0.299 * data[4 * i]! + 0.587 * data[4 * i + 1]! + 0.114 * data[4 * i + 2]!;
        sum += grey[i]!;
        if (previous !== undefined) change += Math.abs(grey[i]! - previous[i]!);
      }
      const moving = previous !== undefined && change / grey.length > MOVING_ABOVE;
      previous = grey;
      if (sum / grey.length < DARK_BELOW) return "light";
      return moving ? "steady" : "closer";
    },
  };
}
