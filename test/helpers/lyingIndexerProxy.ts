import { createServer } from "node:http";

import { closeServer, listen, readBody } from "./jsonRpcServer.js";

/** Rewrites the `data` of one API answer; `path` is the request's path (no query). */
export type Lie = (path: string, data: unknown) => unknown;

/**
 * A history service that lies: a pass-through to the real indexer (page, `config.json` and API)
 * that rewrites chosen API answers with `lie`, or drops every `/v1/` request while `down` (as if
 * the indexer were stopped, while the page itself still loads). The page opened from this proxy
 * uses it as its indexer (`"indexerUrl": "/"`), so every test of a lie goes through real HTTP.
 */
export async function startLyingIndexerProxy(target: string) {
  let lie: Lie | undefined;
  let down = false;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (down && path.startsWith("/v1/")) {
      req.socket.destroy();
      return;
    }
    void (async () => {
      const body = req.method === "GET" || req.method === "HEAD" ? undefined : await readBody(req);
      const answer = await fetch(new URL(req.url ?? "/", target), {
        method: req.method ?? "GET",
        headers: {
          accept: req.headers.accept ?? "*/*",
          // A page on another origin needs the indexer's CORS answer, which follows the Origin.
          ...(req.headers.origin === undefined ? {} : { origin: req.headers.origin }),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body }),
      });
      const headers: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!["content-length", "content-encoding", "transfer-encoding", "connection", "etag"].includes(name))
          headers[name] = value;
      });
      let bytes = Buffer.from(await answer.arrayBuffer());
      const rewrite = lie;
      if (rewrite !== undefined && path.startsWith("/v1/") && answer.headers.get("content-type")?.includes("json")) {
        const envelope = JSON.parse(bytes.toString("utf8")) as { data?: unknown };
        if (envelope.data !== undefined) {
          envelope.data = rewrite(path, envelope.data);
          bytes = Buffer.from(JSON.stringify(envelope));
        }
      }
      res.writeHead(answer.status, { ...headers, "content-length": String(bytes.length) });
      res.end(req.method === "HEAD" ? undefined : bytes);
    })().catch(() => req.socket.destroy());
  });
  const url = await listen(server);
  return {
    /** The page's address through the proxy. */
    pageUrl: `${url}/`,
    /** The lie told while set (reset to `undefined` between tests). */
    set lie(value: Lie | undefined) {
      lie = value;
    },
    /** Drops every API request while true. */
    set down(value: boolean) {
      down = value;
      if (value) server.closeAllConnections();
    },
    close: () => closeServer(server),
  };
}
