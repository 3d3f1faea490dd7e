import { create } from "qrcode";

/** QR error correction levels: about 7%, 15%, 25% and 30% of the symbol can be restored. */
export type QrErrorCorrection = "L" | "M" | "Q" | "H";

/** A horizontal run of dark modules in one row of a QR symbol. */
export type QrRun = {
  /** Row, 0 at the top. */
  row: number;
  /** First dark module's column, 0 at the left. */
  column: number;
  /** Dark modules in the run. */
  length: number;
};

/** The modules of one QR symbol, without its quiet zone. */
export type QrMatrix = {
  /** The text the symbol holds. */
  text: string;
  /** QR version (1-40); the symbol has `17 + 4 · version` modules a side. */
  version: number;
  /** Modules per side. */
  size: number;
  /** The dark modules as horizontal runs, row by row: one rectangle each when drawn as vectors. */
  runs: readonly QrRun[];
  /** Whether the module at (`row`, `column`) is dark; false outside the symbol (its quiet zone is light). */
  isDark(row: number, column: number): boolean;
};

/** Light modules a decoder needs around a symbol (ISO/IEC 18004 asks for 4). */
export const QR_QUIET_ZONE = 4;

/**
 * Encodes `text` as the smallest QR symbol at `errorCorrection` (Q by default, which survives a
 * quarter of the symbol scuffed). Uses the `qrcode` package, which splits the text into numeric,
 * alphanumeric and byte segments to minimise its bits (so digit runs cost 3.3 bits a character).
 *
 * @throws {Error} from `qrcode` when the text does not fit a version 40 symbol.
 */
export function createQrMatrix(text: string, errorCorrection: QrErrorCorrection = "Q"): QrMatrix {
  const qr = create(text, { errorCorrectionLevel: errorCorrection });
  const { size, data } = qr.modules;
  const runs: QrRun[] = [];
  for (let row = 0; row < size; row++) {
    let column = 0;
    while (column < size) {
      if (!data[row * size + column]) {
        column++;
        continue;
      }
      const start = column;
      while (column < size && data[row * size + column]) column++;
      runs.push({ row, column: start, length: column - start });
    }
  }
  return {
    text,
    version: qr.version,
    size,
    runs,
    isDark: (row, column) => row >= 0 && row < size && column >= 0 && column < size && data[row * size + column] === 1,
  };
}
