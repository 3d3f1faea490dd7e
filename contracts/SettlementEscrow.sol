// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ISettlementEscrow} from "./interfaces/ISettlementEscrow.sol";
import {IVoucherRegistry} from "./interfaces/IVoucherRegistry.sol";
import {FeeSplit} from "./libraries/FeeSplit.sol";
import {LotTerms} from "./libraries/LotTerms.sol";
import {OrderId} from "./libraries/OrderId.sol";

/// @title SettlementEscrow
/// @notice Delivery-versus-payment for B2B card orders. See {ISettlementEscrow}.
///
/// @dev An order stores one slot, its state; its terms travel in calldata and are checked against
/// the id (their hash) on every call. Storing the terms instead would cost 44,200 more gas per order
/// (two more new slots at opening) and would miss the 250,000 gas target for open + fulfil +
/// release. Every external
/// function that moves tokens or changes an order is `nonReentrant`; tokens are only touched
/// after the state they justify is written. Payouts are credited and pulled by their owner, so a
/// payee a token refuses to pay (blocklist) only ever blocks its own withdrawal.
contract SettlementEscrow is ISettlementEscrow, AccessControl, Pausable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Role allowed to pause new orders (see {pause}).
    bytes32 public constant PAUSER_ROLE = keccak256("CardProof.PAUSER_ROLE");
    /// @inheritdoc ISettlementEscrow
    uint16 public constant MAX_FEE_BPS = 500;
    /// @notice Shortest challenge window an order may have: time for a buyer to check a delivery.
    uint32 public constant MIN_CHALLENGE_WINDOW = 1 hours;
    /// @notice Longest challenge window, so suppliers are not paid arbitrarily late.
    uint32 public constant MAX_CHALLENGE_WINDOW = 30 days;
    /// @notice Shortest time an arbiter gets to rule on a dispute.
    uint32 public constant MIN_DISPUTE_TIMEOUT = 1 days;
    /// @notice Longest time a dispute can hold an order's money before the timeout rule applies.
    uint32 public constant MAX_DISPUTE_TIMEOUT = 90 days;
    /// @notice Dispute timeout of the first policy.
    uint32 public constant DEFAULT_DISPUTE_TIMEOUT = 14 days;
    /// @notice Timeout rule of the first policy: the buyer is refunded for every card it returned.
    uint16 public constant DEFAULT_TIMEOUT_BUYER_SHARE_BPS = 10_000;
    /// @inheritdoc ISettlementEscrow
    uint32 public constant CHANGE_DELAY = 3 days;
    /// @inheritdoc ISettlementEscrow
    uint32 public constant FUND_PERIOD = 30 days;
    /// @notice The policy whose arbiter pays out the protection fund.
    uint16 public constant FUND_POLICY_ID = 0;

    /// @dev The id of the policy new orders get, and its fee, in one slot read once by `open`.
    struct CurrentPolicy {
        uint16 feeBps;
        uint16 id;
    }

    /// @dev A replacement arbiter and when it may take over (0: nothing scheduled).
    struct PendingArbiter {
        address arbiter;
        uint40 readyAt;
    }

    /// @dev A fund cap per token and what the fund paid in period number `period`.
    struct FundLimit {
        uint96 cap;
        uint96 paid;
        uint40 period;
    }

    /// @dev A scheduled fund cap and when it may take effect (0: nothing scheduled).
    struct PendingFundCap {
        uint96 cap;
        uint40 readyAt;
    }

    /// @dev Per token, in one slot, so a settlement writes both with one store.
    struct Pool {
        uint128 fund;
        uint128 fees;
    }

    IVoucherRegistry private immutable _registry;

    CurrentPolicy private _current;
    address private _feeRecipient;
    mapping(uint16 policyId => Policy) private _policies;
    mapping(address token => bool) private _allowedTokens;
    mapping(bytes32 orderId => OrderState) private _orders;
    mapping(address account => mapping(address token => uint256)) private _credits;
    mapping(address token => Pool) private _pools;
    mapping(uint16 policyId => PendingArbiter) private _pendingArbiters;
    mapping(address token => FundLimit) private _fundLimits;
    mapping(address token => PendingFundCap) private _pendingFundCaps;

    /// @param registry_ The registry whose lots orders deliver.
    /// @param admin Platform governance: policy, token allowlist, fee recipient, roles; arbiter
    /// replacements and fund caps only through {CHANGE_DELAY}.
    /// @param pauser Account allowed to pause the opening of new orders. Pausing the escrow never
    /// stops orders already open: deliveries, returns, settlements, refunds and withdrawals go on
    /// (only the registry's own pause stops deliveries and returns).
    /// @param arbiter First arbiter: of policy 1 and of the protection fund (policy 0). Policy 1
    /// gets {DEFAULT_DISPUTE_TIMEOUT} and {DEFAULT_TIMEOUT_BUYER_SHARE_BPS}; the fund pays nothing
    /// until governance sets a cap per token ({scheduleFundCap}).
    /// @param feeBps_ First fee, at most {MAX_FEE_BPS}.
    /// @param fundShareBps First share of fees for the protection fund.
    /// @param feeRecipient_ Where platform fees are paid.
    constructor(
        IVoucherRegistry registry_,
        address admin,
        address pauser,
        address arbiter,
        uint16 feeBps_,
        uint16 fundShareBps,
        address feeRecipient_
    ) {
        // A zero admin would freeze policy, allowlist and fee recipient for good.
        if (address(registry_) == address(0) || admin == address(0)) revert SettlementEscrowZeroAddress();
        _registry = registry_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, pauser);
        _setPolicy(
            Policy({
                arbiter: arbiter,
                feeBps: feeBps_,
                fundShareBps: fundShareBps,
                disputeTimeout: DEFAULT_DISPUTE_TIMEOUT,
                timeoutBuyerShareBps: DEFAULT_TIMEOUT_BUYER_SHARE_BPS
            })
        );
        // The fund's arbiter, announced like any replacement so a replay of the logs knows it.
        _policies[FUND_POLICY_ID].arbiter = arbiter;
        emit ArbiterReplaced(FUND_POLICY_ID, address(0), arbiter);
        _setFeeRecipient(feeRecipient_);
    }

    // ------------------------------------------------------------------ orders

    /// @inheritdoc ISettlementEscrow
    function open(Order calldata order) external nonReentrant whenNotPaused returns (bytes32) {
        return _open(order);
    }

    /// @inheritdoc ISettlementEscrow
    function openWithPermit(
        Order calldata order,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant whenNotPaused returns (bytes32) {
        uint256 amount = uint256(order.unitPrice) * order.quantity;
        // A front-run permit consumed the nonce but left the allowance: the pull below still works.
        try IERC20Permit(order.token).permit(msg.sender, address(this), amount, permitDeadline, v, r, s) {} catch {}
        return _open(order);
    }

    /// @inheritdoc ISettlementEscrow
    function fulfill(Order calldata order, uint32 start, uint32 hint) external nonReentrant {
        (bytes32 orderId, OrderState storage state) = _stateOf(order);
        _expectStatus(orderId, state.status, OrderStatus.Open);
        if (msg.sender != order.supplier) revert SettlementEscrowNotSupplier(orderId, msg.sender);
        if (block.timestamp > order.fulfilDeadline) {
            revert SettlementEscrowFulfilDeadlinePassed(orderId, order.fulfilDeadline);
        }
        uint32 quantity = order.quantity;
        if (uint256(start) + quantity > type(uint32).max)
            revert SettlementEscrowLotOutOfRange(orderId, start, quantity);
        // Cannot overflow: checked against the uint32 range just above.
        uint32 end;
        unchecked {
            end = start + quantity;
        }
        (bool redeemed, uint32 serial) = _registry.findRedeemed(order.batchId, start, end);
        if (redeemed) revert SettlementEscrowLotHasRedeemedCard(orderId, serial);

        // The window is at most 30 days: a uint40 of seconds lasts 34,000 years.
        uint40 releaseAt = uint40(block.timestamp) + order.challengeWindow;
        state.status = OrderStatus.Fulfilled;
        state.releaseAt = releaseAt;
        state.lotStart = start;
        // The registry checks custody, the escrow's approval, revocation and expiry, and reverts with its own errors.
        _registry.transferLot(order.batchId, order.supplier, order.buyer, start, end, hint);
        // The order's card terms, checked on the cards as delivered (a transfer keeps each run's
        // activation; the run at `hint` still starts there): the registry slots the walk reads are
        // warm now, and a refusal reverts the transfer with it.
        if (!order.acceptActivated) {
            (bool activated, uint32 activatedSerial) = LotTerms.findActivated(
                _registry,
                order.batchId,
                start,
                end,
                hint
            );
            if (activated) revert SettlementEscrowLotHasActivatedCard(orderId, activatedSerial);
        }
        (bool tooSoon, uint32 expiresAt, uint256 requiredUntil) = LotTerms.expiresBefore(
            _registry,
            order.batchId,
            order.minValidity
        );
        if (tooSoon) revert SettlementEscrowLotExpiresTooSoon(orderId, expiresAt, requiredUntil);
        emit OrderFulfilled(orderId, start, end, releaseAt);
    }

    /// @inheritdoc ISettlementEscrow
    function confirm(Order calldata order) external nonReentrant {
        (bytes32 orderId, OrderState storage state) = _stateOf(order);
        OrderStatus status = state.status;
        if (status != OrderStatus.Disputed) _expectStatus(orderId, status, OrderStatus.Fulfilled);
        if (msg.sender != order.buyer) revert SettlementEscrowNotBuyer(orderId, msg.sender);

        state.status = OrderStatus.Released;
        (uint256 net, uint256 platformFee, uint256 fundFee) = _paySupplier(order, _amountOf(order));
        emit OrderConfirmed(orderId, net, platformFee, fundFee);
    }

    /// @inheritdoc ISettlementEscrow
    function dispute(Order calldata order, bytes32 reasonHash) external nonReentrant {
        (bytes32 orderId, OrderState storage state) = _stateOf(order);
        _expectStatus(orderId, state.status, OrderStatus.Fulfilled);
        if (msg.sender != order.buyer) revert SettlementEscrowNotBuyer(orderId, msg.sender);
        uint40 releaseAt = state.releaseAt;
        if (block.timestamp >= releaseAt) revert SettlementEscrowChallengeWindowClosed(orderId, releaseAt);

        // The timeout is at most 90 days: a uint40 of seconds lasts 34,000 years.
        uint40 deadline = uint40(block.timestamp) + _policies[order.policyId].disputeTimeout;
        state.status = OrderStatus.Disputed;
        state.disputeDeadline = deadline;
        state.returnFrom = state.lotStart;
        emit OrderDisputed(orderId, reasonHash, deadline);
    }

    /// @inheritdoc ISettlementEscrow
    function returnCards(Order calldata order, uint32 start, uint32 end, uint32 hint) external nonReentrant {
        (bytes32 orderId, OrderState storage state) = _stateOf(order);
        _expectStatus(orderId, state.status, OrderStatus.Disputed);
        if (msg.sender != order.buyer) revert SettlementEscrowNotBuyer(orderId, msg.sender);
        uint32 returnFrom = state.returnFrom;
        // Fulfil checked that the lot's end fits 32 bits.
        uint32 lotEnd = state.lotStart + order.quantity;
        if (start < returnFrom || start >= end || end > lotEnd) {
            revert SettlementEscrowInvalidReturn(orderId, start, end, returnFrom, lotEnd);
        }
        (bool redeemed, uint32 serial) = _registry.findRedeemed(order.batchId, start, end);
        if (redeemed) revert SettlementEscrowReturnHasRedeemedCard(orderId, serial);

        state.returnFrom = end;
        // Cannot overflow: the returns are disjoint parts of the lot, so they add up to at most its quantity.
        uint32 returned;
        unchecked {
            returned = state.returned + (end - start);
        }
        state.returned = returned;
        // The registry checks the buyer holds the cards and the escrow is its operator, and reverts with its own errors.
        _registry.transferLot(order.batchId, order.buyer, order.supplier, start, end, hint);
        emit OrderCardsReturned(orderId, start, end, returned);
    }

    /// @inheritdoc ISettlementEscrow
    function release(Order calldata order) external nonReentrant {
        (bytes32 orderId, OrderState storage state) = _stateOf(order);
        _expectStatus(orderId, state.status, OrderStatus.Fulfilled);
        uint40 releaseAt = state.releaseAt;
        if (block.timestamp < releaseAt) revert SettlementEscrowChallengeWindowOpen(orderId, releaseAt);

        state.status = OrderStatus.Released;
        (uint256 net, uint256 platformFee, uint256 fundFee) = _paySupplier(order, _amountOf(order));
        emit OrderReleased(orderId, msg.sender, net, platformFee, fundFee);
    }

    /// @inheritdoc ISettlementEscrow
    function resolve(Order calldata order, uint16 buyerShareBps) external nonReentrant {
        (bytes32 orderId, OrderState storage state) = _stateOf(order);
        _expectStatus(orderId, state.status, OrderStatus.Disputed);
        if (msg.sender != _policies[order.policyId].arbiter) revert SettlementEscrowNotArbiter(orderId, msg.sender);
        if (buyerShareBps > FeeSplit.BPS) revert SettlementEscrowInvalidShare(buyerShareBps);
        uint40 deadline = state.disputeDeadline;
        if (block.timestamp >= deadline) revert SettlementEscrowDisputeDeadlinePassed(orderId, deadline);
        _settleDispute(orderId, state, order, msg.sender, buyerShareBps);
    }

    /// @inheritdoc ISettlementEscrow
    function resolveExpiredDispute(Order calldata order) external nonReentrant {
        (bytes32 orderId, OrderState storage state) = _stateOf(order);
        _expectStatus(orderId, state.status, OrderStatus.Disputed);
        uint40 deadline = state.disputeDeadline;
        if (block.timestamp < deadline) revert SettlementEscrowDisputeDeadlineNotReached(orderId, deadline);
        _settleDispute(orderId, state, order, address(0), _policies[order.policyId].timeoutBuyerShareBps);
    }

    /// @inheritdoc ISettlementEscrow
    function refundExpired(Order calldata order) external nonReentrant {
        (bytes32 orderId, OrderState storage state) = _stateOf(order);
        _expectStatus(orderId, state.status, OrderStatus.Open);
        _expectDeadlinePassed(orderId, order);
        _refund(orderId, state, order, RefundReason.Expired);
    }

    /// @inheritdoc ISettlementEscrow
    function reject(Order calldata order) external nonReentrant {
        (bytes32 orderId, OrderState storage state) = _stateOf(order);
        _expectStatus(orderId, state.status, OrderStatus.Open);
        if (msg.sender != order.supplier) revert SettlementEscrowNotSupplier(orderId, msg.sender);
        _refund(orderId, state, order, RefundReason.Rejected);
    }

    /// @inheritdoc ISettlementEscrow
    function cancel(Order calldata order) external nonReentrant {
        (bytes32 orderId, OrderState storage state) = _stateOf(order);
        _expectStatus(orderId, state.status, OrderStatus.Open);
        if (msg.sender != order.buyer) revert SettlementEscrowNotBuyer(orderId, msg.sender);
        _expectDeadlinePassed(orderId, order);
        _refund(orderId, state, order, RefundReason.Cancelled);
    }

    /// @inheritdoc ISettlementEscrow
    function withdraw(address token) external nonReentrant returns (uint256) {
        return _withdraw(token, msg.sender);
    }

    /// @inheritdoc ISettlementEscrow
    function withdrawTo(address token, address to) external nonReentrant returns (uint256) {
        // Tokens sent to the escrow itself would be nobody's: outside every order, credit and fund.
        if (to == address(0) || to == address(this)) revert SettlementEscrowInvalidPayee(to);
        return _withdraw(token, to);
    }

    // ------------------------------------------------------------------ fund and fees

    /// @inheritdoc ISettlementEscrow
    function payFromFund(address token, address to, uint256 amount, bytes32 caseRef) external nonReentrant {
        if (msg.sender != _policies[FUND_POLICY_ID].arbiter) revert SettlementEscrowNotFundArbiter(msg.sender);
        // Credit to the escrow itself could never be withdrawn.
        if (to == address(0) || to == address(this)) revert SettlementEscrowInvalidPayee(to);
        Pool storage pool = _pools[token];
        uint256 available = pool.fund;
        if (amount == 0 || amount > available) revert SettlementEscrowInsufficientFund(token, amount, available);
        FundLimit memory limit = _fundLimits[token];
        // A period number of 40 bits lasts 30 days * 2**40.
        uint40 period = uint40(block.timestamp / FUND_PERIOD);
        if (limit.period != period) {
            limit.period = period;
            limit.paid = 0;
        }
        uint256 remaining = uint256(limit.cap) - limit.paid;
        if (amount > remaining) revert SettlementEscrowFundCapExceeded(token, amount, remaining);
        // Fits 96 bits: at most the cap, a uint96.
        limit.paid += uint96(amount);
        _fundLimits[token] = limit;
        // Cannot underflow: amount <= available, a uint128.
        unchecked {
            pool.fund = uint128(available - amount);
        }
        _credits[to][token] += amount;
        emit ProtectionFundPaid(token, to, amount, msg.sender, caseRef);
    }

    /// @inheritdoc ISettlementEscrow
    function collectFees(address token) external nonReentrant returns (uint256 amount) {
        Pool storage pool = _pools[token];
        amount = pool.fees;
        if (amount == 0) revert SettlementEscrowNoFees(token);
        pool.fees = 0;
        address recipient = _feeRecipient;
        _pushExact(IERC20(token), recipient, amount);
        emit FeesCollected(token, recipient, amount);
    }

    // ------------------------------------------------------------------ governance

    /// @inheritdoc ISettlementEscrow
    function setPolicy(
        address arbiter,
        uint16 feeBps_,
        uint16 fundShareBps,
        uint32 disputeTimeout,
        uint16 timeoutBuyerShareBps
    ) external onlyRole(DEFAULT_ADMIN_ROLE) returns (uint16) {
        return
            _setPolicy(
                Policy({
                    arbiter: arbiter,
                    feeBps: feeBps_,
                    fundShareBps: fundShareBps,
                    disputeTimeout: disputeTimeout,
                    timeoutBuyerShareBps: timeoutBuyerShareBps
                })
            );
    }

    /// @inheritdoc ISettlementEscrow
    function scheduleArbiter(
        uint16 policyId,
        address arbiter
    ) external onlyRole(DEFAULT_ADMIN_ROLE) returns (uint40 readyAt) {
        if (policyId > _current.id) revert SettlementEscrowUnknownPolicy(policyId);
        if (arbiter == address(0)) revert SettlementEscrowInvalidArbiter(arbiter);
        readyAt = uint40(block.timestamp) + CHANGE_DELAY;
        _pendingArbiters[policyId] = PendingArbiter({arbiter: arbiter, readyAt: readyAt});
        emit ArbiterChangeScheduled(policyId, arbiter, readyAt);
    }

    /// @inheritdoc ISettlementEscrow
    function cancelArbiterChange(uint16 policyId) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (_pendingArbiters[policyId].readyAt == 0) revert SettlementEscrowNoArbiterChange(policyId);
        delete _pendingArbiters[policyId];
        emit ArbiterChangeCancelled(policyId);
    }

    /// @inheritdoc ISettlementEscrow
    function applyArbiterChange(uint16 policyId) external {
        PendingArbiter memory pending = _pendingArbiters[policyId];
        if (pending.readyAt == 0) revert SettlementEscrowNoArbiterChange(policyId);
        if (block.timestamp < pending.readyAt) revert SettlementEscrowChangeNotReady(pending.readyAt, block.timestamp);
        delete _pendingArbiters[policyId];
        address previous = _policies[policyId].arbiter;
        _policies[policyId].arbiter = pending.arbiter;
        emit ArbiterReplaced(policyId, previous, pending.arbiter);
    }

    /// @inheritdoc ISettlementEscrow
    function scheduleFundCap(address token, uint96 cap) external onlyRole(DEFAULT_ADMIN_ROLE) returns (uint40 readyAt) {
        if (token == address(0)) revert SettlementEscrowZeroAddress();
        readyAt = uint40(block.timestamp) + CHANGE_DELAY;
        _pendingFundCaps[token] = PendingFundCap({cap: cap, readyAt: readyAt});
        emit FundCapChangeScheduled(token, cap, readyAt);
    }

    /// @inheritdoc ISettlementEscrow
    function cancelFundCapChange(address token) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (_pendingFundCaps[token].readyAt == 0) revert SettlementEscrowNoFundCapChange(token);
        delete _pendingFundCaps[token];
        emit FundCapChangeCancelled(token);
    }

    /// @inheritdoc ISettlementEscrow
    function applyFundCapChange(address token) external {
        PendingFundCap memory pending = _pendingFundCaps[token];
        if (pending.readyAt == 0) revert SettlementEscrowNoFundCapChange(token);
        if (block.timestamp < pending.readyAt) revert SettlementEscrowChangeNotReady(pending.readyAt, block.timestamp);
        delete _pendingFundCaps[token];
        _fundLimits[token].cap = pending.cap;
        emit FundCapUpdated(token, pending.cap);
    }

    /// @inheritdoc ISettlementEscrow
    function setTokenAllowed(address token, bool allowed) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (token == address(0)) revert SettlementEscrowZeroAddress();
        _allowedTokens[token] = allowed;
        emit TokenAllowlistUpdated(token, allowed);
    }

    /// @inheritdoc ISettlementEscrow
    function setFeeRecipient(address recipient) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setFeeRecipient(recipient);
    }

    /// @inheritdoc ISettlementEscrow
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc ISettlementEscrow
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ISettlementEscrow
    function registry() external view returns (address) {
        return address(_registry);
    }

    /// @inheritdoc ISettlementEscrow
    function feeBps() external view returns (uint16) {
        return _current.feeBps;
    }

    /// @inheritdoc ISettlementEscrow
    function currentPolicy() external view returns (uint16, Policy memory) {
        uint16 id = _current.id;
        return (id, _policies[id]);
    }

    /// @inheritdoc ISettlementEscrow
    function policyOf(uint16 policyId) external view returns (Policy memory) {
        return _policies[policyId];
    }

    /// @inheritdoc ISettlementEscrow
    function fundArbiter() external view returns (address) {
        return _policies[FUND_POLICY_ID].arbiter;
    }

    /// @inheritdoc ISettlementEscrow
    function pendingArbiter(uint16 policyId) external view returns (address, uint40) {
        PendingArbiter memory pending = _pendingArbiters[policyId];
        return (pending.arbiter, pending.readyAt);
    }

    /// @inheritdoc ISettlementEscrow
    function fundCapOf(address token) external view returns (uint96 cap, uint96 paidThisPeriod) {
        FundLimit memory limit = _fundLimits[token];
        cap = limit.cap;
        paidThisPeriod = limit.period == block.timestamp / FUND_PERIOD ? limit.paid : 0;
    }

    /// @inheritdoc ISettlementEscrow
    function pendingFundCap(address token) external view returns (uint96, uint40) {
        PendingFundCap memory pending = _pendingFundCaps[token];
        return (pending.cap, pending.readyAt);
    }

    /// @inheritdoc ISettlementEscrow
    function orderStateOf(bytes32 orderId) external view returns (OrderState memory) {
        return _orders[orderId];
    }

    /// @inheritdoc ISettlementEscrow
    function orderIdOf(Order calldata order) external view returns (bytes32) {
        return OrderId.compute(block.chainid, address(this), order);
    }

    /// @inheritdoc ISettlementEscrow
    function creditOf(address account, address token) external view returns (uint256) {
        return _credits[account][token];
    }

    /// @inheritdoc ISettlementEscrow
    function poolOf(address token) external view returns (uint256, uint256) {
        Pool memory pool = _pools[token];
        return (pool.fund, pool.fees);
    }

    /// @inheritdoc ISettlementEscrow
    function isTokenAllowed(address token) external view returns (bool) {
        return _allowedTokens[token];
    }

    /// @inheritdoc ISettlementEscrow
    function feeRecipient() external view returns (address) {
        return _feeRecipient;
    }

    // ------------------------------------------------------------------ internals

    function _open(Order calldata order) private returns (bytes32 orderId) {
        if (order.buyer != msg.sender) revert SettlementEscrowBuyerNotCaller(order.buyer, msg.sender);
        if (!_allowedTokens[order.token]) revert SettlementEscrowTokenNotAllowed(order.token);
        if (order.supplier == address(0) || order.supplier == msg.sender) {
            revert SettlementEscrowInvalidSupplier(order.supplier);
        }
        if (order.quantity == 0) revert SettlementEscrowZeroQuantity();
        // The batch is not looked up here (5.7k gas, a cold call to the registry): clients check it
        // (`cardproof order open` reads it first), the supplier can reject an order it cannot
        // deliver at once, and the buyer cancels after the deadline. See the README's design notes.
        uint256 amount = uint256(order.unitPrice) * order.quantity;
        if (amount == 0 || amount > type(uint96).max) {
            revert SettlementEscrowInvalidAmount(order.unitPrice, order.quantity);
        }
        if (order.fulfilDeadline <= block.timestamp) {
            revert SettlementEscrowDeadlineInPast(order.fulfilDeadline, block.timestamp);
        }
        uint32 window = order.challengeWindow;
        if (window < MIN_CHALLENGE_WINDOW || window > MAX_CHALLENGE_WINDOW) {
            revert SettlementEscrowInvalidChallengeWindow(window, MIN_CHALLENGE_WINDOW, MAX_CHALLENGE_WINDOW);
        }
        uint16 currentId = _current.id;
        if (order.policyId != currentId) revert SettlementEscrowPolicyMismatch(order.policyId, currentId);

        orderId = OrderId.compute(block.chainid, address(this), order);
        OrderState storage state = _orders[orderId];
        if (state.status != OrderStatus.None) revert SettlementEscrowOrderExists(orderId);
        state.status = OrderStatus.Open;
        state.openedAt = uint64(block.number);
        _pullExact(IERC20(order.token), msg.sender, amount);
        // Checked above: amount fits 96 bits.
        emit OrderOpened(orderId, msg.sender, order.supplier, order, uint96(amount));
    }

    /// @dev The id of `order` and its stored state; reverts for terms no order was opened with.
    function _stateOf(Order calldata order) private view returns (bytes32 orderId, OrderState storage state) {
        orderId = OrderId.compute(block.chainid, address(this), order);
        state = _orders[orderId];
        if (state.status == OrderStatus.None) revert SettlementEscrowUnknownOrder(orderId);
    }

    /// @dev Opening checked that it fits 96 bits.
    function _amountOf(Order calldata order) private pure returns (uint256) {
        return uint256(order.unitPrice) * order.quantity;
    }

    /// @dev Credits the supplier with `gross` less the order's fee, and the pool with the fee.
    function _paySupplier(
        Order calldata order,
        uint256 gross
    ) private returns (uint256 net, uint256 platformFee, uint256 fundFee) {
        Policy memory policy = _policies[order.policyId];
        (net, platformFee, fundFee) = FeeSplit.split(gross, policy.feeBps, policy.fundShareBps);
        address token = order.token;
        if (net != 0) _credits[order.supplier][token] += net;
        if (platformFee != 0 || fundFee != 0) {
            Pool memory pool = _pools[token];
            // Each part is below 2**96 (an order amount); the pool reverts on overflow past 2**128.
            pool.fund += uint128(fundFee);
            pool.fees += uint128(platformFee);
            _pools[token] = pool;
        }
    }

    /// @dev Ends a dispute: `buyerShareBps` of the amount to the buyer, but no more than the price
    /// of the cards it returned (a refund needs the cards back); the rest to the supplier, less the fee.
    function _settleDispute(
        bytes32 orderId,
        OrderState storage state,
        Order calldata order,
        address arbiter,
        uint16 buyerShareBps
    ) private {
        state.status = OrderStatus.Resolved;
        uint256 amount = _amountOf(order);
        uint256 buyerAmount = FeeSplit.share(amount, buyerShareBps);
        uint256 returnedValue = uint256(order.unitPrice) * state.returned;
        if (buyerAmount > returnedValue) buyerAmount = returnedValue;
        if (buyerAmount != 0) _credits[order.buyer][order.token] += buyerAmount;
        (uint256 net, uint256 platformFee, uint256 fundFee) = _paySupplier(order, amount - buyerAmount);
        emit OrderResolved(orderId, arbiter, buyerShareBps, buyerAmount, net, platformFee, fundFee);
    }

    function _withdraw(address token, address to) private returns (uint256 amount) {
        amount = _credits[msg.sender][token];
        if (amount == 0) revert SettlementEscrowNothingToWithdraw(msg.sender, token);
        _credits[msg.sender][token] = 0;
        _pushExact(IERC20(token), to, amount);
        emit Withdrawn(msg.sender, token, amount, to);
    }

    function _refund(bytes32 orderId, OrderState storage state, Order calldata order, RefundReason reason) private {
        state.status = OrderStatus.Refunded;
        uint256 amount = _amountOf(order);
        _credits[order.buyer][order.token] += amount;
        emit OrderRefunded(orderId, order.buyer, amount, reason, msg.sender);
    }

    /// @dev Pulls `amount` and checks the escrow received exactly that: a fee-on-transfer or
    /// rebasing token would leave the books short of the tokens they promise.
    function _pullExact(IERC20 token, address from, uint256 amount) private {
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(from, address(this), amount);
        uint256 afterwards = token.balanceOf(address(this));
        uint256 received = afterwards > before ? afterwards - before : 0;
        if (received != amount) revert SettlementEscrowTransferMismatch(address(token), amount, received);
    }

    /// @dev Pays `amount` out and checks the escrow's balance fell by exactly that.
    function _pushExact(IERC20 token, address to, uint256 amount) private {
        uint256 before = token.balanceOf(address(this));
        token.safeTransfer(to, amount);
        uint256 afterwards = token.balanceOf(address(this));
        uint256 sent = before > afterwards ? before - afterwards : 0;
        if (sent != amount) revert SettlementEscrowTransferMismatch(address(token), amount, sent);
    }

    function _setPolicy(Policy memory policy) private returns (uint16 policyId) {
        if (policy.arbiter == address(0)) revert SettlementEscrowInvalidArbiter(policy.arbiter);
        if (policy.feeBps > MAX_FEE_BPS) revert SettlementEscrowFeeTooHigh(policy.feeBps, MAX_FEE_BPS);
        if (policy.fundShareBps > FeeSplit.BPS) revert SettlementEscrowInvalidFundShare(policy.fundShareBps);
        if (policy.disputeTimeout < MIN_DISPUTE_TIMEOUT || policy.disputeTimeout > MAX_DISPUTE_TIMEOUT) {
            revert SettlementEscrowInvalidDisputeTimeout(
                policy.disputeTimeout,
                MIN_DISPUTE_TIMEOUT,
                MAX_DISPUTE_TIMEOUT
            );
        }
        if (policy.timeoutBuyerShareBps > FeeSplit.BPS)
            revert SettlementEscrowInvalidShare(policy.timeoutBuyerShareBps);
        uint16 last = _current.id;
        if (last == type(uint16).max) revert SettlementEscrowPolicyLimitReached();
        // Cannot overflow: checked against the maximum just above.
        unchecked {
            policyId = last + 1;
        }
        _policies[policyId] = policy;
        _current = CurrentPolicy({feeBps: policy.feeBps, id: policyId});
        emit PolicyUpdated(
            policyId,
            policy.arbiter,
            policy.feeBps,
            policy.fundShareBps,
            policy.disputeTimeout,
            policy.timeoutBuyerShareBps
        );
    }

    function _setFeeRecipient(address recipient) private {
        if (recipient == address(0)) revert SettlementEscrowZeroAddress();
        _feeRecipient = recipient;
        emit FeeRecipientUpdated(recipient);
    }

    function _expectStatus(bytes32 orderId, OrderStatus actual, OrderStatus expected) private pure {
        if (actual != expected) revert SettlementEscrowUnexpectedStatus(orderId, actual);
    }

    function _expectDeadlinePassed(bytes32 orderId, Order calldata order) private view {
        uint40 deadline = order.fulfilDeadline;
        if (block.timestamp <= deadline) revert SettlementEscrowFulfilDeadlineNotReached(orderId, deadline);
    }
}
