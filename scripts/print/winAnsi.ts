/**
 * WinAnsi byte (PDF's `WinAnsiEncoding`, Windows code page 1252) of the Unicode characters it holds
 * outside Latin-1, which it keeps at their own code points (0x20-0x7E, 0xA0-0xFF).
 */
const BEYOND_LATIN1: ReadonlyMap<number, number> = new Map([
  [0x20ac, 0x80], // €
  [0x201a, 0x82], // ‚
  [0x0192, 0x83], // ƒ
  [0x201e, 0x84], // „
  [0x2026, 0x85], // …
  [0x2020, 0x86], // †
  [0x2021, 0x87], // ‡
  [0x02c6, 0x88], // ˆ
  [0x2030, 0x89], // ‰
  [0x0160, 0x8a], // Š
  [0x2039, 0x8b], // ‹
  [0x0152, 0x8c], // Œ
  [0x017d, 0x8e], // Ž
  [0x2018, 0x91], // ‘
  [0x2019, 0x92], // ’
  [0x201c, 0x93], // “
  [0x201d, 0x94], // ”
  [0x2022, 0x95], // •
  [0x2013, 0x96], // –
  [0x2014, 0x97], // —
  [0x02dc, 0x98], // ˜
  [0x2122, 0x99], // ™
  [0x0161, 0x9a], // š
  [0x203a, 0x9b], // ›
  [0x0153, 0x9c], // œ
  [0x017e, 0x9e], // ž
  [0x0178, 0x9f], // Ÿ
]);

/**
 * The WinAnsi byte of a printable Unicode code point, or -1 when the PDF standard fonts cannot show it
 * (control characters, and scripts other than Western European ones: Greek, Cyrillic, Arabic, CJK…).
 */
export function winAnsiCode(codePoint: number): number {
  if ((codePoint >= 0x20 && codePoint <= 0x7e) || (codePoint >= 0xa0 && codePoint <= 0xff)) return codePoint;
  return BEYOND_LATIN1.get(codePoint) ?? -1;
}

/**
 * `text` in WinAnsi bytes, for a PDF string shown in a standard font (Helvetica, Courier, …).
 *
 * @throws {RangeError} naming `field` and the first character the standard fonts cannot show (by code
 *         point), so the caller can say which field to change.
 */
export function toWinAnsi(text: string, field: string): Uint8Array {
  const bytes: number[] = [];
  for (const char of text.normalize("NFC")) {
    const codePoint = char.codePointAt(0)!;
    const code = winAnsiCode(codePoint);
    if (code < 0) {
      const hex = codePoint.toString(16).toUpperCase().padStart(4, "0");
      throw new RangeError(
        `${field} has the character U+${hex}, which the PDF's standard fonts cannot show ` +
          "(Western European letters only): use a Latin transliteration, or print SVG/PNG cards",
      );
    }
    bytes.push(code);
  }
  return Uint8Array.from(bytes);
}
