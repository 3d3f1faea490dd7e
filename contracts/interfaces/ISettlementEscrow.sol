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
///                            │               Disputed ──resolve──► Resolved
///                            │                   └─────confirm───► Released
///                            └──refundExpired / reject / cancel──► Refunded
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
        uint16 policyId;
        bytes32 buyerRef;
        bytes32 salt;
    }

    /// @notice What the escrow stores per order.
    /// @param status Where the order is in its lifecycle; None for an unknown id.
    /// @param releaseAt Once fulfilled: end of the challenge window, from which `release` works.
    /// @param openedAt Block in which the order was opened: its {OrderOpened} log, with the terms, is there.
    struct OrderState {
        OrderStatus status;
        uint40 releaseAt;
        uint64 openedAt;
    }

    /// @notice Fee and arbitration policy. Every change makes a new policy with the next id.
    /// @param arbiter Rules on disputes of orders opened under this policy, and pays out the fund.
    /// @param feeBps Fee on what suppliers are paid, in basis points, at most {MAX_FEE_BPS}.
    /// @param fundShareBps Share of each fee, in basis points, that goes to the protection fund.
    struct Policy {
        address arbiter;
        uint16 feeBps;
        uint16 fundShareBps;
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

    /// @notice The buyer disputed a delivery.
    event OrderDisputed(bytes32 indexed orderId, bytes32 reasonHash);

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

    /// @notice The arbiter split a disputed order between buyer and supplier.
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

    /// @notice `account` withdrew its credited balance of `token`.
    event Withdrawn(address indexed account, address indexed token, uint256 amount);

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
    event PolicyUpdated(uint16 indexed policyId, address arbiter, uint16 feeBps, uint16 fundShareBps);

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
    /// @notice The registry has no batch with this id.
    error SettlementEscrowUnknownBatch(uint64 batchId);
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
    /// @dev The escrow must be the supplier's approved operator in the registry. The lot must be
    /// held by the supplier, unrevoked and unexpired (checked by the registry) and unredeemed.
    function fulfill(Order calldata order, uint32 start, uint32 hint) external;

    /// @notice The buyer accepts the delivery; the supplier is credited at once.
    /// @dev Also ends a dispute the buyer opened.
    function confirm(Order calldata order) external;

    /// @notice The buyer disputes the delivery before the challenge window closes.
    function dispute(Order calldata order, bytes32 reasonHash) external;

    /// @notice Anyone credits the supplier once the challenge window has closed without dispute.
    function release(Order calldata order) external;

    /// @notice The order's arbiter splits a disputed order: `buyerShareBps` of the amount back to
    /// the buyer, the rest (less the fee) to the supplier.
    function resolve(Order calldata order, uint16 buyerShareBps) external;

    /// @notice Anyone credits the buyer with the whole amount of an order not fulfilled by its deadline.
    function refundExpired(Order calldata order) external;

    /// @notice The supplier declines an open order; the buyer is credited at once.
    function reject(Order calldata order) external;

    /// @notice The buyer withdraws an order the supplier did not fulfil by its deadline.
    /// @dev Not before the deadline, so an order is never a free option against the supplier.
    function cancel(Order calldata order) external;

    /// @notice Transfers the caller's whole credited balance of `token` to the caller.
    function withdraw(address token) external returns (uint256 amount);

    // ------------------------------------------------------------------ fund and fees

    /// @notice The current arbiter pays `amount` of the protection fund in `token` to `to` (credited).
    function payFromFund(address token, address to, uint256 amount, bytes32 caseRef) external;

    /// @notice Transfers the platform fees accrued in `token` to the fee recipient.
    function collectFees(address token) external returns (uint256 amount);

    // ------------------------------------------------------------------ governance

    /// @notice Sets a new fee and arbitration policy for orders opened from now on.
    function setPolicy(address arbiter, uint16 feeBps, uint16 fundShareBps) external returns (uint16 policyId);

    /// @notice Adds `token` to or removes it from the allowlist of payment tokens.
    function setTokenAllowed(address token, bool allowed) external;

    /// @notice Sets where platform fees are paid.
    function setFeeRecipient(address recipient) external;

    /// @notice Stops new orders. Open orders go on: deliveries (so suppliers can still meet their
    /// deadlines; the registry's own pause stops them), settlements, refunds and withdrawals.
    function pause() external;

    /// @notice Lifts {pause}.
    function unpause() external;

    // ------------------------------------------------------------------ views

    /// @notice The registry whose lots the escrow delivers.
    function registry() external view returns (address);

    /// @notice The hard cap on {feeBps}.
    // solhint-disable-next-line func-name-mixedcase
    function MAX_FEE_BPS() external view returns (uint16);

    /// @notice The fee new orders are opened with, in basis points of what the supplier is paid.
    function feeBps() external view returns (uint16);

    /// @notice The policy new orders are opened with, and its id.
    function currentPolicy() external view returns (uint16 policyId, Policy memory policy);

    /// @notice Policy number `policyId`.
    function policyOf(uint16 policyId) external view returns (Policy memory);

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
