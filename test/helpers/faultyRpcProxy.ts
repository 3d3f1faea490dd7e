import { createServer } from "node:http";

import { closeServer, listen, readBody } from "./jsonRpcServer.js";

/** What the proxy does to one request instead of (or before) forwarding it. */
export type Fault =
  | { type: "delay"; ms: number }
  | { type: "status"; status: number; retryAfterSeconds?: number }
  | { type: "malformed" }
  | { type: "reset" }
  | { type: "hang" }
  | { type: "rpcError"; code: number; message: string; data?: unknown }
  /** A well-formed JSON-RPC answer whose `result` has the wrong shape (e.g. `null` for a list). */
  | { type: "result"; result: unknown };

/** How real providers word "range too large" (see server/sync/parseRangeError.ts). */
export type RangeDialect = "alchemy" | "infura" | "quicknode" | "tooWide" | "maxRange";

export type ProxyCall = { index: number; method: string; params: unknown[] };

export type FaultyRpcProxyOptions = {
  /** The JSON-RPC server to forward to. */
  target: string;
  /** Chooses a fault per request (undefined: forward untouched). */
  faults?: (call: ProxyCall) => Fault | undefined;
  /** Refuse `eth_getLogs` over more than `maxBlocks` blocks, worded like `dialect`. */
  rangeLimit?: { maxBlocks: number; dialect: RangeDialect };
  /** Refuse `eth_getLogs` answers with more than this many logs ("query returned more than N results"). */
  maxResults?: number;
  /**
   * Answer `eth_getLogs` ranges like a backend this many blocks behind the head another backend
   * reported: the newest blocks' logs left out, no error. Queries by block hash are answered in full.
   */
  lagBlocks?: number;
};

/**
 * A real HTTP proxy on 127.0.0.1 in front of a JSON-RPC server that misbehaves like hosted
 * providers do: delays, HTTP 429 with Retry-After, 5xx, malformed JSON, dropped connections,
 * requests that never answer, JSON-RPC errors, and `eth_getLogs` range limits in each provider's
 * dialect (with Alchemy's and Infura's suggested ranges). Records every call and every
 * `eth_getLogs` range it answered successfully.
 */
export async function startFaultyRpcProxy(options: FaultyRpcProxyOptions) {
  const calls: (ProxyCall & { fault?: Fault["type"] | "range" | "lag" })[] = [];
  const servedLogRanges: [number, number][] = [];
  let faults = options.faults;

  const server = createServer((req, res) => {
    void (async () => {
      const text = await readBody(req);
      let request: { id?: unknown; method?: string; params?: unknown[] };
      try {
        request = JSON.parse(text) as typeof request;
      } catch {
        request = {};
      }
      const call: ProxyCall = { index: calls.length, method: String(request.method), params: request.params ?? [] };
      const fault = faults?.(call);
      calls.push({ ...call, ...(fault === undefined ? {} : { fault: fault.type }) });
      const reply = (status: number, body: string, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(body);
      };
      const rpcError = (code: number, message: string, data?: unknown) =>
        reply(200, JSON.stringify({ jsonrpc: "2.0", id: request.id ?? null, error: { code, message, data } }));

      switch (fault?.type) {
        case "delay":
          await new Promise((resolve) => setTimeout(resolve, fault.ms));
          break;
        case "status":
          return reply(
            fault.status,
            fault.status === 429 ? "Too Many Requests" : "<html>Bad Gateway</html>",
            fault.retryAfterSeconds === undefined ? {} : { "retry-after": String(fault.retryAfterSeconds) },
          );
        case "malformed":
          return reply(200, `{"jsonrpc":"2.0","id":${JSON.stringify(request.id ?? null)},"result":[{"addr`);
        case "reset":
          req.socket.destroy();
          return;
        case "hang":
          return;
        case "rpcError":
          return rpcError(fault.code, fault.message, fault.data);
        case "result":
          return reply(200, JSON.stringify({ jsonrpc: "2.0", id: request.id ?? null, result: fault.result }));
      }

      let range: [number, number] | undefined;
      const byHash =
        call.method === "eth_getLogs" && (call.params[0] as { blockHash?: string }).blockHash !== undefined;
      if (call.method === "eth_getLogs" && !byHash) {
        const filter = call.params[0] as { fromBlock: string; toBlock: string };
        range = [Number(filter.fromBlock), Number(filter.toBlock)];
        const limit = options.rangeLimit;
        if (limit !== undefined && range[1] - range[0] + 1 > limit.maxBlocks) {
          calls[calls.length - 1]!.fault = "range";
          const [code, message, data] = rangeError(limit.dialect, range[0], limit.maxBlocks);
          return rpcError(code, message, data);
        }
      }
      const upstream = await fetch(options.target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: text,
      });
      const answer = await upstream.text();
      if (range !== undefined && options.maxResults !== undefined) {
        const parsed = JSON.parse(answer) as { result?: unknown[] };
        if (Array.isArray(parsed.result) && parsed.result.length > options.maxResults) {
          calls[calls.length - 1]!.fault = "range";
          return rpcError(-32005, `query returned more than ${options.maxResults} results`);
        }
      }
      if (range !== undefined) servedLogRanges.push(range);
      if (range !== undefined && options.lagBlocks !== undefined) {
        const head = await fetch(options.target, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
        }).then(async (response) => Number(((await response.json()) as { result: string }).result));
        const parsed = JSON.parse(answer) as { result?: { blockNumber: string }[] };
        const kept = (parsed.result ?? []).filter((log) => Number(log.blockNumber) <= head - options.lagBlocks!);
        if (kept.length !== (parsed.result ?? []).length) calls[calls.length - 1]!.fault = "lag";
        return reply(upstream.status, JSON.stringify({ ...parsed, result: kept }));
      }
      reply(upstream.status, answer);
    })().catch(() => {
      res.destroy();
    });
  });

  const url = await listen(server);
  return {
    url,
    calls,
    /** `[from, to]` of every `eth_getLogs` answered with logs, in order. */
    servedLogRanges,
    setFaults(next: FaultyRpcProxyOptions["faults"]) {
      faults = next;
    },
    close: () => closeServer(server),
  };
}

function rangeError(dialect: RangeDialect, from: number, maxBlocks: number): [number, string, unknown?] {
  const hex = (n: number) => `0x${n.toString(16)}`;
  const to = from + maxBlocks - 1;
  switch (dialect) {
    case "alchemy":
      return [
        -32602,
        "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range and no limit on " +
          "the response size, or you can request any block range with a cap of 10K logs in the response. Based on " +
          `your parameters, this block range should work: [${hex(from)}, ${hex(to)}]`,
      ];
    case "infura":
      return [
        -32005,
        `query returned more than 10000 results. Try with this block range [${hex(from).toUpperCase().replace("0X", "0x")}, ${hex(to).toUpperCase().replace("0X", "0x")}].`,
        { from: hex(from), to: hex(to), limit: 10000 },
      ];
    case "quicknode":
      return [-32614, `eth_getLogs is limited to a ${maxBlocks.toLocaleString("en-US")} range`];
    case "tooWide":
      return [-32000, "block range is too wide"];
    case "maxRange":
      return [-32000, `exceed maximum block range: ${maxBlocks}`];
  }
}
