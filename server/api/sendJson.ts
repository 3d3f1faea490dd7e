import type { ServerResponse } from "node:http";

import type { SnapshotView } from "../store/createStoreReader.js";

/** The block a response reflects: the mirror's checkpoint, and whether it is final. */
export type BlockRef = { number: number; hash: string; timestamp: number | null; final: boolean };

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
 * Writes `body` as JSON with its length, in one `writeHead` (no ETag, no content negotiation: the
 * hot routes answer thousands of requests a second).
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** Sends `{ "block": …, "data": … }`, the envelope of every `/v1` answer but the OpenAPI document. */
export function sendData(res: ServerResponse, snapshot: SnapshotView, data: unknown, status = 200): void {
  sendJson(res, status, { block: blockOf(snapshot), data });
}
