import {
  BaseError as ViemError,
  ContractFunctionRevertedError,
  HttpRequestError,
  InsufficientFundsError,
  keccak256,
  TimeoutError,
  toBytes,
  zeroHash,
} from "viem";

import { describeRevokeReason } from "../lib/revokeReasons.js";
import { CliError } from "./CliError.js";

type Explanation = { message: string; hint?: string };
type Explain = (args: readonly unknown[]) => Explanation;

const STATUS_NAMES = ["None", "Open", "Fulfilled", "Disputed", "Released", "Resolved", "Refunded"];
/** AccessControl role ids by name, for messages. */
const ROLE_NAMES = new Map<string, string>([
  [zeroHash, "admin role"],
  [keccak256(toBytes("CardProof.ISSUER_ROLE")), "issuer role"],
  [keccak256(toBytes("CardProof.PAUSER_ROLE")), "pauser role"],
]);
const text = (value: unknown) => String(value);
/** Unix seconds as an ISO date-time, the form the CLI prints times in. */
const formatUnixTime = (value: unknown) => new Date(Number(value) * 1000).toISOString().replace(".000Z", "Z");

/**
 * Plain words for every custom error the registry and escrow can revert with: what happened, with
 * its values, and what to do. Errors not listed here (e.g. a token's own) fall back to their name
 * and arguments.
 */
const EXPLANATIONS: Record<string, Explain> = {
  VoucherRegistryUnknownBatch: ([batchId]) => ({
    message: `batch ${text(batchId)} does not exist on this registry`,
    hint: "check the batch id and that --deployment and --rpc-url point to the chain it was minted on",
  }),
  VoucherRegistryNotBatchIssuer: ([batchId, caller]) => ({
    message: `${text(caller)} is not the issuer of batch ${text(batchId)}`,
    hint: "sign with the issuer's key (CARDPROOF_PRIVATE_KEY)",
  }),
  VoucherRegistryBatchIdNotOwned: ([batchId, issuerId]) => ({
    message: `batch id ${text(batchId)} is outside issuer #${text(issuerId)}'s range`,
    hint: "leave out --batch-id and the CLI picks the issuer's next free id",
  }),
  VoucherRegistryBatchExists: ([batchId]) => ({
    message: `batch ${text(batchId)} is already issued`,
    hint: "pick another --batch-id, or leave it out",
  }),
  VoucherRegistryInvalidIssuer: ([account]) => ({
    message: `${text(account)} cannot take an issuer id: it is the zero address or already an issuer`,
    hint: "register or rotate to a fresh account that holds no issuer id yet",
  }),
  VoucherRegistryUnknownIssuer: ([issuerId]) => ({
    message: `issuer #${text(issuerId)} is not registered on this registry`,
    hint: "check the issuer id: `cardproof issuer register` prints it when the admin registers an issuer",
  }),
  VoucherRegistryIssuerInactive: ([issuerId, account]) => ({
    message: `issuer #${text(issuerId)} (${text(account)}) no longer holds the issuer role, so its batch powers are suspended`,
    hint: "the registry's admin restores the role, or rotates the issuer to a new key",
  }),
  VoucherRegistryEmptyRoot: () => ({
    message: "the batch has an empty Merkle root",
    hint: "mint with `cardproof batch mint`, which builds the tree from the cards",
  }),
  VoucherRegistryZeroCount: () => ({ message: "a batch needs at least one card", hint: "pass --count 1 or more" }),
  VoucherRegistryInvalidCurrency: ([currency]) => ({
    message: `currency ${text(currency)} is not three capital letters (ISO 4217)`,
    hint: "pass --currency USD, EUR, CNY, …",
  }),
  VoucherRegistryNoRedemptions: () => ({ message: "no card was given to redeem" }),
  VoucherRegistryExpiryInPast: ([expiresAt]) => ({
    message: `the expiry ${new Date(Number(expiresAt) * 1000).toISOString()} is in the past`,
    hint: "pass a future --expires, e.g. +365d",
  }),
  VoucherRegistryInvalidHint: ([batchId, hint]) => ({
    message: `the run hint ${text(hint)} for batch ${text(batchId)} is stale`,
    hint: "run the command again: the CLI reads a fresh hint from the chain",
  }),
  VoucherRegistryLotHintMismatch: ([batchId, start, hint, runEnd]) => ({
    message:
      `the hint ${text(hint)} for the lot from serial ${text(start)} of batch ${text(batchId)} names a run ` +
      `that ends at ${text(runEnd)}, not the run holding card ${Number(start) - 1} (a lot's hint is the run before it)`,
    hint: "run the command again: the CLI reads a fresh hint from the chain",
  }),
  VoucherRegistryLotOutOfRange: ([batchId, start, end, count]) => ({
    message: `the lot ${text(start)}-${Number(end) - 1} runs past the end of batch ${text(batchId)} (${text(count)} cards: 0-${Number(count) - 1})`,
    hint: "check the lot's end: it is exclusive, so the last lot of a batch ends at its card count",
  }),
  VoucherRegistrySerialOutsideRun: ([batchId, serial, runStart, runEnd]) => ({
    message: `card ${text(serial)} of batch ${text(batchId)} is not in run ${text(runStart)}-${Number(runEnd) - 1}`,
    hint: "run the command again: the CLI reads a fresh hint from the chain",
  }),
  VoucherRegistryLotNotHeld: ([batchId, start, holder]) => ({
    message: `cards from serial ${text(start)} of batch ${text(batchId)} are held by ${text(holder)}`,
    hint: "sign with the holder's key, or ask the holder to transfer the lot to you",
  }),
  VoucherRegistryNotHolderOrOperator: ([batchId, holder, caller]) => ({
    message: `${text(caller)} neither holds these cards of batch ${text(batchId)} nor operates for their holder ${text(holder)}`,
    hint: "sign with the holder's key, or have the holder approve you as operator",
  }),
  VoucherRegistryInvalidRecipient: ([to]) => ({ message: `cannot transfer cards to ${text(to)}` }),
  VoucherRegistryLotRevoked: ([batchId, runStart, reason]) => ({
    message: `the lot from serial ${text(runStart)} of batch ${text(batchId)} is revoked (${describeRevokeReason(Number(reason))})`,
    hint: "revoked cards can no longer move or be activated",
  }),
  VoucherRegistryLotAlreadyActivated: ([batchId, runStart]) => ({
    message: `the lot from serial ${text(runStart)} of batch ${text(batchId)} is already activated`,
  }),
  VoucherRegistryBatchExpired: ([batchId, expiresAt]) => ({
    message: `batch ${text(batchId)} expired at ${new Date(Number(expiresAt) * 1000).toISOString()}`,
  }),
  VoucherRegistryInvalidRevokeReason: ([reason]) => ({
    message: `revoke reason ${text(reason)} is not valid`,
    hint: "use --reason stolen, lost, damaged, fraud, recalled, other, or a code from 1 to 65535",
  }),
  VoucherRegistryRedeemerUnchanged: ([batchId, redeemer, allowed]) => ({
    message: `${text(redeemer)} ${allowed === true ? "already is" : "is not"} a redeemer of batch ${text(batchId)}`,
  }),
  VoucherRegistryInvalidRedeemer: ([redeemer]) => ({ message: `${text(redeemer)} cannot be a redeemer` }),
  VoucherRegistryEmptyLot: ([batchId, start, end]) => ({
    message: `the lot ${text(start)}-${Number(end) - 1} of batch ${text(batchId)} holds no card`,
  }),
  VoucherRegistryInvalidOperator: ([operator]) => ({ message: `${text(operator)} cannot be approved as an operator` }),
  VoucherRegistryNotRedeemer: ([batchId, caller]) => ({
    message: `${text(caller)} may not redeem cards of batch ${text(batchId)}`,
    hint: "the batch's issuer allows redeemers with `cardproof batch redeemer <batch-id> --add <address>`",
  }),
  VoucherRegistryVoucherRevoked: ([batchId, serial, reason]) => ({
    message: `card ${text(serial)} of batch ${text(batchId)} is revoked (${describeRevokeReason(Number(reason))}): do not accept it`,
  }),
  VoucherRegistryNotActivated: ([batchId, serial]) => ({
    message: `card ${text(serial)} of batch ${text(batchId)} was never activated at a point of sale`,
    hint: "the retailer that sold it activates it with `cardproof lot activate`",
  }),
  VoucherRegistryAlreadyRedeemed: ([batchId, serial]) => ({
    message: `card ${text(serial)} of batch ${text(batchId)} is already redeemed`,
    hint: "`cardproof status` shows when and by whom",
  }),
  VoucherRegistryInvalidProof: ([batchId, serial]) => ({
    message: `the code does not belong to card ${text(serial)} of batch ${text(batchId)} (its card key and proof do not match the batch's root)`,
    hint: "check the code for typos (the CLI checks its check character) and the serial",
  }),
  VoucherRegistryInvalidCardSignature: ([batchId, serial]) => ({
    message: `the card signature for card ${text(serial)} of batch ${text(batchId)} is malformed`,
    hint: "redeem with `cardproof redeem`, which signs with the key derived from the card's code",
  }),
  EnforcedPause: () => ({ message: "the contract is paused by its pauser", hint: "try again once it is unpaused" }),
  AccessControlUnauthorizedAccount: ([account, role]) => ({
    message: `${text(account)} lacks the ${ROLE_NAMES.get(text(role)) ?? `role ${text(role)}`} this needs`,
    hint: "sign with the admin's key",
  }),
  SettlementEscrowTokenNotAllowed: ([token]) => ({
    message: `the escrow does not accept token ${text(token)}`,
    hint: "pay with an allowed stablecoin; the admin allows tokens with `cardproof deploy --token` at deployment",
  }),
  SettlementEscrowInvalidSupplier: ([supplier]) => ({ message: `${text(supplier)} cannot be the supplier` }),
  SettlementEscrowZeroQuantity: () => ({ message: "an order must be for at least one card" }),
  SettlementEscrowInvalidAmount: ([unitPrice, quantity]) => ({
    message: `a unit price of ${text(unitPrice)} for ${text(quantity)} cards is zero or overflows`,
  }),
  SettlementEscrowDeadlineInPast: ([deadline]) => ({
    message: `the delivery deadline ${new Date(Number(deadline) * 1000).toISOString()} is in the past`,
    hint: "pass a future --deadline, e.g. +7d",
  }),
  SettlementEscrowInvalidChallengeWindow: ([window, min, max]) => ({
    message: `a challenge window of ${text(window)} s is outside ${text(min)}-${text(max)} s`,
  }),
  SettlementEscrowPolicyMismatch: ([agreed, current]) => ({
    message: `the order names policy ${text(agreed)}, but the escrow's current policy is ${text(current)}`,
    hint: "open the order again: the CLI names the current policy",
  }),
  SettlementEscrowBuyerNotCaller: ([buyer, caller]) => ({
    message: `the order's buyer is ${text(buyer)}, but ${text(caller)} signed`,
  }),
  SettlementEscrowOrderExists: ([orderId]) => ({
    message: `order ${text(orderId)} is already open`,
    hint: "pass another --ref or --salt for a second order with the same terms",
  }),
  SettlementEscrowUnknownOrder: ([orderId]) => ({ message: `order ${text(orderId)} does not exist` }),
  SettlementEscrowUnexpectedStatus: ([orderId, status]) => ({
    message: `order ${text(orderId)} is ${STATUS_NAMES[Number(status)] ?? text(status)}, which does not allow this`,
    hint: "`cardproof order show <order-id>` shows the order",
  }),
  SettlementEscrowNotBuyer: ([orderId, caller]) => ({
    message: `${text(caller)} is not the buyer of order ${text(orderId)}`,
    hint: "sign with the buyer's key",
  }),
  SettlementEscrowNotSupplier: ([orderId, caller]) => ({
    message: `${text(caller)} is not the supplier of order ${text(orderId)}`,
    hint: "sign with the supplier's key",
  }),
  SettlementEscrowNotArbiter: ([orderId, caller]) => ({
    message: `${text(caller)} is not the arbiter of order ${text(orderId)}`,
    hint: "sign with the arbiter's key",
  }),
  SettlementEscrowFulfilDeadlinePassed: ([orderId, deadline]) => ({
    message: `order ${text(orderId)}'s delivery deadline passed at ${new Date(Number(deadline) * 1000).toISOString()}`,
    hint: "the buyer can now get a refund with `cardproof order refund`",
  }),
  SettlementEscrowFulfilDeadlineNotReached: ([orderId, deadline]) => ({
    message: `order ${text(orderId)} can be delivered until ${new Date(Number(deadline) * 1000).toISOString()}`,
    hint: "a refund for non-delivery is possible only after the deadline",
  }),
  SettlementEscrowChallengeWindowClosed: ([orderId, releaseAt]) => ({
    message: `order ${text(orderId)}'s challenge window closed at ${new Date(Number(releaseAt) * 1000).toISOString()}`,
  }),
  SettlementEscrowChallengeWindowOpen: ([orderId, releaseAt]) => ({
    message: `order ${text(orderId)} can be released after ${new Date(Number(releaseAt) * 1000).toISOString()}`,
    hint: "wait for the challenge window to close, or ask the buyer to confirm",
  }),
  SettlementEscrowInvalidShare: ([share]) => ({ message: `a buyer share of ${text(share)} bps is over 10,000` }),
  SettlementEscrowLotOutOfRange: ([orderId, start, quantity]) => ({
    message: `${text(quantity)} cards from serial ${text(start)} run past the end of order ${text(orderId)}'s batch`,
  }),
  SettlementEscrowLotHasRedeemedCard: ([orderId, serial]) => ({
    message: `card ${text(serial)} in the lot for order ${text(orderId)} is already redeemed`,
    hint: "deliver a lot of unused cards (another --start)",
  }),
  SettlementEscrowTransferMismatch: ([token, expected, received]) => ({
    message: `token ${text(token)} delivered ${text(received)} instead of ${text(expected)} (a fee-on-transfer token?)`,
  }),
  SettlementEscrowNothingToWithdraw: ([account, token]) => ({
    message: `${text(account)} has no ${text(token)} credit in the escrow`,
  }),
  SettlementEscrowFeeTooHigh: ([fee, max]) => ({
    message: `a fee of ${text(fee)} bps is over the ${text(max)} bps cap`,
  }),
  SettlementEscrowInvalidFundShare: ([share]) => ({ message: `a fund share of ${text(share)} bps is over 10,000` }),
  SettlementEscrowInvalidArbiter: ([arbiter]) => ({ message: `${text(arbiter)} cannot be the arbiter` }),
  SettlementEscrowZeroAddress: () => ({ message: "an address given is the zero address" }),
  SettlementEscrowLotHasActivatedCard: ([orderId, serial]) => ({
    message: `card ${text(serial)} in the lot for order ${text(orderId)} was already activated at a point of sale, and the order asks for inactive cards`,
    hint: "deliver a lot of inactive cards (another --start)",
  }),
  SettlementEscrowLotExpiresTooSoon: ([orderId, expiresAt, requiredUntil]) => ({
    message: `the batch of order ${text(orderId)} expires at ${formatUnixTime(expiresAt)}, but the order asks for cards valid until ${formatUnixTime(requiredUntil)}`,
    hint: "deliver cards of a batch that lives longer, or agree a new order with the buyer",
  }),
  SettlementEscrowDisputeDeadlinePassed: ([orderId, deadline]) => ({
    message: `the arbiter's time to rule on order ${text(orderId)} ended at ${formatUnixTime(deadline)}`,
    hint: "anyone now ends the dispute by the policy's rule with `cardproof order end-dispute <order-id>`",
  }),
  SettlementEscrowDisputeDeadlineNotReached: ([orderId, deadline]) => ({
    message: `the arbiter may still rule on order ${text(orderId)} until ${formatUnixTime(deadline)}`,
    hint: "wait for the deadline, or ask the arbiter to rule (`cardproof order resolve`)",
  }),
  SettlementEscrowInvalidReturn: ([orderId, start, end, returnFrom, lotEnd]) => ({
    message: `cards [${text(start)}, ${text(end)}) are not a part of order ${text(orderId)}'s lot still to return, [${text(returnFrom)}, ${text(lotEnd)})`,
    hint: "return cards of the delivered lot you have not returned or passed over yet (`cardproof order show` shows the lot)",
  }),
  SettlementEscrowReturnHasRedeemedCard: ([orderId, serial]) => ({
    message: `card ${text(serial)} of order ${text(orderId)} was redeemed: it cannot come back, and counts against the buyer`,
    hint: "return the cards around it: one range before it, another after it",
  }),
  SettlementEscrowInvalidDisputeTimeout: ([timeout, min, max]) => ({
    message: `a dispute timeout of ${text(timeout)} s is outside ${text(min)} to ${text(max)} s`,
  }),
  SettlementEscrowUnknownPolicy: ([policyId]) => ({ message: `policy ${text(policyId)} was never set` }),
  SettlementEscrowNoArbiterChange: ([policyId]) => ({
    message: `no arbiter change is scheduled for policy ${text(policyId)}`,
    hint: "governance schedules one with scheduleArbiter; it can be applied after the delay",
  }),
  SettlementEscrowNoFundCapChange: ([token]) => ({
    message: `no fund cap change is scheduled for token ${text(token)}`,
    hint: "governance schedules one with scheduleFundCap; it can be applied after the delay",
  }),
  SettlementEscrowChangeNotReady: ([readyAt]) => ({
    message: `the scheduled change takes effect at ${formatUnixTime(readyAt)}, not before`,
    hint: "apply it again after that time; anyone may",
  }),
  SettlementEscrowFundCapExceeded: ([token, requested, remaining]) => ({
    message: `the protection fund may pay only ${text(remaining)} more of token ${text(token)} this period, not ${text(requested)} (base units)`,
    hint: "pay the rest in the next 30-day period, or have governance raise the cap (it waits 3 days)",
  }),
  SettlementEscrowInvalidPayee: ([to]) => ({
    message: `${text(to)} cannot receive a payout: the zero address or the escrow itself`,
    hint: "name another address",
  }),
  ERC20InsufficientBalance: ([sender, balance, needed]) => ({
    message: `${text(sender)} holds ${text(balance)} of the token but ${text(needed)} is needed (base units)`,
    hint: "fund the buyer's wallet with the stablecoin first",
  }),
  ERC20InsufficientAllowance: ([spender, allowance, needed]) => ({
    message: `${text(spender)} may spend ${text(allowance)} of the token but ${text(needed)} is needed (base units)`,
    hint: "approve the escrow for the order's amount (the CLI does this unless --no-approve)",
  }),
};

/**
 * Turns what viem throws while simulating or sending a contract call into a {@link CliError}:
 * custom errors in plain words with their values, an unreachable node, a wallet without gas money.
 * `action` names what was being done ("transfer the lot").
 */
export function explainContractError(error: unknown, action: string, rpcUrl: string): CliError {
  if (error instanceof CliError) return error;
  if (!(error instanceof ViemError)) {
    return new CliError(`could not ${action}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  }
  const reverted = error.walk((cause) => cause instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError) {
    const name = reverted.data?.errorName;
    const args = reverted.data?.args ?? [];
    const explain = name === undefined ? undefined : EXPLANATIONS[name];
    if (explain !== undefined) {
      const { message, hint } = explain(args);
      return new CliError(`could not ${action}: ${message}`, { ...(hint === undefined ? {} : { hint }), cause: error });
    }
    const detail =
      name === undefined ? (reverted.reason ?? "no reason given") : `${name}(${args.map(text).join(", ")})`;
    return new CliError(`could not ${action}: the contract refused: ${detail}`, { cause: error });
  }
  if (error.walk((cause) => cause instanceof InsufficientFundsError) !== null) {
    return new CliError(`could not ${action}: the signing account has too little native currency for gas`, {
      hint: "fund the account with the chain's native currency",
      cause: error,
    });
  }
  if (error.walk((cause) => cause instanceof HttpRequestError || cause instanceof TimeoutError) !== null) {
    return unreachable(rpcUrl, error);
  }
  return new CliError(`could not ${action}: ${error.shortMessage}`, { cause: error });
}

/** The node at `rpcUrl` does not answer. */
export function unreachable(rpcUrl: string, cause: unknown): CliError {
  return new CliError(`cannot reach the chain at ${redactUrl(rpcUrl)}`, {
    hint: "start the local chain with `npm start` (or `npx hardhat node`), or pass --rpc-url / CARDPROOF_RPC_URL",
    cause,
  });
}

/** The URL without credentials or query (hosted RPC URLs carry API keys there). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const keyInPath = parsed.pathname.length > 20;
    return `${parsed.protocol}//${parsed.host}${keyInPath ? "/…" : parsed.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}
