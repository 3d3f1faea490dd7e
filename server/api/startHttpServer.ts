import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { ListenError } from "./ListenError.js";

/**
 * Serves `app` over HTTP on `host:port` (port 0: any free port) with bounded timeouts: 20 s for a
 * request's headers, 5 minutes for a whole request (a 70 MB manifest over a slow link), 5 s idle
 * keep-alive.
 *
 * @returns the server, its URL, and `close(graceMs)`: stops accepting connections, lets requests in
 *          flight finish for up to `graceMs`, then drops what is left.
 * @throws {ListenError} when the address cannot be bound (e.g. the port is in use).
 */
export async function startHttpServer({
  app,
  host,
  port,
}: {
  app: RequestListener;
  host: string;
  port: number;
}): Promise<{ server: Server; url: string; close(graceMs?: number): Promise<void> }> {
  const server = createServer(app);
  server.headersTimeout = 20_000;
  server.requestTimeout = 300_000;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 100;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: unknown) => reject(new ListenError(host, port, error));
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    server,
    url: `http://${shown}:${address.port}`,
    close(graceMs = 5_000) {
      closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
