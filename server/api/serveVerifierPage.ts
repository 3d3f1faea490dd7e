import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { extname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, brotliDecompress, constants, gunzip, gzip } from "node:zlib";

import type { NextFunction, Request, RequestHandler, Response } from "express";

import { CODING_PREFERENCE, negotiateContentCoding, type ContentCoding } from "./negotiateContentCoding.js";
import { noneMatchHits } from "./noneMatchHits.js";
import { setHeaders } from "./securityHeaders.js";

/** Files the build names `<name>-<8 base32 characters>.<ext>`: their URL changes with their bytes. */
const CONTENT_HASHED = /-[A-Z2-7]{8}\.[a-z0-9]+$/;
/** A year, and a promise the bytes behind this URL never change (no revalidation on reload). */
export const IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable";
/** Cached, but revalidated (`If-None-Match` → 304) before each use. */
export const REVALIDATE_CACHE_CONTROL = "no-cache";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".txt": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webmanifest": "application/manifest+json",
};
/** Types worth compressing on the fly when the build left no `.br`/`.gz` sibling. */
const COMPRESSIBLE = new Set([".html", ".js", ".css", ".json", ".map", ".wasm", ".svg", ".txt", ".webmanifest"]);
/** Below this, compression saves less than a packet. */
const ON_THE_FLY_MIN_BYTES = 1024;

/** One encoding of a resource, ready to send. */
type Representation = { coding: ContentCoding; body: Buffer; etag: string };
/** A file or generated document: its representations (identity always among them). */
type Resource = { contentType: string; cacheControl: string; representations: Representation[] };

const brotliAsync = promisify(brotliCompress);
const unbrotliAsync = promisify(brotliDecompress);
const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * Serves the built verifier page (`verifier-web/dist`) like a production host:
 * - **Compression:** the best coding the request's `Accept-Encoding` allows (br > gzip > identity
 *   at equal weight, `q=0` honoured, identity when the header is absent), from the build's `.br` and
 *   `.gz` siblings, or compressed once on the fly when a file has none; `Vary: Accept-Encoding`.
 * - **Caching:** content-hashed files (`main-XXXXXXXX.js`, `wasm/zxing_reader-XXXXXXXX.wasm`)
 *   `public, max-age=31536000, immutable`; `index.html`, `config.json` and other unhashed files
 *   `no-cache`.
 * - **ETags:** strong, the hash of the identity bytes suffixed by the coding (`"<hash>-br"`);
 *   `If-None-Match` (weak comparison, RFC 9110 §13.1.2) answers 304.
 * - `config` (when given) generates `/config.json` on each request (it may throw an `ApiError`).
 *
 * The document (`index.html`) carries `headers` (the page's security headers), every other answer
 * `X-Content-Type-Options: nosniff`. Other methods, `/v1/…`, dotfiles,
 * the `.br`/`.gz` siblings themselves and missing files go to `next()` (the API's 404).
 *
 * @dev Each file is read, hashed and its siblings checked (they must decompress to the file's
 *      bytes, else they are ignored) once per version (mtime, size, inode); `dir` holds only the
 *      build, so the cache is as large as the build (~2 MB with siblings).
 */
export function serveVerifierPage({
  dir,
  headers,
  config,
}: {
  dir: string;
  headers: Readonly<Record<string, string>>;
  config?: () => unknown;
}): RequestHandler {
  const root = resolve(dir);
  const files = new Map<string, { version: string; resource: Promise<Resource> }>();

  const fileResource = async (path: string): Promise<Resource | undefined> => {
    const stats = await stat(path).catch(() => undefined);
    if (stats === undefined || !stats.isFile()) return undefined;
    const version = `${stats.mtimeMs}:${stats.size}:${stats.ino}`;
    const cached = files.get(path);
    if (cached?.version === version) return cached.resource;
    const resource = loadFile(path);
    files.set(path, { version, resource });
    resource.catch(() => files.delete(path));
    return resource;
  };

  const serve = async (req: Request, res: Response): Promise<boolean> => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    if (req.path.startsWith("/v1/")) return false;
    res.locals.route = "/ (verifier page)";
    let path: string;
    try {
      path = decodeURIComponent(req.path);
    } catch {
      return false;
    }
    let resource: Resource | undefined;
    if (config !== undefined && path === "/config.json") {
      res.locals.route = "/config.json (verifier page)";
      resource = await resourceOf(Buffer.from(JSON.stringify(config())), ".json", REVALIDATE_CACHE_CONTROL, {});
    } else {
      const segments = (path.endsWith("/") ? `${path}index.html` : path).split("/").slice(1);
      const refused = (segment: string) => segment === "" || segment.startsWith(".") || segment.includes("\0");
      if (segments.some(refused) || /\.(br|gz)$/.test(path)) return false;
      resource = await fileResource(join(root, ...segments));
    }
    if (resource === undefined) return false;
    send(req, res, resource, headers);
    return true;
  };

  return (req: Request, res: Response, next: NextFunction) => {
    serve(req, res).then((served) => {
      if (!served) next();
    }, next);
  };
}

/** Headers that act only on a document, left off the page's scripts, styles, .wasm and config. */
const DOCUMENT_ONLY_HEADERS = [
  "Content-Security-Policy",
  "Permissions-Policy",
  "Referrer-Policy",
  "X-Frame-Options",
  "Cross-Origin-Opener-Policy",
];

/** Writes `resource` in the coding the request prefers, or 304 when the client's copy is current. */
function send(req: Request, res: ServerResponse, resource: Resource, headers: Readonly<Record<string, string>>): void {
  const codings = resource.representations.map((representation) => representation.coding);
  const coding = negotiateContentCoding(req.headers["accept-encoding"], codings);
  const chosen = resource.representations.find((representation) => representation.coding === coding)!;
  // The policy headers act on documents only (a script, stylesheet or .wasm is governed by the
  // policy of the page that loads it); every answer keeps nosniff. About 700 bytes less per file.
  if (resource.contentType.startsWith("text/html")) setHeaders(res, headers);
  else for (const name of DOCUMENT_ONLY_HEADERS) res.removeHeader(name); // set for every answer by the API
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Cache-Control", resource.cacheControl);
  if (codings.length > 1) res.setHeader("Vary", "Accept-Encoding");
  res.setHeader("ETag", chosen.etag);
  const ifNoneMatch = req.headers["if-none-match"];
  if (ifNoneMatch !== undefined && noneMatchHits(ifNoneMatch, chosen.etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.setHeader("Content-Type", resource.contentType);
  if (chosen.coding !== "identity") res.setHeader("Content-Encoding", chosen.coding);
  res.setHeader("Content-Length", chosen.body.length);
  res.statusCode = 200;
  res.end(req.method === "HEAD" ? undefined : chosen.body);
}

/** Reads a file of the build and its `.br`/`.gz` siblings. */
async function loadFile(path: string): Promise<Resource> {
  const identity = await readFile(path);
  const siblings = {
    br: await readFile(`${path}.br`).catch(() => undefined),
    gzip: await readFile(`${path}.gz`).catch(() => undefined),
  };
  const name = path.slice(path.lastIndexOf("/") + 1);
  const cacheControl = CONTENT_HASHED.test(name) ? IMMUTABLE_CACHE_CONTROL : REVALIDATE_CACHE_CONTROL;
  return resourceOf(identity, extname(path), cacheControl, siblings);
}

/**
 * The representations of `identity`: each sibling that decompresses to exactly these bytes (a
 * stale or foreign one is ignored), else a copy compressed now when the type is worth it.
 */
async function resourceOf(
  identity: Buffer,
  extension: string,
  cacheControl: string,
  siblings: { br?: Buffer | undefined; gzip?: Buffer | undefined },
): Promise<Resource> {
  const hash = createHash("sha256").update(identity).digest("base64url").slice(0, 22);
  const representations: Representation[] = [{ coding: "identity", body: identity, etag: `"${hash}"` }];
  const compressible = COMPRESSIBLE.has(extension) && identity.length >= ON_THE_FLY_MIN_BYTES;
  const codecs = {
    br: {
      decode: unbrotliAsync,
      encode: (bytes: Buffer) => brotliAsync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }),
    },
    gzip: { decode: gunzipAsync, encode: (bytes: Buffer) => gzipAsync(bytes, { level: 6 }) },
  };
  for (const coding of ["br", "gzip"] as const) {
    const sibling = siblings[coding];
    const faithful =
      sibling !== undefined && (await codecs[coding].decode(sibling).catch(() => undefined))?.equals(identity);
    const body = faithful ? sibling : compressible ? await codecs[coding].encode(identity) : undefined;
    if (body !== undefined && body.length < identity.length) {
      representations.push({ coding, body, etag: `"${hash}-${coding}"` });
    }
  }
  representations.sort((a, b) => CODING_PREFERENCE.indexOf(a.coding) - CODING_PREFERENCE.indexOf(b.coding));
  return {
    contentType: CONTENT_TYPES[extension] ?? "application/octet-stream",
    cacheControl,
    representations,
  };
}
