import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer } from "node:http";
import { join, resolve, sep } from "node:path";

import { CliError } from "../cli/CliError.js";

/**
 * A tiny static file server for the demo's proof shards (`cardproof batch publish --static`), on its
 * own port, so that the verifier page still finds proofs when the indexer is stopped: what a CDN,
 * any web server or an IPFS gateway does in production. GET and HEAD only, files under `dir` only,
 * `Access-Control-Allow-Origin: *` (the page lives on another origin), no caching (the demo's chain
 * restarts, and batch ids with it).
 *
 * @throws {CliError} when the port cannot be bound (the hint names `portHint`).
 */
export async function startShardServer({
  dir,
  host,
  port,
  portHint,
}: {
  dir: string;
  host: string;
  port: number;
  portHint: string;
}): Promise<{ url: string; close(): Promise<void> }> {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    const headers = {
      "access-control-allow-origin": "*",
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
    };
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { ...headers, allow: "GET, HEAD" }).end();
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", "http://shards").pathname);
    } catch {
      res.writeHead(400, headers).end();
      return;
    }
    const file = join(root, path);
    if (!file.startsWith(root + sep) || path.split("/").some((part) => part.startsWith("."))) {
      res.writeHead(404, headers).end();
      return;
    }
    stat(file)
      .then(
        (info) => {
          if (!info.isFile()) throw new Error("not a file");
          res.writeHead(200, {
            ...headers,
            "content-type": file.endsWith(".json") ? "application/json" : "application/octet-stream",
            "content-length": String(info.size),
          });
          if (req.method === "HEAD") res.end();
          else createReadStream(file).pipe(res);
        },
        () => res.writeHead(404, headers).end(),
      )
      .catch(() => res.writeHead(404, headers).end());
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new CliError(
          error.code === "EADDRINUSE"
            ? `port ${port} on ${host} is in use, so the proof shard server cannot listen there`
            : `the proof shard server cannot listen on ${host}:${port} (${error.code ?? error.message})`,
          { hint: `stop what holds it or ${portHint}` },
        ),
      ),
    );
    server.listen({ host, port, exclusive: true }, () => resolveListen());
  });
  const address = server.address() as { port: number };
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}
