import { BaseError } from "../internal/BaseError.js";

/**
 * How an RPC request failed: `timeout`, `network` (refused, reset, dropped), `rate-limited`
 * (HTTP 429), `http` (other non-2xx status), `malformed` (not a JSON-RPC response), `rpc` (the node
 * answered with a JSON-RPC error).
 */
export type RpcFailureKind = "timeout" | "network" | "rate-limited" | "http" | "malformed" | "rpc";

/**
 * An RPC request failed. `retryable` says whether the same request can succeed later: transport
 * faults are; a JSON-RPC error is when it reads as transient (rate limit, timeout, node busy).
 * The client already retried with back-off and every fallback URL before throwing a retryable one;
 * the sync loop waits and resumes from its checkpoint, so no range is ever skipped.
 */
export class RpcRequestError extends BaseError {
  override name = "RpcRequestError";

  constructor(
    readonly kind: RpcFailureKind,
    readonly info: {
      method: string;
      /** Redacted: origin only. */
      url: string;
      status?: number;
      code?: number;
      rpcMessage?: string;
      data?: unknown;
      retryAfterMs?: number;
      retryable: boolean;
      cause?: unknown;
    },
  ) {
    const what =
      kind === "rpc"
        ? `the node answered ${info.method} with error ${info.code ?? "?"}: ${info.rpcMessage ?? ""}`
        : kind === "http" || kind === "rate-limited"
          ? `${info.method} failed with HTTP ${info.status ?? "?"}`
          : `${info.method} failed: ${kind}`;
    super(`${what} (${info.url})`, {
      details: info.retryable
        ? "Transient: retried with back-off and the fallback URLs (CARDPROOF_RPC_URL, comma-separated)."
        : "Not transient: check the RPC URL, its API key and that the node supports this method.",
      cause: info.cause,
      retryable: info.retryable,
    });
  }
}
