import { createServer } from "node:net";

import { expect } from "chai";
import { createPublicClient, http } from "viem";

import { CliError } from "../../../scripts/cli/CliError.js";
import { isNetworkError } from "../../../scripts/cli/isNetworkError.js";

/** A port on 127.0.0.1 that nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("isNetworkError: a lost node told apart from a bug", function () {
  it("recognizes a refused connection from fetch and from viem's HTTP transport", async function () {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const fromFetch = await fetch(url).catch((error: unknown) => error);
    expect(isNetworkError(fromFetch)).to.equal(true);
    const client = createPublicClient({ transport: http(url, { retryCount: 0 }) });
    const fromViem = await client.getChainId().catch((error: unknown) => error);
    expect(isNetworkError(fromViem)).to.equal(true);
    // Wrapped by a command, it is still found through the causes.
    expect(isNetworkError(new Error("could not issue", { cause: fromViem }))).to.equal(true);
  });

  it("does not take a program error or a refusal by the chain for one", function () {
    expect(isNetworkError(new TypeError("Cannot read properties of undefined"))).to.equal(false);
    expect(isNetworkError(new CliError("the contract is paused"))).to.equal(false);
    expect(isNetworkError("fetch failed")).to.equal(false);
  });
});
