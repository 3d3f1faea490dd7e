import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { brotliCompress, brotliCompressSync, constants, gzip, gzipSync } from "node:zlib";

import type { SnapshotView } from "../store/createStoreReader.js";
import { CODING_PREFERENCE, negotiateContentCoding, type ContentCoding } from "./negotiateContentCoding.js";
import { noneMatchHits } from "./noneMatchHits.js";

/** The block a response reflects: the mirror's checkpoint, and whether it is final. */
export type BlockRef = { number: number; hash: string; timestamp: number | null; final: boolean };

/** Below this, compression saves less than a packet and costs the hot routes CPU (card status is ~600 bytes). */
export const COMPRESS_MIN_BYTES = 1024;
/** Above this, compression runs on libuv's thread pool, so one large answer does not hold up the others. */
const COMPRESS_SYNC_MAX_BYTES = 256 * 1024;
/** Fast levels: an answer is compressed once per request (brotli 4 is about gzip 6's speed, ~15% smaller). */
const BROTLI_OPTIONS = { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } };
const GZIP_OPTIONS = { level: 6 };

/** How `sendJson` may let clients keep an answer. */
export type JsonCaching =
  /** Never stored (errors, uploads, health checks): the API's default `Cache-Control: no-store`. */
  | "no-store"
  /** Stored but revalidated before each use: a strong `ETag`, and `If-None-Match` answers 304. */
  | "revalidate";

/** The `block` of the envelope for a snapshot. */
export function blockOf(snapshot: SnapshotView): BlockRef {
  return {
    number: snapshot.number,
    hash: snapshot.hash,
    timestamp: snapshot.timestamp,
    final: snapshot.number <= snapshot.finalizedBlock,
  };
}

/**
 * Writes `body` as JSON with its length in one `writeHead`: compressed (br, else gzip, as the
 * request's `Accept-Encoding` allows) from {@link COMPRESS_MIN_BYTES}, and with `caching:
 * "revalidate"` an ETag of the bytes (suffixed by the coding, like the verifier page's files) so a
 * client holding the same answer gets 304 without a body.
 *
 * @dev Every answer says `Vary: Accept-Encoding`, small ones too, so a shared cache never hands a
 * compressed copy to a client that did not ask for one. No Express on this path: card status answers
 * thousands of requests a second through it.
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
  caching: JsonCaching = "no-store",
): void {
  const text = JSON.stringify(body);
  const length = Buffer.byteLength(text);
  const acceptEncoding = res.req?.headers["accept-encoding"];
  const coding =
    length >= COMPRESS_MIN_BYTES && acceptEncoding !== undefined
      ? negotiateContentCoding(acceptEncoding, CODING_PREFERENCE)
      : "identity";
  // Keep what the request's policy already varies on (CORS sets `Vary: Origin` for uploads).
  const vary = res.getHeader("Vary");
  const head: Record<string, string | number> = {
    ...headers,
    Vary: vary === undefined ? "Accept-Encoding" : `${String(vary)}, Accept-Encoding`,
  };
  if (caching === "revalidate") {
    const hash = createHash("sha1").update(text).digest("base64url").slice(0, 22);
    head.ETag = coding === "identity" ? `"${hash}"` : `"${hash}-${coding}"`;
    head["Cache-Control"] = "no-cache";
    const ifNoneMatch = res.req?.headers["if-none-match"];
    if (ifNoneMatch !== undefined && noneMatchHits(ifNoneMatch, head.ETag)) {
      res.writeHead(304, head);
      res.end();
      return;
    }
  }
  head["Content-Type"] = "application/json; charset=utf-8";
  if (coding === "identity") {
    res.writeHead(status, { ...head, "Content-Length": length });
    res.end(text);
    return;
  }
  const write = (compressed: Buffer) => {
    res.writeHead(status, { ...head, "Content-Encoding": coding, "Content-Length": compressed.length });
    res.end(compressed);
  };
  if (length <= COMPRESS_SYNC_MAX_BYTES) {
    write(compressSync(text, coding));
    return;
  }
  const done = (error: Error | null, compressed: Buffer) => {
    if (res.destroyed) return;
    if (error === null) write(compressed);
    else {
      // Unreachable in practice (zlib does not fail on input it is given); the answer still goes out.
      res.writeHead(status, { ...head, "Content-Length": length });
      res.end(text);
    }
  };
  if (coding === "br") brotliCompress(text, BROTLI_OPTIONS, done);
  else gzip(text, GZIP_OPTIONS, done);
}

function compressSync(text: string, coding: Exclude<ContentCoding, "identity">): Buffer {
  return coding === "br" ? brotliCompressSync(text, BROTLI_OPTIONS) : gzipSync(text, GZIP_OPTIONS);
}

/**
 * Sends `{ "block": …, "data": … }`, the envelope of every `/v1` answer but the OpenAPI document.
 * A 200 answer to a read is revalidated, not refetched: its ETag changes with any byte, the block
 * included, so a client polling an idle chain gets 304s.
 */
export function sendData(res: ServerResponse, snapshot: SnapshotView, data: unknown, status = 200): void {
  const method = res.req?.method;
  const read = status === 200 && (method === "GET" || method === "HEAD");
  sendJson(res, status, { block: blockOf(snapshot), data }, {}, read ? "revalidate" : "no-store");
}
