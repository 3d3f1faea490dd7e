import { createQrReader, type QrEngine } from "./createQrReader.js";
import { pickCardText } from "./pickCardText.js";

/** Pause between two decoded frames: enough for a cheap phone to stay responsive. */
const FRAME_INTERVAL_MS = 120;

/**
 * Starts the back camera in `video` and decodes frames until a card's public QR is found, then stops
 * the camera and calls `onCard` with the text. `onSecret` is called (once) when only the secret
 * redemption QR is in view.
 *
 * @throws when the camera cannot be started (no camera, permission refused, insecure origin).
 */
export async function startCameraScanner(
  video: HTMLVideoElement,
  { onCard, onSecret }: { onCard(text: string): void; onSecret(): void },
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
  let reader;
  try {
    video.srcObject = stream;
    video.muted = true;
    video.setAttribute("playsinline", "");
    await video.play();
    reader = await createQrReader();
  } catch (error) {
    stop();
    throw error;
  }
  let warned = false;
  const tick = async () => {
    if (stopped) return;
    try {
      if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) {
        const found = pickCardText(await reader.read(video));
        if (stopped) return;
        if (found.kind === "card") {
          stop();
          onCard(found.text);
          return;
        }
        if (found.kind === "secret" && !warned) {
          warned = true;
          onSecret();
        }
      }
    } catch {
      // A frame that cannot be decoded: try the next one.
    }
    setTimeout(() => void tick(), FRAME_INTERVAL_MS);
  };
  void tick();
  return { engine: reader.engine, stop };
}
