import { createFrameScanner } from "./createFrameScanner.js";
import { createGuidanceMeter, type ScanGuidance } from "./createGuidanceMeter.js";
import { createQrReader, type QrEngine } from "./createQrReader.js";
import { pickCardText } from "./pickCardText.js";

/** Pause between two decoded frames: enough for a cheap phone to stay responsive. */
const FRAME_INTERVAL_MS = 120;
/** Decoding time one frame may take before the next attempts wait for the next frame. */
export const FRAME_BUDGET_MS = 60;
/** Time without a card before guidance is shown (then updated every frame while it lasts). */
const GUIDANCE_AFTER_MS = 4_000;
/** How long a glimpse of the secret QR keeps its message up. */
const SECRET_SEEN_MS = 2_000;

/** What the camera loop reports. */
export type CameraScannerEvents = {
  /** The card's public QR text; the camera is already stopped. */
  onCard(text: string): void;
  /** Only the secret redemption QR is in view (called once). */
  onSecret(): void;
  /** Nothing read for a few seconds: what would help, every frame while it lasts. */
  onGuidance?(guidance: ScanGuidance): void;
};

/**
 * Starts the back camera in `video` and decodes frames until a card's public QR is found, then stops
 * the camera and calls `onCard` with the text. Each frame gets a bounded share of the crop-and-zoom
 * attempts (`createFrameScanner`), so small, turned or crowded cards are read within a second or two
 * while the page stays responsive.
 *
 * @throws when the camera cannot be started (no camera, permission refused, insecure origin).
 */
export async function startCameraScanner(
  video: HTMLVideoElement,
  { onCard, onSecret, onGuidance }: CameraScannerEvents,
): Promise<{ engine: QrEngine; stop(): void }> {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
    audio: false,
  });
  let stopped = false;
  const stop = () => {
    stopped = true;
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };
  let scanner;
  try {
    video.srcObject = stream;
    video.muted = true;
    video.setAttribute("playsinline", "");
    await video.play();
    scanner = createFrameScanner(await createQrReader());
  } catch (error) {
    stop();
    throw error;
  }
  const meter = createGuidanceMeter();
  const startedAt = performance.now();
  let secretAt = -Infinity;
  let warned = false;
  const tick = async () => {
    if (stopped) return;
    try {
      if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) {
        const found = pickCardText(await scanner.readNext(video, FRAME_BUDGET_MS));
        if (stopped) return;
        if (found.kind === "card") {
          stop();
          onCard(found.text);
          return;
        }
        const now = performance.now();
        if (found.kind === "secret") {
          secretAt = now;
          if (!warned) {
            warned = true;
            onSecret();
          }
        }
        const guidance = meter.assess(video, now - secretAt < SECRET_SEEN_MS);
        if (now - startedAt >= GUIDANCE_AFTER_MS) onGuidance?.(guidance);
      }
    } catch {
      // A frame that cannot be decoded: try the next one.
    }
    setTimeout(() => void tick(), FRAME_INTERVAL_MS);
  };
  void tick();
  return { engine: scanner.engine, stop };
}
