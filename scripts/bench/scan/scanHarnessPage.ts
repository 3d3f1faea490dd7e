/**
 * The browser side of `npm run bench:scan` and of the scanner tests: a blank page that loads the
 * verifier's own scanner modules and makes camera frames. Bundled by `startScanHarness`.
 */
import { createFrameScanner, type FrameScanner } from "../../../verifier-web/src/scanner/createFrameScanner.js";
import { createQrReader, type QrEngine, type QrReader } from "../../../verifier-web/src/scanner/createQrReader.js";
import { pickCardText } from "../../../verifier-web/src/scanner/pickCardText.js";
import { FRAME_BUDGET_MS } from "../../../verifier-web/src/scanner/startCameraScanner.js";
import { makeCameraFrame, type CardArea, type FrameCard } from "./makeCameraFrame.js";
import type { ScanDegradation } from "./scanDegradations.js";

/** How a frame is read: today's single call on the whole frame, or the multi-attempt scanner. */
export type ScanMode = "before" | "after";

/** One read of one frame: whether the card's own public QR text came out, what was seen, the time. */
export type ScanOutcome = { kind: "card" | "secret" | "none" | "wrong"; ms: number };

/** A frame held before the camera loop: how many frames it took to read, the longest frame's decoding. */
export type CameraOutcome = { kind: ScanOutcome["kind"]; frames: number; longestMs: number };

/** Frames the camera simulation gives a card: more than one round of every engine's attempts. */
const CAMERA_FRAMES = 16;

/** What the harness page exposes as `window.scanHarness`. */
export type ScanHarness = {
  /** Loads the card image (`card.png`, scratch area visible) and its geometry; call once. */
  setCard(geometry: { panel: CardArea; publicQr: CardArea; publicText: string }): Promise<void>;
  /** Whether `engine` runs in this browser (the native detector needs QR support). */
  supports(engine: QrEngine): Promise<boolean>;
  /** Makes frame `id` (kept in the page) from `degradation` and `seed`. */
  makeFrame(id: string, degradation: ScanDegradation, seed: number): Promise<void>;
  /** Reads frame `id` with `engine` in `mode`. */
  read(id: string, engine: QrEngine, mode: ScanMode): Promise<ScanOutcome>;
  /**
   * Frame `id` shown to the camera loop's decoding (`readNext` with the page's 60 ms budget, a fresh
   * scanner each time) until the card is read or {@link CAMERA_FRAMES} frames passed.
   */
  readCamera(id: string, engine: QrEngine): Promise<CameraOutcome>;
  /** Frame `id` as a PNG `data:` URL (to look at it, or to make a fake camera's video of it). */
  framePng(id: string): string;
  /** Forgets every frame. */
  clearFrames(): void;
};

const frames = new Map<string, HTMLCanvasElement>();
const readers = new Map<QrEngine, Promise<{ reader: QrReader; scanner: FrameScanner } | null>>();
let card: (FrameCard & { publicText: string }) | undefined;

const load = (engine: QrEngine) => {
  let loaded = readers.get(engine);
  if (loaded === undefined) {
    loaded = createQrReader({ engine }).then(
      (reader) => ({ reader, scanner: createFrameScanner(reader) }),
      () => null,
    );
    readers.set(engine, loaded);
  }
  return loaded;
};

const harness: ScanHarness = {
  async setCard({ panel, publicQr, publicText }) {
    const response = await fetch("card.png");
    card = { scratched: await createImageBitmap(await response.blob()), panel, publicQr, publicText };
  },
  async supports(engine) {
    return (await load(engine)) !== null;
  },
  async makeFrame(id, degradation, seed) {
    if (card === undefined) throw new Error("call setCard first");
    frames.set(id, await makeCameraFrame(card, degradation, seed));
  },
  async read(id, engine, mode) {
    const frame = frames.get(id);
    const loaded = await load(engine);
    if (frame === undefined || loaded === null || card === undefined)
      throw new Error(`cannot read ${id} with ${engine}`);
    const isCard = (texts: readonly string[]) => pickCardText(texts).kind === "card";
    const start = performance.now();
    const texts = mode === "before" ? await loaded.reader.read(frame) : await loaded.scanner.readAll(frame, isCard);
    const ms = performance.now() - start;
    const picked = pickCardText(texts);
    if (picked.kind !== "card") return { kind: picked.kind, ms };
    return { kind: picked.text === card.publicText ? "card" : "wrong", ms };
  },
  async readCamera(id, engine) {
    const frame = frames.get(id);
    const loaded = await load(engine);
    if (frame === undefined || loaded === null || card === undefined)
      throw new Error(`cannot read ${id} with ${engine}`);
    const scanner = createFrameScanner(loaded.reader);
    let longestMs = 0;
    let kind = "none" as ScanOutcome["kind"];
    let frameCount = 0;
    while (frameCount < CAMERA_FRAMES && kind !== "card") {
      frameCount++;
      const start = performance.now();
      const picked = pickCardText(await scanner.readNext(frame, FRAME_BUDGET_MS));
      longestMs = Math.max(longestMs, performance.now() - start);
      if (picked.kind !== "card") kind = picked.kind === "secret" || kind === "secret" ? "secret" : "none";
      else kind = picked.text === card.publicText ? "card" : "wrong";
      if (kind === "wrong") break;
    }
    return { kind, frames: frameCount, longestMs };
  },
  framePng(id) {
    const frame = frames.get(id);
    if (frame === undefined) throw new Error(`no frame ${id}`);
    return frame.toDataURL("image/png");
  },
  clearFrames() {
    frames.clear();
  },
};

(globalThis as unknown as { scanHarness: ScanHarness }).scanHarness = harness;
