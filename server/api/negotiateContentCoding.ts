/** A content coding an answer is sent in (`identity`: as is). */
export type ContentCoding = "br" | "gzip" | "identity";

/** The server's preference when the client weighs several codings equally. */
export const CODING_PREFERENCE: readonly ContentCoding[] = ["br", "gzip", "identity"];

/**
 * The coding to answer in, of `available`, for an `Accept-Encoding` header (RFC 9110 §12.5.3):
 * the highest weight wins, ties go to br > gzip > identity; `q=0` refuses a coding; a coding not
 * listed takes `*`'s weight, else is refused, except identity, which stays acceptable (at the
 * lowest weight) unless refused.
 * No header means identity (what clients that do not ask for compression can read). When the
 * client refuses everything available, the answer is identity anyway (as most servers do, rather than 406).
 */
export function negotiateContentCoding(
  header: string | string[] | undefined,
  available: readonly ContentCoding[],
): ContentCoding {
  if (header === undefined) return "identity";
  const weights = new Map<string, number>();
  for (const item of (Array.isArray(header) ? header.join(",") : header).split(",")) {
    const [name = "", ...params] = item.split(";").map((part) => part.trim());
    if (name === "") continue;
    const q = params.find((param) => /^q\s*=/i.test(param));
    const weight = q === undefined ? 1 : Number(q.slice(q.indexOf("=") + 1).trim());
    const coding = name.toLowerCase() === "x-gzip" ? "gzip" : name.toLowerCase();
    weights.set(coding, Number.isFinite(weight) ? Math.min(1, Math.max(0, weight)) : 1);
  }
  // Identity unlisted is acceptable, but never preferred to a coding the client asked for.
  const weightOf = (coding: ContentCoding) =>
    weights.get(coding) ?? weights.get("*") ?? (coding === "identity" ? 0.001 : 0);
  let best: ContentCoding = "identity";
  let bestWeight = 0;
  for (const coding of CODING_PREFERENCE) {
    if (!available.includes(coding)) continue;
    const weight = weightOf(coding);
    if (weight > bestWeight) {
      best = coding;
      bestWeight = weight;
    }
  }
  return best;
}
