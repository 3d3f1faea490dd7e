import { createFrameScanner } from "./createFrameScanner.js";
import { createQrReader } from "./createQrReader.js";
import { pickCardText } from "./pickCardText.js";

/**
 * Reads the card's public QR from a photo the person picked or took. A photo is read once, so it
 * gets every attempt at once (whole image, crops, zooms), stopping at the first card QR.
 */
export async function readQrFromPhoto(file: Blob): Promise<ReturnType<typeof pickCardText>> {
  const [reader, bitmap] = await Promise.all([createQrReader(), createImageBitmap(file)]);
  try {
    const scanner = createFrameScanner(reader);
    return pickCardText(await scanner.readAll(bitmap, (texts) => pickCardText(texts).kind === "card"));
  } finally {
    bitmap.close();
  }
}
