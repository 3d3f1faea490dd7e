import type { ServerResponse } from "node:http";

import type { NextFunction, Request, Response } from "express";

import { ApiError } from "./ApiError.js";

const READ_METHODS = new Set(["GET", "HEAD"]);
/** `POST`s any page may send: the verifier's check counter (no body, nothing stored about the caller). */
const PUBLIC_POST = /^\/v1\/batches\/[^/]+\/cards\/[^/]+\/verifications$/;
const UPLOAD_METHODS = new Set(["POST"]);
/** Request headers a preflight may ask for: a comma-separated list of header-name tokens. */
const HEADER_LIST = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+(?:\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$/;

/**
 * The API's CORS policy as Express middleware.
 *
 * - Reads (`GET`, `HEAD`) are public chain data: allowed from every origin (`*`, no credentials).
 * - Uploads (`POST`) from a browser only from `uploadOrigins` (or the API's own origin); a
 *   preflight or upload from another origin gets 403 `ORIGIN_NOT_ALLOWED`. Requests without an
 *   `Origin` (the supplier CLI, curl) are not browsers and are not restricted here.
 * - The verifier page's check counter (`POST …/cards/{serial}/verifications`) from any origin, so a
 *   verifier page hosted elsewhere can count checks too.
 * - Preflights are answered here (204, cached 10 minutes); other methods get 405.
 */
export function createCorsPolicy({ uploadOrigins }: { uploadOrigins: readonly string[] }) {
  const anyOrigin = uploadOrigins.includes("*");
  const allowed = new Set(uploadOrigins.map((origin) => origin.toLowerCase()));

  function mayUpload(origin: string, req: Request): boolean {
    if (anyOrigin || allowed.has(origin.toLowerCase())) return true;
    try {
      return new URL(origin).host === req.headers.host; // the API's own origin (e.g. its verifier page)
    } catch {
      return false;
    }
  }

  return function corsPolicy(req: Request, res: Response, next: NextFunction): void {
    const origin = req.headers.origin;
    const requested = req.headers["access-control-request-method"];
    if (req.method === "OPTIONS" && origin !== undefined && typeof requested === "string") {
      const method = requested.toUpperCase();
      const headers = req.headers["access-control-request-headers"];
      const allowHeaders = typeof headers === "string" && HEADER_LIST.test(headers) ? headers : "Content-Type";
      if (READ_METHODS.has(method)) {
        res.writeHead(204, {
          "Access-Control-Allow-Origin": "*",
          "Access-Control-Allow-Methods": "GET, HEAD",
          "Access-Control-Allow-Headers": allowHeaders,
          "Access-Control-Max-Age": "600",
        });
        res.end();
        return;
      }
      if (method === "POST" && PUBLIC_POST.test(req.path)) {
        res.writeHead(204, {
          "Access-Control-Allow-Origin": "*",
          "Access-Control-Allow-Methods": "POST",
          "Access-Control-Allow-Headers": allowHeaders,
          "Access-Control-Max-Age": "600",
        });
        res.end();
        return;
      }
      if (!UPLOAD_METHODS.has(method)) {
        throw new ApiError("METHOD_NOT_ALLOWED", "the API accepts GET and HEAD, and POST for manifest uploads", {
          Allow: "GET, HEAD, POST, OPTIONS",
        });
      }
      if (!mayUpload(origin, req)) throw originNotAllowed();
      res.writeHead(204, {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": "POST",
        "Access-Control-Allow-Headers": "Content-Type",
        "Access-Control-Max-Age": "600",
        Vary: "Origin",
      });
      res.end();
      return;
    }
    if (origin !== undefined) {
      if (READ_METHODS.has(req.method) || req.method === "OPTIONS") {
        allowRead(res);
      } else if (req.method === "POST" && PUBLIC_POST.test(req.path)) {
        allowRead(res);
      } else if (mayUpload(origin, req)) {
        res.setHeader("Access-Control-Allow-Origin", origin);
        res.setHeader("Access-Control-Expose-Headers", "Retry-After");
        res.setHeader("Vary", "Origin");
      } else {
        throw originNotAllowed();
      }
    }
    next();
  };
}

/** CORS headers of a read (`GET`, `HEAD`) from a browser: public data, any origin, no credentials. */
export function allowRead(res: ServerResponse): void {
  res.setHeader("Access-Control-Allow-Origin", "*");
  res.setHeader("Access-Control-Expose-Headers", "Retry-After");
}

function originNotAllowed(): ApiError {
  return new ApiError(
    "ORIGIN_NOT_ALLOWED",
    "this origin may not upload to this API: uploads from a browser need the page's origin in " +
      "CARDPROOF_API_CORS_ORIGINS (reads are allowed from any origin)",
  );
}
