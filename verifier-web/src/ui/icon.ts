/** The verdicts' icons, drawn as SVG strokes so that no font (emoji or symbol) is needed. */
const PATHS = {
  check: ["M5 12.5l4.5 4.5L19 7.5"],
  cross: ["M6.5 6.5l11 11M17.5 6.5l-11 11"],
  ban: ["M12 4a8 8 0 1 0 0 16a8 8 0 1 0 0-16z", "M6.4 6.4l11.2 11.2"],
  clock: ["M12 4a8 8 0 1 0 0 16a8 8 0 1 0 0-16z", "M12 7.5V12l3 2.5"],
  alert: ["M12 5.5v8", "M12 18v.5"],
  question: ["M9 9.2a3 3 0 1 1 4.2 2.7c-.8.4-1.2 1-1.2 1.8v.6", "M12 18v.5"],
  retry: ["M19 12a7 7 0 1 1-2.05-4.95", "M19 4.5v3.8h-3.8"],
} as const;

export type IconName = keyof typeof PATHS;

const SVG = "http://www.w3.org/2000/svg";

/** A decorative icon (`aria-hidden`): the words next to it carry the meaning. */
export function icon(name: IconName): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "icon");
  for (const d of PATHS[name]) {
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}
