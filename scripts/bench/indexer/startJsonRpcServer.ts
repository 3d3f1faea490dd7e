import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

import type { Eip1193Provider } from "./createChainDriver.js";

type JsonRpcRequest = { jsonrpc?: string; id?: unknown; method?: string; params?: unknown[] };

/** What the server has done so far; subtract two snapshots for a window. */
export type RpcServerSnapshot = {
  requests: number;
  /** Response bytes sent. */
  bytes: number;
  /** Wall time with at least one request in flight (the union of request intervals), ms. */
  busyMs: number;
  /** Requests per method. */
  methods: Record<string, number>;
};

/**
 * A JSON-RPC server over HTTP on 127.0.0.1 (random port) in front of an in-process EIP-1193
 * provider (Hardhat's EDR chain), so the indexer under benchmark talks to it exactly as to a
 * node. Instrumented: requests, bytes and busy time, measured at the server.
 *
 * @dev The same idea as the tests' `test/helpers/jsonRpcServer.ts` (benchmarks do not import
 *      tests), plus the busy-time accounting: a request is in flight from the moment its body has
 *      been read until its response is handed to the socket, so `busyMs` over the backfill's
 *      window is the share of it the indexer spent waiting on RPC (node work and serialization).
 */
export async function startJsonRpcServer(
  provider: Eip1193Provider,
  options: {
    /**
     * Refuse an `eth_getLogs` whose answer holds more logs than this, the way hosted providers do
     * (Infura's and geth-based providers' dialect: "query returned more than 10000 results. Try
     * with this block range [0x.., 0x..]." with the largest range that fits). Default: no cap.
     */
    maxLogsPerResponse?: number;
  } = {},
) {
  const methods: Record<string, number> = {};
  let requests = 0;
  let bytes = 0;
  let inFlight = 0;
  let busySince = 0;
  let busyMs = 0;

  const enter = () => {
    if (inFlight++ === 0) busySince = performance.now();
  };
  const leave = () => {
    if (--inFlight === 0) busyMs += performance.now() - busySince;
  };

  const server = createServer((req, res) => {
    void (async () => {
      const text = await readBody(req);
      enter();
      let body: string;
      try {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        const answer =
          parsed === undefined
            ? { jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } }
            : Array.isArray(parsed)
              ? await Promise.all(parsed.map((item) => handle(item as JsonRpcRequest)))
              : await handle(parsed as JsonRpcRequest);
        body = stringify(answer);
      } finally {
        leave();
      }
      bytes += Buffer.byteLength(body);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(body);
    })().catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });

  async function handle(request: JsonRpcRequest) {
    const method = String(request.method);
    requests++;
    methods[method] = (methods[method] ?? 0) + 1;
    try {
      const result = await provider.request({ method, params: request.params ?? [] });
      const cap = options.maxLogsPerResponse;
      if (method === "eth_getLogs" && cap !== undefined && Array.isArray(result) && result.length > cap) {
        return { jsonrpc: "2.0", id: request.id ?? null, error: tooManyLogs(request.params?.[0], result, cap) };
      }
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

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    snapshot(): RpcServerSnapshot {
      const open = inFlight > 0 ? performance.now() - busySince : 0;
      return { requests, bytes, busyMs: busyMs + open, methods: { ...methods } };
    },
    close(): Promise<void> {
      return new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

export type JsonRpcServer = Awaited<ReturnType<typeof startJsonRpcServer>>;

/** The difference `after - before` of two snapshots. */
export function rpcWindow(before: RpcServerSnapshot, after: RpcServerSnapshot): RpcServerSnapshot {
  const methods: Record<string, number> = {};
  for (const [method, count] of Object.entries(after.methods)) {
    const delta = count - (before.methods[method] ?? 0);
    if (delta > 0) methods[method] = delta;
  }
  return {
    requests: after.requests - before.requests,
    bytes: after.bytes - before.bytes,
    busyMs: after.busyMs - before.busyMs,
    methods,
  };
}

/** Infura's refusal of a `eth_getLogs` answer over `cap` logs, with the largest block range from the same start that fits. */
function tooManyLogs(filter: unknown, logs: readonly unknown[], cap: number) {
  const from = BigInt(String((filter as { fromBlock?: unknown } | undefined)?.fromBlock ?? "0x0"));
  const perBlock = new Map<bigint, number>();
  for (const log of logs) {
    const block = BigInt(String((log as { blockNumber?: unknown }).blockNumber));
    perBlock.set(block, (perBlock.get(block) ?? 0) + 1);
  }
  let to = from;
  let count = 0;
  for (const [block, logsInBlock] of [...perBlock].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (count + logsInBlock > cap) break;
    count += logsInBlock;
    to = block;
  }
  const range = { from: `0x${from.toString(16)}`, to: `0x${to.toString(16)}` };
  return {
    code: -32005,
    message: `query returned more than ${cap} results. Try with this block range [${range.from}, ${range.to}].`,
    data: range,
  };
}

/** EDR answers with JSON-ready values; bigints (never seen so far) are written as hex quantities. */
function stringify(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? `0x${item.toString(16)}` : item));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
