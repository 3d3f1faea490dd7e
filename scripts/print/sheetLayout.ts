import { CARD_HEIGHT_MM, CARD_WIDTH_MM } from "./layoutCard.js";

/** Where cards go on a printed sheet; lengths in millimetres, origin at the page's top-left. */
export type SheetLayout = {
  pageWidth: number;
  pageHeight: number;
  columns: number;
  rows: number;
  cardWidth: number;
  cardHeight: number;
  /** Space between neighbouring cards (0: cards share their cut lines). */
  gap: number;
  /** The grid's top-left corner. */
  left: number;
  top: number;
};

/**
 * A4 portrait, 2 columns × 5 rows of credit-card-size cards sharing their cut lines (171.2 × 269.9 mm),
 * centred across and 11 mm from the top, which leaves room under the grid for the cut marks and the
 * footer, all at least 4.5 mm from the paper's edge (office printers' unprintable margin is about 4.2).
 */
export const A4_TEN_UP: SheetLayout = {
  pageWidth: 210,
  pageHeight: 297,
  columns: 2,
  rows: 5,
  cardWidth: CARD_WIDTH_MM,
  cardHeight: CARD_HEIGHT_MM,
  gap: 0,
  left: (210 - 2 * CARD_WIDTH_MM) / 2,
  top: 11,
};

/** Cards per page. */
export function cardsPerPage(layout: SheetLayout): number {
  return layout.columns * layout.rows;
}

/** Top-left corner of the card at `index` on its page (row by row, left to right). */
export function cardPosition(layout: SheetLayout, index: number): { x: number; y: number } {
  const column = index % layout.columns;
  const row = Math.floor(index / layout.columns);
  return {
    x: layout.left + column * (layout.cardWidth + layout.gap),
    y: layout.top + row * (layout.cardHeight + layout.gap),
  };
}

/** The grid's outer size. */
export function gridSize(layout: SheetLayout): { width: number; height: number } {
  return {
    width: layout.columns * layout.cardWidth + (layout.columns - 1) * layout.gap,
    height: layout.rows * layout.cardHeight + (layout.rows - 1) * layout.gap,
  };
}

/**
 * Checks that `layout` is usable: whole positive counts, positive sizes, and the grid inside the page.
 *
 * @throws {RangeError} saying which constraint fails.
 */
export function assertSheetLayout(layout: SheetLayout): void {
  for (const key of ["columns", "rows"] as const) {
    if (!Number.isInteger(layout[key]) || layout[key] < 1)
      throw new RangeError(`layout.${key} must be a positive integer`);
  }
  for (const key of ["pageWidth", "pageHeight", "cardWidth", "cardHeight"] as const) {
    if (!(layout[key] > 0)) throw new RangeError(`layout.${key} must be positive`);
  }
  const { width, height } = gridSize(layout);
  if (!(layout.gap >= 0) || !(layout.left >= 0) || !(layout.top >= 0)) {
    throw new RangeError("layout.gap, layout.left and layout.top must not be negative");
  }
  if (layout.left + width > layout.pageWidth || layout.top + height > layout.pageHeight) {
    throw new RangeError("the card grid does not fit on the page");
  }
}
