import { stringToHex, type Address } from "viem";

import { deriveCardKey, deriveCardSecret } from "../../lib/deriveCardKey.js";
import { formatCode } from "../../lib/formatCode.js";
import { signRedemption, type CompactRedemptionSignature } from "../../lib/redemptionTypedData.js";
import { describeRevokeReason } from "../../lib/revokeReasons.js";
import { voucherRegistryAbi } from "../../lib/voucherRegistryAbi.js";
import { parseBatchId } from "../chain/parseBatchId.js";
import { proofFromIndexer } from "../chain/proofFromIndexer.js";
import { proofFromManifest } from "../chain/proofFromManifest.js";
import { readChain } from "../chain/readChain.js";
import { readBatch, type BatchView } from "../chain/readCustody.js";
import { readRedemptionInput, type RedemptionInput } from "../chain/readRedemptionInput.js";
import { readSignerAddress } from "../chain/readSignerAddress.js";
import type { CliCommand } from "../CliCommand.js";
import { CliError, usageError } from "../CliError.js";
import type { CliContext } from "../createCliContext.js";
import { optionalString, parseInteger } from "../parseOptionValue.js";
import { sendContractTransaction } from "../sendContractTransaction.js";

/** The environment variable naming the indexer whose proofs `redeem` may use. */
const INDEXER_VARIABLE = "CARDPROOF_INDEXER_URL";

/** `cardproof redeem`: a batch redeemer burns one card with its secret code. */
export const redeemCommand: CliCommand = {
  path: ["redeem"],
  summary: "redeem a card once with its secret code (a redeemer of its batch)",
  usage: `Usage: cardproof redeem <code> --batch-id <id> --serial <n> (--manifest <file> | --indexer-url <url>)
       cardproof redeem <scanned QR text> (--manifest <file> | --indexer-url <url>)
       cardproof redeem - [...]          read the code or QR text from standard input

  <code>               the code under the scratch panel; case, spaces and dashes do not matter
  <scanned QR text>    the text of the QR code under the scratch panel (CPS2…): it names its card
  -                    read the code or QR text from standard input instead: typed hidden at a
                       terminal, or piped (\`scanner | cardproof redeem - …\`). Prefer it: a code
                       given as an argument lands in your shell history and the process list
  --batch-id <id>      the card's batch, for a typed code
  --serial <n>         the card's serial, for a typed code
  --manifest <file>    the batch's manifest.json: the Merkle proof is built from it locally
  --indexer-url <url>  or fetch the proof from this indexer and check it against the chain
                       (env ${INDEXER_VARIABLE})

Before anything is sent the CLI checks the card's status, that you may redeem it, and that the
code is the card's. The code never leaves this machine: it derives the card's key, which signs
"redeem this card for <your account>" (EIP-712); only that signature is sent, and it is worthless
to any other account. The code is never printed. Sent by a redeemer of the batch
(\`cardproof batch redeemer <batch-id> --add <address>\`).`,
  options: {
    "batch-id": { type: "string" },
    serial: { type: "string" },
    manifest: { type: "string" },
    "indexer-url": { type: "string" },
  },
  async run({ values, positionals, context }) {
    if (positionals.length !== 1) {
      // Never echo the positionals: a code split by spaces would be in them.
      throw usageError(
        "give the code (in quotes if it has spaces), the scanned QR text, or - to read it from standard input",
        "cardproof redeem - --batch-id 4294967297 --serial 7 --manifest batch/manifest.json",
      );
    }
    const batchIdText = optionalString(values, "batch-id");
    const serialText = optionalString(values, "serial");
    const manifest = optionalString(values, "manifest");
    const indexerFlag = optionalString(values, "indexer-url");
    if (manifest !== undefined && indexerFlag !== undefined)
      throw usageError("give --manifest or --indexer-url, not both");
    const indexerUrl = manifest === undefined ? (indexerFlag ?? indexerFromEnv()) : undefined;
    if (manifest === undefined && indexerUrl === undefined) {
      throw usageError(
        "the CLI needs the card's Merkle proof: pass the batch's --manifest <file> or an --indexer-url",
        `or set ${INDEXER_VARIABLE}`,
      );
    }
    const input = await readRedemptionInput(positionals[0]!, {
      batchId: batchIdText === undefined ? undefined : parseBatchId("--batch-id", batchIdText),
      serial: serialText === undefined ? undefined : parseInteger("--serial", serialText, { max: 2 ** 32 - 1 }),
    });
    try {
      await redeem(await context(), input, { manifest, indexerUrl });
    } catch (error) {
      throw withoutSecret(error, input.code);
    }
  },
};

async function redeem(
  ctx: CliContext,
  input: RedemptionInput,
  source: { manifest: string | undefined; indexerUrl: string | undefined },
): Promise<void> {
  const { batchId, serial } = input;
  const deployment = await ctx.deployment();
  const { registry } = deployment;
  const card = `card ${serial} of batch ${batchId}`;
  const batch = await readBatch(ctx, registry, batchId);
  if (serial >= batch.count) {
    throw new CliError(`batch ${batchId} has no card ${serial} (serials 0-${batch.count - 1})`, {
      hint: "check the serial printed on the card",
    });
  }
  const [status, , runStart] = await readChain(ctx, `read the status of ${card}`, () =>
    ctx.client.readContract({
      address: registry,
      abi: voucherRegistryAbi,
      functionName: "lookupStatus",
      args: [batchId, serial],
    }),
  );
  await refuseUnredeemable(ctx, registry, batch, serial, status, runStart);
  const redeemer = await readSignerAddress(ctx);
  const allowed = await readChain(ctx, `read the redeemers of batch ${batchId}`, () =>
    ctx.client.readContract({
      address: registry,
      abi: voucherRegistryAbi,
      functionName: "isRedeemer",
      args: [batchId, redeemer],
    }),
  );
  if (!allowed) {
    throw new CliError(`${redeemer} may not redeem cards of batch ${batchId}`, {
      hint: `the batch's issuer allows redeemers with \`cardproof batch redeemer ${batchId} --add ${redeemer}\``,
    });
  }

  const cardInput = { chainId: ctx.chainId, registry, batchId, serial, code: input.code };
  const cardKey = deriveCardKey(cardInput);
  const proofArgs = { deployment, batch, serial, cardKey };
  const proof =
    source.manifest !== undefined
      ? await proofFromManifest(ctx, { path: source.manifest, ...proofArgs })
      : await proofFromIndexer(ctx, { url: source.indexerUrl!, ...proofArgs });

  ctx.output.info(`the code is card ${serial}'s: redeeming it`);
  // The card secret exists only for this signature; the signature binds the redeemer (msg.sender).
  const secret = deriveCardSecret(cardInput);
  let signature: CompactRedemptionSignature;
  try {
    signature = await signRedemption(secret, { chainId: ctx.chainId, registry, batchId, serial, redeemer });
  } finally {
    secret.fill(0);
  }
  const receipt = await sendContractTransaction(ctx, {
    address: registry,
    abi: voucherRegistryAbi,
    functionName: "redeem",
    args: [batchId, serial, runStart, signature.sigR, signature.sigVs, proof],
    action: `redeem ${card}`,
  });
  ctx.output.result(
    {
      batchId,
      serial,
      redeemer,
      transaction: receipt.transactionHash,
      blockNumber: receipt.blockNumber,
    },
    [
      `redeemed ${card}: hand over its value`,
      `  transaction ${receipt.transactionHash} (block ${receipt.blockNumber})`,
    ],
  );
}

/** Status 1 Active and 2 Inactive (when the batch does not need activation: never) may go on; the rest say why not. */
async function refuseUnredeemable(
  ctx: CliContext,
  registry: Address,
  batch: BatchView,
  serial: number,
  status: number,
  runStart: number,
): Promise<void> {
  const card = `card ${serial} of batch ${batch.batchId}`;
  const statusHint = `\`cardproof status ${batch.batchId}/${serial}\` shows the card`;
  switch (status) {
    case 1:
      return;
    case 2:
      throw new CliError(`${card} was never activated at a point of sale`, {
        hint: `the retailer that sold it activates it with \`cardproof lot activate ${batch.batchId} ${serial}\``,
      });
    case 3:
      throw new CliError(`${card} is already redeemed: do not hand over its value again`, {
        hint: `${statusHint}, with when and by whom`,
      });
    case 4: {
      const run = await readChain(ctx, `read the custody run of ${card}`, () =>
        ctx.client.readContract({
          address: registry,
          abi: voucherRegistryAbi,
          functionName: "runAt",
          args: [batch.batchId, runStart],
        }),
      );
      throw new CliError(
        `${card} is revoked by its issuer (${describeRevokeReason(run.revokeReason)}): do not accept it`,
        {
          hint: statusHint,
        },
      );
    }
    case 5:
      throw new CliError(
        `${card} expired at ${new Date(batch.expiresAt * 1000).toISOString()}: it can no longer be redeemed`,
      );
    default:
      throw new CliError(`batch ${batch.batchId} has no card ${serial}`, {
        hint: "check the serial printed on the card",
      });
  }
}

function indexerFromEnv(): string | undefined {
  const value = process.env[INDEXER_VARIABLE];
  return value === undefined || value === "" ? undefined : value;
}

/**
 * The error to report, with the code cut out of its words wherever it could hide: canonical,
 * printed with dashes, lower-case, or as the hex bytes a transaction carries. An error that is not
 * a {@link CliError} is not shown at all (its message could quote the call's arguments).
 */
function withoutSecret(error: unknown, code: string): CliError {
  if (!(error instanceof CliError)) {
    return new CliError("could not redeem the card: unexpected failure (details withheld: they may hold the code)");
  }
  const forms = [code, formatCode(code), stringToHex(code).slice(2)] as const;
  const scrub = (text: string) =>
    forms.reduce((clean, form) => clean.replace(new RegExp(escape(form), "gi"), "[code]"), text);
  const message = scrub(error.message);
  const hint = error.hint === undefined ? undefined : scrub(error.hint);
  if (message === error.message && hint === error.hint) return error;
  return new CliError(message, { exitCode: error.exitCode, ...(hint === undefined ? {} : { hint }) });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
