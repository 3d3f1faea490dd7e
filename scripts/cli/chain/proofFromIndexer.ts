import { isAddress, isHex, type Address, type Hex } from "viem";

import { hashLeaf } from "../../lib/hashLeaf.js";
import { verifyMerkleProof } from "../../lib/verifyMerkleProof.js";
import { CliError } from "../CliError.js";
import type { CliContext } from "../createCliContext.js";
import type { Deployment } from "../deploymentFile.js";
import { redactUrl } from "../explainContractError.js";
import type { BatchView } from "./readCustody.js";
import { wrongCodeError } from "./wrongCodeError.js";

/** What `GET /v1/batches/{batchId}/cards/{serial}/proof` answers in `data` (server/README.md). */
type ProofAnswer = { chainId: unknown; registry: unknown; cardKey: unknown; proof: unknown };

/**
 * The Merkle proof of card `serial` from an indexer's API. The indexer is not trusted: the proof
 * must prove the card's committed card key against the batch's on-chain root, and only then is
 * `cardKey` (derived from the code typed) compared with it (so a wrong code is told apart from a wrong indexer).
 *
 * @throws {CliError} for an unreachable indexer, its error answers (with its message), an answer for
 *         another chain or registry, a proof that fails against the root, or a wrong code.
 */
export async function proofFromIndexer(
  ctx: CliContext,
  {
    url,
    deployment,
    batch,
    serial,
    cardKey,
  }: {
    url: string;
    deployment: Deployment;
    batch: BatchView;
    serial: number;
    cardKey: Address;
  },
): Promise<Hex[]> {
  if (!/^https?:\/\//.test(url)) {
    throw new CliError(`--indexer-url must be an http(s) URL, got "${redactUrl(url)}"`, { exitCode: 2 });
  }
  const where = redactUrl(url);
  const endpoint = `${url.replace(/\/+$/, "")}/v1/batches/${batch.batchId}/cards/${serial}/proof`;
  let response: Response;
  let body: unknown;
  try {
    response = await fetch(endpoint, { signal: AbortSignal.timeout(30_000), headers: { accept: "application/json" } });
    body = await response.json();
  } catch (error) {
    throw new CliError(`cannot get a proof from the indexer at ${where}`, {
      hint: "check --indexer-url (or CARDPROOF_INDEXER_URL) and that the indexer runs, or pass --manifest <file>",
      cause: error,
    });
  }
  if (!response.ok) {
    const failure = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const message = typeof failure?.message === "string" ? failure.message : `HTTP ${response.status}`;
    throw new CliError(
      `the indexer at ${where} has no proof for card ${serial} of batch ${batch.batchId}: ${message}`,
      {
        hint:
          failure?.code === "MANIFEST_NOT_FOUND"
            ? "the issuer publishes the manifest with `cardproof batch publish`; or pass --manifest <file>"
            : "try again once the indexer has caught up, or pass --manifest <file>",
      },
    );
  }
  const data = (body as { data?: ProofAnswer } | null)?.data;
  const proof = data?.proof;
  const committed = data?.cardKey;
  if (
    data === undefined ||
    !Array.isArray(proof) ||
    !proof.every((node) => isBytes32(node)) ||
    typeof committed !== "string" ||
    !isAddress(committed, { strict: false })
  ) {
    throw new CliError(`the indexer at ${where} answered something that is not a card proof`, {
      hint: "check that --indexer-url points to a CardProof indexer, or pass --manifest <file>",
    });
  }
  if (
    String(data.chainId) !== String(ctx.chainId) ||
    String(data.registry).toLowerCase() !== deployment.registry.toLowerCase()
  ) {
    throw new CliError(
      `the indexer at ${where} follows another deployment (chain ${String(data.chainId)}, registry ${String(data.registry)})`,
      {
        hint: "point --indexer-url to the indexer of this deployment",
      },
    );
  }
  const leaf = hashLeaf({
    chainId: ctx.chainId,
    registry: deployment.registry,
    batchId: batch.batchId,
    serial,
    cardKey: committed.toLowerCase() as Address,
  });
  if (!verifyMerkleProof(proof as Hex[], batch.merkleRoot, leaf)) {
    throw new CliError(
      `the indexer at ${where} served a proof that does not match batch ${batch.batchId}'s root on chain`,
      {
        hint: "the indexer may be behind a reorg or misconfigured: try again later, or pass --manifest <file>",
      },
    );
  }
  if (committed.toLowerCase() !== cardKey.toLowerCase()) throw wrongCodeError(batch.batchId, serial);
  return proof as Hex[];
}

function isBytes32(value: unknown): value is Hex {
  return typeof value === "string" && isHex(value, { strict: true }) && value.length === 66;
}
