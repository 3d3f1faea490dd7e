// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IVoucherRegistry
/// @notice Issuance, custody, point-of-sale activation, revocation and one-time redemption of
/// prepaid voucher cards. A batch of up to 2^32-1 cards is committed as one Merkle root; custody
/// is tracked per lot as runs of consecutive serials; every state change of a batch extends a
/// per-batch provenance hash chain that anyone can recompute from this contract's events.
/// @dev Serials of a batch are `0 .. count-1`; lots are half-open ranges `[start, end)`.
/// Batch ids are `issuerId << 32 | number`, with `number` chosen by the issuer: the leaves
/// commit to the batch id, so the issuer must know it before it builds the tree, and no
/// other issuer's transaction can shift it.
/// The hash chain: `head_n = keccak256(abi.encode(head_{n-1}, n, kind, fields...))` with
/// `head_0 = 0`, where `fields` are the event's fields in declaration order, without `seq` and
/// `head` (see {ProvenanceHash}). Every event below that carries `seq` and `head` is one link.
interface IVoucherRegistry {
    /// @notice What `statusOf` reports for a card.
    /// @dev Precedence when several apply: Unknown > Redeemed > Revoked > Expired > Inactive > Active.
    enum Status {
        Unknown,
        Active,
        Inactive,
        Redeemed,
        Revoked,
        Expired
    }

    /// @notice The terms an issuer commits when it issues a batch.
    /// @param merkleRoot Root over the domain-bound, double-hashed leaves of every serial, each
    /// committing to the address of the card key its secret code derives.
    /// @param count Number of cards; serials are `0 .. count-1`.
    /// @param faceValue Face value of one card in the currency's minor units (cents, fen, ...).
    /// @param currency ISO 4217 alphabetic code, three ASCII capitals (e.g. "USD").
    /// @param expiresAt Unix time from which cards can no longer be redeemed; 0 for never.
    /// @param activationRequired Whether a card must be activated at a point of sale before it can be redeemed.
    /// @param metadataHash Hash of the batch's public metadata document.
    /// @param manifestHash Hash of the batch manifest (serial -> card key, no secrets).
    /// @param metadataURI Where the public metadata document can be fetched.
    struct BatchParams {
        bytes32 merkleRoot;
        uint32 count;
        uint64 faceValue;
        bytes3 currency;
        uint32 expiresAt;
        bool activationRequired;
        bytes32 metadataHash;
        bytes32 manifestHash;
        string metadataURI;
    }

    /// @notice A batch as stored, with its issuer's account resolved.
    /// @param stockStart Serials `[stockStart, count)` are the issuer's untouched stock: one
    /// implicit run, stored nowhere, that starts at `stockStart` (use it as the hint).
    struct BatchInfo {
        address issuer;
        uint24 issuerId;
        uint32 count;
        uint32 stockStart;
        uint32 expiresAt;
        bool activationRequired;
        uint40 seq;
        uint64 faceValue;
        bytes3 currency;
        bytes32 merkleRoot;
        bytes32 head;
    }

    /// @notice A custody run: the serials `[start, end)` of a batch held by `holder`, where
    /// `start` is the key under which the run is stored.
    /// @param flags Bit 0: activated at a point of sale. Bit 1: revoked by the issuer.
    /// @param revokeReason Issuer's reason code when revoked, 0 otherwise.
    struct Run {
        address holder;
        uint32 end;
        uint8 flags;
        uint16 revokeReason;
    }

    /// @notice One card to redeem in {redeemMany}.
    /// @param hint Start of the custody run containing `serial`.
    /// @param sigR The `r` half of the card key's ERC-2098 compact signature of {redemptionDigest}.
    /// @param sigVs The `yParityAndS` half of that signature.
    /// @param proof Merkle proof of the card's leaf against the batch root.
    struct Redemption {
        uint32 serial;
        uint32 hint;
        bytes32 sigR;
        bytes32 sigVs;
        bytes32[] proof;
    }

    // ------------------------------------------------------------------ events

    /// @notice `account` was registered as issuer number `issuerId` with a public profile.
    event IssuerRegistered(address indexed account, uint24 indexed issuerId, bytes32 profileHash);

    /// @notice A batch was issued. First link of the batch's hash chain (`seq == 1`).
    event BatchIssued(uint64 indexed batchId, address indexed issuer, uint40 seq, bytes32 head, BatchParams params);

    /// @notice The lot `[start, end)` moved from `from` to `to`, sent by `operator`.
    event LotTransferred(
        uint64 indexed batchId,
        address indexed from,
        address indexed to,
        uint32 start,
        uint32 end,
        address operator,
        uint40 seq,
        bytes32 head
    );

    /// @notice The lot `[start, end)` held by `holder` was activated at a point of sale by `operator`.
    event LotActivated(
        uint64 indexed batchId,
        address indexed holder,
        uint32 start,
        uint32 end,
        address operator,
        uint40 seq,
        bytes32 head
    );

    /// @notice The issuer revoked (froze) the lot `[start, end)` with reason code `reason`.
    event LotRevoked(uint64 indexed batchId, uint32 start, uint32 end, uint16 reason, uint40 seq, bytes32 head);

    /// @notice The card `serial` was redeemed by `redeemer`, authorised by the card key `cardKey`
    /// (the address the card's secret code derives; the code itself never reaches the chain).
    event VoucherRedeemed(
        uint64 indexed batchId,
        uint32 indexed serial,
        address indexed redeemer,
        address cardKey,
        uint40 seq,
        bytes32 head
    );

    /// @notice The batch issuer allowed or disallowed `redeemer` to redeem cards of the batch.
    event RedeemerSet(uint64 indexed batchId, address indexed redeemer, bool allowed, uint40 seq, bytes32 head);

    /// @notice Governance moved issuer number `issuerId`, its role, profile and batch powers from
    /// `previousAccount` to `newAccount`.
    event IssuerKeyRotated(uint24 indexed issuerId, address indexed previousAccount, address indexed newAccount);

    /// @notice `holder` approved or unapproved `operator` to move and activate its lots of `batchId`.
    event ApprovalForBatch(address indexed holder, uint64 indexed batchId, address indexed operator, bool approved);

    /// @notice `holder` approved or unapproved `operator` to move and activate its lots of every batch.
    event ApprovalForAll(address indexed holder, address indexed operator, bool approved);

    // ------------------------------------------------------------------ errors

    /// @notice No batch `batchId` was issued.
    error VoucherRegistryUnknownBatch(uint64 batchId);
    /// @notice Only the batch's issuer may do this; `caller` is not it.
    error VoucherRegistryNotBatchIssuer(uint64 batchId, address caller);
    /// @notice `batchId` is not in the id space (`issuerId << 32 | number`) of the calling issuer.
    error VoucherRegistryBatchIdNotOwned(uint64 batchId, uint24 issuerId);
    /// @notice `batchId` was already issued.
    error VoucherRegistryBatchExists(uint64 batchId);
    /// @notice The zero address cannot be an issuer.
    error VoucherRegistryInvalidIssuer(address account);
    /// @notice A batch needs a non-zero Merkle root.
    error VoucherRegistryEmptyRoot();
    /// @notice A batch needs at least one card.
    error VoucherRegistryZeroCount();
    /// @notice `currency` is not three ASCII capitals as ISO 4217 requires.
    error VoucherRegistryInvalidCurrency(bytes3 currency);
    /// @notice The expiry `expiresAt` is not in the future (`now`).
    error VoucherRegistryExpiryInPast(uint32 expiresAt, uint256 now);
    /// @notice `hint` is not the start of a custody run of `batchId`.
    error VoucherRegistryInvalidHint(uint64 batchId, uint32 hint);
    /// @notice The lot `[start, end)` is empty.
    error VoucherRegistryEmptyLot(uint64 batchId, uint32 start, uint32 end);
    /// @notice The lot `[start, end)` reaches past the batch's last serial (`count - 1`).
    error VoucherRegistryLotOutOfRange(uint64 batchId, uint32 start, uint32 end, uint32 count);
    /// @notice A lot starting at `start` needs as hint the start of the run containing `start - 1`
    /// (0 when `start` is 0); `hint` starts a run that ends at `runEnd` instead.
    error VoucherRegistryLotHintMismatch(uint64 batchId, uint32 start, uint32 hint, uint32 runEnd);
    /// @notice The serial is not inside the run `[runStart, runEnd)` named by the hint.
    error VoucherRegistrySerialOutsideRun(uint64 batchId, uint32 serial, uint32 runStart, uint32 runEnd);
    /// @notice The lot starting at `start` is held by `holder`, not by the account named as sender.
    error VoucherRegistryLotNotHeld(uint64 batchId, uint32 start, address holder);
    /// @notice `caller` is neither `holder` nor an operator `holder` approved for this batch.
    error VoucherRegistryNotHolderOrOperator(uint64 batchId, address holder, address caller);
    /// @notice `to` cannot receive this lot (zero address, or the current holder).
    error VoucherRegistryInvalidRecipient(address to);
    /// @notice `operator` cannot be approved (zero address, or the holder itself).
    error VoucherRegistryInvalidOperator(address operator);
    /// @notice The run starting at `runStart` is revoked with `reason`; it can no longer move or activate.
    error VoucherRegistryLotRevoked(uint64 batchId, uint32 runStart, uint16 reason);
    /// @notice The run starting at `runStart` is already activated.
    error VoucherRegistryLotAlreadyActivated(uint64 batchId, uint32 runStart);
    /// @notice The batch expired at `expiresAt`.
    error VoucherRegistryBatchExpired(uint64 batchId, uint32 expiresAt);
    /// @notice A revocation needs a non-zero reason code.
    error VoucherRegistryInvalidRevokeReason(uint16 reason);
    /// @notice The zero address cannot redeem.
    error VoucherRegistryInvalidRedeemer(address redeemer);
    /// @notice `redeemer` is already set to `allowed` for `batchId`.
    error VoucherRegistryRedeemerUnchanged(uint64 batchId, address redeemer, bool allowed);
    /// @notice `caller` is not a redeemer of `batchId`.
    error VoucherRegistryNotRedeemer(uint64 batchId, address caller);
    /// @notice The card was revoked by its issuer with `reason`.
    error VoucherRegistryVoucherRevoked(uint64 batchId, uint32 serial, uint16 reason);
    /// @notice The batch requires activation and the card was not activated.
    error VoucherRegistryNotActivated(uint64 batchId, uint32 serial);
    /// @notice The card was already redeemed.
    error VoucherRegistryAlreadyRedeemed(uint64 batchId, uint32 serial);
    /// @notice The card key recovered from the signature and the proof do not match the batch's
    /// Merkle root for this serial: wrong code, a signature for another redeemer or card, or a bad proof.
    error VoucherRegistryInvalidProof(uint64 batchId, uint32 serial);
    /// @notice The card signature is malformed (not a valid ERC-2098 secp256k1 signature).
    error VoucherRegistryInvalidCardSignature(uint64 batchId, uint32 serial);
    /// @notice The batch's issuer account `account` (issuer `issuerId`) no longer holds the issuer role.
    error VoucherRegistryIssuerInactive(uint24 issuerId, address account);
    /// @notice No issuer was ever registered with number `issuerId`.
    error VoucherRegistryUnknownIssuer(uint24 issuerId);
    /// @notice `redeemMany` was called with no card.
    error VoucherRegistryNoRedemptions();

    // ------------------------------------------------------------------ governance

    /// @notice Registers `account` as a vetted issuer with a public profile, or updates its profile.
    /// @dev Admin only. Grants the issuer role and assigns a permanent issuer id on first registration.
    function registerIssuer(address account, bytes32 profileHash) external;

    /// @notice Moves issuer number `issuerId` to a new key: `newAccount` takes over its role, profile
    /// and every batch power; the previous account loses them. Admin only.
    /// @dev The issuer's untouched stock follows the id (its holder is resolved through it); lots
    /// stored under the previous address stay there, and the new key can revoke them.
    /// `newAccount` must not be the zero address or already have an issuer id.
    function rotateIssuerKey(uint24 issuerId, address newAccount) external;

    /// @notice Stops every state change except revocations and redeemer removals. Pauser only.
    function pause() external;

    /// @notice Resumes state changes. Pauser only.
    function unpause() external;

    // ------------------------------------------------------------------ issuance

    /// @notice Issues batch `batchId` of `params.count` cards to the caller, committing their Merkle root.
    /// @dev Issuer only; `batchId` must be `callerIssuerId << 32 | number` and not yet issued.
    /// Gas does not depend on `count`: the caller's untouched stock is one implicit run
    /// `[stockStart, count)` that is stored nowhere; lots taken from its front only move
    /// `stockStart` forward.
    function issueBatch(uint64 batchId, BatchParams calldata params) external;

    /// @notice Allows or disallows `redeemer` to redeem cards of `batchId`.
    /// @dev Batch issuer only, and the issuer must still hold the issuer role. Disallowing works
    /// while paused (it only protects); allowing does not.
    function setRedeemer(uint64 batchId, address redeemer, bool allowed) external;

    // ------------------------------------------------------------------ custody

    /// @notice Approves or unapproves `operator` to transfer and activate the caller's lots of `batchId`.
    function setApprovalForBatch(uint64 batchId, address operator, bool approved) external;

    /// @notice Approves or unapproves `operator` to transfer and activate the caller's lots of every batch.
    function setApprovalForAll(address operator, bool approved) external;

    /// @notice Moves the lot `[start, end)` of `batchId` from `from` to `to`. Gas does not depend
    /// on the lot's size; each custody run the lot crosses adds a fixed cost.
    /// @dev Caller is `from` or its approved operator; every run the lot crosses must be held by
    /// `from` and not revoked. Each run keeps its activation.
    ///
    /// Lot hints (all lot operations): `hint` is the start of the run containing serial
    /// `start - 1`, or 0 when `start` is 0 (from the indexer, or `runStartOf(start - 1)`); it is
    /// verified. Naming the left neighbour lets the registry merge runs: after the operation,
    /// adjacent runs with equal holder, flags and revoke reason between the start of that run and
    /// the end of the run containing `end` are merged into one; a run of the issuer's, neither
    /// activated nor revoked, that ends the batch is its implicit stock again.
    function transferLot(uint64 batchId, address from, address to, uint32 start, uint32 end, uint32 hint) external;

    /// @notice Activates the lot `[start, end)` at a point of sale, so its cards become redeemable.
    /// @dev Caller is the lot's holder or its approved operator; every run it crosses must have
    /// that holder and be neither activated nor revoked. `hint` as in {transferLot}.
    function activateLot(uint64 batchId, uint32 start, uint32 end, uint32 hint) external;

    /// @notice Revokes (freezes) the lot `[start, end)`: its cards can no longer move, activate or redeem.
    /// @dev Batch issuer only, holding the issuer role; allowed while paused, since freezing stolen
    /// stock only protects. The lot may cross runs of several holders, none already revoked.
    /// Cards already redeemed are unaffected and keep reporting Redeemed. `hint` as in {transferLot}.
    function revokeLot(uint64 batchId, uint32 start, uint32 end, uint32 hint, uint16 reason) external;

    // ------------------------------------------------------------------ redemption

    /// @notice Redeems one card. Caller must be a redeemer of the batch. The secret code is not
    /// sent: the caller proves knowledge of it with a signature by the card key the code derives,
    /// over {redemptionDigest} for itself, so a copied signature is worthless to anyone else.
    /// @dev Checks, in order: redeemer, run hint, expiry, revocation, activation (if required),
    /// not yet redeemed, the signature (`cardKey = ecrecover`), then the Merkle proof of
    /// `leaf(chainId, this, batchId, serial, cardKey)`.
    /// @param sigR The `r` half of the card key's ERC-2098 compact signature.
    /// @param sigVs The `yParityAndS` half of that signature.
    function redeem(
        uint64 batchId,
        uint32 serial,
        uint32 hint,
        bytes32 sigR,
        bytes32 sigVs,
        bytes32[] calldata proof
    ) external;

    /// @notice Redeems several cards of one batch, all or none.
    function redeemMany(uint64 batchId, Redemption[] calldata redemptions) external;

    // ------------------------------------------------------------------ views

    /// @notice The EIP-712 digest a card key signs to let `redeemer` redeem card `serial` of `batchId`:
    /// type `RedeemCard(uint64 batchId,uint32 serial,address redeemer)` in the domain
    /// (name "CardProof VoucherRegistry", version "2", this chain, this registry).
    function redemptionDigest(uint64 batchId, uint32 serial, address redeemer) external view returns (bytes32);

    /// @notice The batch `batchId`; reverts for an unknown batch.
    function batchOf(uint64 batchId) external view returns (BatchInfo memory);

    /// @notice Whether `batchId` was issued.
    function isIssued(uint64 batchId) external view returns (bool);

    /// @notice The issuer id and public profile hash of `account` (id 0: never registered).
    function issuerOf(address account) external view returns (uint24 issuerId, bytes32 profileHash);

    /// @notice The account of issuer number `issuerId`.
    function issuerAccount(uint24 issuerId) external view returns (address);

    /// @notice Whether `account` may redeem cards of `batchId`.
    function isRedeemer(uint64 batchId, address account) external view returns (bool);

    /// @notice Whether `operator` may move `holder`'s lots of `batchId`, by batch or global approval.
    function isApprovedOperator(address holder, uint64 batchId, address operator) external view returns (bool);

    /// @notice Whether the card `serial` of `batchId` was redeemed.
    function isRedeemed(uint64 batchId, uint32 serial) external view returns (bool);

    /// @notice The lowest redeemed serial in `[start, end)` of `batchId`, if any.
    /// @dev A second bitmap keeps one bit per 256-card word that holds any redemption, so a lot
    /// with no redemption costs one storage read per 65,536 cards; each flagged word costs one more.
    /// Lets a buyer's escrow check that a lot is unspent before paying for it.
    function findRedeemed(uint64 batchId, uint32 start, uint32 end) external view returns (bool found, uint32 serial);

    /// @notice The custody run starting at `hint`; reverts if `hint` is not a run start.
    function runAt(uint64 batchId, uint32 hint) external view returns (Run memory);

    /// @notice Start of the custody run containing `serial`, found without a hint.
    /// @dev For eth_call only. A card in the issuer's untouched stock answers at once
    /// (`stockStart`); otherwise it walks forward over runs from serial 0 and backward over
    /// serials from `serial` at the same time and stops at whichever finds the run first, so its
    /// cost is the smaller of (runs before the card) and (distance to its run start).
    function runStartOf(uint64 batchId, uint32 serial) external view returns (uint32);

    /// @notice Status and holder of a card, given the start of its run (verified).
    function statusOf(uint64 batchId, uint32 serial, uint32 hint) external view returns (Status status, address holder);

    /// @notice Status, holder and run start of a card, without a hint (see {runStartOf} for cost).
    function lookupStatus(
        uint64 batchId,
        uint32 serial
    ) external view returns (Status status, address holder, uint32 runStart);
}
