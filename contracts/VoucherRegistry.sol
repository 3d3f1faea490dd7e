// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

import {IVoucherRegistry} from "./interfaces/IVoucherRegistry.sol";
import {ProvenanceHash} from "./libraries/ProvenanceHash.sol";
import {VoucherLeaf} from "./libraries/VoucherLeaf.sol";

/// @title VoucherRegistry
/// @notice The on-chain source of truth for CardProof voucher cards. See {IVoucherRegistry}.
///
/// @dev Why revealing a code at redemption cannot be exploited by someone watching pending
/// transactions: (1) only accounts the batch issuer named as redeemers can call `redeem`, so a
/// watcher who copies a code from a pending transaction cannot submit it on chain; (2) the
/// transaction carries no beneficiary or payout: what the card is worth is delivered off chain
/// by the redeemer itself (game credit, phone top-up, gate entry), which accepted the code
/// before broadcasting it, so there is nothing in the transaction to redirect; (3) once the
/// transaction is mined the card is burned for every redeemer, and until it is mined the
/// redeemer that broadcast it treats the code as spent. A revealed code is therefore only ever
/// valuable to the redeemer that already holds it. Codes are never on chain before that moment:
/// the tree commits to domain-separated code hashes (>= 80 bits of entropy per code).
///
/// Storage is laid out so that issuing a batch writes three slots whatever its size, and moving
/// a lot writes at most three run slots plus the batch's two hash-chain slots; a lot taken from
/// the front of the issuer's untouched stock writes one run slot.
contract VoucherRegistry is IVoucherRegistry, AccessControl, Pausable {
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
    constructor(address admin, address pauser) {
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
    function setRedeemer(uint64 batchId, address redeemer, bool allowed) external whenNotPaused {
        BatchRecord storage batch = _batchOrRevert(batchId);
        BatchCore memory core = batch.core;
        if (_issuerAccounts[core.issuerId] != msg.sender) revert VoucherRegistryNotBatchIssuer(batchId, msg.sender);
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
        Run memory run = _lotRun(batchId, core, start, end, hint);
        if (run.holder != from) revert VoucherRegistryLotNotHeld(batchId, start, run.holder);
        _checkHolderOrOperator(batchId, from);
        if (to == address(0) || to == from) revert VoucherRegistryInvalidRecipient(to);
        _checkMovable(batchId, core, hint, run);

        _split(batchId, core, hint, run, start, end, Run({holder: to, end: end, flags: run.flags, revokeReason: 0}));

        uint40 seq = core.seq + 1;
        bytes32 head = ProvenanceHash.transferred(batch.head, seq, batchId, from, to, start, end, msg.sender);
        _advance(batch, seq, head);
        emit LotTransferred(batchId, from, to, start, end, msg.sender, seq, head);
    }

    /// @inheritdoc IVoucherRegistry
    function activateLot(uint64 batchId, uint32 start, uint32 end, uint32 hint) external whenNotPaused {
        BatchRecord storage batch = _batchOrRevert(batchId);
        BatchCore memory core = batch.core;
        Run memory run = _lotRun(batchId, core, start, end, hint);
        _checkHolderOrOperator(batchId, run.holder);
        _checkMovable(batchId, core, hint, run);
        if (run.flags & _RUN_ACTIVATED != 0) revert VoucherRegistryLotAlreadyActivated(batchId, hint);

        _split(
            batchId,
            core,
            hint,
            run,
            start,
            end,
            Run({holder: run.holder, end: end, flags: run.flags | _RUN_ACTIVATED, revokeReason: 0})
        );

        uint40 seq = core.seq + 1;
        bytes32 head = ProvenanceHash.activated(batch.head, seq, batchId, run.holder, start, end, msg.sender);
        _advance(batch, seq, head);
        emit LotActivated(batchId, run.holder, start, end, msg.sender, seq, head);
    }

    /// @inheritdoc IVoucherRegistry
    function revokeLot(uint64 batchId, uint32 start, uint32 end, uint32 hint, uint16 reason) external {
        BatchRecord storage batch = _batchOrRevert(batchId);
        BatchCore memory core = batch.core;
        if (_issuerAccounts[core.issuerId] != msg.sender) revert VoucherRegistryNotBatchIssuer(batchId, msg.sender);
        if (reason == 0) revert VoucherRegistryInvalidRevokeReason(reason);
        Run memory run = _lotRun(batchId, core, start, end, hint);
        if (run.flags & _RUN_REVOKED != 0) revert VoucherRegistryLotRevoked(batchId, hint, run.revokeReason);

        _split(
            batchId,
            core,
            hint,
            run,
            start,
            end,
            Run({holder: run.holder, end: end, flags: run.flags | _RUN_REVOKED, revokeReason: reason})
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
        bytes calldata code,
        bytes32[] calldata proof
    ) external whenNotPaused {
        (BatchRecord storage batch, RedeemContext memory ctx) = _redeemContext(batchId);
        _redeemOne(ctx, serial, hint, code, proof);
        _advance(batch, ctx.seq, ctx.head);
    }

    /// @inheritdoc IVoucherRegistry
    function redeemMany(uint64 batchId, Redemption[] calldata redemptions) external whenNotPaused {
        if (redemptions.length == 0) revert VoucherRegistryNoRedemptions();
        (BatchRecord storage batch, RedeemContext memory ctx) = _redeemContext(batchId);
        // The chain advances in memory and is written once at the end.
        for (uint256 i = 0; i < redemptions.length; ++i) {
            Redemption calldata item = redemptions[i];
            _redeemOne(ctx, item.serial, item.hint, item.code, item.proof);
        }
        _advance(batch, ctx.seq, ctx.head);
    }

    // ------------------------------------------------------------------ views

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

    /// @dev The run starting at `hint`, checked to contain the non-empty lot `[start, end)`.
    function _lotRun(
        uint64 batchId,
        BatchCore memory core,
        uint32 start,
        uint32 end,
        uint32 hint
    ) private view returns (Run memory run) {
        if (start >= end) revert VoucherRegistryEmptyLot(batchId, start, end);
        run = _runAt(batchId, core, hint);
        if (start < hint || end > run.end) revert VoucherRegistryLotOutsideRun(batchId, start, end, hint, run.end);
    }

    function _checkHolderOrOperator(uint64 batchId, address holder) private view {
        if (msg.sender != holder && !isApprovedOperator(holder, batchId, msg.sender)) {
            revert VoucherRegistryNotHolderOrOperator(batchId, holder, msg.sender);
        }
    }

    /// @dev Revoked or expired stock can neither change hands nor be activated.
    function _checkMovable(uint64 batchId, BatchCore memory core, uint32 hint, Run memory run) private view {
        if (run.flags & _RUN_REVOKED != 0) revert VoucherRegistryLotRevoked(batchId, hint, run.revokeReason);
        if (_isExpired(core)) revert VoucherRegistryBatchExpired(batchId, core.expiresAt);
    }

    /// @dev Replaces the lot `[start, end)` of the run `[hint, run.end)` by `lot`: at most three
    /// slot writes (the shortened head, the lot, the tail keeping the run's old properties). When
    /// the run is the issuer's implicit stock, the tail stays implicit: `stockStart` moves to `end`
    /// instead of a new slot being written, in the core slot the caller rewrites for `seq` anyway.
    function _split(
        uint64 batchId,
        BatchCore memory core,
        uint32 hint,
        Run memory run,
        uint32 start,
        uint32 end,
        Run memory lot
    ) private {
        mapping(uint32 => Run) storage runs = _runs[batchId];
        if (hint == core.stockStart) {
            _batches[batchId].core.stockStart = end;
        } else if (end < run.end) {
            runs[end] = Run({holder: run.holder, end: run.end, flags: run.flags, revokeReason: run.revokeReason});
        }
        if (hint < start) {
            // Written whole: the implicit stock run has no stored slot.
            runs[hint] = Run({holder: run.holder, end: start, flags: run.flags, revokeReason: run.revokeReason});
        }
        runs[start] = lot;
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
        bytes calldata code,
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

        bytes32 codeHash = VoucherLeaf.codeHash(code);
        bytes32 leaf = VoucherLeaf.leaf(block.chainid, address(this), batchId, serial, codeHash);
        if (!MerkleProof.verifyCalldata(proof, ctx.root, leaf)) revert VoucherRegistryInvalidProof(batchId, serial);

        bitmap[serial >> 8] = bits | bit;
        if (bits == 0) {
            uint256 word = serial >> 8;
            _redeemedWords[batchId][word >> 8] |= 1 << (word & 0xff);
        }
        uint40 seq = ++ctx.seq;
        ctx.head = ProvenanceHash.redeemed(ctx.head, seq, batchId, serial, msg.sender, codeHash);
        emit VoucherRedeemed(batchId, serial, msg.sender, codeHash, seq, ctx.head);
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
