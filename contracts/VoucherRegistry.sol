// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

import {IVoucherRegistry} from "./interfaces/IVoucherRegistry.sol";
import {ProvenanceHash} from "./libraries/ProvenanceHash.sol";
import {VoucherLeaf} from "./libraries/VoucherLeaf.sol";

/// @title VoucherRegistry
/// @notice The on-chain source of truth for CardProof voucher cards. See {IVoucherRegistry}.
///
/// @dev Why a redemption cannot be stolen from the mempool: the secret code never reaches the
/// chain. Off chain it derives a per-card secp256k1 key, and the Merkle leaf commits to that
/// key's address; a redeemer proves it knows the code with the card key's EIP-712 signature over
/// (batch, serial, redeemer), where the redeemer is the transaction's sender. Another redeemer
/// that copies a pending or failed transaction learns only a signature for someone else and the
/// card's public key address, which is in the manifest anyway.
///
/// Custody is a list of runs of consecutive serials per batch. Issuing a batch writes three slots
/// whatever its size. A lot operation rewrites only the region around the lot: the run before it,
/// the runs it crosses and the run after it, merging neighbours with equal properties, so moving
/// a lot writes at most three run slots plus one per extra run crossed; a lot taken from the front
/// of the issuer's untouched stock writes one run slot, or none when it joins the receiver's run.
contract VoucherRegistry is IVoucherRegistry, AccessControl, Pausable, EIP712 {
    /// @notice Role of vetted suppliers allowed to issue batches.
    bytes32 public constant ISSUER_ROLE = keccak256("CardProof.ISSUER_ROLE");
    /// @notice Role allowed to pause and unpause the registry.
    bytes32 public constant PAUSER_ROLE = keccak256("CardProof.PAUSER_ROLE");

    uint8 private constant _BATCH_ACTIVATION_REQUIRED = 1;
    uint8 private constant _RUN_ACTIVATED = 1;
    uint8 private constant _RUN_REVOKED = 2;

    /// @dev Everything a state change reads about a batch, in one slot (256 bits). `stockStart`
    /// lives here because the slot is rewritten by every state change anyway (for `seq`), so
    /// moving the implicit stock run forward costs a warm write (100 gas), not a new slot.
    struct BatchCore {
        uint24 issuerId;
        uint32 count;
        uint32 stockStart;
        uint32 expiresAt;
        uint8 flags;
        uint40 seq;
        uint64 faceValue;
        bytes3 currency;
    }

    /// @dev Three consecutive slots per batch.
    struct BatchRecord {
        BatchCore core;
        bytes32 merkleRoot;
        bytes32 head;
    }

    /// @dev What a lot operation does to each run it crosses.
    enum LotAction {
        Transfer,
        Activate,
        Revoke
    }

    /// @dev One lot operation. `holder`: for a transfer its sender, for an activation the lot's
    /// holder; `to`: a transfer's recipient; `reason`: a revocation's reason code.
    struct LotChange {
        LotAction action;
        address holder;
        address to;
        uint16 reason;
    }

    /// @dev The run being assembled while a lot operation rewrites its region. `stored`: a slot
    /// exists at `start`; `dirty`: the slot must be (re)written; `open`: the piece holds a run.
    struct Piece {
        uint32 start;
        Run run;
        bool stored;
        bool dirty;
        bool open;
    }

    /// @dev What a redemption carries from one card to the next within a transaction.
    struct RedeemContext {
        uint64 batchId;
        BatchCore core;
        bytes32 root;
        bytes32 head;
        uint40 seq;
    }

    uint24 private _lastIssuerId;

    mapping(uint64 batchId => BatchRecord) private _batches;
    /// @dev Run start => run. Stored runs cover `[0, stockStart)` exactly; `[stockStart, count)` is
    /// the issuer's untouched stock, an implicit run (issuer, count, no flags) stored nowhere. A
    /// start whose stored `end` is 0 and that is not `stockStart` is not a run start.
    mapping(uint64 batchId => mapping(uint32 start => Run)) private _runs;
    /// @dev One bit per serial: word `serial >> 8`, bit `serial & 255`.
    mapping(uint64 batchId => mapping(uint256 word => uint256)) private _redeemedBits;
    /// @dev One bit per non-zero word of `_redeemedBits`: summary `word >> 8`, bit `word & 255`.
    /// Written only when a word receives its first redemption.
    mapping(uint64 batchId => mapping(uint256 summary => uint256)) private _redeemedWords;
    mapping(uint64 batchId => mapping(address => bool)) private _redeemers;
    mapping(address holder => mapping(uint64 batchId => mapping(address operator => bool))) private _batchApprovals;
    mapping(address holder => mapping(address operator => bool)) private _globalApprovals;
    mapping(address account => uint24) private _issuerIds;
    mapping(uint24 issuerId => address) private _issuerAccounts;
    mapping(address account => bytes32) private _issuerProfiles;

    /// @param admin Platform governance: registers issuers, manages roles.
    /// @param pauser Account allowed to pause in an emergency.
    constructor(address admin, address pauser) EIP712("CardProof VoucherRegistry", "2") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, pauser);
    }

    // ------------------------------------------------------------------ governance

    /// @inheritdoc IVoucherRegistry
    function registerIssuer(address account, bytes32 profileHash) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (account == address(0)) revert VoucherRegistryInvalidIssuer(account);
        _grantRole(ISSUER_ROLE, account);
        _issuerProfiles[account] = profileHash;
        emit IssuerRegistered(account, _issuerIds[account], profileHash);
    }

    /// @inheritdoc IVoucherRegistry
    function rotateIssuerKey(uint24 issuerId, address newAccount) external onlyRole(DEFAULT_ADMIN_ROLE) {
        address previous = _issuerAccounts[issuerId];
        if (previous == address(0)) revert VoucherRegistryUnknownIssuer(issuerId);
        if (newAccount == address(0) || _issuerIds[newAccount] != 0) revert VoucherRegistryInvalidIssuer(newAccount);
        delete _issuerIds[previous];
        _issuerIds[newAccount] = issuerId;
        _issuerAccounts[issuerId] = newAccount;
        _issuerProfiles[newAccount] = _issuerProfiles[previous];
        delete _issuerProfiles[previous];
        _revokeRole(ISSUER_ROLE, previous);
        // `newAccount` already has its id, so the `_grantRole` override assigns none.
        _grantRole(ISSUER_ROLE, newAccount);
        emit IssuerKeyRotated(issuerId, previous, newAccount);
    }

    /// @inheritdoc IVoucherRegistry
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IVoucherRegistry
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    /// @dev Every account that ever receives the issuer role (also through `grantRole`) gets a
    /// permanent id, which batches store instead of a 20-byte address to fit in one slot.
    function _grantRole(bytes32 role, address account) internal override returns (bool) {
        if (role == ISSUER_ROLE && _issuerIds[account] == 0) {
            uint24 issuerId = ++_lastIssuerId;
            _issuerIds[account] = issuerId;
            _issuerAccounts[issuerId] = account;
        }
        return super._grantRole(role, account);
    }

    // ------------------------------------------------------------------ issuance

    /// @inheritdoc IVoucherRegistry
    function issueBatch(uint64 batchId, BatchParams calldata params) external onlyRole(ISSUER_ROLE) whenNotPaused {
        uint24 issuerId = _issuerIds[msg.sender];
        if (batchId >> 32 != issuerId) revert VoucherRegistryBatchIdNotOwned(batchId, issuerId);
        BatchRecord storage batch = _batches[batchId];
        if (batch.core.issuerId != 0) revert VoucherRegistryBatchExists(batchId);
        if (params.merkleRoot == bytes32(0)) revert VoucherRegistryEmptyRoot();
        if (params.count == 0) revert VoucherRegistryZeroCount();
        if (!_isCurrencyCode(params.currency)) revert VoucherRegistryInvalidCurrency(params.currency);
        if (params.expiresAt != 0 && params.expiresAt <= block.timestamp) {
            revert VoucherRegistryExpiryInPast(params.expiresAt, block.timestamp);
        }

        bytes32 head = ProvenanceHash.issued(batchId, msg.sender, params);
        batch.core = BatchCore({
            issuerId: issuerId,
            count: params.count,
            stockStart: 0,
            expiresAt: params.expiresAt,
            flags: params.activationRequired ? _BATCH_ACTIVATION_REQUIRED : 0,
            seq: 1,
            faceValue: params.faceValue,
            currency: params.currency
        });
        batch.merkleRoot = params.merkleRoot;
        batch.head = head;
        emit BatchIssued(batchId, msg.sender, 1, head, params);
    }

    /// @inheritdoc IVoucherRegistry
    function setRedeemer(uint64 batchId, address redeemer, bool allowed) external {
        // Removing a redeemer only protects, so it works while paused.
        if (allowed) _requireNotPaused();
        BatchRecord storage batch = _batchOrRevert(batchId);
        BatchCore memory core = batch.core;
        _checkActiveBatchIssuer(batchId, core);
        if (redeemer == address(0)) revert VoucherRegistryInvalidRedeemer(redeemer);
        if (_redeemers[batchId][redeemer] == allowed) {
            revert VoucherRegistryRedeemerUnchanged(batchId, redeemer, allowed);
        }
        _redeemers[batchId][redeemer] = allowed;

        uint40 seq = core.seq + 1;
        bytes32 head = ProvenanceHash.redeemerSet(batch.head, seq, batchId, redeemer, allowed);
        _advance(batch, seq, head);
        emit RedeemerSet(batchId, redeemer, allowed, seq, head);
    }

    // ------------------------------------------------------------------ custody

    /// @inheritdoc IVoucherRegistry
    function setApprovalForBatch(uint64 batchId, address operator, bool approved) external {
        if (operator == address(0) || operator == msg.sender) revert VoucherRegistryInvalidOperator(operator);
        _batchApprovals[msg.sender][batchId][operator] = approved;
        emit ApprovalForBatch(msg.sender, batchId, operator, approved);
    }

    /// @inheritdoc IVoucherRegistry
    function setApprovalForAll(address operator, bool approved) external {
        if (operator == address(0) || operator == msg.sender) revert VoucherRegistryInvalidOperator(operator);
        _globalApprovals[msg.sender][operator] = approved;
        emit ApprovalForAll(msg.sender, operator, approved);
    }

    /// @inheritdoc IVoucherRegistry
    function transferLot(
        uint64 batchId,
        address from,
        address to,
        uint32 start,
        uint32 end,
        uint32 hint
    ) external whenNotPaused {
        BatchRecord storage batch = _batchOrRevert(batchId);
        BatchCore memory core = batch.core;
        if (to == address(0) || to == from) revert VoucherRegistryInvalidRecipient(to);
        _checkHolderOrOperator(batchId, from);
        if (_isExpired(core)) revert VoucherRegistryBatchExpired(batchId, core.expiresAt);

        _changeLot(
            batchId,
            core,
            start,
            end,
            hint,
            LotChange({action: LotAction.Transfer, holder: from, to: to, reason: 0})
        );

        uint40 seq = core.seq + 1;
        bytes32 head = ProvenanceHash.transferred(batch.head, seq, batchId, from, to, start, end, msg.sender);
        _advance(batch, seq, head);
        emit LotTransferred(batchId, from, to, start, end, msg.sender, seq, head);
    }

    /// @inheritdoc IVoucherRegistry
    function activateLot(uint64 batchId, uint32 start, uint32 end, uint32 hint) external whenNotPaused {
        BatchRecord storage batch = _batchOrRevert(batchId);
        BatchCore memory core = batch.core;
        if (_isExpired(core)) revert VoucherRegistryBatchExpired(batchId, core.expiresAt);

        // The holder is that of the run holding `start`; the walk checks every other run has it too.
        address holder = _changeLot(
            batchId,
            core,
            start,
            end,
            hint,
            LotChange({action: LotAction.Activate, holder: address(0), to: address(0), reason: 0})
        );

        uint40 seq = core.seq + 1;
        bytes32 head = ProvenanceHash.activated(batch.head, seq, batchId, holder, start, end, msg.sender);
        _advance(batch, seq, head);
        emit LotActivated(batchId, holder, start, end, msg.sender, seq, head);
    }

    /// @inheritdoc IVoucherRegistry
    function revokeLot(uint64 batchId, uint32 start, uint32 end, uint32 hint, uint16 reason) external {
        BatchRecord storage batch = _batchOrRevert(batchId);
        BatchCore memory core = batch.core;
        _checkActiveBatchIssuer(batchId, core);
        if (reason == 0) revert VoucherRegistryInvalidRevokeReason(reason);

        _changeLot(
            batchId,
            core,
            start,
            end,
            hint,
            LotChange({action: LotAction.Revoke, holder: address(0), to: address(0), reason: reason})
        );

        uint40 seq = core.seq + 1;
        bytes32 head = ProvenanceHash.revoked(batch.head, seq, batchId, start, end, reason);
        _advance(batch, seq, head);
        emit LotRevoked(batchId, start, end, reason, seq, head);
    }

    // ------------------------------------------------------------------ redemption

    /// @inheritdoc IVoucherRegistry
    function redeem(
        uint64 batchId,
        uint32 serial,
        uint32 hint,
        bytes32 sigR,
        bytes32 sigVs,
        bytes32[] calldata proof
    ) external whenNotPaused {
        (BatchRecord storage batch, RedeemContext memory ctx) = _redeemContext(batchId);
        _redeemOne(ctx, serial, hint, sigR, sigVs, proof);
        _advance(batch, ctx.seq, ctx.head);
    }

    /// @inheritdoc IVoucherRegistry
    function redeemMany(uint64 batchId, Redemption[] calldata redemptions) external whenNotPaused {
        if (redemptions.length == 0) revert VoucherRegistryNoRedemptions();
        (BatchRecord storage batch, RedeemContext memory ctx) = _redeemContext(batchId);
        // The chain advances in memory and is written once at the end.
        for (uint256 i = 0; i < redemptions.length; ++i) {
            Redemption calldata item = redemptions[i];
            _redeemOne(ctx, item.serial, item.hint, item.sigR, item.sigVs, item.proof);
        }
        _advance(batch, ctx.seq, ctx.head);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IVoucherRegistry
    function redemptionDigest(uint64 batchId, uint32 serial, address redeemer) external view returns (bytes32) {
        return _hashTypedDataV4(VoucherLeaf.redeemCardHash(batchId, serial, redeemer));
    }

    /// @inheritdoc IVoucherRegistry
    function batchOf(uint64 batchId) external view returns (BatchInfo memory) {
        BatchRecord storage batch = _batchOrRevert(batchId);
        BatchCore memory core = batch.core;
        return
            BatchInfo({
                issuer: _issuerAccounts[core.issuerId],
                issuerId: core.issuerId,
                count: core.count,
                stockStart: core.stockStart,
                expiresAt: core.expiresAt,
                activationRequired: core.flags & _BATCH_ACTIVATION_REQUIRED != 0,
                seq: core.seq,
                faceValue: core.faceValue,
                currency: core.currency,
                merkleRoot: batch.merkleRoot,
                head: batch.head
            });
    }

    /// @inheritdoc IVoucherRegistry
    function isIssued(uint64 batchId) external view returns (bool) {
        return _batches[batchId].core.issuerId != 0;
    }

    /// @inheritdoc IVoucherRegistry
    function issuerOf(address account) external view returns (uint24 issuerId, bytes32 profileHash) {
        return (_issuerIds[account], _issuerProfiles[account]);
    }

    /// @inheritdoc IVoucherRegistry
    function issuerAccount(uint24 issuerId) external view returns (address) {
        return _issuerAccounts[issuerId];
    }

    /// @inheritdoc IVoucherRegistry
    function isRedeemer(uint64 batchId, address account) external view returns (bool) {
        return _redeemers[batchId][account];
    }

    /// @inheritdoc IVoucherRegistry
    function isApprovedOperator(address holder, uint64 batchId, address operator) public view returns (bool) {
        return _globalApprovals[holder][operator] || _batchApprovals[holder][batchId][operator];
    }

    /// @inheritdoc IVoucherRegistry
    function isRedeemed(uint64 batchId, uint32 serial) public view returns (bool) {
        return _redeemedBits[batchId][serial >> 8] & (1 << (serial & 0xff)) != 0;
    }

    /// @inheritdoc IVoucherRegistry
    function findRedeemed(uint64 batchId, uint32 start, uint32 end) external view returns (bool, uint32) {
        if (start >= end) revert VoucherRegistryEmptyLot(batchId, start, end);
        uint256 firstWord = start >> 8;
        uint256 lastWord = (end - 1) >> 8;
        for (uint256 summaryIndex = firstWord >> 8; summaryIndex <= lastWord >> 8; ++summaryIndex) {
            uint256 flagged = _redeemedWords[batchId][summaryIndex];
            while (flagged != 0) {
                // Lowest flagged word first, so the first hit is the lowest redeemed serial.
                uint256 word = (summaryIndex << 8) | _lowestBit(flagged);
                flagged &= flagged - 1;
                if (word < firstWord) continue;
                if (word > lastWord) break;
                uint256 bits = _redeemedBits[batchId][word];
                if (word == firstWord) bits &= type(uint256).max << (start & 0xff);
                if (word == lastWord) bits &= type(uint256).max >> (255 - ((end - 1) & 0xff));
                // The result is below `end`, a uint32.
                if (bits != 0) return (true, uint32((word << 8) | _lowestBit(bits)));
            }
        }
        return (false, 0);
    }

    /// @inheritdoc IVoucherRegistry
    function runAt(uint64 batchId, uint32 hint) external view returns (Run memory) {
        return _runAt(batchId, _batchOrRevert(batchId).core, hint);
    }

    /// @inheritdoc IVoucherRegistry
    function runStartOf(uint64 batchId, uint32 serial) public view returns (uint32) {
        BatchCore memory core = _batchOrRevert(batchId).core;
        if (serial >= core.count) revert VoucherRegistrySerialOutsideRun(batchId, serial, 0, core.count);
        if (serial >= core.stockStart) return core.stockStart;
        mapping(uint32 => Run) storage runs = _runs[batchId];
        uint32 forward = 0;
        uint32 backward = serial;
        // From here on `serial < stockStart`, so stored runs cover it and serial 0 is a stored run
        // start. Terminates: `forward` only grows and stays <= serial, `backward` only shrinks to 0.
        while (backward != 0 && runs[backward].end == 0) {
            uint32 forwardEnd = runs[forward].end;
            if (forwardEnd > serial) return forward;
            forward = forwardEnd;
            // Cannot underflow: the loop condition checked `backward != 0`.
            unchecked {
                --backward;
            }
        }
        return backward;
    }

    /// @inheritdoc IVoucherRegistry
    function statusOf(uint64 batchId, uint32 serial, uint32 hint) public view returns (Status, address) {
        BatchCore memory core = _batches[batchId].core;
        if (core.issuerId == 0 || serial >= core.count) return (Status.Unknown, address(0));
        Run memory run = _runAt(batchId, core, hint);
        if (serial < hint || serial >= run.end) revert VoucherRegistrySerialOutsideRun(batchId, serial, hint, run.end);

        if (isRedeemed(batchId, serial)) return (Status.Redeemed, run.holder);
        if (run.flags & _RUN_REVOKED != 0) return (Status.Revoked, run.holder);
        if (_isExpired(core)) return (Status.Expired, run.holder);
        if (core.flags & _BATCH_ACTIVATION_REQUIRED != 0 && run.flags & _RUN_ACTIVATED == 0) {
            return (Status.Inactive, run.holder);
        }
        return (Status.Active, run.holder);
    }

    /// @inheritdoc IVoucherRegistry
    function lookupStatus(
        uint64 batchId,
        uint32 serial
    ) external view returns (Status status, address holder, uint32 runStart) {
        BatchCore memory core = _batches[batchId].core;
        if (core.issuerId == 0 || serial >= core.count) return (Status.Unknown, address(0), 0);
        runStart = runStartOf(batchId, serial);
        (status, holder) = statusOf(batchId, serial, runStart);
    }

    // ------------------------------------------------------------------ internals

    function _batchOrRevert(uint64 batchId) private view returns (BatchRecord storage batch) {
        batch = _batches[batchId];
        if (batch.core.issuerId == 0) revert VoucherRegistryUnknownBatch(batchId);
    }

    /// @dev The run starting at `hint`, or a revert if `hint` is not a run start.
    function _runAt(uint64 batchId, BatchCore memory core, uint32 hint) private view returns (Run memory run) {
        run = _runs[batchId][hint];
        if (run.end == 0) {
            if (hint != core.stockStart || hint >= core.count) revert VoucherRegistryInvalidHint(batchId, hint);
            run = Run({holder: _issuerAccounts[core.issuerId], end: core.count, flags: 0, revokeReason: 0});
        }
    }

    function _checkHolderOrOperator(uint64 batchId, address holder) private view {
        if (msg.sender != holder && !isApprovedOperator(holder, batchId, msg.sender)) {
            revert VoucherRegistryNotHolderOrOperator(batchId, holder, msg.sender);
        }
    }

    /// @dev Batch powers belong to the batch's issuer, and only while it holds the issuer role.
    function _checkActiveBatchIssuer(uint64 batchId, BatchCore memory core) private view {
        address issuer = _issuerAccounts[core.issuerId];
        if (issuer != msg.sender) revert VoucherRegistryNotBatchIssuer(batchId, msg.sender);
        if (!hasRole(ISSUER_ROLE, issuer)) revert VoucherRegistryIssuerInactive(core.issuerId, issuer);
    }

    /// @dev Applies `change` to the lot `[start, end)` and rewrites the region around it: from the
    /// run containing `start - 1` (named by `hint`) to the run containing `end`. Pieces of that
    /// region are pushed left to right and adjacent pieces with equal properties merge; a piece is
    /// written only if it changed, and slots of run starts swallowed by a merge are cleared. A
    /// last piece of the batch with the issuer's stock properties becomes the implicit stock.
    /// Updates `core.stockStart` in memory and storage. Returns the lot's (first run's) holder.
    function _changeLot(
        uint64 batchId,
        BatchCore memory core,
        uint32 start,
        uint32 end,
        uint32 hint,
        LotChange memory change
    ) private returns (address) {
        if (start >= end) revert VoucherRegistryEmptyLot(batchId, start, end);
        if (end > core.count) revert VoucherRegistryLotOutOfRange(batchId, start, end, core.count);
        mapping(uint32 => Run) storage runs = _runs[batchId];
        uint32 oldStockStart = core.stockStart;
        (Piece memory pending, uint32 runStart, Run memory run) = _openLot(batchId, core, start, hint);

        if (change.action == LotAction.Activate) {
            change.holder = run.holder;
            _checkHolderOrOperator(batchId, run.holder);
        }

        // The runs the lot crosses. Bounded by the lot: each step moves `runStart` to the end of
        // a run, which lies further right, and stops at the run containing `end - 1`.
        while (true) {
            uint32 pieceStart = runStart < start ? start : runStart;
            uint32 pieceEnd = run.end < end ? run.end : end;
            Run memory changed = _applyChange(batchId, runStart, run, change, pieceEnd);
            // A piece starting where its run starts sits on a stored slot, unless the run is the implicit stock.
            _push(runs, pending, pieceStart, changed, pieceStart == runStart && runStart != oldStockStart, true);
            if (run.end >= end) break;
            runStart = run.end;
            run = _runAt(batchId, core, runStart);
        }

        if (run.end > end) {
            // The tail of the last run keeps its properties.
            Run memory tail = Run({holder: run.holder, end: run.end, flags: run.flags, revokeReason: run.revokeReason});
            _push(runs, pending, end, tail, false, true);
        } else if (end < core.count) {
            _push(runs, pending, end, _runAt(batchId, core, end), end != oldStockStart, false);
        }
        _closeLot(batchId, core, runs, pending, oldStockStart);
        return change.holder;
    }

    /// @dev Checks the lot hint and returns the region's first piece (the left neighbour, or the
    /// head of the run split at `start`, or none when `start` is 0) and the run holding `start`.
    function _openLot(
        uint64 batchId,
        BatchCore memory core,
        uint32 start,
        uint32 hint
    ) private view returns (Piece memory pending, uint32 runStart, Run memory run) {
        runStart = start;
        if (start == 0) {
            if (hint != 0) revert VoucherRegistryLotHintMismatch(batchId, start, hint, _runAt(batchId, core, hint).end);
            return (pending, runStart, _runAt(batchId, core, 0));
        }
        Run memory left = _runAt(batchId, core, hint);
        if (hint >= start || left.end < start) revert VoucherRegistryLotHintMismatch(batchId, start, hint, left.end);
        bool stored = hint != core.stockStart;
        if (left.end == start) {
            pending = Piece({start: hint, run: left, stored: stored, dirty: false, open: true});
            run = _runAt(batchId, core, start);
        } else {
            Run memory head = Run({
                holder: left.holder,
                end: start,
                flags: left.flags,
                revokeReason: left.revokeReason
            });
            pending = Piece({start: hint, run: head, stored: stored, dirty: true, open: true});
            runStart = hint;
            run = left;
        }
    }

    /// @dev Writes the region's last piece; when it ends the batch with the issuer's untouched
    /// properties it is the implicit stock instead (its slot cleared, `stockStart` moved to it).
    function _closeLot(
        uint64 batchId,
        BatchCore memory core,
        mapping(uint32 => Run) storage runs,
        Piece memory pending,
        uint32 oldStockStart
    ) private {
        Run memory last = pending.run;
        if (last.end != core.count) {
            _flush(runs, pending);
            return;
        }
        if (last.holder == _issuerAccounts[core.issuerId] && last.flags == 0 && last.revokeReason == 0) {
            if (pending.stored) delete runs[pending.start];
            core.stockStart = pending.start;
        } else {
            _flush(runs, pending);
            core.stockStart = core.count;
        }
        if (core.stockStart != oldStockStart) _batches[batchId].core.stockStart = core.stockStart;
    }

    /// @dev The properties `change` gives the piece of the run `[runStart, run.end)` that ends at
    /// `pieceEnd`, after checking the run allows it.
    function _applyChange(
        uint64 batchId,
        uint32 runStart,
        Run memory run,
        LotChange memory change,
        uint32 pieceEnd
    ) private pure returns (Run memory) {
        if (change.action == LotAction.Revoke) {
            if (run.flags & _RUN_REVOKED != 0) revert VoucherRegistryLotRevoked(batchId, runStart, run.revokeReason);
            return
                Run({holder: run.holder, end: pieceEnd, flags: run.flags | _RUN_REVOKED, revokeReason: change.reason});
        }
        if (run.holder != change.holder) revert VoucherRegistryLotNotHeld(batchId, runStart, run.holder);
        if (run.flags & _RUN_REVOKED != 0) revert VoucherRegistryLotRevoked(batchId, runStart, run.revokeReason);
        if (change.action == LotAction.Transfer) {
            return Run({holder: change.to, end: pieceEnd, flags: run.flags, revokeReason: 0});
        }
        if (run.flags & _RUN_ACTIVATED != 0) revert VoucherRegistryLotAlreadyActivated(batchId, runStart);
        return Run({holder: run.holder, end: pieceEnd, flags: run.flags | _RUN_ACTIVATED, revokeReason: 0});
    }

    /// @dev Appends the piece `[start, run.end)` to the region being rewritten: merged into the
    /// pending piece when their properties are equal (clearing the swallowed slot), else the
    /// pending piece is written and this one becomes pending.
    function _push(
        mapping(uint32 => Run) storage runs,
        Piece memory pending,
        uint32 start,
        Run memory run,
        bool stored,
        bool dirty
    ) private {
        if (
            pending.open &&
            pending.run.holder == run.holder &&
            pending.run.flags == run.flags &&
            pending.run.revokeReason == run.revokeReason
        ) {
            pending.run.end = run.end;
            pending.dirty = true;
            if (stored) delete runs[start];
            return;
        }
        if (pending.open) _flush(runs, pending);
        pending.start = start;
        pending.run = run;
        pending.stored = stored;
        pending.dirty = dirty;
        pending.open = true;
    }

    function _flush(mapping(uint32 => Run) storage runs, Piece memory piece) private {
        if (piece.dirty) runs[piece.start] = piece.run;
    }

    /// @dev The batch and chain state a redemption reads, loaded once per transaction.
    function _redeemContext(uint64 batchId) private view returns (BatchRecord storage batch, RedeemContext memory ctx) {
        batch = _batchOrRevert(batchId);
        if (!_redeemers[batchId][msg.sender]) revert VoucherRegistryNotRedeemer(batchId, msg.sender);
        ctx = RedeemContext({
            batchId: batchId,
            core: batch.core,
            root: batch.merkleRoot,
            head: batch.head,
            seq: batch.core.seq
        });
    }

    /// @dev Checks and redeems one card, advancing `ctx.seq` and `ctx.head`; the caller stores them.
    function _redeemOne(
        RedeemContext memory ctx,
        uint32 serial,
        uint32 hint,
        bytes32 sigR,
        bytes32 sigVs,
        bytes32[] calldata proof
    ) private {
        uint64 batchId = ctx.batchId;
        Run memory run = _runAt(batchId, ctx.core, hint);
        if (serial < hint || serial >= run.end) revert VoucherRegistrySerialOutsideRun(batchId, serial, hint, run.end);
        if (_isExpired(ctx.core)) revert VoucherRegistryBatchExpired(batchId, ctx.core.expiresAt);
        if (run.flags & _RUN_REVOKED != 0) revert VoucherRegistryVoucherRevoked(batchId, serial, run.revokeReason);
        if (ctx.core.flags & _BATCH_ACTIVATION_REQUIRED != 0 && run.flags & _RUN_ACTIVATED == 0) {
            revert VoucherRegistryNotActivated(batchId, serial);
        }
        mapping(uint256 => uint256) storage bitmap = _redeemedBits[batchId];
        uint256 bit = 1 << (serial & 0xff);
        uint256 bits = bitmap[serial >> 8];
        if (bits & bit != 0) revert VoucherRegistryAlreadyRedeemed(batchId, serial);

        bytes32 digest = _hashTypedDataV4(VoucherLeaf.redeemCardHash(batchId, serial, msg.sender));
        (address cardKey, ECDSA.RecoverError recoverError, ) = ECDSA.tryRecover(digest, sigR, sigVs);
        if (recoverError != ECDSA.RecoverError.NoError) revert VoucherRegistryInvalidCardSignature(batchId, serial);
        bytes32 leaf = VoucherLeaf.leaf(block.chainid, address(this), batchId, serial, cardKey);
        if (!MerkleProof.verifyCalldata(proof, ctx.root, leaf)) revert VoucherRegistryInvalidProof(batchId, serial);

        bitmap[serial >> 8] = bits | bit;
        if (bits == 0) {
            uint256 word = serial >> 8;
            _redeemedWords[batchId][word >> 8] |= 1 << (word & 0xff);
        }
        uint40 seq = ++ctx.seq;
        ctx.head = ProvenanceHash.redeemed(ctx.head, seq, batchId, serial, msg.sender, cardKey);
        emit VoucherRedeemed(batchId, serial, msg.sender, cardKey, seq, ctx.head);
    }

    function _advance(BatchRecord storage batch, uint40 seq, bytes32 head) private {
        batch.core.seq = seq;
        batch.head = head;
    }

    /// @dev Index of the lowest set bit of a non-zero word.
    function _lowestBit(uint256 x) private pure returns (uint256) {
        return Math.log2(x & (~x + 1));
    }

    function _isExpired(BatchCore memory core) private view returns (bool) {
        return core.expiresAt != 0 && block.timestamp >= core.expiresAt;
    }

    function _isCurrencyCode(bytes3 currency) private pure returns (bool) {
        for (uint256 i = 0; i < 3; ++i) {
            bytes1 letter = currency[i];
            if (letter < "A" || letter > "Z") return false;
        }
        return true;
    }
}
