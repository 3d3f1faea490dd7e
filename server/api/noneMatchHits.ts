/**
 * Whether an `If-None-Match` header names `etag` (or is `*`), by weak comparison: `W/"x"` matches
 * `"x"` (RFC 9110 §13.1.2: a cache may hold a weak copy of what we sent strong).
 */
export function noneMatchHits(header: string, etag: string): boolean {
  if (header.trim() === "*") return true;
  const opaque = etag.replace(/^W\//, "");
  return (header.match(/(?:W\/)?"[^"]*"/g) ?? []).some((tag) => tag.replace(/^W\//, "") === opaque);
}
