import type { Logger } from "../internal/createLogger.js";
import { createMetrics, type Metrics } from "../internal/createMetrics.js";
import { redactUrl } from "../internal/redactUrl.js";
import { sleep } from "../internal/sleep.js";
import { parseRangeError, type JsonRpcErrorLike } from "./parseRangeError.js";
import { RpcRequestError } from "./RpcRequestError.js";

/**
 * What a request may add: an abort signal, and `isResult`, the shape the `result` must have. An
 * answer of another shape (`null` for a list, a list of non-logs) is a malformed answer like
 * unparsable JSON: retried, then the next endpoint, never handed to the caller.
 */
export type RpcRequestOptions = { signal?: AbortSignal; isResult?: (result: unknown) => boolean };

/** A JSON-RPC caller: `request(method, params)` resolves with the `result`. */
export type RpcClient = {
  request<T = unknown>(method: string, params?: readonly unknown[], options?: RpcRequestOptions): Promise<T>;
  /** The endpoints, redacted (origins only), for logs. */
  readonly endpoints: readonly string[];
};

export type CreateRpcClientOptions = {
  /** First URL is preferred; the others are fallbacks tried in turn after a transient failure. */
  urls: readonly string[];
  logger: Logger;
  /** Per attempt. Default 10 s. */
  timeoutMs?: number;
  /** Attempts per request, over all URLs. Default 6. */
  maxAttempts?: number;
  /** Back-off before attempt n+1: random in [0, min(maxDelayMs, baseDelayMs * 2^(n-1))]. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Longest `Retry-After` honoured. Default 30 s. */
  maxRetryAfterMs?: number;
  /** After moving to a fallback, the first URL is tried again this long later. Default 60 s. */
  primaryRetryMs?: number;
  /** Registry for `cardproof_rpc_errors_total` (failed attempts by kind). Default: a private one. */
  metrics?: Metrics;
};

const TRANSIENT_RPC_MESSAGE =
  /rate limit|too many requests|exceeded .*(capacity|quota|compute units)|timeout|timed out|temporar|unavailable|overload|busy|header not found|try again|internal error|connection/i;

/**
 * A JSON-RPC client over HTTP (the platform `fetch`) that survives flaky providers: each attempt
 * has a timeout; timeouts, connection errors, HTTP 429 (honouring `Retry-After`) and 5xx,
 * malformed responses and transient JSON-RPC errors are retried with exponential back-off and
 * full jitter, moving to the next fallback URL after each failure (and back to the first URL a
 * while later). Range errors of `eth_getLogs`
 * are returned at once (the log fetcher shrinks its range instead).
 *
 * @dev Never logs request parameters or URLs beyond their origin (API keys live in URL paths).
 */
export function createRpcClient(options: CreateRpcClientOptions): RpcClient {
  const { urls, logger } = options;
  if (urls.length === 0) throw new Error("createRpcClient needs at least one URL");
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? 6;
  const baseDelayMs = options.baseDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  const primaryRetryMs = options.primaryRetryMs ?? 60_000;
  const endpoints = urls.map(redactUrl);
  const rpcErrors = (options.metrics ?? createMetrics()).counter({
    name: "cardproof_rpc_errors_total",
    help: "Failed JSON-RPC attempts (each retry counts), by kind: timeout, network, rate-limited, http, malformed, rpc",
    labelNames: ["kind"],
  });
  let preferred = 0;
  let switchedAt = 0;
  let nextId = 1;

  async function attempt(
    url: string,
    endpoint: string,
    method: string,
    params: readonly unknown[],
    { signal, isResult }: RpcRequestOptions,
  ) {
    const id = nextId++;
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    const fail = (kind: RpcRequestError["kind"], extra: Partial<RpcRequestError["info"]> = {}) =>
      new RpcRequestError(kind, { method, url: endpoint, retryable: true, ...extra });

    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id, method, params }),
        signal: combined,
      });
      status = response.status;
      retryAfter = response.headers.get("retry-after");
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      if (timeout.aborted) throw fail("timeout", { cause: error });
      throw fail("network", { cause: error });
    }

    let body: { id?: unknown; result?: unknown; error?: JsonRpcErrorLike } | undefined;
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = undefined;
    }
    if (body !== undefined && body !== null && typeof body === "object" && body.error !== undefined) {
      const error = body.error ?? {};
      const range = method === "eth_getLogs" ? parseRangeError(error) : undefined;
      const retryable =
        range === undefined &&
        !isRevert(error) &&
        (status === 429 ||
          error.code === -32005 ||
          error.code === -32603 ||
          TRANSIENT_RPC_MESSAGE.test(error.message ?? ""));
      throw new RpcRequestError("rpc", {
        method,
        url: endpoint,
        status,
        ...(error.code === undefined ? {} : { code: error.code }),
        rpcMessage: String(error.message ?? ""),
        data: error.data,
        retryable,
      });
    }
    if (status === 429) {
      const seconds = Number(retryAfter);
      const extra =
        Number.isFinite(seconds) && seconds > 0 ? { retryAfterMs: Math.min(seconds * 1000, maxRetryAfterMs) } : {};
      throw fail("rate-limited", { status, ...extra });
    }
    if (status < 200 || status >= 300) throw fail("http", { status, retryable: status >= 500 || status === 408 });
    if (body === undefined || body === null || typeof body !== "object" || !("result" in body) || body.id !== id) {
      throw fail("malformed", { status });
    }
    if (isResult !== undefined && !isResult(body.result)) throw fail("malformed", { status });
    return body.result;
  }

  return {
    endpoints,
    async request<T>(method: string, params: readonly unknown[] = [], options: RpcRequestOptions = {}) {
      const { signal } = options;
      let lastError: unknown;
      if (preferred !== 0 && Date.now() - switchedAt >= primaryRetryMs) preferred = 0;
      for (let attemptNumber = 1; attemptNumber <= maxAttempts; attemptNumber++) {
        const index = preferred;
        try {
          return (await attempt(urls[index]!, endpoints[index]!, method, params, options)) as T;
        } catch (error) {
          if (error instanceof RpcRequestError) rpcErrors.inc({ kind: error.kind });
          if (!(error instanceof RpcRequestError) || !error.retryable) throw error;
          lastError = error;
          if (attemptNumber === maxAttempts) break;
          if (urls.length > 1) {
            preferred = (index + 1) % urls.length;
            switchedAt = Date.now();
            logger.warn("RPC endpoint failed; switching to the next URL", {
              from: endpoints[index],
              to: endpoints[preferred],
              method,
              kind: error.kind,
            });
          }
          const backoff = Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attemptNumber - 1));
          const delayMs = Math.max(backoff, error.info.retryAfterMs ?? 0);
          logger.debug("RPC request failed; retrying", {
            method,
            endpoint: endpoints[index],
            attempt: attemptNumber,
            kind: error.kind,
            status: error.info.status,
            delayMs: Math.round(delayMs),
          });
          await sleep(delayMs, signal);
          if (signal?.aborted) throw signal.reason;
        }
      }
      throw lastError;
    },
  };
}

/**
 * A call the contract reverted: some providers report it as -32603 "internal error", which is
 * otherwise a transient fault. Asking again gets the same revert, so it is never retried.
 */
function isRevert(error: JsonRpcErrorLike): boolean {
  const data =
    typeof error.data === "object" && error.data !== null ? (error.data as { data?: unknown }).data : error.data;
  return /revert/i.test(error.message ?? "") || (typeof data === "string" && /^0x[0-9a-f]{8}/i.test(data));
}
