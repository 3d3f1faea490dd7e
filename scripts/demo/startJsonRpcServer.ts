import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { CliError } from "../cli/CliError.js";

/** What the server needs of a chain: an EIP-1193 provider (Hardhat's `network.create().provider`). */
export type Eip1193Provider = { request(args: { method: string; params?: unknown[] }): Promise<unknown> };

type JsonRpcRequest = { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };

/** Largest request body read (a deploy transaction with a big contract is ~100 KB of hex). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * A JSON-RPC server over HTTP (`POST`, single or batched requests) in front of an in-process
 * EIP-1193 provider, so the CLI, the indexer, wallets and the verifier page reach the chain exactly
 * as they reach `npx hardhat node`. Answers CORS preflights for any origin (the verifier page, on
 * another port, calls the chain from the browser), as `hardhat node` does.
 *
 * @dev The same idea as `test/helpers/jsonRpcServer.ts` (the demo does not import tests).
 * @throws {CliError} when `host:port` cannot be bound; the message names the port and the hint the
 *         setting that changes it (`portHint`).
 */
export async function startJsonRpcServer(
  provider: Eip1193Provider,
  { host, port, portHint }: { host: string; port: number; portHint: string },
) {
  const server = createServer((req, res) => {
    void serve(provider, req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String((error as Error)?.message ?? error));
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new CliError(`port ${port} on ${host} is in use, so the local chain cannot listen there`, {
              hint: `stop what holds it (another \`npm start\` or \`npx hardhat node\`?) or ${portHint}`,
            })
          : new CliError(`the local chain cannot listen on ${host}:${port} (${error.code ?? error.message})`, {
              hint: portHint,
            }),
      );
    });
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    /** Stops accepting, drops open connections (keep-alive clients) and resolves once closed. */
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function serve(provider: Eip1193Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.setHeader("access-control-allow-origin", "*");
  if (req.method === "OPTIONS") {
    res.writeHead(204, {
      "access-control-allow-methods": "POST, GET, OPTIONS",
      "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "content-type",
      "access-control-max-age": "600",
    });
    res.end();
    return;
  }
  if (req.method !== "POST") {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("CardProof demo chain: a JSON-RPC endpoint (POST)\n");
    return;
  }
  const text = await readBody(req);
  let body: unknown;
  if (text === undefined) {
    body = undefined;
  } else {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  const answer =
    body === undefined
      ? failure(null, -32700, text === undefined ? "Request too large" : "Parse error")
      : Array.isArray(body)
        ? await Promise.all(body.map((item) => handle(provider, item as JsonRpcRequest)))
        : await handle(provider, body as JsonRpcRequest);
  res.writeHead(200, { "content-type": "application/json" });
  res.end(
    JSON.stringify(answer, (_key, value: unknown) => (typeof value === "bigint" ? `0x${value.toString(16)}` : value)),
  );
}

async function handle(provider: Eip1193Provider, request: JsonRpcRequest) {
  const id = request?.id ?? null;
  if (request === null || typeof request !== "object" || typeof request.method !== "string") {
    return failure(id, -32600, "Invalid Request");
  }
  const params = Array.isArray(request.params) ? (request.params as unknown[]) : [];
  try {
    const result = await provider.request({ method: request.method, params });
    return { jsonrpc: "2.0", id, result: result ?? null };
  } catch (error) {
    const { code, message, data } = error as { code?: unknown; message?: unknown; data?: unknown };
    return {
      jsonrpc: "2.0",
      id,
      error: {
        code: typeof code === "number" ? code : -32603,
        message: typeof message === "string" ? message : "Internal error",
        ...(data === undefined ? {} : { data }),
      },
    };
  }
}

function failure(id: unknown, code: number, message: string) {
  return { jsonrpc: "2.0", id, error: { code, message } };
}

/** The body as text, or undefined when it is larger than {@link MAX_BODY_BYTES}. */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
