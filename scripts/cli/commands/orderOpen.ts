import { erc20Abi, stringToHex, toHex, type Hex } from "viem";

import { computeOrderId, orderAmount, type EscrowOrder } from "../../lib/orderId.js";
import { settlementEscrowAbi } from "../../lib/settlementEscrowAbi.js";
import { escrowCallAbi } from "../chain/escrowCallAbi.js";
import { parseBatchId } from "../chain/parseBatchId.js";
import { readChain } from "../chain/readChain.js";
import { readChainTime } from "../chain/readChainTime.js";
import { readBatch } from "../chain/readCustody.js";
import { readStock } from "../chain/readStock.js";
import { readSignerAddress } from "../chain/readSignerAddress.js";
import { chooseToken, formatTokenAmount, readToken } from "../chain/readToken.js";
import type { CliCommand } from "../CliCommand.js";
import { CliError, usageError } from "../CliError.js";
import {
  optionalString,
  parseAddress,
  parseBytes32,
  parseDecimalAmount,
  parseDuration,
  parseInteger,
  parseTime,
  requiredString,
} from "../parseOptionValue.js";
import { sendContractTransaction } from "../sendContractTransaction.js";
import { formatTime, formatWindow } from "./orderArguments.js";

const MIN_WINDOW = 3_600;
const MAX_WINDOW = 30 * 86_400;
const MAX_AMOUNT = (1n << 96n) - 1n;

/** `cardproof order open`: a buyer orders and pays for a lot of cards into the escrow. */
export const orderOpenCommand: CliCommand = {
  path: ["order", "open"],
  summary: "order a lot of cards from a supplier and pay into the escrow (the buyer)",
  usage: `Usage: cardproof order open --supplier <address> --batch-id <id> --quantity <n> --unit-price <amount> [options]

  --supplier <address>        who sells the cards
  --batch-id <id>             the batch the cards come from
  --quantity <n>              consecutive cards to deliver
  --unit-price <amount>       price of one card in the token, e.g. 9.50
  --token <address>           the stablecoin to pay in (default: the deployment's test stablecoin)
  --deadline <when>           last moment the supplier may deliver: +7d, +12h, 2027-12-31 or an
                              ISO date-time (default +7d, by the chain's clock)
  --challenge-window <time>   how long after delivery you may dispute, 1h to 30d (default 24h)
  --min-validity <time>       how long the cards must stay valid after delivery, e.g. 30d: the
                              supplier cannot deliver a batch expiring sooner (default 0: no requirement)
  --accept-activated          accept cards already activated at a point of sale (default: the
                              supplier may deliver inactive cards only)
  --ref <text>                your own reference (purchase order number), up to 32 bytes
  --salt <hex>                32 bytes that make the order id unique (default: random)
  --no-approve                do not approve the escrow to take the amount (you approved it already)
  --without-stock             open the order although the supplier holds fewer cards of the batch
                              than ordered (it may receive them before the deadline); without it,
                              that is refused, since the amount stays locked until the deadline

Checks your balance first, approves the escrow for exactly the order's amount (unless
--no-approve), opens the order and prints its id: every later \`cardproof order …\` takes it.`,
  options: {
    supplier: { type: "string" },
    "batch-id": { type: "string" },
    quantity: { type: "string" },
    "unit-price": { type: "string" },
    token: { type: "string" },
    deadline: { type: "string" },
    "challenge-window": { type: "string" },
    "min-validity": { type: "string" },
    "accept-activated": { type: "boolean" },
    ref: { type: "string" },
    salt: { type: "string" },
    "no-approve": { type: "boolean" },
    "without-stock": { type: "boolean" },
  },
  async run({ values, output, context }) {
    const supplier = parseAddress("--supplier", requiredString(values, "supplier", "0x…"));
    const batchId = parseBatchId("--batch-id", requiredString(values, "batch-id", "4294967297"));
    const quantity = parseInteger("--quantity", requiredString(values, "quantity", "1000"), {
      min: 1,
      max: 2 ** 32 - 1,
    });
    const unitPriceText = requiredString(values, "unit-price", "9.50");
    const tokenText = optionalString(values, "token");
    const challengeWindow = parseDuration("--challenge-window", optionalString(values, "challenge-window") ?? "24h", {
      min: MIN_WINDOW,
      max: MAX_WINDOW,
    });
    const minValidity = parseDuration("--min-validity", optionalString(values, "min-validity") ?? "0", {
      min: 0,
      max: 2 ** 32 - 1,
    });
    const acceptActivated = values["accept-activated"] === true;
    const buyerRef = parseReference(optionalString(values, "ref"));
    const saltText = optionalString(values, "salt");
    const salt = saltText === undefined ? randomSalt() : parseBytes32("--salt", saltText);
    const approve = values["no-approve"] !== true;

    const ctx = await context();
    const deployment = await ctx.deployment();
    const { escrow } = deployment;
    const buyer = await readSignerAddress(ctx);
    if (supplier === buyer) throw usageError("you cannot order from yourself: --supplier is the signer");
    const token = await readToken(
      ctx,
      chooseToken(deployment, tokenText === undefined ? undefined : parseAddress("--token", tokenText)),
    );
    const unitPrice = parseDecimalAmount("--unit-price", unitPriceText, token.decimals);
    const amount = orderAmount({ unitPrice, quantity });
    if (unitPrice === 0n) throw usageError("--unit-price must be above 0");
    if (amount > MAX_AMOUNT) {
      throw usageError(
        `the order's amount ${formatTokenAmount(amount, token)} is over the escrow's limit of 2^96 - 1 base units`,
      );
    }
    const now = await readChainTime(ctx);
    const fulfilDeadline = parseTime("--deadline", optionalString(values, "deadline") ?? "+7d", now);
    if (fulfilDeadline <= now) {
      throw usageError(
        `--deadline ${formatTime(fulfilDeadline)} is not in the future (the chain's clock says ${formatTime(now)})`,
      );
    }

    const batch = await readBatch(ctx, deployment.registry, batchId);
    if (quantity > batch.count) {
      throw new CliError(`batch ${batchId} has only ${batch.count} cards, not ${quantity}`, { exitCode: 2 });
    }
    if (values["without-stock"] !== true) {
      const stock = await readStock(ctx, deployment.registry, batch, supplier, { acceptActivated });
      if (!stock.counted) {
        output.warn(
          `batch ${batchId} is split into more than ${stock.runs} custody runs: the supplier's cards were not ` +
            "counted; make sure it holds what you order",
        );
      } else if (stock.cards < quantity) {
        throw new CliError(
          `${supplier} holds ${stock.cards} deliverable cards of batch ${batchId}, fewer than the ${quantity} ordered: ` +
            `the ${formatTokenAmount(amount, token)} would stay locked in the escrow until ${formatTime(fulfilDeadline)}`,
          {
            hint:
              "check --supplier and --batch-id (cardproof status); if the supplier receives the cards before the " +
              "deadline, pass --without-stock; nothing was sent",
          },
        );
      }
    }
    const [[policyId], allowed, balance, allowance] = await readChain(
      ctx,
      "read the escrow's terms and your balance",
      () =>
        Promise.all([
          ctx.client.readContract({ address: escrow, abi: settlementEscrowAbi, functionName: "currentPolicy" }),
          ctx.client.readContract({
            address: escrow,
            abi: settlementEscrowAbi,
            functionName: "isTokenAllowed",
            args: [token.address],
          }),
          ctx.client.readContract({ address: token.address, abi: erc20Abi, functionName: "balanceOf", args: [buyer] }),
          ctx.client.readContract({
            address: token.address,
            abi: erc20Abi,
            functionName: "allowance",
            args: [buyer, escrow],
          }),
        ]),
    );
    if (!allowed) {
      throw new CliError(`the escrow does not accept ${token.symbol} (${token.address})`, {
        hint: "pay with a stablecoin the escrow allows (its admin allows tokens)",
      });
    }
    if (balance < amount) {
      const missing = formatTokenAmount(amount - balance, token).split(" ")[0]!;
      throw new CliError(
        `${buyer} holds ${formatTokenAmount(balance, token)}, needs ${formatTokenAmount(amount, token)} ` +
          `for ${quantity} cards at ${formatTokenAmount(unitPrice, token)}`,
        {
          hint:
            token.address === deployment.testStablecoin
              ? `mint test tokens with \`cardproof token mint --to ${buyer} --amount ${missing}\``
              : `fund ${buyer} with ${token.symbol} first`,
        },
      );
    }
    if (allowance < amount) {
      if (!approve) {
        throw new CliError(
          `the escrow may take only ${formatTokenAmount(allowance, token)} of your ${token.symbol}, ` +
            `the order needs ${formatTokenAmount(amount, token)}`,
          { hint: "leave out --no-approve and the CLI approves exactly the amount" },
        );
      }
      output.info(`approving the escrow to take exactly ${formatTokenAmount(amount, token)}`);
      await sendContractTransaction(ctx, {
        address: token.address,
        abi: [...erc20Abi, ...escrowCallAbi.filter((item) => item.type === "error")],
        functionName: "approve",
        args: [escrow, amount],
        action: `approve the escrow for ${formatTokenAmount(amount, token)}`,
      });
    }

    const order: EscrowOrder = {
      buyer,
      supplier,
      token: token.address,
      batchId,
      quantity,
      unitPrice,
      fulfilDeadline,
      challengeWindow,
      minValidity,
      acceptActivated,
      policyId,
      buyerRef,
      salt,
    };
    const orderId = computeOrderId({ chainId: ctx.chainId, escrow, order });
    const receipt = await sendContractTransaction(ctx, {
      address: escrow,
      abi: escrowCallAbi,
      functionName: "open",
      args: [order],
      action: `open an order for ${quantity} cards of batch ${batchId}`,
    });
    output.result(
      {
        orderId,
        ...order,
        amount,
        amountText: formatTokenAmount(amount, token),
        symbol: token.symbol,
        decimals: token.decimals,
        escrow,
        transaction: receipt.transactionHash,
        blockNumber: receipt.blockNumber,
      },
      [
        orderId,
        `  opened: ${quantity} cards of batch ${batchId} from ${supplier} at ${formatTokenAmount(unitPrice, token)}, ` +
          `${formatTokenAmount(amount, token)} held in escrow`,
        `  delivery by ${formatTime(fulfilDeadline)}; ${formatWindow(challengeWindow)} to check the delivery`,
        `  ${acceptActivated ? "activated cards accepted" : "inactive cards only"}` +
          (minValidity === 0 ? "" : `; cards valid at least ${formatWindow(minValidity)} after delivery`),
        `  the supplier delivers with \`cardproof order fulfill ${orderId} --start <serial>\``,
      ],
    );
  },
};

function parseReference(text: string | undefined): Hex {
  if (text === undefined) return `0x${"0".repeat(64)}`;
  const length = new TextEncoder().encode(text).length;
  if (length > 32) throw usageError(`--ref takes up to 32 bytes, "${text}" takes ${length}`);
  return stringToHex(text, { size: 32 });
}

function randomSalt(): Hex {
  return toHex(globalThis.crypto.getRandomValues(new Uint8Array(32)));
}
