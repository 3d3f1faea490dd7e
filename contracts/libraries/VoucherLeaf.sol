// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title VoucherLeaf
/// @notice What a batch's Merkle tree commits to for each card, and what a card key signs to redeem it.
/// @dev Mirrored off-chain by `scripts/lib/hashLeaf.ts` and `scripts/lib/redemptionTypedData.ts`.
/// A card's secret code never reaches the chain: off chain it derives a secp256k1 key (salted with
/// chain id, registry, batch id and serial, see `scripts/lib/deriveCardKey.ts`), and the leaf
/// commits to that key's address. The leaf binds chain id and registry address, so a proof from
/// one deployment or chain is worthless on another, and it is hashed twice, so no 64-byte inner
/// node of the tree can be passed off as a leaf (second pre-image).
library VoucherLeaf {
    /// @dev EIP-712 type of what a card key signs: redeeming this card, by this redeemer only.
    bytes32 internal constant REDEEM_CARD_TYPEHASH = keccak256(
        "RedeemCard(uint64 batchId,uint32 serial,address redeemer)"
    );

    /// @notice The Merkle leaf of card `serial` of `batchId` on `registry` of chain `chainId`.
    function leaf(
        uint256 chainId,
        address registry,
        uint64 batchId,
        uint32 serial,
        address cardKey
    ) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(chainId, registry, batchId, serial, cardKey))));
    }

    /// @notice EIP-712 struct hash of `RedeemCard(batchId, serial, redeemer)`.
    function redeemCardHash(uint64 batchId, uint32 serial, address redeemer) internal pure returns (bytes32) {
        return keccak256(abi.encode(REDEEM_CARD_TYPEHASH, batchId, serial, redeemer));
    }
}
