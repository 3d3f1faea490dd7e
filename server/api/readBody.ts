import type { IncomingMessage } from "node:http";

import { ApiError } from "./ApiError.js";

/**
 * Reads a request body into one buffer of its own (transferable to a worker), refusing to hold
 * more than `maxBytes`: a declared `Content-Length` above it is refused before reading anything,
 * an undeclared (chunked) body as soon as it passes it.
 *
 * With `idleMs`, an upload that sends nothing for that long is given up (a client stalled, or
 * sending a byte a second, must not hold what the upload holds).
 *
 * @returns the bytes, or `"too-large"` (the rest of the body is not read: answer with
 *          `Connection: close`).
 * @throws {ApiError} `INVALID_REQUEST` when the client aborts the upload (its fault, not logged as ours).
 * @throws {ApiError} `MANIFEST_UPLOAD_STALLED` (with `Connection: close`) after `idleMs` without data.
 */
export async function readBody(
  req: IncomingMessage,
  maxBytes: number,
  { idleMs }: { idleMs?: number } = {},
): Promise<Uint8Array | "too-large"> {
  const declared = req.headers["content-length"];
  const length = declared === undefined ? undefined : Number(declared);
  if (length !== undefined && (!Number.isSafeInteger(length) || length > maxBytes)) return "too-large";

  let buffer = new Uint8Array(length ?? Math.min(maxBytes, 64 * 1024));
  let size = 0;
  return new Promise((resolve, reject) => {
    let idle: NodeJS.Timeout | undefined;
    const armIdle = () => {
      if (idleMs === undefined) return;
      clearTimeout(idle);
      idle = setTimeout(() => {
        cleanup();
        req.pause();
        reject(
          new ApiError(
            "MANIFEST_UPLOAD_STALLED",
            `the upload sent nothing for ${idleMs / 1000} s and was given up; send the whole manifest again in one go`,
            { Connection: "close" },
          ),
        );
      }, idleMs);
    };
    armIdle();
    const onData = (chunk: Buffer) => {
      armIdle();
      if (size + chunk.length > maxBytes || (length !== undefined && size + chunk.length > length)) {
        cleanup();
        req.pause();
        resolve("too-large");
        return;
      }
      if (size + chunk.length > buffer.length) {
        const grown = new Uint8Array(Math.min(maxBytes, Math.max(buffer.length * 2, size + chunk.length)));
        grown.set(buffer.subarray(0, size));
        buffer = grown;
      }
      buffer.set(chunk, size);
      size += chunk.length;
    };
    const onEnd = () => {
      cleanup();
      resolve(size === buffer.length ? buffer : buffer.slice(0, size));
    };
    const onClose = () => {
      if (req.complete) return;
      cleanup();
      reject(new ApiError("INVALID_REQUEST", "the upload was interrupted before its end; send it again"));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    function cleanup() {
      clearTimeout(idle);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("close", onClose);
      req.off("error", onError);
    }
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("close", onClose);
    req.on("error", onError);
  });
}
