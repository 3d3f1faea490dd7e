import { hexToBigInt, hexToString, numberToHex, type Address, type Hex } from "viem";

import type { CardPayload } from "../../../scripts/lib/cardPayload.js";
import type { ChainCard, ChainStatus } from "../CardReport.js";
import type { RegistryConfig } from "../pageConfig.js";
import { isRevert, RpcUnavailableError, type JsonRpc, type RpcAnswer } from "./createJsonRpc.js";
import { decodeView, viewCall } from "./registryViews.js";

const STATUSES: readonly ChainStatus[] = ["Unknown", "Active", "Inactive", "Redeemed", "Revoked", "Expired"];
const ZERO: Address = "0x0000000000000000000000000000000000000000";

/** The RPC endpoint serves another chain than the card's: nothing it says about the card counts. */
export class WrongChainError extends Error {
  override readonly name = "WrongChainError";
}

/**
 * The node could not find the card's run alone (`lookupStatus` over its gas cap) and the run hint
 * the history service gave does not fit (`statusOf` reverts): the check cannot finish, and says
 * why, without blaming the node or the card.
 */
export class BadHintError extends Error {
  override readonly name = "BadHintError";
}

/**
 * Reads what the verdict needs from the chain, all at one block (the latest when called), in two
 * batched round trips: the chain id and the block, then `isIssued`, `batchOf` (root, count, face
 * value, expiry, issuer, hash-chain head) and the card's status (`lookupStatus`; `statusOf` with the
 * indexer's run hint when the hint-free walk fails, e.g. over a provider's gas cap). The custody
 * run and names follow in {@link readCardDetails}.
 *
 * @throws {RpcUnavailableError} when the node cannot be reached or fails a read that cannot revert.
 * @throws {WrongChainError} when the node serves another chain.
 * @throws {BadHintError} when only the hint could locate the card, and it is wrong.
 */
export async function readCardOnChain(
  rpc: JsonRpc,
  registry: RegistryConfig,
  payload: CardPayload,
  hint: () => Promise<number | undefined> = async () => undefined,
): Promise<ChainCard> {
  // The block number alone (not the latest header: 1.3 KB a check that the page has no use for).
  const [chainIdAnswer, blockAnswer] = await rpc.batch([
    { method: "eth_chainId", params: [] },
    { method: "eth_blockNumber", params: [] },
  ]);
  const chainId = hexToBigInt(resultOf(chainIdAnswer) as Hex);
  if (chainId !== registry.chainId) throw new WrongChainError(`the node serves chain ${chainId}`);
  const blockNumber = hexToBigInt(resultOf(blockAnswer) as Hex);
  const block = numberToHex(blockNumber);
  const { batchId, serial } = payload;
  const at = registry.address;

  const [issuedAnswer, batchAnswer, statusAnswer] = await rpc.batch([
    viewCall(at, block, "isIssued", [batchId]),
    viewCall(at, block, "batchOf", [batchId]),
    viewCall(at, block, "lookupStatus", [batchId, serial]),
  ]);
  const issued = decodeView("isIssued", resultOf(issuedAnswer)) as boolean;
  if (!issued) return { blockNumber, issued, status: "Unknown", holder: ZERO, runStart: undefined };

  const info = decodeView("batchOf", resultOf(batchAnswer)) as {
    issuer: Address;
    count: number;
    expiresAt: number;
    activationRequired: boolean;
    seq: number;
    faceValue: bigint;
    currency: Hex;
    merkleRoot: Hex;
    head: Hex;
  };
  let status: ChainStatus;
  let holder: Address;
  let runStart: number;
  if (statusAnswer!.ok) {
    const [code, owner, start] = decodeView("lookupStatus", statusAnswer!.result) as [number, Address, number];
    [status, holder, runStart] = [STATUSES[code] ?? "Unknown", owner, start];
  } else if (!isRevert(statusAnswer!) && (runStart = (await hint()) ?? -1) >= 0) {
    const [answer] = await rpc.batch([viewCall(at, block, "statusOf", [batchId, serial, runStart])]);
    if (answer !== undefined && isRevert(answer)) throw new BadHintError(`run hint ${runStart} does not hold the card`);
    const [code, owner] = decodeView("statusOf", resultOf(answer)) as [number, Address];
    [status, holder] = [STATUSES[code] ?? "Unknown", owner];
  } else {
    throw new RpcUnavailableError(statusAnswer!.ok ? "" : statusAnswer!.message);
  }
  return {
    blockNumber,
    issued,
    status,
    holder,
    runStart: status === "Unknown" ? undefined : runStart,
    batch: {
      issuer: info.issuer,
      issuerName: undefined,
      count: info.count,
      expiresAt: info.expiresAt,
      activationRequired: info.activationRequired,
      seq: BigInt(info.seq),
      head: info.head,
      faceValue: info.faceValue,
      currency: hexToString(info.currency),
      merkleRoot: info.merkleRoot,
    },
  };
}

/** What {@link readCardDetails} adds to a {@link ChainCard}. */
export type CardDetails = {
  /** The card's custody run: activation and revocation flags, the revocation reason. */
  run: ChainCard["run"];
  /** Profile hashes of the accounts asked about that are registered issuers (lower-case address → hash). */
  profiles: Map<string, Hex>;
};

/**
 * One more batched round trip at the card's block: the custody run (`runAt`) and the registered
 * profile of the batch's issuer and of every account in the timeline (`issuerOf`).
 * Never throws: these are details, and the verdict does not depend on them.
 */
export async function readCardDetails(
  rpc: JsonRpc,
  registry: RegistryConfig,
  payload: CardPayload,
  chain: ChainCard,
  { accounts }: { accounts: readonly Address[] },
): Promise<CardDetails> {
  const details: CardDetails = { run: undefined, profiles: new Map() };
  if (chain.batch === undefined) return details;
  const block = numberToHex(chain.blockNumber);
  const at = registry.address;
  const unique = [...new Set([chain.batch.issuer, ...accounts].map((account) => account.toLowerCase() as Address))];
  const calls = [
    viewCall(at, block, "runAt", [payload.batchId, chain.runStart ?? 0]),
    ...unique.map((account) => viewCall(at, block, "issuerOf", [account])),
  ];
  let answers: RpcAnswer[];
  try {
    answers = await rpc.batch(calls);
  } catch {
    return details;
  }
  const [runAnswer, ...profileAnswers] = answers;
  if (runAnswer?.ok && chain.runStart !== undefined) {
    const run = decodeView("runAt", runAnswer.result) as { end: number; flags: number; revokeReason: number };
    details.run = {
      start: chain.runStart,
      end: run.end,
      activated: (run.flags & 1) !== 0,
      revoked: (run.flags & 2) !== 0,
      revokeReason: run.revokeReason,
    };
  }
  profileAnswers.forEach((answer, index) => {
    if (!answer.ok) return;
    const [issuerId, profileHash] = decodeView("issuerOf", answer.result) as [number, Hex];
    if (issuerId !== 0) details.profiles.set(unique[index]!, profileHash);
  });
  return details;
}

/** The result of a call that must not fail; a failure means the node is not usable right now. */
function resultOf(answer: RpcAnswer | undefined): unknown {
  if (answer === undefined || !answer.ok) throw new RpcUnavailableError(answer?.ok === false ? answer.message : "");
  return answer.result;
}
