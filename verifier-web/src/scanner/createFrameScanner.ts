import type { QrEngine, QrReader, QrSource } from "./createQrReader.js";
import { frameAttempts, type FrameAttempt } from "./frameAttempts.js";

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
   * until `budgetMs` of decoding is spent (at least one attempt), so a cheap phone stays responsive
   * and every crop is still tried within a second or two. Stops early once something is found.
   */
  readNext(source: QrSource, budgetMs: number): Promise<string[]>;
};

/**
 * A {@link FrameScanner} on `reader`. Each call snapshots the frame once (a `<video>` moves on while
 * it is being read) and cuts the attempts from that snapshot.
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

  /** Copies the frame; returns its attempts, none when it is empty or the canvas unavailable. */
  const snapshot = (source: QrSource): FrameAttempt[] => {
    const width = source instanceof HTMLVideoElement ? source.videoWidth : source.width;
    const height = source instanceof HTMLVideoElement ? source.videoHeight : source.height;
    if (frameContext === null || width === 0 || height === 0) return [];
    if (plan === undefined || plan.width !== width || plan.height !== height) {
      plan = { width, height, attempts: frameAttempts(width, height, reader.engine) };
      cursor = 0;
    }
    frame.width = width;
    frame.height = height;
    frameContext.drawImage(source, 0, 0);
    return plan.attempts;
  };
  const run = async (attempt: FrameAttempt): Promise<string[]> => {
    if (attempt.sx === 0 && attempt.sy === 0 && attempt.sw === frame.width && attempt.sh === frame.height) {
      // The whole frame: the reader scales it itself where it needs to.
      return reader.read(frame);
    }
    if (workContext === null) return [];
    if (attempt.sharpen && sharpContext !== null) {
      sharp.width = attempt.sw;
      sharp.height = attempt.sh;
      sharpContext.drawImage(frame, attempt.sx, attempt.sy, attempt.sw, attempt.sh, 0, 0, attempt.sw, attempt.sh);
      const image = sharpContext.getImageData(0, 0, attempt.sw, attempt.sh);
      sharpContext.putImageData(sharpenGrey(image), 0, 0);
      work.width = attempt.dw;
      work.height = attempt.dh;
      workContext.imageSmoothingEnabled = true;
      workContext.imageSmoothingQuality = "high";
      workContext.drawImage(sharp, 0, 0, attempt.dw, attempt.dh);
      return reader.read(work);
    }
    work.width = attempt.dw;
    work.height = attempt.dh;
    workContext.imageSmoothingEnabled = true;
    workContext.imageSmoothingQuality = "high";
    workContext.drawImage(frame, attempt.sx, attempt.sy, attempt.sw, attempt.sh, 0, 0, attempt.dw, attempt.dh);
    return reader.read(work);
  };
  const add = (found: Set<string>, texts: readonly string[]) => {
    for (const text of texts) found.add(text);
  };

  return {
    engine: reader.engine,
    async readAll(source, enough = () => false) {
      const found = new Set<string>();
      for (const attempt of snapshot(source)) {
        add(found, await run(attempt));
        if (found.size > 0 && enough([...found])) break;
      }
      return [...found];
    },
    async readNext(source, budgetMs) {
      const attempts = snapshot(source);
      const found = new Set<string>();
      const start = performance.now();
      for (let tried = 0; tried < attempts.length; tried++) {
        const attempt = attempts[cursor % attempts.length]!;
        cursor = (cursor + 1) % attempts.length;
        add(found, await run(attempt));
        if (found.size > 0 || performance.now() - start >= budgetMs) break;
      }
      return [...found];
    },
  };
}

/** Grey levels with a 3 × 3 unsharp mask (centre 5, edges -1): restores module edges a slight blur softened. */
function sharpenGrey(image: ImageData): ImageData {
  const { width, height, data } = image;
  const grey = new Float32Array(width * height);
  for (let i = 0; i < grey.length; i++)
    grey[i] = 0.299 * data[4 * i]! + 0.587 * data[4 * i + 1]! + 0.114 * data[4 * i + 2]!;
  const out = new ImageData(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const up = y > 0 ? grey[i - width]! : grey[i]!;
      const down = y < height - 1 ? grey[i + width]! : grey[i]!;
      const left = x > 0 ? grey[i - 1]! : grey[i]!;
      const right = x < width - 1 ? grey[i + 1]! : grey[i]!;
      const value = 5 * grey[i]! - up - down - left - right;
      out.data[4 * i] = out.data[4 * i + 1] = out.data[4 * i + 2] = value;
      out.data[4 * i + 3] = 255;
    }
  }
  return out;
}
