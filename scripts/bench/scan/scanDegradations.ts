/**
 * How one benchmark frame is made: a printed card photographed by a phone at 1280 × 720.
 *
 * - `size`: the card's width as a share of the frame's width (0.3 = the card is 384 px wide, its
 *   public QR about 94 px, 2.3 px per module);
 * - `rotation`: degrees, turned either way at random (±2° of jitter on top);
 * - `blur`: Gaussian blur radius in frame pixels (canvas `filter: blur()`), out of focus or shaken;
 * - `noise`: standard deviation of the sensor noise added to every channel (0-255 scale);
 * - `jpeg`: quality of a JPEG round trip (`toBlob`), or null for none;
 * - `glare`: a bright reflection (radial gradient, white at 90% at its centre) over a corner of the
 *   public QR;
 * - `scratched`: the scratch panel removed, so the secret redemption QR is in view next to the
 *   public one (otherwise a silver panel covers it, as on a card in a shop);
 * - `thumbOnPublicQr` (tests only): the public QR covered, as by a thumb, leaving only the secret one.
 *
 * Every frame also has mild noise (σ 4), a random position with the card whole in the frame, and a
 * grey table with a light gradient behind it.
 */
export type ScanDegradation = {
  group: string;
  label: string;
  size: number;
  rotation: number;
  blur: number;
  noise: number;
  jpeg: number | null;
  glare: boolean;
  scratched: boolean;
  thumbOnPublicQr?: boolean;
};

/** The reference frame every row changes one thing of: card at 60% of the frame, upright, sharp. */
export const BASE_FRAME: Omit<ScanDegradation, "group" | "label"> = {
  size: 0.6,
  rotation: 0,
  blur: 0,
  noise: 4,
  jpeg: null,
  glare: false,
  scratched: false,
};

const row = (group: string, label: string, change: Partial<ScanDegradation>): ScanDegradation => ({
  ...BASE_FRAME,
  group,
  label,
  ...change,
});

/** The benchmark's rows, in the order the table prints them. */
export const SCAN_DEGRADATIONS: readonly ScanDegradation[] = [
  ...[0.9, 0.6, 0.4, 0.3, 0.2].map((size) => row("size in frame", `${size * 100}%`, { size })),
  ...[0, 15, 28, 45].map((rotation) => row("rotation (card 45%)", `${rotation}°`, { rotation, size: 0.45 })),
  ...[1, 2, 3].map((blur) => row("blur (card 60%)", `${blur} px`, { blur })),
  ...[12, 25].map((noise) => row("noise (card 60%)", `σ ${noise}`, { noise })),
  ...[0.6, 0.3].map((jpeg) => row("JPEG (card 60%)", `q ${jpeg}`, { jpeg })),
  row("glare (card 60%)", "on QR corner", { glare: true }),
  ...[0.9, 0.6, 0.4].map((size) => row("both QRs in view", `card ${size * 100}%`, { size, scratched: true })),
  row("combined", "30% + 28° + blur 1 px", { size: 0.3, rotation: 28, blur: 1 }),
];
