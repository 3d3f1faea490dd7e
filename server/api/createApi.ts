import { existsSync, statSync } from "node:fs";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";

import express, { type NextFunction, type Request, type Response } from "express";
import type { Address } from "viem";

import { BaseError } from "../internal/BaseError.js";
import type { Logger } from "../internal/createLogger.js";
import { LATENCY_BUCKETS, type Metrics } from "../internal/createMetrics.js";
import type { ManifestStore } from "../store/createManifestStore.js";
import type { VerificationCounter } from "../store/createVerificationCounter.js";
import { ApiError } from "./ApiError.js";
import { allowRead, createCorsPolicy } from "./createCorsPolicy.js";
import { createManifestVerifier } from "./createManifestVerifier.js";
import { createOpenApiDocument } from "./createOpenApiDocument.js";
import { createProofService } from "./createProofService.js";
import { createRateLimiter } from "./createRateLimiter.js";
import { CARD_STATUS_ROUTE, CARD_TIMELINE_ROUTE, registerV1Routes, type ApiStore } from "./registerV1Routes.js";
import { API_SECURITY_HEADERS, PAGE_SECURITY_HEADERS, pageSecurityHeaders, setHeaders } from "./securityHeaders.js";
import { blockOf, sendJson } from "./sendJson.js";
import { serveVerifierPage } from "./serveVerifierPage.js";

/** The API's settings (from `IndexerConfig`, see server/README.md). */
export type ApiOptions = {
  corsOrigins: readonly string[];
  /** Requests per second per client IP; 0 turns rate limiting off. */
  rateLimit: number;
  rateBurst: number;
  /** Proxies whose `X-Forwarded-For` is believed. */
  trustProxy: number;
  manifestMaxBytes: number;
  /**
   * A manifest upload that sends nothing for this long loses its batch's upload slot (408), so a
   * stalled or 1-byte-a-second client cannot hold it. Default 10 s.
   */
  manifestUploadIdleMs?: number;
  proofCacheBytes: number;
  /** `/readyz` tolerates this lag beyond `confirmations`. */
  maxLagBlocks: number;
  confirmations: number;
  /** The built verifier page; served at `/` if the folder exists. */
  verifierDir: string;
  /** Verify manifests in worker threads (default true). */
  useWorkers?: boolean;
  /**
   * What the served page's `/config.json` says and its CSP allows: without it, `/config.json` is
   * whatever file the page folder holds and `connect-src` allows any https endpoint or a local node.
   */
  verifierPage?: VerifierPageOptions;
};

/** The served verifier page's settings (see `verifier-web/README.md`). */
export type VerifierPageOptions = {
  /** Chain id, until the mirror is bound to its chain (then the chain's own id is used). */
  chainId: number | undefined;
  registry: Address;
  escrow: Address | undefined;
  /** JSON-RPC endpoints the browser calls; their origins are the only ones `connect-src` allows. */
  rpcUrls: readonly string[];
  /** Block explorer base URL for links in the timeline. */
  explorerUrl: string | undefined;
  /** Base URLs of static proof shards, after the indexer in the page's proof sources; CSP allows their origins. */
  proofShardsUrls?: readonly string[];
};

/** The chain's head as the RPC node reports it (throws when unreachable). */
export type HeadProbe = (signal: AbortSignal) => Promise<number>;

const OPS_ROUTES = new Set(["/healthz", "/readyz", "/metrics"]);
const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"]);
/** The card status and timeline paths, matched without Express (segments are validated by the route's parsers). */
const CARD_PATH = /^\/v1\/batches\/([^/?#]+)\/cards\/([^/?#]+)(\/timeline)?$/;
const PROBE_TIMEOUT_MS = 2_000;
const PROBE_CACHE_MS = 1_000;

/**
 * The indexer's HTTP API as an Express app: `/v1` (see `registerV1Routes` and the OpenAPI
 * document at `/v1/openapi.json`), `/healthz`, `/readyz`, `/metrics`, and the verifier page at `/`
 * when it is built. It reads the mirror only through the store, and writes only verified manifests.
 *
 * Cross-cutting policy, in order: security headers on every answer, request metrics, CORS
 * (`createCorsPolicy`), a token bucket per client IP (429 with `Retry-After`; operational routes
 * exempt), the routes, 405 for a known route with another method, 404 JSON for the rest, and one
 * error handler that answers `{ "error": { code, message } }` — never a stack trace, and 500 only
 * for the indexer's own faults (logged with the route pattern, never the URL or body).
 *
 * Fast path: `GET /v1/batches/{batchId}/cards/{serial}` and its `/timeline` (thousands a second
 * from verifier pages and wallets) are answered before Express routing, which otherwise costs more
 * than the answer itself (measured for card status: ~4,800 → ~12,000 req/s on 2 cores). It applies
 * the same headers, CORS, rate limit and metrics, and hands every other outcome (HEAD, a query
 * string, any error) to Express, where the same route answers it.
 *
 * @returns `handle` (the request listener to serve), the Express `app` behind it, and `close()` to
 *          stop manifest workers (call it after the HTTP server closed).
 */
export function createApi({
  store,
  manifests,
  verifications,
  logger: parentLogger,
  metrics,
  options,
  probeHead,
  syncRunning = () => true,
  mirrorChecked = () => true,
}: {
  store: ApiStore;
  manifests: ManifestStore;
  /** The verifier page's per-card check counter; without it the verifications route answers 404. */
  verifications?: VerificationCounter;
  logger: Logger;
  metrics: Metrics;
  options: ApiOptions;
  probeHead: HeadProbe;
  /** Whether the sync loop is still running (false after it stopped on a fatal error). */
  syncRunning?: () => boolean;
  /**
   * Whether the sync loop has compared the stored checkpoint with the chain since the process
   * started; until then the data routes answer 503 NOT_SYNCED (a reorg while the indexer was
   * stopped would otherwise be served as current). Default: always (a test API over a fresh store).
   */
  mirrorChecked?: () => boolean;
}) {
  const logger = parentLogger.child({ component: "api" });
  const verifier = createManifestVerifier({ logger, useWorker: options.useWorkers ?? true });
  const proofs = createProofService({ manifests, verifier, logger, maxBytes: options.proofCacheBytes });
  const limiter =
    options.rateLimit > 0
      ? createRateLimiter({ ratePerSecond: options.rateLimit, burst: options.rateBurst })
      : undefined;

  const requestDuration = metrics.histogram({
    name: "cardproof_http_request_duration_seconds",
    help: "HTTP request latency by method, route pattern and status",
    labelNames: ["method", "route", "status"],
    buckets: LATENCY_BUCKETS,
  });
  const rateLimited = metrics.counter({
    name: "cardproof_http_rate_limited_total",
    help: "Requests refused with 429 by the per-client rate limit",
  });
  const uploads = metrics.counter({
    name: "cardproof_manifest_uploads_total",
    help: "Manifest uploads verified or refused, by result (verified or the error code)",
    labelNames: ["result"],
  });
  metrics.gauge({
    name: "cardproof_proof_cache_bytes",
    help: "Bytes of Merkle trees held in memory for proofs",
    collect: () => proofs.stats().bytes,
  });
  metrics.gauge({
    name: "cardproof_proof_cache_batches",
    help: "Batches whose Merkle tree is held in memory",
    collect: () => proofs.stats().batches,
  });

  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.set("trust proxy", options.trustProxy > 0 ? options.trustProxy : false);
  app.set("case sensitive routing", true);

  /** Records a finished request's latency (and logs refusals at debug level). */
  const observe = (req: IncomingMessage, res: ServerResponse, started: number, route: string) => {
    const method = KNOWN_METHODS.has(req.method ?? "") ? req.method! : "OTHER";
    const seconds = (performance.now() - started) / 1000;
    requestDuration.observe(seconds, { method, route, status: res.statusCode });
    // Successes are counted, not logged (thousands a second); refusals are logged for debugging.
    if (res.statusCode >= 400 && logger.level === "debug") {
      logger.debug("request refused", { method, route, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10 });
    }
  };
  /** Requests the fast path already charged to the rate limit before handing them to Express. */
  const admitted = new WeakSet<IncomingMessage>();
  const clientOf = (req: IncomingMessage) => clientAddress(req, options.trustProxy);

  // Headers, metrics and the access log for every request.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    setHeaders(res, API_SECURITY_HEADERS);
    res.once("finish", () => {
      const route = (req.route?.path as string | undefined) ?? (res.locals.route as string | undefined) ?? "unmatched";
      observe(req, res, started, route);
    });
    next();
  });

  app.use(createCorsPolicy({ uploadOrigins: options.corsOrigins }));

  if (limiter !== undefined) {
    app.use((req: Request, _res: Response, next: NextFunction) => {
      if (OPS_ROUTES.has(req.path) || admitted.has(req)) return next();
      const decision = limiter.take(clientOf(req));
      if (decision.allowed) return next();
      rateLimited.inc();
      throw new ApiError(
        "RATE_LIMITED",
        `too many requests from this client (${options.rateLimit}/s, bursts of ${options.rateBurst}); retry after ${decision.retryAfterSeconds} s`,
        { "Retry-After": String(decision.retryAfterSeconds) },
      );
    });
  }

  // Operational routes.
  app
    .route("/healthz")
    .get((_req, res) => sendJson(res, 200, { status: "ok" }))
    .all(methodNotAllowed);

  let probe: { at: number; result: Promise<{ ok: true; head: number } | { ok: false }> } | undefined;
  const probeCached = () => {
    const now = performance.now();
    if (probe === undefined || now - probe.at > PROBE_CACHE_MS) {
      const result = probeHead(AbortSignal.timeout(PROBE_TIMEOUT_MS)).then(
        (head) => ({ ok: true as const, head }),
        () => ({ ok: false as const }),
      );
      probe = { at: now, result };
    }
    return probe.result;
  };
  app
    .route("/readyz")
    .get(async (_req, res) => {
      const rpc = await probeCached();
      const snapshot = store.getSnapshot();
      const lag =
        rpc.ok && snapshot !== undefined ? Math.max(0, rpc.head - options.confirmations - snapshot.number) : null;
      const checks = {
        indexed: { ok: snapshot !== undefined, block: snapshot?.number ?? null },
        rpc: rpc.ok ? { ok: true, head: rpc.head } : { ok: false, head: null },
        lag: { ok: lag !== null && lag <= options.maxLagBlocks, blocks: lag, max: options.maxLagBlocks },
        sync: { ok: syncRunning() },
        mirrorChecked: { ok: mirrorChecked() },
      };
      const ready = Object.values(checks).every((check) => check.ok);
      sendJson(
        res,
        ready ? 200 : 503,
        { ready, block: snapshot === undefined ? null : blockOf(snapshot), checks },
        ready ? {} : { "Retry-After": "5" },
      );
    })
    .all(methodNotAllowed);

  app
    .route("/metrics")
    .get(async (_req, res) => {
      const text = await metrics.render();
      res.writeHead(200, {
        "Content-Type": metrics.contentType,
        "Content-Length": Buffer.byteLength(text),
      });
      res.end(text);
    })
    .all(methodNotAllowed);

  const openApiDocument = createOpenApiDocument();
  const { answerCardStatus, answerCardTimeline } = registerV1Routes(app, {
    mirrorChecked,
    store,
    manifests,
    proofs,
    verifier,
    logger,
    uploads,
    manifestMaxBytes: options.manifestMaxBytes,
    manifestUploadIdleMs: options.manifestUploadIdleMs ?? 10_000,
    openApiDocument,
    verifications,
  });

  const pageBuilt = existsSync(options.verifierDir) && statSync(options.verifierDir).isDirectory();
  if (pageBuilt) {
    logger.info("serving the verifier page", { dir: options.verifierDir });
    const page = options.verifierPage;
    app.use(
      serveVerifierPage({
        dir: options.verifierDir,
        headers: page === undefined ? PAGE_SECURITY_HEADERS : pageSecurityHeaders(pageOrigins(page)),
        // Without page settings, config.json is the folder's own file (a page hosted as static files).
        ...(page === undefined
          ? {}
          : {
              config: () => {
                const chainId =
                  store.getIdentity()?.chainId ?? (page.chainId === undefined ? undefined : String(page.chainId));
                if (chainId === undefined) {
                  throw new ApiError("NOT_SYNCED", "the indexer is not bound to a chain yet; retry shortly", {
                    "Retry-After": "5",
                  });
                }
                return verifierPageConfig(page, chainId);
              },
            }),
      }),
    );
  }

  app.use((req: Request) => {
    throw new ApiError(
      "NOT_FOUND",
      req.path === "/" && !pageBuilt
        ? "the verifier page is not built on this server (no verifier-web/dist); the API's routes are in /v1/openapi.json"
        : "no such route: the API's routes are listed in /v1/openapi.json",
    );
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    let apiError: ApiError;
    if (error instanceof ApiError) {
      apiError = error;
    } else if (isClientError(error)) {
      apiError = new ApiError(
        "INVALID_REQUEST",
        "the request cannot be read: check the URL's percent-encoding and the headers",
      );
    } else {
      const route = (req.route?.path as string | undefined) ?? "unmatched";
      logger.error("request failed", { method: req.method, route, error });
      apiError = new ApiError("INTERNAL_ERROR", "the indexer failed to answer this request; retry later");
    }
    const headers: Record<string, string> = { ...apiError.headers };
    // An unread upload is not drained (it may be 70 MB): close the connection after the answer.
    if (!req.complete) headers.Connection = "close";
    sendJson(res, apiError.status, { error: { code: apiError.code, message: apiError.shortMessage } }, headers);
  });

  /** The card status and timeline fast path: true when it answered, false to let Express handle the request. */
  const fastCardRoute = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== "GET") return false;
    const match = CARD_PATH.exec(req.url ?? "");
    if (match === null) return false;
    const started = performance.now();
    if (limiter !== undefined) {
      admitted.add(req);
      if (!limiter.take(clientOf(req)).allowed) {
        admitted.delete(req); // Express refuses it with the 429 answer
        return false;
      }
    }
    setHeaders(res, API_SECURITY_HEADERS);
    if (req.headers.origin !== undefined) allowRead(res);
    try {
      if (match[3] === undefined) answerCardStatus(res, match[1], match[2]);
      else answerCardTimeline(res, match[1], match[2]);
    } catch {
      return false; // Express answers the same error (or logs the fault) on the same route
    }
    observe(req, res, started, match[3] === undefined ? CARD_STATUS_ROUTE : CARD_TIMELINE_ROUTE);
    return true;
  };

  const handle: RequestListener = (req, res) => {
    if (!fastCardRoute(req, res)) app(req, res);
  };

  return {
    handle,
    app,
    /** Stops manifest workers; in-flight uploads fail. */
    close: () => verifier.close(),
  };
}

export type Api = ReturnType<typeof createApi>;

/**
 * The client's IP for rate limiting: the TCP peer, or with `trustedHops` proxies in front, the
 * address the outermost trusted proxy saw (Express's `trust proxy` with a hop count).
 */
export function clientAddress(req: IncomingMessage, trustedHops: number): string {
  const peer = req.socket.remoteAddress ?? "unknown";
  if (trustedHops === 0) return peer;
  const header = req.headers["x-forwarded-for"];
  const forwarded = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((address) => address.trim())
    .filter((address) => address !== "")
    .reverse();
  const chain = [peer, ...forwarded];
  return chain[Math.min(trustedHops, chain.length - 1)]!;
}

/**
 * The served page's `config.json`: this indexer's registry on its chain, the browser's RPC
 * endpoints, this server as the indexer (`/`, relative to the page), and the proof sources: this
 * indexer first, then the static proof shards, so proofs survive the indexer being down.
 */
export function verifierPageConfig(page: VerifierPageOptions, chainId: string) {
  return {
    registries: [
      {
        chainId,
        address: page.registry,
        rpcUrls: page.rpcUrls,
        indexerUrl: "/",
        proofSources: ["indexer", ...(page.proofShardsUrls ?? [])],
        explorerUrl: page.explorerUrl ?? null,
        escrow: page.escrow ?? null,
      },
    ],
  };
}

/** The origins the served page connects to besides its own: its RPC endpoints and proof shard hosts. */
function pageOrigins(page: VerifierPageOptions): string[] {
  return originsOf([...page.rpcUrls, ...(page.proofShardsUrls ?? [])]);
}

/** `scheme://host[:port]` of each URL, for a CSP source list. */
function originsOf(urls: readonly string[]): string[] {
  return [...new Set(urls.map((url) => new URL(url).origin))];
}

/** The `.all()` handler of the GET-only operational routes. */
function methodNotAllowed(): never {
  throw new ApiError("METHOD_NOT_ALLOWED", "this route accepts GET and HEAD only", { Allow: "GET, HEAD" });
}

/** Errors Express and its parsers raise for unreadable requests (bad percent-encoding): 4xx statuses. */
function isClientError(error: unknown): boolean {
  if (error instanceof BaseError) return false;
  const status = (error as { status?: unknown; statusCode?: unknown } | null)?.status;
  return typeof status === "number" && status >= 400 && status < 500;
}
