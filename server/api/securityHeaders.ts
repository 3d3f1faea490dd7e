import type { ServerResponse } from "node:http";

/**
 * Headers of every answer: JSON is never a document a browser may render, frame or run scripts
 * from, and nothing is sent as a referrer.
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cache-Control": "no-store",
};

/**
 * The verifier page's own policy: its scripts, styles and the QR decoder's WebAssembly from this
 * origin only, the camera for scanning, and connections to this API and to JSON-RPC endpoints
 * (any https one, or a local node) to check proofs and status on chain.
 */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = pageSecurityHeaders([
  "https:",
  "http://127.0.0.1:*",
  "http://localhost:*",
]);

/**
 * {@link PAGE_SECURITY_HEADERS} with `connect-src` narrowed to this origin and `connectTo` (the
 * origins of the JSON-RPC endpoints the page's `config.json` names): the page can reach nothing else,
 * so even injected script could not send a typed secret code anywhere.
 */
export function pageSecurityHeaders(connectTo: readonly string[]): Readonly<Record<string, string>> {
  return {
    "Content-Security-Policy":
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; " +
      "media-src 'self' blob:; worker-src 'self' blob:; " +
      `connect-src ${["'self'", ...connectTo].join(" ")}; object-src 'none'; base-uri 'none'; ` +
      "form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-cache",
  };
}

export function setHeaders(res: ServerResponse, headers: Readonly<Record<string, string>>): void {
  for (const name in headers) res.setHeader(name, headers[name]!);
}
