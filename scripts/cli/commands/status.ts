import type { Address } from "viem";

import { CARD_REGISTRY_PREFIX_LENGTH, parseCardUrl } from "../../lib/cardPayload.js";
import { InvalidCardPayloadError } from "../../lib/InvalidCardPayloadError.js";
import { decodeIssuerName } from "../../lib/issuerName.js";
import { describeRevokeReason, revokeReasonName } from "../../lib/revokeReasons.js";
import { voucherRegistryAbi } from "../../lib/voucherRegistryAbi.js";
import { formatFaceValue } from "../../print/formatFaceValue.js";
import { findRedemption, type Redemption } from "../chain/findRedemption.js";
import { parseBatchId } from "../chain/parseBatchId.js";
import { readChain } from "../chain/readChain.js";
import { describeLot, readBatch } from "../chain/readCustody.js";
import type { CliCommand } from "../CliCommand.js";
import { CliError, usageError } from "../CliError.js";
import type { CliContext } from "../createCliContext.js";
import { parseInteger } from "../parseOptionValue.js";

/** `IVoucherRegistry.Status`, by number. */
const STATUS_NAMES = ["Unknown", "Active", "Inactive", "Redeemed", "Revoked", "Expired"] as const;
type StatusName = (typeof STATUS_NAMES)[number];

/** `cardproof status`: a card's status, holder and batch, read from the chain. */
export const statusCommand: CliCommand = {
  path: ["status"],
  summary: "show a card's status (genuine and unused, redeemed, revoked…), read from the chain",
  usage: `Usage: cardproof status <card link | card QR digits | batch-id/serial>

  card link         the link in the QR code on the front of the card (https://…/#1…)
  card QR digits    the digits after # in that link
  batch-id/serial   e.g. 4294967297/7

Reads the registry of the deployment: status, holder, custody lot, revocation, the batch's terms
and issuer, and for a redeemed card when and by whom. Never give it the secret code.`,
  options: {},
  async run({ positionals, output, context }) {
    if (positionals.length !== 1) {
      throw usageError("give the card's link, its QR digits, or <batch-id>/<serial>", "cardproof status 4294967297/7");
    }
    const reference = readCardReference(positionals[0]!);
    const ctx = await context();
    const deployment = await ctx.deployment();
    if (reference.payload !== undefined) {
      const { chainId, registryPrefix } = reference.payload;
      const ours = deployment.registry.toLowerCase().slice(0, 2 + 2 * CARD_REGISTRY_PREFIX_LENGTH);
      if (chainId !== ctx.chainId || registryPrefix !== ours) {
        throw new CliError(
          `this card was issued on the registry ${registryPrefix}… on chain ${chainId}, not on this deployment's ` +
            `${deployment.registry} on chain ${ctx.chainId}`,
          { hint: "check it against its own deployment (--deployment and --rpc-url), or do not trust it" },
        );
      }
    }
    const report = await readCardStatus(
      ctx,
      deployment.registry,
      reference.batchId,
      reference.serial,
      deployment.deployBlock,
    );
    output.result(report.data, report.lines);
  },
};

type CardReference = {
  batchId: bigint;
  serial: number;
  payload?: { chainId: bigint; registryPrefix: string };
};

function readCardReference(text: string): CardReference {
  const pair = /^\s*(\d+|0x[0-9a-f]+)\/(\d+)\s*$/i.exec(text);
  if (pair !== null) {
    return {
      batchId: parseBatchId("the batch id", pair[1]!),
      serial: parseInteger("the serial", pair[2]!, { max: 2 ** 32 - 1 }),
    };
  }
  try {
    const payload = parseCardUrl(text);
    return { batchId: payload.batchId, serial: payload.serial, payload };
  } catch (error) {
    if (error instanceof InvalidCardPayloadError) {
      // The error never quotes the input (it may be a secret pasted by mistake), nor does this one.
      throw new CliError(`cannot read the card: ${error.shortMessage}`, { hint: error.details });
    }
    throw error;
  }
}

async function readCardStatus(
  ctx: CliContext,
  registry: Address,
  batchId: bigint,
  serial: number,
  deployBlock: bigint,
): Promise<{ data: Record<string, unknown>; lines: string[] }> {
  const card = `card ${serial} of batch ${batchId}`;
  const read = <T>(what: string, fn: () => Promise<T>) => readChain(ctx, `read ${what}`, fn);
  const issued = await read(`batch ${batchId}`, () =>
    ctx.client.readContract({ address: registry, abi: voucherRegistryAbi, functionName: "isIssued", args: [batchId] }),
  );
  const batch = issued ? await readBatch(ctx, registry, batchId) : undefined;
  if (batch === undefined || serial >= batch.count) {
    const why =
      batch === undefined
        ? `batch ${batchId} was never issued on this registry`
        : `batch ${batchId} has ${batch.count} cards`;
    const verdict = `Unknown — no such card: ${why}. Do not accept it.`;
    return { data: { batchId, serial, status: "Unknown", verdict, registry, chainId: ctx.chainId }, lines: [verdict] };
  }
  const [[statusNumber, holder, runStart], redeemed, [, profileHash]] = await Promise.all([
    read(`the status of ${card}`, () =>
      ctx.client.readContract({
        address: registry,
        abi: voucherRegistryAbi,
        functionName: "lookupStatus",
        args: [batchId, serial],
      }),
    ),
    read(`whether ${card} is redeemed`, () =>
      ctx.client.readContract({
        address: registry,
        abi: voucherRegistryAbi,
        functionName: "isRedeemed",
        args: [batchId, serial],
      }),
    ),
    read(`issuer ${batch.issuer}`, () =>
      ctx.client.readContract({
        address: registry,
        abi: voucherRegistryAbi,
        functionName: "issuerOf",
        args: [batch.issuer],
      }),
    ),
  ]);
  const run = await read(`the custody run of ${card}`, () =>
    ctx.client.readContract({
      address: registry,
      abi: voucherRegistryAbi,
      functionName: "runAt",
      args: [batchId, runStart],
    }),
  );
  const status: StatusName = STATUS_NAMES[statusNumber] ?? "Unknown";
  const activated = (run.flags & 1) !== 0;
  const revoked = (run.flags & 2) !== 0;
  const issuerName = decodeIssuerName(profileHash);
  const redemption = redeemed ? await findRedemption(ctx, registry, batchId, serial, deployBlock) : undefined;
  const faceValue = describeFaceValue(batch.faceValue, batch.currency);
  const expires = batch.expiresAt === 0 ? "never" : new Date(batch.expiresAt * 1000).toISOString();
  const issuer = `issuer #${batch.issuerId}${issuerName === undefined ? "" : ` "${issuerName}"`} (${batch.issuer})`;

  const verdict = verdictOf(status, { holder, revokeReason: run.revokeReason, expires, redemption });
  const lines = [
    verdict,
    `  ${card} (of ${batch.count.toLocaleString("en-US")}), ${faceValue}`,
    `  ${issuer}`,
    `  held by ${holder}, custody lot ${describeLot(runStart, run.end)}` +
      (batch.activationRequired ? (activated ? ", activated" : ", not activated") : ""),
    ...(revoked ? [`  revoked by the issuer: ${describeRevokeReason(run.revokeReason)}`] : []),
    ...(redemption === undefined
      ? []
      : [
          `  redeemed by ${redemption.redeemer} at ${new Date(redemption.timestamp * 1000).toISOString()}` +
            ` (transaction ${redemption.transaction}, block ${redemption.blockNumber})`,
        ]),
    `  expires ${expires}${batch.activationRequired ? "; activation at a point of sale required" : ""}`,
  ];
  const data = {
    batchId,
    serial,
    status,
    verdict,
    holder,
    run: { start: runStart, end: run.end, lot: describeLot(runStart, run.end) },
    redeemed,
    activationRequired: batch.activationRequired,
    activated,
    revoked,
    revokeReason: run.revokeReason,
    revokeReasonName: revoked ? (revokeReasonName(run.revokeReason) ?? null) : null,
    redemption: redemption ?? null,
    batch: {
      count: batch.count,
      faceValue: batch.faceValue,
      currency: batch.currency,
      faceValueText: faceValue,
      expiresAt: batch.expiresAt === 0 ? null : batch.expiresAt,
      merkleRoot: batch.merkleRoot,
    },
    issuer: { account: batch.issuer, issuerId: batch.issuerId, name: issuerName ?? null },
    registry,
    chainId: ctx.chainId,
  };
  return { data, lines };
}

function verdictOf(
  status: StatusName,
  details: { holder: Address; revokeReason: number; expires: string; redemption: Redemption | undefined },
): string {
  switch (status) {
    case "Active":
      return `Active — genuine, unused, held by ${details.holder}`;
    case "Inactive":
      return `Inactive — genuine and unused, but not activated at a point of sale yet; held by ${details.holder}`;
    case "Redeemed":
      return details.redemption === undefined
        ? "Redeemed — already used: do not accept it"
        : `Redeemed — already used on ${new Date(details.redemption.timestamp * 1000).toISOString().slice(0, 10)}: do not accept it`;
    case "Revoked":
      return `Revoked — frozen by its issuer (${describeRevokeReason(details.revokeReason)}): do not accept it`;
    case "Expired":
      return `Expired — the batch expired at ${details.expires}: it can no longer be redeemed`;
    default:
      return "Unknown — no such card on this registry: do not accept it";
  }
}

function describeFaceValue(minorUnits: bigint, currency: string): string {
  try {
    return formatFaceValue(minorUnits, currency);
  } catch {
    return `${minorUnits} minor units of ${currency}`;
  }
}
