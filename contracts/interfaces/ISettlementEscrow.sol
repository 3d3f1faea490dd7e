// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ISettlementEscrow
/// @notice Delivery-versus-payment for B2B orders of voucher cards, paid in allowlisted ERC-20
/// stablecoins. A buyer opens and funds an order in one transaction; the supplier's `fulfill` moves
/// the lot to the buyer through the registry in the transaction that marks the order delivered;
/// a challenge window then lets the buyer confirm or dispute before anyone can release the
/// payment. Unfulfilled orders refund automatically. Every payout is credited, then withdrawn.
/// Calls after {open} pass the order's terms, which the escrow checks against the stored id.
///
/// Lifecycle (status after each transition):
///
///     open ───────────────► Open ──fulfill──► Fulfilled ──confirm / release──► Released
///                            │                   │    ▲
///                            │                dispute  └── (buyer may still confirm)
///                            │                   ▼
///                            │               Disputed ──resolve (arbiter, before the deadline)────► Resolved
///                            │                │  ▲   └──resolveExpiredDispute (anyone, after it)──► Resolved
///                            │     returnCards └──┘  └──confirm──► Released
///                            └──refundExpired / reject / cancel──► Refunded
///
/// Every state ends without any one party: Open by the fulfil deadline, Fulfilled by the
/// challenge window, Disputed by the policy's dispute timeout (its rule then splits the amount).
/// A buyer is refunded for delivered cards only as far as it gave them back, unredeemed, through
/// the registry ({returnCards}); what a ruling gives the buyer beyond that goes to the supplier.
///
/// Governance cannot move money fast: replacing an arbiter (of a policy, or of the protection
/// fund, policy 0) and changing the fund's payout cap take effect {CHANGE_DELAY} after they are
/// scheduled, with events, and fund payouts are capped per token per {FUND_PERIOD}.
///
/// @dev Invariant, per token: `balanceOf(escrow) == Σ amount of orders Open, Fulfilled or Disputed
/// + Σ credits + protection fund + accrued fees`. Fees are charged on what the supplier is paid,
/// never on refunds. The fee, the fund's share of it and the arbiter are fixed per order when it
/// opens (its `policyId`); later policy changes apply to new orders only. The order's amount is
/// `unitPrice * quantity`.
interface ISettlementEscrow {
    enum OrderStatus {
        None,
        Open,
        Fulfilled,
        Disputed,
        Released,
        Resolved,
        Refunded
    }

    enum RefundReason {
        Expired,
        Rejected,
        Cancelled
    }

    /// @notice An order's terms, fixed when the buyer opens it. Their hash is the order id; every
    /// later call passes them again and the escrow checks them against the id, so only the order's
    /// state is stored (one slot), and anyone can read the terms back from {OrderOpened}.
    /// @param buyer Pays, receives the cards, may confirm, dispute or cancel. Must be the caller of {open}.
    /// @param supplier Seller of the cards, who must fulfil by `fulfilDeadline`.
    /// @param token Allowlisted ERC-20 the order is paid in.
    /// @param batchId Registry batch the cards come from.
    /// @param quantity Number of consecutive cards to deliver.
    /// @param unitPrice Price per card in token units; `unitPrice * quantity` must fit 96 bits.
    /// @param fulfilDeadline Last second (unix time) at which the supplier may fulfil.
    /// @param challengeWindow Seconds after delivery during which the buyer may dispute.
    /// @param minValidity Seconds the cards must stay valid after delivery: the batch's expiry must
    /// be at least this far ahead when the supplier fulfils (0: no requirement; a batch that never
    /// expires always passes).
    /// @param acceptActivated Whether the buyer accepts cards already activated at a point of sale.
    /// False (the default a zero value gives) requires every delivered card to be inactive.
    /// @param policyId The fee and arbiter policy the buyer agreed to: opening reverts unless it is
    /// the current one, and the order keeps it whatever the admin sets later.
    /// @param buyerRef Buyer's own reference (purchase order number, hashed).
    /// @param salt Makes the order id unique when the same terms are ordered twice.
    struct Order {
        address buyer;
        address supplier;
        address token;
        uint64 batchId;
        uint32 quantity;
        uint96 unitPrice;
        uint40 fulfilDeadline;
        uint32 challengeWindow;
        uint32 minValidity;
        bool acceptActivated;
        uint16 policyId;
        bytes32 buyerRef;
        bytes32 salt;
    }

    /// @notice What the escrow stores per order.
    /// @param status Where the order is in its lifecycle; None for an unknown id.
    /// @param releaseAt Once fulfilled: end of the challenge window, from which `release` works.
    /// @param openedAt Block in which the order was opened: its {OrderOpened} log, with the terms, is there.
    /// @param disputeDeadline Once disputed: until when the arbiter may rule; from then on anyone
    /// settles the order by the policy's timeout rule ({resolveExpiredDispute}).
    /// @param lotStart Once fulfilled: the first delivered serial (the lot is `[lotStart, lotStart + quantity)`).
    /// @param returnFrom Once disputed: the lowest serial the buyer may still return; serials below
    /// it were returned or passed over, and count once at most.
    /// @param returned How many delivered cards the buyer returned unredeemed.
    /// @dev One slot (248 bits).
    struct OrderState {
        OrderStatus status;
        uint40 releaseAt;
        uint64 openedAt;
        uint40 disputeDeadline;
        uint32 lotStart;
        uint32 returnFrom;
        uint32 returned;
    }

    /// @notice Fee and arbitration policy. Every change makes a new policy with the next id.
    /// Policy 0 is the protection fund's: only its arbiter is used, to pay out the fund.
    /// @param arbiter Rules on disputes of orders opened under this policy (replaceable only
    /// through {scheduleArbiter}, after {CHANGE_DELAY}).
    /// @param feeBps Fee on what suppliers are paid, in basis points, at most {MAX_FEE_BPS}.
    /// @param fundShareBps Share of each fee, in basis points, that goes to the protection fund.
    /// @param disputeTimeout Seconds the arbiter has to rule after a dispute; then the timeout rule applies.
    /// @param timeoutBuyerShareBps The timeout rule: the buyer's share of the amount, in basis
    /// points, capped (like any ruling) by the price of the cards it returned.
    struct Policy {
        address arbiter;
        uint16 feeBps;
        uint16 fundShareBps;
        uint32 disputeTimeout;
        uint16 timeoutBuyerShareBps;
    }

    // ------------------------------------------------------------------ events

    /// @notice A buyer opened and funded an order.
    /// @dev Carries the whole `order`: what later calls pass back.
    event OrderOpened(
        bytes32 indexed orderId,
        address indexed buyer,
        address indexed supplier,
        Order order,
        uint96 amount
    );

    /// @notice The supplier delivered cards `[start, end)` to the buyer; the challenge window runs to `releaseAt`.
    event OrderFulfilled(bytes32 indexed orderId, uint32 start, uint32 end, uint40 releaseAt);

    /// @notice The buyer disputed a delivery; the arbiter may rule until `deadline`, then the policy's timeout rule applies.
    event OrderDisputed(bytes32 indexed orderId, bytes32 reasonHash, uint40 deadline);

    /// @notice The buyer gave the delivered cards `[start, end)` back to the supplier through the
    /// registry; `returned` cards of the order are back in all.
    event OrderCardsReturned(bytes32 indexed orderId, uint32 start, uint32 end, uint32 returned);

    /// @notice The buyer confirmed a delivery (early release); the supplier was credited.
    event OrderConfirmed(bytes32 indexed orderId, uint256 supplierAmount, uint256 platformFee, uint256 fundFee);

    /// @notice `caller` released an order after its challenge window; the supplier was credited.
    event OrderReleased(
        bytes32 indexed orderId,
        address caller,
        uint256 supplierAmount,
        uint256 platformFee,
        uint256 fundFee
    );

    /// @notice A disputed order was split between buyer and supplier: by its arbiter, or, when
    /// `arbiter` is the zero address, by the policy's timeout rule after the dispute deadline.
    /// @dev `buyerAmount` is the ruled share capped by `unitPrice` times the cards returned.
    event OrderResolved(
        bytes32 indexed orderId,
        address arbiter,
        uint16 buyerShareBps,
        uint256 buyerAmount,
        uint256 supplierAmount,
        uint256 platformFee,
        uint256 fundFee
    );

    /// @notice The whole amount of an unfulfilled order was credited back to its buyer.
    event OrderRefunded(
        bytes32 indexed orderId,
        address indexed buyer,
        uint256 amount,
        RefundReason reason,
        address caller
    );

    /// @notice `account` withdrew its credited balance of `token`, paid to `to` (itself, or the
    /// address it named with {withdrawTo}).
    event Withdrawn(address indexed account, address indexed token, uint256 amount, address to);

    /// @notice The arbiter paid `amount` of the protection fund to `to` (credited), for case `caseRef`.
    event ProtectionFundPaid(
        address indexed token,
        address indexed to,
        uint256 amount,
        address arbiter,
        bytes32 caseRef
    );

    /// @notice Accrued platform fees were paid to the fee recipient.
    event FeesCollected(address indexed token, address indexed recipient, uint256 amount);

    /// @notice A new policy applies to orders opened from now on.
    event PolicyUpdated(
        uint16 indexed policyId,
        address arbiter,
        uint16 feeBps,
        uint16 fundShareBps,
        uint32 disputeTimeout,
        uint16 timeoutBuyerShareBps
    );

    /// @notice Governance scheduled `arbiter` to replace the arbiter of `policyId` (0: the fund's) at `readyAt`.
    event ArbiterChangeScheduled(uint16 indexed policyId, address arbiter, uint40 readyAt);

    /// @notice Governance withdrew the scheduled arbiter change of `policyId`.
    event ArbiterChangeCancelled(uint16 indexed policyId);

    /// @notice `arbiter` replaced `previous` as the arbiter of `policyId` (0: the fund's).
    event ArbiterReplaced(uint16 indexed policyId, address previous, address arbiter);

    /// @notice Governance scheduled the fund's payout cap in `token` to become `cap` per period at `readyAt`.
    event FundCapChangeScheduled(address indexed token, uint96 cap, uint40 readyAt);

    /// @notice Governance withdrew the scheduled fund cap change of `token`.
    event FundCapChangeCancelled(address indexed token);

    /// @notice The fund pays out at most `cap` of `token` per {FUND_PERIOD} from now on.
    event FundCapUpdated(address indexed token, uint96 cap);

    /// @notice `token` was added to or removed from the allowlist (open orders are not affected).
    event TokenAllowlistUpdated(address indexed token, bool allowed);

    /// @notice Platform fees are paid to `recipient` from now on.
    event FeeRecipientUpdated(address indexed recipient);

    // ------------------------------------------------------------------ errors

    /// @notice The token is not on the allowlist.
    error SettlementEscrowTokenNotAllowed(address token);
    /// @notice The supplier is the zero address or the buyer.
    error SettlementEscrowInvalidSupplier(address supplier);
    /// @notice An order must be for at least one card.
    error SettlementEscrowZeroQuantity();
    /// @notice `unitPrice * quantity` is zero or does not fit 96 bits.
    error SettlementEscrowInvalidAmount(uint96 unitPrice, uint32 quantity);
    /// @notice The fulfil deadline is not in the future.
    error SettlementEscrowDeadlineInPast(uint40 deadline, uint256 now);
    /// @notice The challenge window is outside `[min, max]` seconds.
    error SettlementEscrowInvalidChallengeWindow(uint32 challengeWindow, uint32 min, uint32 max);
    /// @notice The order's policy is not the current one (the fee or arbiter changed since the
    /// buyer read it); re-read {currentPolicy} and open again.
    error SettlementEscrowPolicyMismatch(uint16 agreedPolicyId, uint16 currentPolicyId);
    /// @notice The order's buyer must be the account opening it.
    error SettlementEscrowBuyerNotCaller(address buyer, address caller);
    /// @notice An order with these terms and salt exists; use another salt.
    error SettlementEscrowOrderExists(bytes32 orderId);
    /// @notice No order was opened with these terms (a changed field changes the id).
    error SettlementEscrowUnknownOrder(bytes32 orderId);
    /// @notice The order is not in a status that allows this transition.
    error SettlementEscrowUnexpectedStatus(bytes32 orderId, OrderStatus status);
    /// @notice Only the order's buyer may do this.
    error SettlementEscrowNotBuyer(bytes32 orderId, address caller);
    /// @notice Only the order's supplier may do this.
    error SettlementEscrowNotSupplier(bytes32 orderId, address caller);
    /// @notice Only the arbiter snapshotted in the order's policy may do this.
    error SettlementEscrowNotArbiter(bytes32 orderId, address caller);
    /// @notice Only the current policy's arbiter may pay out the protection fund.
    error SettlementEscrowNotFundArbiter(address caller);
    /// @notice The fulfil deadline has passed: the order can only be refunded.
    error SettlementEscrowFulfilDeadlinePassed(bytes32 orderId, uint40 deadline);
    /// @notice The fulfil deadline has not passed yet.
    error SettlementEscrowFulfilDeadlineNotReached(bytes32 orderId, uint40 deadline);
    /// @notice The challenge window closed at `releaseAt`: the order can no longer be disputed.
    error SettlementEscrowChallengeWindowClosed(bytes32 orderId, uint40 releaseAt);
    /// @notice The challenge window is open until `releaseAt`: only the buyer can release earlier.
    error SettlementEscrowChallengeWindowOpen(bytes32 orderId, uint40 releaseAt);
    /// @notice A buyer share above 10,000 basis points.
    error SettlementEscrowInvalidShare(uint16 buyerShareBps);
    /// @notice `start + quantity` passes the last possible serial.
    error SettlementEscrowLotOutOfRange(bytes32 orderId, uint32 start, uint32 quantity);
    /// @notice The offered lot holds a redeemed card; deliver another lot.
    error SettlementEscrowLotHasRedeemedCard(bytes32 orderId, uint32 serial);
    /// @notice The escrow's balance moved by `received` when `expected` was transferred
    /// (a fee-on-transfer or rebasing token, which the escrow cannot hold).
    error SettlementEscrowTransferMismatch(address token, uint256 expected, uint256 received);
    /// @notice The caller has no credited balance of `token`.
    error SettlementEscrowNothingToWithdraw(address account, address token);
    /// @notice A fee above the hard cap.
    error SettlementEscrowFeeTooHigh(uint16 feeBps, uint16 maxFeeBps);
    /// @notice A fund share above 10,000 basis points.
    error SettlementEscrowInvalidFundShare(uint16 fundShareBps);
    /// @notice The arbiter must be a non-zero address.
    error SettlementEscrowInvalidArbiter(address arbiter);
    /// @notice The address must be non-zero.
    error SettlementEscrowZeroAddress();
    /// @notice A fund payout to the zero address or to the escrow itself.
    error SettlementEscrowInvalidPayee(address to);
    /// @notice The protection fund holds less than the payout.
    error SettlementEscrowInsufficientFund(address token, uint256 requested, uint256 available);
    /// @notice No platform fees have accrued in `token`.
    error SettlementEscrowNoFees(address token);
    /// @notice 65,535 policies were set; deploy a new escrow.
    error SettlementEscrowPolicyLimitReached();
    /// @notice The order asks for inactive cards and card `serial` of the offered lot was activated; deliver another lot.
    error SettlementEscrowLotHasActivatedCard(bytes32 orderId, uint32 serial);
    /// @notice The batch expires at `expiresAt`, before `requiredUntil` (delivery plus the order's
    /// minimum validity); deliver cards of a longer-lived batch or agree a new order.
    error SettlementEscrowLotExpiresTooSoon(bytes32 orderId, uint32 expiresAt, uint256 requiredUntil);
    /// @notice The dispute deadline passed: the order settles by the policy's timeout rule.
    error SettlementEscrowDisputeDeadlinePassed(bytes32 orderId, uint40 deadline);
    /// @notice The arbiter may still rule until `deadline`.
    error SettlementEscrowDisputeDeadlineNotReached(bytes32 orderId, uint40 deadline);
    /// @notice A return must be a non-empty `[start, end)` inside `[returnFrom, lotEnd)`, the part of
    /// the delivered lot not yet returned or passed over.
    error SettlementEscrowInvalidReturn(bytes32 orderId, uint32 start, uint32 end, uint32 returnFrom, uint32 lotEnd);
    /// @notice Card `serial` of the returned lot was redeemed: return the cards around it instead.
    error SettlementEscrowReturnHasRedeemedCard(bytes32 orderId, uint32 serial);
    /// @notice A dispute timeout outside `[min, max]` seconds.
    error SettlementEscrowInvalidDisputeTimeout(uint32 disputeTimeout, uint32 min, uint32 max);
    /// @notice No policy with this id was set.
    error SettlementEscrowUnknownPolicy(uint16 policyId);
    /// @notice Nothing is scheduled for this policy's arbiter.
    error SettlementEscrowNoArbiterChange(uint16 policyId);
    /// @notice Nothing is scheduled for this token's fund cap.
    error SettlementEscrowNoFundCapChange(address token);
    /// @notice The scheduled change takes effect at `readyAt`, not before.
    error SettlementEscrowChangeNotReady(uint40 readyAt, uint256 now);
    /// @notice The payout is over what the fund may still pay in `token` this period (its cap less
    /// what it paid since the period began).
    error SettlementEscrowFundCapExceeded(address token, uint256 requested, uint256 remaining);

    // ------------------------------------------------------------------ orders

    /// @notice Opens an order and pulls `unitPrice * quantity` of `token` from the caller, its
    /// buyer, who approved the escrow beforehand.
    /// @return orderId See {orderIdOf}.
    function open(Order calldata order) external returns (bytes32 orderId);

    /// @notice {open}, with an EIP-2612 permit for the amount instead of a prior approval.
    /// @dev A permit that fails (for example because someone front-ran it) is ignored: if the
    /// allowance is there anyway the order opens, otherwise the pull fails.
    function openWithPermit(
        Order calldata order,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (bytes32 orderId);

    /// @notice The supplier delivers cards `[start, start + quantity)` of the order's batch, found
    /// in the custody run starting at `hint`, from itself to the buyer, and the challenge window opens.
    /// @dev The escrow must be the supplier's approved operator in the registry; `hint` is the
    /// registry's lot hint, passed through. The lot must be held by the supplier, unrevoked and
    /// unexpired (checked by the registry), unredeemed, inactive unless the order accepts activated
    /// cards, and of a batch valid `minValidity` seconds from now (checked by the escrow).
    function fulfill(Order calldata order, uint32 start, uint32 hint) external;

    /// @notice The buyer accepts the delivery; the supplier is credited at once.
    /// @dev Also ends a dispute the buyer opened.
    function confirm(Order calldata order) external;

    /// @notice The buyer disputes the delivery before the challenge window closes. The arbiter then
    /// has the policy's `disputeTimeout` to rule.
    function dispute(Order calldata order, bytes32 reasonHash) external;

    /// @notice The buyer of a disputed order gives the delivered cards `[start, end)` back to the
    /// supplier; the escrow moves them through the registry (it must be the buyer's approved
    /// operator), so a refund is only ever paid for cards that really came back.
    /// @dev `hint` is passed to the registry's `transferLot`. The cards must be unredeemed; serials
    /// in `[returnFrom, start)` are passed over for good (redeemed or resold cards count against
    /// the buyer), so each card counts once. Several returns may follow each other.
    function returnCards(Order calldata order, uint32 start, uint32 end, uint32 hint) external;

    /// @notice Anyone credits the supplier once the challenge window has closed without dispute.
    function release(Order calldata order) external;

    /// @notice The order's arbiter splits a disputed order before its dispute deadline:
    /// `buyerShareBps` of the amount back to the buyer, but no more than `unitPrice` times the
    /// cards it returned; the rest (less the fee) to the supplier.
    function resolve(Order calldata order, uint16 buyerShareBps) external;

    /// @notice Anyone settles a disputed order the arbiter did not rule on by its deadline, by the
    /// policy's rule: `timeoutBuyerShareBps`, capped by the cards returned as in {resolve}.
    function resolveExpiredDispute(Order calldata order) external;

    /// @notice Anyone credits the buyer with the whole amount of an order not fulfilled by its deadline.
    function refundExpired(Order calldata order) external;

    /// @notice The supplier declines an open order; the buyer is credited at once.
    function reject(Order calldata order) external;

    /// @notice The buyer withdraws an order the supplier did not fulfil by its deadline.
    /// @dev Not before the deadline, so an order is never a free option against the supplier.
    function cancel(Order calldata order) external;

    /// @notice Transfers the caller's whole credited balance of `token` to the caller.
    function withdraw(address token) external returns (uint256 amount);

    /// @notice Transfers the caller's whole credited balance of `token` to `to`: for a payee the
    /// token refuses to pay (blocklist), or one that wants its money elsewhere.
    function withdrawTo(address token, address to) external returns (uint256 amount);

    // ------------------------------------------------------------------ fund and fees

    /// @notice The fund's arbiter (policy 0's) pays `amount` of the protection fund in `token` to
    /// `to` (credited), within the token's cap for the current {FUND_PERIOD}.
    function payFromFund(address token, address to, uint256 amount, bytes32 caseRef) external;

    /// @notice Transfers the platform fees accrued in `token` to the fee recipient.
    function collectFees(address token) external returns (uint256 amount);

    // ------------------------------------------------------------------ governance

    /// @notice Sets a new fee and arbitration policy for orders opened from now on.
    /// @dev Takes effect at once: it binds only orders whose buyers open them under its id. It
    /// does not change who pays out the fund (see {scheduleArbiter} with policy 0).
    function setPolicy(
        address arbiter,
        uint16 feeBps,
        uint16 fundShareBps,
        uint32 disputeTimeout,
        uint16 timeoutBuyerShareBps
    ) external returns (uint16 policyId);

    /// @notice Schedules `arbiter` to replace the arbiter of policy `policyId` (0: the protection
    /// fund's) {CHANGE_DELAY} from now, replacing any change scheduled before for it.
    function scheduleArbiter(uint16 policyId, address arbiter) external returns (uint40 readyAt);

    /// @notice Withdraws the scheduled arbiter change of `policyId`.
    function cancelArbiterChange(uint16 policyId) external;

    /// @notice Anyone applies the scheduled arbiter change of `policyId` once it is ready.
    function applyArbiterChange(uint16 policyId) external;

    /// @notice Schedules the fund's payout cap in `token`, per {FUND_PERIOD}, to become `cap`
    /// {CHANGE_DELAY} from now, replacing any change scheduled before for it.
    function scheduleFundCap(address token, uint96 cap) external returns (uint40 readyAt);

    /// @notice Withdraws the scheduled fund cap change of `token`.
    function cancelFundCapChange(address token) external;

    /// @notice Anyone applies the scheduled fund cap change of `token` once it is ready.
    function applyFundCapChange(address token) external;

    /// @notice Adds `token` to or removes it from the allowlist of payment tokens.
    function setTokenAllowed(address token, bool allowed) external;

    /// @notice Sets where platform fees are paid.
    function setFeeRecipient(address recipient) external;

    /// @notice Stops new orders. Open orders go on: deliveries (so suppliers can still meet their
    /// deadlines; the registry's own pause stops them), returns, settlements, refunds and withdrawals.
    function pause() external;

    /// @notice Lifts {pause}.
    function unpause() external;

    // ------------------------------------------------------------------ views

    /// @notice The registry whose lots the escrow delivers.
    function registry() external view returns (address);

    /// @notice The hard cap on {feeBps}.
    // solhint-disable-next-line func-name-mixedcase
    function MAX_FEE_BPS() external view returns (uint16);

    /// @notice How long a scheduled arbiter or fund cap change waits before anyone can apply it.
    // solhint-disable-next-line func-name-mixedcase
    function CHANGE_DELAY() external view returns (uint32);

    /// @notice The period over which fund payouts are capped (fixed windows from unix time 0).
    // solhint-disable-next-line func-name-mixedcase
    function FUND_PERIOD() external view returns (uint32);

    /// @notice The fee new orders are opened with, in basis points of what the supplier is paid.
    function feeBps() external view returns (uint16);

    /// @notice The policy new orders are opened with, and its id.
    function currentPolicy() external view returns (uint16 policyId, Policy memory policy);

    /// @notice Policy number `policyId` (0: the protection fund's, of which only the arbiter is used).
    function policyOf(uint16 policyId) external view returns (Policy memory);

    /// @notice Who pays out the protection fund: the arbiter of policy 0.
    function fundArbiter() external view returns (address);

    /// @notice The arbiter change scheduled for `policyId`, if any (`readyAt` 0: none).
    function pendingArbiter(uint16 policyId) external view returns (address arbiter, uint40 readyAt);

    /// @notice The fund's payout cap in `token` per period and what it paid in the current period.
    function fundCapOf(address token) external view returns (uint96 cap, uint96 paidThisPeriod);

    /// @notice The fund cap change scheduled for `token`, if any (`readyAt` 0: none).
    function pendingFundCap(address token) external view returns (uint96 cap, uint40 readyAt);

    /// @notice The stored state of order `orderId` (status None for an unknown id).
    function orderStateOf(bytes32 orderId) external view returns (OrderState memory);

    /// @notice The id of an order with these terms: `keccak256(abi.encode(chainId, escrow, order))`.
    function orderIdOf(Order calldata order) external view returns (bytes32);

    /// @notice What `account` can withdraw in `token`.
    function creditOf(address account, address token) external view returns (uint256);

    /// @notice The protection fund and the accrued platform fees in `token`.
    function poolOf(address token) external view returns (uint256 protectionFund, uint256 accruedFees);

    /// @notice Whether `token` may be used for new orders.
    function isTokenAllowed(address token) external view returns (bool);

    /// @notice Where platform fees are paid.
    function feeRecipient() external view returns (address);
}
