import type { ServerResponse } from "node:http";

import type { Express, Request, Response } from "express";
import type { Address, Hex } from "viem";

import type { Logger } from "../internal/createLogger.js";
import type { Counter } from "../internal/createMetrics.js";
import type { ManifestRecord, ManifestStore } from "../store/createManifestStore.js";
import type { Store } from "../store/createStore.js";
import type { VerificationCounter } from "../store/createVerificationCounter.js";
import type { BatchView, ChainHeadView, IssuerView, OrderView, SnapshotView } from "../store/createStoreReader.js";
import { ApiError } from "./ApiError.js";
import { cardStatusOf, CARD_STATUSES } from "./cardStatus.js";
import type { ManifestVerifier } from "./createManifestVerifier.js";
import type { ProofService } from "./createProofService.js";
import {
  parseAddress,
  parseBatchId,
  parseIntegerCursor,
  parseLimit,
  parseOrderId,
  parseSerial,
  readQuery,
} from "./parseParams.js";
import { readBody } from "./readBody.js";
import { sendData, sendJson } from "./sendJson.js";

/** The store reads the API makes (and nothing that writes the mirror). */
export type ApiStore = Pick<
  Store,
  | "getIdentity"
  | "getSnapshot"
  | "getBatch"
  | "listBatches"
  | "findRun"
  | "findLotHint"
  | "getCardState"
  | "getCardHistory"
  | "getOrder"
  | "getOrderEvents"
  | "listOrders"
  | "getChainHead"
  | "listChainHeads"
  | "listChainMismatches"
  | "getIssuer"
  | "listIssuers"
>;

export type V1Context = {
  /** False until the sync loop compared the stored checkpoint with the chain (after a restart). */
  mirrorChecked: () => boolean;
  store: ApiStore;
  manifests: ManifestStore;
  proofs: ProofService;
  verifier: ManifestVerifier;
  logger: Logger;
  /** `cardproof_manifest_uploads_total{result}`. */
  uploads: Counter;
  manifestMaxBytes: number;
  manifestUploadIdleMs: number;
  /** The OpenAPI document (`/v1/openapi.json`). */
  openApiDocument: unknown;
  /** The verifier page's per-card check counter (absent: the route answers 404). */
  verifications?: VerificationCounter | undefined;
};

/** The card-status route, answered on a fast path before Express routing too (see `createApi`). */
export const CARD_STATUS_ROUTE = "/v1/batches/:batchId/cards/:serial";
/** The card-timeline route, answered on the same fast path. */
export const CARD_TIMELINE_ROUTE = "/v1/batches/:batchId/cards/:serial/timeline";

/** Uploads verified or queued at once; more get 503 BUSY. */
const MAX_PENDING_VERIFICATIONS = 2;

/**
 * The `/v1` routes. Every answer but the OpenAPI document is `{ "block": { number, hash,
 * timestamp, final }, "data": … }`, read from one snapshot of the mirror (handlers read the store
 * synchronously, so no page lands in the middle of an answer).
 *
 * @dev Each route is registered with `.all(…)` after its methods, which answers 405 with `Allow`.
 */
export function registerV1Routes(app: Express, ctx: V1Context) {
  const { store, manifests, proofs, verifier, logger } = ctx;
  const uploading = new Set<string>();

  const route = (path: string, handlers: { get?: Handler; post?: Handler }) => {
    const entry = app.route(path);
    if (handlers.get !== undefined) entry.get(handlers.get);
    if (handlers.post !== undefined) entry.post(handlers.post);
    const allow = [...(handlers.get ? ["GET", "HEAD"] : []), ...(handlers.post ? ["POST"] : [])].join(", ");
    entry.all(() => {
      throw new ApiError("METHOD_NOT_ALLOWED", `this route accepts ${allow}`, { Allow: allow });
    });
  };

  function snapshot(): SnapshotView {
    if (!ctx.mirrorChecked()) notChecked();
    return store.getSnapshot() ?? notSynced();
  }

  function chain() {
    const identity = store.getIdentity();
    if (identity === undefined)
      throw new ApiError("NOT_SYNCED", "the indexer is not bound to a chain yet; retry shortly");
    return identity;
  }

  function batchOf(req: Request): BatchView {
    const batchId = parseBatchId(req.params.batchId);
    return store.getBatch(batchId) ?? batchNotFound(batchId);
  }

  function cardOf(req: Request): { batch: BatchView; serial: number } {
    const serial = parseSerial(req.params.serial); // validated before the batch: a bad serial is a 400 either way
    const batch = batchOf(req);
    if (serial >= batch.count) cardNotFound(batch);
    return { batch, serial };
  }

  function manifestOf(batch: BatchView): ManifestView {
    const record = manifests.getManifest(batch.batchId);
    return toManifestView(batch, record);
  }

  route("/v1/openapi.json", {
    get: (req, res) => {
      noQuery(req);
      sendJson(res, 200, ctx.openApiDocument, {}, "revalidate");
    },
  });

  route("/v1/chain", {
    get: (req, res) => {
      noQuery(req);
      const at = snapshot();
      const identity = chain();
      sendData(res, at, {
        chainId: identity.chainId,
        registry: identity.registry,
        escrow: identity.escrow,
        startBlock: identity.startBlock,
        finalizedBlock: at.finalizedBlock,
      });
    },
  });

  route("/v1/issuers", {
    get: (req, res) => {
      const query = readQuery(req.query, ["limit", "after"]);
      const limit = parseLimit(query.limit);
      const after = parseIntegerCursor(query.after, "after");
      const at = snapshot();
      const items = store.listIssuers({ after, limit }).map(toIssuerJson);
      sendData(res, at, { items, next: items.length === limit ? String(items.at(-1)!.issuerId) : null });
    },
  });

  route("/v1/issuers/:account", {
    get: (req, res) => {
      noQuery(req);
      const account = parseAddress(req.params.account, "account");
      const at = snapshot();
      const issuer = store.getIssuer(account);
      if (issuer === undefined)
        throw new ApiError("ISSUER_NOT_FOUND", `no issuer with account ${account} in the mirror`);
      sendData(res, at, toIssuerJson(issuer));
    },
  });

  route("/v1/batches", {
    get: (req, res) => {
      const query = readQuery(req.query, ["issuer", "limit", "after"]);
      const limit = parseLimit(query.limit);
      const after = query.after === undefined ? undefined : parseBatchId(query.after, "after");
      const issuer = query.issuer === undefined ? undefined : parseAddress(query.issuer, "issuer");
      const at = snapshot();
      const items = store.listBatches({ issuer, after, limit }).map((batch) => toBatchJson(batch, manifestOf(batch)));
      sendData(res, at, { items, next: items.length === limit ? items.at(-1)!.batchId : null });
    },
  });

  route("/v1/batches/:batchId", {
    get: (req, res) => {
      noQuery(req);
      const at = snapshot();
      const batch = batchOf(req);
      const head = store.getChainHead(batch.batchId);
      sendData(res, at, {
        ...toBatchJson(batch, manifestOf(batch)),
        audit: head === undefined ? null : toHeadJson(head),
      });
    },
  });

  route("/v1/batches/:batchId/audit", {
    get: (req, res) => {
      noQuery(req);
      const at = snapshot();
      const batch = batchOf(req);
      const head = store.getChainHead(batch.batchId);
      sendData(res, at, {
        batchId: batch.batchId,
        onChain: { seq: batch.seq, head: batch.head },
        replayed: head === undefined ? null : toHeadJson(head),
        mismatchList: store.listChainMismatches(batch.batchId),
      });
    },
  });

  route("/v1/batches/:batchId/manifest", {
    get: (req, res) => {
      noQuery(req);
      const at = snapshot();
      const batch = batchOf(req);
      sendData(res, at, manifestOf(batch));
    },
    post: async (req, res) => {
      noQuery(req);
      const batchId = parseBatchId(req.params.batchId);
      const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
      const encoding = (req.headers["content-encoding"] ?? "identity").trim().toLowerCase();
      if (type !== "application/json" || encoding !== "identity") {
        throw new ApiError(
          "UNSUPPORTED_MEDIA_TYPE",
          "send the manifest as Content-Type: application/json, uncompressed (the canonical bytes from encodeBatchManifest)",
        );
      }
      const declared = Number(req.headers["content-length"] ?? 0);
      if (declared > ctx.manifestMaxBytes) throw tooLarge(ctx.manifestMaxBytes);
      const at = snapshot();
      const identity = chain();
      const batch = batchOf(req);
      const existing = manifestOf(batch);
      if (existing.status === "verified") {
        throw new ApiError(
          "MANIFEST_ALREADY_VERIFIED",
          `batch ${batchId} already has its verified manifest (uploaded at ${existing.uploadedAt}); nothing to do`,
        );
      }
      if (uploading.has(batchId)) {
        throw new ApiError(
          "MANIFEST_UPLOAD_IN_PROGRESS",
          `a manifest for batch ${batchId} is being verified; retry later`,
          {
            "Retry-After": "10",
          },
        );
      }
      if (verifier.pending >= MAX_PENDING_VERIFICATIONS) {
        throw new ApiError("BUSY", "other manifests are being verified; retry in a minute", { "Retry-After": "30" });
      }
      uploading.add(batchId);
      try {
        const body = await readBody(req, ctx.manifestMaxBytes, { idleMs: ctx.manifestUploadIdleMs });
        if (body === "too-large") throw tooLarge(ctx.manifestMaxBytes);
        const started = performance.now();
        const verdict = await verifier.verify(body, {
          chainId: BigInt(identity.chainId),
          registry: identity.registry,
          batchId: BigInt(batchId),
          count: batch.count,
          manifestHash: batch.manifestHash,
          merkleRoot: batch.merkleRoot,
        });
        const ms = Math.round(performance.now() - started);
        if (!verdict.ok) {
          ctx.uploads.inc({ result: verdict.code });
          logger.info("manifest upload refused", { batchId, code: verdict.code, bytes: body.length, ms });
          throw new ApiError(verdict.code, verdict.message);
        }
        const record = {
          batchId,
          manifestHash: batch.manifestHash,
          merkleRoot: batch.merkleRoot,
          count: batch.count,
          byteLength: verdict.byteLength,
          uploadedAt: Math.floor(Date.now() / 1000),
          verifiedBlock: at.number,
        };
        const saving = performance.now();
        const saved = manifests.saveManifest({ ...record, cardKeys: verdict.cardKeys, layers: verdict.layers });
        const saveMs = Math.round(performance.now() - saving);
        if (!saved) {
          ctx.uploads.inc({ result: "BATCH_CHANGED" });
          throw new ApiError(
            "BATCH_CHANGED",
            `batch ${batchId} changed on chain while its manifest was verified (a reorg); check the batch and upload again`,
          );
        }
        proofs.remember(batch, verdict.layers, verdict.cardKeys);
        ctx.uploads.inc({ result: "verified" });
        logger.info("manifest verified and stored", {
          batchId,
          count: batch.count,
          bytes: verdict.byteLength,
          verifyMs: ms,
          saveMs,
        });
        sendData(res, snapshot(), toManifestView(batch, { ...record, status: "verified" }), 201);
      } finally {
        uploading.delete(batchId);
      }
    },
  });

  /** Card status: the verifier's first request and the hot path (one statement reads everything). */
  function answerCardStatus(res: ServerResponse, batchIdText: unknown, serialText: unknown) {
    const serial = parseSerial(serialText);
    const batchId = parseBatchId(batchIdText);
    if (!ctx.mirrorChecked()) notChecked();
    const { snapshot: at = notSynced(), batch, run, redeemed } = store.getCardState(batchId, serial);
    if (batch === undefined) batchNotFound(batchId);
    if (serial >= batch.count) cardNotFound(batch);
    if (run === undefined) throw new Error(`mirror has no custody run for serial ${serial} of batch ${batchId}`);
    const status = cardStatusOf({ batch, run, redeemed, now: at.timestamp });
    sendData(res, at, {
      batchId,
      serial,
      status,
      statusCode: CARD_STATUSES[status],
      holder: run.holder,
      hint: run.start,
      run: {
        start: run.start,
        end: run.end,
        holder: run.holder,
        activated: run.activated,
        revoked: run.revoked,
        revokeReason: run.revokeReason,
      },
      redeemed,
      activationRequired: batch.activationRequired,
      expiresAt: batch.expiresAt,
    });
  }

  route("/v1/batches/:batchId/lots/hint", {
    get: (req, res) => {
      const query = readQuery(req.query, ["start"]);
      if (query.start === undefined) {
        throw new ApiError("INVALID_QUERY", "start is required: the first serial of the lot");
      }
      const start = parseSerial(query.start);
      const at = snapshot();
      const batch = batchOf(req);
      if (start >= batch.count) cardNotFound(batch);
      const hint = store.findLotHint(batch.batchId, start);
      if (hint === undefined)
        throw new Error(`mirror has no custody run for serial ${start - 1} of batch ${batch.batchId}`);
      sendData(res, at, { batchId: batch.batchId, start, hint });
    },
  });

  route(CARD_STATUS_ROUTE, {
    get: (req, res) => {
      noQuery(req);
      answerCardStatus(res, req.params.batchId, req.params.serial);
    },
  });

  route(CARD_TIMELINE_ROUTE, {
    get: (req, res) => {
      noQuery(req);
      answerCardTimeline(res, req.params.batchId, req.params.serial);
    },
  });

  /** A card's timeline: every link whose range holds it (the lots through schema v7's R*Tree). */
  function answerCardTimeline(res: ServerResponse, batchIdText: unknown, serialText: unknown) {
    const at = snapshot();
    const serial = parseSerial(serialText); // validated before the batch: a bad serial is a 400 either way
    const batchId = parseBatchId(batchIdText);
    const batch = store.getBatch(batchId) ?? batchNotFound(batchId);
    if (serial >= batch.count) cardNotFound(batch);
    const events = store.getCardHistory(batch.batchId, serial).map((event) => ({
      seq: event.seq,
      event: event.eventName,
      blockNumber: event.blockNumber,
      blockHash: event.blockHash,
      logIndex: event.logIndex,
      txHash: event.txHash,
      timestamp: event.blockTimestamp,
      start: event.start,
      end: event.end,
      from: event.from,
      to: event.to,
      operator: event.operator,
      reason: event.reason,
      cardKey: event.cardKey,
      head: event.head,
    }));
    sendData(res, at, { batchId: batch.batchId, serial, events });
  }

  route("/v1/batches/:batchId/cards/:serial/proof", {
    get: async (req, res) => {
      noQuery(req);
      snapshot();
      const identity = chain();
      const { batch, serial } = cardOf(req);
      const proof = await proofs.proofOf(batch, serial, {
        chainId: BigInt(identity.chainId),
        registry: identity.registry,
      });
      if (proof === undefined) {
        const status = manifestOf(batch).status;
        throw new ApiError(
          "MANIFEST_NOT_FOUND",
          status === "stale"
            ? `batch ${batch.batchId} was re-issued since its manifest was verified: its issuer must upload the new one`
            : `no verified manifest for batch ${batch.batchId}, so no proof: its issuer can upload it with ` +
                `POST /v1/batches/${batch.batchId}/manifest`,
        );
      }
      // Read after the await, so the envelope's block is the one the hint and root come from.
      const at = snapshot();
      const current = store.getBatch(batch.batchId);
      const run = store.findRun(batch.batchId, serial);
      if (current === undefined || current.merkleRoot !== proof.root || run === undefined) {
        throw new ApiError("BATCH_CHANGED", `batch ${batch.batchId} changed on chain (a reorg); retry`);
      }
      sendData(res, at, {
        batchId: batch.batchId,
        serial,
        chainId: identity.chainId,
        registry: identity.registry,
        cardKey: proof.cardKey,
        leaf: proof.leaf,
        proof: proof.proof,
        root: proof.root,
        hint: run.start,
        manifestHash: current.manifestHash,
      });
    },
  });

  /**
   * The verifier page's repeat-scan signal: `POST` counts one check of the card, `GET` reads the
   * count. The card must exist in the mirror; nothing about the caller is stored (the rate limit
   * keeps its per-IP buckets in memory only).
   */
  const verificationsOf = (req: Request, res: Response, record: boolean) => {
    noQuery(req);
    const counter = ctx.verifications;
    if (counter === undefined) throw new ApiError("NOT_FOUND", "this server does not count verifications");
    const at = snapshot();
    const { batch, serial } = cardOf(req);
    const counted = record
      ? counter.record(batch.batchId, serial, Math.floor(Date.now() / 1000))
      : counter.read(batch.batchId, serial);
    sendData(res, at, { batchId: batch.batchId, serial, ...counted });
  };
  route("/v1/batches/:batchId/cards/:serial/verifications", {
    get: (req, res) => verificationsOf(req, res, false),
    post: (req, res) => verificationsOf(req, res, true),
  });

  route("/v1/orders", {
    get: (req, res) => {
      const query = readQuery(req.query, ["buyer", "supplier", "batchId", "limit", "after"]);
      const limit = parseLimit(query.limit);
      const filter = {
        buyer: query.buyer === undefined ? undefined : parseAddress(query.buyer, "buyer"),
        supplier: query.supplier === undefined ? undefined : parseAddress(query.supplier, "supplier"),
        batchId: query.batchId === undefined ? undefined : parseBatchId(query.batchId),
      };
      const after = query.after === undefined ? undefined : parseOrderId(query.after);
      const at = snapshot();
      const identity = chain();
      const items = store.listOrders(filter, { after, limit }).map((order) => toOrderJson(order, identity));
      sendData(res, at, { items, next: items.length === limit ? items.at(-1)!.orderId : null });
    },
  });

  route("/v1/orders/:orderId", {
    get: (req, res) => {
      noQuery(req);
      const orderId = parseOrderId(req.params.orderId);
      const at = snapshot();
      const identity = chain();
      const order = store.getOrder(orderId);
      if (order === undefined) {
        throw new ApiError(
          "ORDER_NOT_FOUND",
          identity.escrow === null
            ? "this indexer does not follow an escrow (CARDPROOF_ESCROW_ADDRESS is not set)"
            : `no order ${orderId} in the mirror: check the id, or wait for the indexer to reach the block that opened it`,
        );
      }
      const events = store.getOrderEvents(orderId).map((event) => ({
        event: event.eventName,
        status: event.status,
        blockNumber: event.blockNumber,
        args: event.args,
      }));
      sendData(res, at, { ...toOrderJson(order, identity), events });
    },
  });

  route("/v1/audit/heads", {
    get: (req, res) => {
      const query = readQuery(req.query, ["limit", "after"]);
      const limit = parseLimit(query.limit);
      const after = query.after === undefined ? undefined : parseBatchId(query.after, "after");
      const at = snapshot();
      const items = store.listChainHeads({ after, limit }).map(toHeadJson);
      sendData(res, at, { items, next: items.length === limit ? items.at(-1)!.batchId : null });
    },
  });

  return {
    /**
     * Answers `GET /v1/batches/{batchId}/cards/{serial}` for the raw path segments (what the API's
     * fast path calls without Express); throws an {@link ApiError} for anything but a found card.
     */
    answerCardStatus,
    /** Answers `GET /v1/batches/{batchId}/cards/{serial}/timeline` the same way. */
    answerCardTimeline,
  };
}

type Handler = (req: Request, res: Response) => void | Promise<void>;

function notSynced(): never {
  throw new ApiError("NOT_SYNCED", "the indexer has not indexed its first block yet; retry in a few seconds", {
    "Retry-After": "5",
  });
}

function notChecked(): never {
  throw new ApiError(
    "NOT_SYNCED",
    "the indexer restarted and is checking its stored mirror against the chain before serving it; retry in a few seconds",
    { "Retry-After": "5" },
  );
}

function batchNotFound(batchId: string): never {
  throw new ApiError(
    "BATCH_NOT_FOUND",
    `no batch ${batchId} in the mirror: check the id, or wait for the indexer to reach the block that issued it`,
  );
}

function cardNotFound(batch: { batchId: string; count: number }): never {
  throw new ApiError(
    "CARD_NOT_FOUND",
    `batch ${batch.batchId} has ${batch.count} cards: serials 0 to ${batch.count - 1}`,
  );
}

/** Routes without query parameters refuse any (cheap check first: most requests have none). */
function noQuery(req: Request): void {
  if (req.url.includes("?")) readQuery(req.query, []);
}

function tooLarge(max: number): ApiError {
  return new ApiError(
    "MANIFEST_TOO_LARGE",
    `the upload exceeds ${max} bytes (CARDPROOF_API_MANIFEST_MAX_BYTES); a canonical manifest takes 45 bytes per card`,
    { Connection: "close" },
  );
}

/** A batch's manifest as the API reports it. */
type ManifestView = {
  /** `none`: not uploaded; `verified`: proofs served; `stale`: verified for an earlier issuance. */
  status: "none" | "verified" | "stale";
  /** The hash the batch committed on chain (what an upload must hash to). */
  manifestHash: Hex;
  count: number;
  byteLength: number | null;
  uploadedAt: number | null;
  verifiedBlock: number | null;
};

function toManifestView(batch: BatchView, record: ManifestRecord | undefined): ManifestView {
  return {
    status: record?.status ?? "none",
    manifestHash: batch.manifestHash,
    count: batch.count,
    byteLength: record?.byteLength ?? null,
    uploadedAt: record?.uploadedAt ?? null,
    verifiedBlock: record?.verifiedBlock ?? null,
  };
}

function toBatchJson(batch: BatchView, manifest: ManifestView) {
  const id = BigInt(batch.batchId);
  return {
    batchId: batch.batchId,
    batchIdHex: `0x${id.toString(16)}`,
    issuer: batch.issuer,
    issuerId: batch.issuerId,
    number: Number(id & 0xffffffffn),
    merkleRoot: batch.merkleRoot,
    count: batch.count,
    faceValue: batch.faceValue,
    currency: currencyCode(batch.currency),
    currencyBytes: batch.currency,
    expiresAt: batch.expiresAt,
    activationRequired: batch.activationRequired,
    metadataHash: batch.metadataHash,
    metadataUri: batch.metadataUri,
    stockStart: batch.stockStart,
    seq: batch.seq,
    head: batch.head,
    issuedBlock: batch.issuedBlock,
    issuedTx: batch.issuedTx,
    issuedAt: batch.issuedAt,
    manifest,
  };
}

function toHeadJson(head: ChainHeadView) {
  return {
    batchId: head.batchId,
    seq: head.seq,
    head: head.head,
    claimedSeq: head.claimedSeq,
    claimedHead: head.claimedHead,
    chainOk: head.chainOk,
    mismatches: head.mismatches,
  };
}

function toIssuerJson(issuer: IssuerView) {
  return {
    account: issuer.account,
    issuerId: issuer.issuerId,
    profileHash: issuer.profileHash,
    registeredBlock: issuer.registeredBlock,
  };
}

function toOrderJson(order: OrderView, identity: { chainId: string; escrow: Address | null }) {
  return {
    orderId: order.orderId,
    chainId: identity.chainId,
    escrow: identity.escrow,
    terms: order.terms,
    amount: order.amount,
    status: order.status,
    lot: order.lotStart === null || order.lotEnd === null ? null : { start: order.lotStart, end: order.lotEnd },
    releaseAt: order.releaseAt,
    disputeReasonHash: order.disputeReasonHash,
    disputeDeadline: order.disputeDeadline,
    returned: order.returned,
    openedBlock: order.openedBlock,
    openedTx: order.openedTx,
    updatedBlock: order.updatedBlock,
  };
}

/** `0x555344` → `USD` (three ASCII capitals, as the registry requires). */
function currencyCode(currency: Hex): string {
  let code = "";
  for (let i = 2; i + 2 <= currency.length; i += 2) code += String.fromCharCode(parseInt(currency.slice(i, i + 2), 16));
  return code;
}
