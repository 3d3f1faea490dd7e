/** Something a QR can be read from: a camera's `<video>`, a photo's bitmap, a frame cut on a canvas. */
export type QrSource = HTMLVideoElement | ImageBitmap | HTMLCanvasElement;

/** Which decoder a {@link QrReader} uses. */
export type QrEngine = "native" | "zxing-wasm" | "jsqr";

/**
 * Reads every QR code in a frame with one decoder call on the whole image: the texts found, possibly
 * none. `createFrameScanner` builds the multi-scale, cropped attempts on top of it.
 */
export type QrReader = { engine: QrEngine; read(source: QrSource): Promise<string[]> };

/** Widest frame handed to jsQR (it reads clean frames at about 640 px and slows down quadratically). */
const JSQR_MAX_WIDTH = 640;
/** The decoder's `.wasm` under its content-hashed name in `wasm/`, set by the build (esbuild `define`). */
declare const ZXING_WASM_FILE: string;

type JsQr = (
  data: Uint8ClampedArray,
  width: number,
  height: number,
  options: { inversionAttempts: "dontInvert" },
) => { data: string } | null;
type Detector = { detect(source: QrSource): Promise<{ rawValue: string }[]> };
type DetectorClass = {
  new (options: { formats: string[] }): Detector;
  getSupportedFormats(): Promise<string[]>;
};

/**
 * The best QR decoder this browser has, loaded only now (when the camera starts or a photo is
 * chosen, never with the page):
 * 1. the native `BarcodeDetector` (Android Chrome), only when `getSupportedFormats()` lists `qr_code`
 *    (desktop Chrome on Linux and Windows exposes the class without a QR decoder);
 * 2. ZXing-C++ compiled to WebAssembly (npm `barcode-detector`), its `.wasm` fetched from this page's
 *    own origin (`wasm/` next to the page), never from a CDN;
 * 3. jsQR on a frame scaled to 640 px, when WebAssembly cannot run.
 *
 * `engine` forces one decoder (tests and `npm run bench:scan` compare them on the same frames).
 *
 * @throws when the forced engine cannot run in this browser.
 */
export async function createQrReader({ engine }: { engine?: QrEngine } = {}): Promise<QrReader> {
  if (engine === undefined || engine === "native") {
    const native = await loadNative().catch(() => undefined);
    if (native !== undefined) return native;
    if (engine === "native") throw new Error("this browser's BarcodeDetector does not read QR codes");
  }
  if (engine === undefined || engine === "zxing-wasm") {
    try {
      return await loadZxing();
    } catch (error) {
      // WebAssembly blocked or the .wasm missing: the pure JavaScript decoder.
      if (engine === "zxing-wasm") throw error;
    }
  }
  return loadJsQr();
}

async function loadNative(): Promise<QrReader | undefined> {
  const native = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  if (native === undefined || !(await native.getSupportedFormats()).includes("qr_code")) return undefined;
  return fromDetector("native", new native({ formats: ["qr_code"] }));
}

async function loadZxing(): Promise<QrReader> {
  const { BarcodeDetector, prepareZXingModule } = await import("barcode-detector/ponyfill");
  const wasmBase = new URL("wasm/", document.baseURI).href;
  await prepareZXingModule({
    overrides: {
      locateFile: (path: string, prefix: string) =>
        path.endsWith(".wasm") ? wasmBase + ZXING_WASM_FILE : prefix + path,
    },
    fireImmediately: true,
  });
  return fromDetector("zxing-wasm", new BarcodeDetector({ formats: ["qr_code"] }) as unknown as Detector);
}

async function loadJsQr(): Promise<QrReader> {
  // jsQR is CommonJS (`module.exports = jsQR`): bundlers hand it over as `default`, TypeScript's
  // NodeNext typing one level deeper.
  const loaded: unknown = (await import("jsqr")).default;
  const jsQR = (typeof loaded === "function" ? loaded : (loaded as { default: unknown }).default) as JsQr;
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return {
    engine: "jsqr",
    async read(source) {
      const width = source instanceof HTMLVideoElement ? source.videoWidth : source.width;
      const height = source instanceof HTMLVideoElement ? source.videoHeight : source.height;
      if (context === null || width === 0 || height === 0) return [];
      const scale = Math.min(1, JSQR_MAX_WIDTH / width);
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      context.drawImage(source, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const found = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      return found === null ? [] : [found.data];
    },
  };
}

function fromDetector(engine: QrEngine, detector: Detector): QrReader {
  return {
    engine,
    async read(source) {
      return (await detector.detect(source)).map((barcode) => barcode.rawValue);
    },
  };
}
