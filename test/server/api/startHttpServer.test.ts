import { connect } from "node:net";

import { expect } from "chai";

import { startHttpServer } from "../../../server/api/startHttpServer.js";

/** Sends `raw` bytes over a plain TCP connection and resolves with everything the server wrote back. */
function sendRaw(url: string, raw: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(raw));
    let answer = "";
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
}

/** Status and JSON body of a raw HTTP answer. */
function parse(answer: string): { status: number; type: string | undefined; body: { error: { code: string; message: string } } } {
  const [head, body] = answer.split("\r\n\r\n") as [string, string];
  const status = Number(head.split(" ")[1]);
  const type = /\r\ncontent-type: ([^\r]+)/i.exec(head)?.[1];
  return { status, type, body: JSON.parse(body) as { error: { code: string; message: string } } };
} // prettier-ignore

describe("startHttpServer: requests Node's HTTP parser refuses", function () {
  let server: Awaited<ReturnType<typeof startHttpServer>>;

  before(async function () {
    server = await startHttpServer({
      app: (_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end("{}");
      },
      host: "127.0.0.1",
      port: 0,
    });
  });

  after(async function () {
    await server.close();
  });

  it("answers a malformed request line or header as JSON, 400 INVALID_REQUEST", async function () {
    for (const raw of [
      "GET /v1/batches/1 HTTP/1.1 extra\r\nHost: x\r\n\r\n",
      "GET /v1/\u0001 HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET / HTTP/1.1\r\nBad Header: x\r\n\r\n",
    ]) {
      const answer = parse(await sendRaw(server.url, raw));
      expect(answer.status, raw).to.equal(400);
      expect(answer.type).to.match(/^application\/json/);
      expect(answer.body.error.code).to.equal("INVALID_REQUEST");
      expect(answer.body.error.message).to.contain("check the path and headers");
    }
  });

  it("answers headers over Node's limit as JSON, 431 HEADERS_TOO_LARGE", async function () {
    const raw = `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(32 * 1024)}\r\n\r\n`;
    const answer = parse(await sendRaw(server.url, raw));
    expect(answer.status).to.equal(431);
    expect(answer.body.error.code).to.equal("HEADERS_TOO_LARGE");
  });

  it("still answers well-formed requests", async function () {
    const answer = await sendRaw(server.url, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(answer).to.match(/^HTTP\/1\.1 200 /);
  });
});
