import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { hexToBytes, type Address } from "viem";

import { buildMerkleTree } from "../../../scripts/lib/buildMerkleTree.js";
import { hashLeaf } from "../../../scripts/lib/hashLeaf.js";
import { proofShardPath } from "../../../scripts/lib/proofShardFormat.js";
import { writeProofShards } from "../../../scripts/lib/proofShardWriter.js";
import { verifyMerkleProof } from "../../../scripts/lib/verifyMerkleProof.js";
import { createStaticProofSource } from "../../../verifier-web/src/proofs/createStaticProofSource.js";
import { ProofNotPublishedError } from "../../../verifier-web/src/proofs/ProofNotPublishedError.js";
import { ProofSourceUnavailableError } from "../../../verifier-web/src/proofs/ProofSourceUnavailableError.js";
import { makeBatch } from "../../helpers/makeBatch.js";

const registry: Address = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const context = { chainId: 31_337n, registry, batchId: (1n << 32n) | 1n };

describe("verifier-web createStaticProofSource", function () {
  const batch = makeBatch({ ...context, count: 1_500 });
  let dir: string;
  let server: Server;
  let base: string;
  const requests: { url: string; headers: IncomingHttpHeaders }[] = [];

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "cardproof-static-source-"));
    const cardKeys = new Uint8Array(20 * batch.cardKeys.length);
    batch.cardKeys.forEach((key, serial) => cardKeys.set(hexToBytes(key), 20 * serial));
    const tree = buildMerkleTree(batch.cardKeys.map((cardKey, serial) => hashLeaf({ ...context, serial, cardKey })));
    await writeProofShards(join(dir, "good"), { ...context, cardKeys }, tree);
    const shardOfCard5 = await readFile(join(dir, "good", proofShardPath({ ...context, serial: 5 })), "utf8");

    // A static host: /good/ serves the shard folder; the others misbehave in one way each.
    server = createServer((req, res) => {
      requests.push({ url: req.url!, headers: req.headers });
      const [, prefix, ...rest] = req.url!.split("/");
      const path = rest.join("/");
      if (prefix === "good") {
        readFile(join(dir, "good", path)).then(
          (body) => res.writeHead(200, { "content-type": "application/json" }).end(body),
          () => res.writeHead(404).end("not found"),
        );
      } else if (prefix === "failing") res.writeHead(500).end("internal error");
      else if (prefix === "huge") res.writeHead(200, { "content-length": "5000000" }).end("x".repeat(5_000_000));
      else if (prefix === "html") res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><p>hello");
      else if (prefix === "wrong-batch") {
        // A genuine shard, but of card 5's batch and shard, whatever was asked for.
        res.writeHead(200).end(shardOfCard5);
      } else if (prefix === "slow") {
        // Never answers: the source must give up after its timeout.
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
  });

  after(async function () {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it("gives a card's key and a proof that verifies against the batch root", async function () {
    const source = createStaticProofSource(`${base}/good`);
    for (const serial of [0, 5, 1023, 1024, 1499]) {
      const { cardKey, proof } = await source.proof({ ...context, serial });
      expect(cardKey).to.equal(batch.cardKeys[serial]!.toLowerCase());
      expect(proof).to.deep.equal(batch.proofOf(serial));
      expect(verifyMerkleProof(proof, batch.root, hashLeaf({ ...context, serial, cardKey }))).to.equal(true);
    }
    const last = requests.at(-1)!;
    expect(last.url).to.equal(`/good/31337/${registry}/${context.batchId}/1.json`);
    expect(last.headers).not.to.have.property("cookie");
    expect(last.headers).not.to.have.property("referer");
  });

  it("says the batch is not published when the host answers 404", async function () {
    const source = createStaticProofSource(`${base}/good/`);
    const error = await source.proof({ ...context, batchId: context.batchId + 1n, serial: 0 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ProofNotPublishedError);
  });

  it("reports the source unavailable on a server error, a non-JSON answer, a shard for another card or a huge file", async function () {
    for (const prefix of ["failing", "html", "wrong-batch", "huge"]) {
      const source = createStaticProofSource(`${base}/${prefix}/`);
      const error = await source.proof({ ...context, serial: 1_200 }).catch((e: unknown) => e);
      expect(error, prefix).to.be.instanceOf(ProofSourceUnavailableError);
    }
    // A declared size far beyond a shard's is refused before the body is read.
    const huge = await createStaticProofSource(`${base}/huge/`)
      .proof({ ...context, serial: 0 })
      .catch((e: unknown) => e);
    expect((huge as Error).message).to.contain("far larger than a shard");
    // The wrong-batch host serves shard 0 of the right batch, but card 1,200 lives in shard 1.
    const wrongCard = await createStaticProofSource(`${base}/wrong-batch/`)
      .proof({ ...context, serial: 1_200 })
      .catch((e: unknown) => e);
    expect((wrongCard as Error).cause).to.have.property("field", "shard");
  });

  it("reports the source unavailable when it does not answer in time or cannot be reached", async function () {
    const slow = await createStaticProofSource(`${base}/slow/`, { timeoutMs: 200 })
      .proof({ ...context, serial: 0 })
      .catch((e: unknown) => e);
    expect(slow).to.be.instanceOf(ProofSourceUnavailableError);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await createStaticProofSource(`http://127.0.0.1:${port}/`)
      .proof({ ...context, serial: 0 })
      .catch((e: unknown) => e);
    expect(unreachable).to.be.instanceOf(ProofSourceUnavailableError);
  });
});
