import { createServer, STATUS_CODES, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";

import { API_ERRORS, type ApiErrorCode } from "./apiErrors.js";
import { ListenError } from "./ListenError.js";
import { API_SECURITY_HEADERS } from "./securityHeaders.js";

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
  server.on("clientError", answerParserError);
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

/**
 * Requests Node's HTTP parser refuses never reach the app: answer them as JSON like every other
 * error (Node would write a bare `400 Bad Request`). A socket that is gone (reset, or already
 * answered) cannot be answered; it is only closed.
 */
function answerParserError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const [code, message]: [ApiErrorCode, string] =
    error.code === "HPE_HEADER_OVERFLOW"
      ? ["HEADERS_TOO_LARGE", "the request's headers are too large: send fewer or smaller headers"]
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? ["REQUEST_TIMEOUT", "the request was not sent in time: send it again"]
        : ["INVALID_REQUEST", "the request line or headers cannot be read: check the path and headers"];
  const body = JSON.stringify({ error: { code, message } });
  const status = API_ERRORS[code].status;
  const headers = {
    ...API_SECURITY_HEADERS,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(body)),
    Connection: "close",
  };
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join("") +
      `\r\n${body}`,
  );
}
