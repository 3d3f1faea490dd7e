import { createServer } from "node:http";

import { closeServer, listen, readBody } from "./jsonRpcServer.js";

/**
 * The JSON-RPC endpoint the verifier page's browser calls in tests: a pass-through to the test
 * chain's server that answers CORS like `npx hardhat node` and hosted providers do, records the
 * requests it forwarded, and can be taken down (`down = true`: connections are dropped, as when the
 * node is stopped) and brought back without changing its URL. `failing` makes the node refuse chosen
 * calls of a batch with a non-revert error, as a provider does over its gas cap.
 */
export async function startVerifierRpcProxy(target: string) {
  const bodies: string[] = [];
  let down = false;
  let failing: ((call: { method: string; params: unknown[] }) => boolean) | undefined;
  const server = createServer((req, res) => {
    if (down) {
      req.socket.destroy();
      return;
    }
    void (async () => {
      const cors = { "access-control-allow-origin": "*" };
      if (req.method === "OPTIONS") {
        res.writeHead(204, {
          ...cors,
          "access-control-allow-methods": "POST, OPTIONS",
          "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "content-type",
          "access-control-max-age": "600",
        });
        res.end();
        return;
      }
      const body = await readBody(req);
      bodies.push(body);
      const answer = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body });
      let text = await answer.text();
      const refuse = failing;
      if (refuse !== undefined && answer.ok) {
        const calls = JSON.parse(body) as { id: number; method: string; params: unknown[] }[] | { id: number };
        const replies = JSON.parse(text) as { id: number }[] | { id: number };
        const refused = new Set(
          (Array.isArray(calls) ? calls : [calls]).filter((call) => refuse(call as never)).map((call) => call.id),
        );
        const rewrite = (reply: { id: number }) =>
          refused.has(reply.id)
            ? {
                jsonrpc: "2.0",
                id: reply.id,
                error: { code: -32000, message: "gas required exceeds allowance (gas cap)" },
              }
            : reply;
        text = JSON.stringify(Array.isArray(replies) ? replies.map(rewrite) : rewrite(replies));
      }
      res.writeHead(answer.status, { ...cors, "content-type": "application/json" });
      res.end(text);
    })().catch(() => req.socket.destroy());
  });
  const url = await listen(server);
  return {
    url,
    /** Request bodies forwarded so far. */
    bodies,
    /** Drops every request while true. */
    set down(value: boolean) {
      down = value;
      if (value) server.closeAllConnections();
    },
    /** Calls the node refuses (non-revert error) while set. */
    set failing(value: ((call: { method: string; params: unknown[] }) => boolean) | undefined) {
      failing = value;
    },
    close: () => closeServer(server),
  };
}
