import { createQrReader } from "./createQrReader.js";
import { pickCardText } from "./pickCardText.js";

/** Reads the card's public QR from a photo the person picked or took. */
export async function readQrFromPhoto(file: Blob): Promise<ReturnType<typeof pickCardText>> {
  const [reader, bitmap] = await Promise.all([createQrReader(), createImageBitmap(file)]);
  try {
    return pickCardText(await reader.read(bitmap));
  } finally {
    bitmap.close();
  }
}
