import { createServer } from "node:http";

import { expect } from "chai";
import { network } from "hardhat";

import { createLogger, type LogRecord } from "../../../server/internal/createLogger.js";
import { createRpcClient } from "../../../server/sync/createRpcClient.js";
import { RpcRequestError } from "../../../server/sync/RpcRequestError.js";
import { startFaultyRpcProxy, type Fault } from "../../helpers/faultyRpcProxy.js";
import { closeServer, listen, startJsonRpcServer } from "../../helpers/jsonRpcServer.js";

const { provider } = await network.create();

describe("createRpcClient", function () {
  let server: Awaited<ReturnType<typeof startJsonRpcServer>>;
  let proxy: Awaited<ReturnType<typeof startFaultyRpcProxy>>;
  let logs: LogRecord[];

  before(async function () {
    server = await startJsonRpcServer(provider);
    proxy = await startFaultyRpcProxy({ target: server.url });
    await provider.request({ method: "hardhat_mine", params: ["0x20"] });
  });
  after(async function () {
    await proxy.close();
    await server.close();
  });
  beforeEach(function () {
    proxy.calls.length = 0;
    proxy.setFaults(undefined);
    logs = [];
  });

  const clientFor = (urls: string[], options: { maxAttempts?: number; timeoutMs?: number } = {}) =>
    createRpcClient({
      urls,
      logger: createLogger({ level: "debug", sink: (record) => logs.push(record) }),
      baseDelayMs: 1,
      maxDelayMs: 5,
      maxRetryAfterMs: 1_000,
      timeoutMs: options.timeoutMs ?? 2_000,
      maxAttempts: options.maxAttempts ?? 6,
    });

  /** Faults for the first calls, then none. */
  const firstCalls =
    (...faults: Fault[]) =>
    (call: { index: number }) =>
      faults[call.index];

  const cases: [string, Fault[]][] = [
    ["HTTP 429 (honouring Retry-After)", [{ type: "status", status: 429, retryAfterSeconds: 1 }]],
    [
      "HTTP 5xx",
      [
        { type: "status", status: 502 },
        { type: "status", status: 503 },
      ],
    ],
    ["malformed JSON", [{ type: "malformed" }, { type: "malformed" }]],
    ["dropped connections", [{ type: "reset" }, { type: "reset" }]],
    ["a request that never answers (timeout)", [{ type: "hang" }]],
    ["a transient JSON-RPC error", [{ type: "rpcError", code: -32000, message: "header not found" }]],
  ];
  for (const [what, faults] of cases) {
    it(`retries ${what} and returns the node's answer`, async function () {
      proxy.setFaults(firstCalls(...faults));
      const client = clientFor([proxy.url], { timeoutMs: 300 });
      const block = await client.request<{ number: string }>("eth_getBlockByNumber", ["0x10", false]);
      expect(block.number).to.equal("0x10");
      expect(proxy.calls.map((c) => c.fault ?? "ok")).to.deep.equal([...faults.map((f) => f.type), "ok"]);
    });
  }

  it("gives up after maxAttempts with a retryable error that names the failure and hides the URL's path", async function () {
    proxy.setFaults(() => ({ type: "status", status: 503 }));
    const client = clientFor([`${proxy.url}/v2/secret-api-key`], { maxAttempts: 3 });
    const error = await client.request("eth_blockNumber").catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RpcRequestError);
    expect(error).to.include({ kind: "http", retryable: true });
    expect((error as RpcRequestError).message).to.not.include("secret-api-key");
    expect(JSON.stringify(logs)).to.not.include("secret-api-key");
    expect(proxy.calls).to.have.length(3);
  });

  it("does not retry a JSON-RPC error that will not go away", async function () {
    const client = clientFor([server.url]);
    const error = await client.request("eth_noSuchMethod").catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RpcRequestError);
    expect(error).to.include({ kind: "rpc", retryable: false });
    expect(server.counts.get("eth_noSuchMethod")).to.equal(1);
  });

  it("does not retry a revert that a provider reports as an internal error (-32603)", async function () {
    for (const fault of [
      { type: "rpcError", code: -32603, message: "execution reverted" },
      { type: "rpcError", code: -32603, message: "Internal error", data: "0x08c379a0" + "00".repeat(32) },
    ] as const) {
      proxy.calls.length = 0;
      proxy.setFaults(() => fault);
      const error = await clientFor([proxy.url])
        .request("eth_call", [{ to: "0x0000000000000000000000000000000000000001", data: "0x" }, "latest"])
        .catch((e: unknown) => e);
      expect(error).to.include({ kind: "rpc", retryable: false });
      expect(proxy.calls).to.have.length(1);
    }
  });

  it("returns an eth_getLogs range error at once, for the fetcher to shrink", async function () {
    proxy.setFaults(() => ({ type: "rpcError", code: -32614, message: "eth_getLogs is limited to a 10,000 range" }));
    const client = clientFor([proxy.url]);
    const error = await client
      .request("eth_getLogs", [{ fromBlock: "0x0", toBlock: "0x10" }])
      .catch((e: unknown) => e as RpcRequestError);
    expect(error).to.include({ kind: "rpc", retryable: false });
    expect(proxy.calls).to.have.length(1);
  });

  it("falls back to the next URL when the first keeps failing, and stays there", async function () {
    const refusing = createServer((req) => req.socket.destroy());
    const refusingUrl = await listen(refusing);
    try {
      const client = clientFor([refusingUrl, proxy.url]);
      expect(await client.request("eth_chainId")).to.equal("0x7a69");
      expect(await client.request("eth_chainId")).to.equal("0x7a69");
      expect(proxy.calls).to.have.length(2);
      expect(logs.some((r) => r.level === "warn" && r.msg.startsWith("RPC endpoint failed; switching"))).to.equal(true);
    } finally {
      await closeServer(refusing);
    }
  });

  it("stops retrying when its signal aborts", async function () {
    proxy.setFaults(() => ({ type: "hang" }));
    const client = clientFor([proxy.url], { timeoutMs: 60_000 });
    const controller = new AbortController();
    const pending = client.request("eth_chainId", [], { signal: controller.signal }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    expect(await pending).to.have.property("name", "AbortError");
  });
});
