/**
 * The image in grey levels, sharpened with a 3 × 3 kernel (centre 5, the four neighbours -1): it
 * restores the module edges a slight blur or an out-of-focus lens softened, before a crop is scaled
 * up for the decoder. Edge pixels repeat their neighbour; values clamp to 0-255 on writing.
 */
export function sharpenGrey(image: ImageData): ImageData {
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
