import { createRequire } from "node:module";
import { dirname, join } from "node:path";

import { Resvg } from "@resvg/resvg-js";

import type { CardSvgOptions } from "./renderCardSvg.js";
import { renderCardSvg } from "./renderCardSvg.js";
import { CARD_WIDTH_MM } from "./layoutCard.js";
import type { PrintableCard } from "./PrintableCard.js";

/** How {@link renderCardPng} renders a card. */
export type CardPngOptions = CardSvgOptions & {
  /** Resolution; the default 300 dpi gives a 1011 × 638 pixel card with 6-pixel QR modules. */
  dpi?: number;
};

const FONT_DIR = join(dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json")), "ttf");
/** DejaVu from the npm package `dejavu-fonts-ttf`: no system font is read, so every machine renders alike. */
const FONT_FILES = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono-Bold.ttf"].map((file) =>
  join(FONT_DIR, file),
);

/**
 * One card as a PNG image: {@link renderCardSvg}'s SVG rasterised by resvg (`@resvg/resvg-js`) with
 * the DejaVu fonts, on white. QR modules are drawn without anti-aliasing (`crispEdges`), so each is a
 * block of whole pixels; text is anti-aliased.
 *
 * @throws {RangeError} as {@link renderCardSvg}, or for a `dpi` outside 72-2400.
 */
export function renderCardPng(card: PrintableCard, options: CardPngOptions): Buffer {
  const dpi = options.dpi ?? 300;
  if (!Number.isFinite(dpi) || dpi < 72 || dpi > 2400) throw new RangeError(`dpi ${dpi} is outside 72-2400`);
  const svg = renderCardSvg(card, options);
  const resvg = new Resvg(svg, {
    fitTo: { mode: "width", value: Math.round((CARD_WIDTH_MM / 25.4) * dpi) },
    background: "#ffffff",
    font: {
      loadSystemFonts: false,
      fontFiles: FONT_FILES,
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
      monospaceFamily: "DejaVu Sans Mono",
    },
  });
  return resvg.render().asPng();
}
