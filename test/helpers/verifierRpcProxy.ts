import { createServer } from "node:http";

import { closeServer, listen, readBody } from "./jsonRpcServer.js";

/**
 * The JSON-RPC endpoint the verifier page's browser calls in tests: a pass-through to the test
 * chain's server that answers CORS like `npx hardhat node` and hosted providers do, records the
 * requests it forwarded, and can be taken down (`down = true`: connections are dropped, as when the
 * node is stopped) and brought back without changing its URL.
 */
export async function startVerifierRpcProxy(target: string) {
  const bodies: string[] = [];
  let down = false;
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
      res.writeHead(answer.status, { ...cors, "content-type": "application/json" });
      res.end(await answer.text());
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
    close: () => closeServer(server),
  };
}
