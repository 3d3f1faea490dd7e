import type { QrEngine, QrReader, QrSource } from "./createQrReader.js";
import { frameAttempts, type FrameAttempt } from "./frameAttempts.js";
import { sharpenGrey } from "./sharpenGrey.js";

/** Reads hard frames with a {@link QrReader}: whole frame, then crops and zooms ({@link frameAttempts}). */
export type FrameScanner = {
  engine: QrEngine;
  /**
   * Every attempt on one image (a photo, a benchmark frame), stopping as soon as `enough` says the
   * texts found so far suffice. Returns every distinct text found.
   */
  readAll(source: QrSource, enough?: (texts: readonly string[]) => boolean): Promise<string[]>;
  /**
   * The camera's share of the work: the next attempts in turn, from where the previous frame stopped,
   * while another attempt fits in `budgetMs` (at least one attempt), so a cheap phone stays responsive
   * and every crop is still tried within a second or two. Stops early once something is found.
   */
  readNext(source: QrSource, budgetMs: number): Promise<string[]>;
};

/**
 * A {@link FrameScanner} on `reader`. A `<video>` frame is copied once per call (the video moves on
 * while it is being read) and the attempts are cut from that copy; a photo is cut from directly.
 */
export function createFrameScanner(reader: QrReader): FrameScanner {
  const frame = document.createElement("canvas");
  const frameContext = frame.getContext("2d", { willReadFrequently: reader.engine === "jsqr" });
  const work = document.createElement("canvas");
  const workContext = work.getContext("2d", { willReadFrequently: reader.engine === "jsqr" });
  const sharp = document.createElement("canvas");
  const sharpContext = sharp.getContext("2d", { willReadFrequently: true });
  let plan: { width: number; height: number; attempts: FrameAttempt[] } | undefined;
  let cursor = 0;

  /** The still image to cut from and its attempts (none for an empty frame or without a canvas). */
  const snapshot = (source: QrSource): { image: QrSource; attempts: FrameAttempt[] } => {
    const width = source instanceof HTMLVideoElement ? source.videoWidth : source.width;
    const height = source instanceof HTMLVideoElement ? source.videoHeight : source.height;
    if (frameContext === null || width === 0 || height === 0) return { image: source, attempts: [] };
    if (plan === undefined || plan.width !== width || plan.height !== height) {
      plan = { width, height, attempts: frameAttempts(width, height, reader.engine) };
      cursor = 0;
    }
    if (!(source instanceof HTMLVideoElement)) return { image: source, attempts: plan.attempts };
    frame.width = width;
    frame.height = height;
    frameContext.drawImage(source, 0, 0);
    return { image: frame, attempts: plan.attempts };
  };
  const run = async (image: QrSource, attempt: FrameAttempt): Promise<string[]> => {
    const { sx, sy, sw, sh, dw, dh } = attempt;
    // The whole frame as it is: the reader scales it itself where it needs to.
    if (sx === 0 && sy === 0 && sw === plan?.width && sh === plan.height && dw === sw) return reader.read(image);
    if (workContext === null) return [];
    let from: CanvasImageSource = image;
    let box = [sx, sy, sw, sh] as const;
    if (attempt.sharpen && sharpContext !== null) {
      sharp.width = sw;
      sharp.height = sh;
      sharpContext.drawImage(image, sx, sy, sw, sh, 0, 0, sw, sh);
      sharpContext.putImageData(sharpenGrey(sharpContext.getImageData(0, 0, sw, sh)), 0, 0);
      from = sharp;
      box = [0, 0, sw, sh];
    }
    work.width = dw;
    work.height = dh;
    workContext.imageSmoothingEnabled = true;
    workContext.imageSmoothingQuality = "high";
    workContext.drawImage(from, ...box, 0, 0, dw, dh);
    return reader.read(work);
  };
  const add = (found: Set<string>, texts: readonly string[]) => {
    for (const text of texts) found.add(text);
  };

  return {
    engine: reader.engine,
    async readAll(source, enough = () => false) {
      const { image, attempts } = snapshot(source);
      const found = new Set<string>();
      for (const attempt of attempts) {
        add(found, await run(image, attempt));
        if (found.size > 0 && enough([...found])) break;
      }
      return [...found];
    },
    async readNext(source, budgetMs) {
      const { image, attempts } = snapshot(source);
      const found = new Set<string>();
      const start = performance.now();
      for (let tried = 0; tried < attempts.length; tried++) {
        const attemptStart = performance.now();
        const attempt = attempts[cursor % attempts.length]!;
        cursor = (cursor + 1) % attempts.length;
        add(found, await run(image, attempt));
        const now = performance.now();
        // Another attempt like this one would overrun the budget: leave it for the next frame.
        if (found.size > 0 || now - start + (now - attemptStart) > budgetMs) break;
      }
      return [...found];
    },
  };
}
