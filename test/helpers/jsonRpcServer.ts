import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the server needs of a provider: Hardhat's EIP-1193 `network.create().provider`. */
export type Eip1193Like = { request(args: { method: string; params?: unknown[] }): Promise<unknown> };

type JsonRpcRequest = { jsonrpc?: string; id?: unknown; method?: string; params?: unknown[] };

/**
 * A real HTTP JSON-RPC server on 127.0.0.1 (random port) in front of an in-process EDR provider,
 * so the indexer talks to the test chain exactly as it talks to a node: POST, single or batched.
 * Counts requests per method.
 */
export async function startJsonRpcServer(provider: Eip1193Like) {
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    void (async () => {
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } }));
        return;
      }
      const answer = Array.isArray(body)
        ? await Promise.all(body.map((item) => handle(item as JsonRpcRequest)))
        : await handle(body as JsonRpcRequest);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify(answer, (_key, value: unknown) =>
          typeof value === "bigint" ? `0x${value.toString(16)}` : value,
        ),
      );
    })().catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });

  async function handle(request: JsonRpcRequest) {
    const method = String(request.method);
    counts.set(method, (counts.get(method) ?? 0) + 1);
    try {
      const result = await provider.request({ method, params: request.params ?? [] });
      return { jsonrpc: "2.0", id: request.id ?? null, result: result ?? null };
    } catch (error) {
      const { code, message, data } = error as { code?: number; message?: string; data?: unknown };
      return {
        jsonrpc: "2.0",
        id: request.id ?? null,
        error: { code: code ?? -32603, message: message ?? "error", data },
      };
    }
  }

  const url = await listen(server);
  return {
    url,
    /** Requests served, per method. */
    counts,
    close: () => closeServer(server),
  };
}

export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
