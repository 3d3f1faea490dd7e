/** Error codes of a connection that failed or dropped (Node's sockets, undici's fetch). */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
]);
/** viem's errors for a request that got no usable HTTP answer. */
const VIEM_NETWORK_ERRORS = new Set(["HttpRequestError", "TimeoutError", "WebSocketRequestError", "SocketClosedError"]);

/**
 * Whether `error` (or one of its causes) is a lost or refused connection rather than an answer:
 * the node went away, so the command's outcome on chain may be unknown and the user must look.
 */
export function isNetworkError(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; current = current.cause, depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (VIEM_NETWORK_ERRORS.has(current.name) || (code !== undefined && NETWORK_CODES.has(code))) return true;
    if (current.message === "fetch failed") return true;
  }
  return false;
}
