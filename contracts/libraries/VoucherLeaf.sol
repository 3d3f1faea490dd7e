// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title VoucherLeaf
/// @notice How a card's secret code becomes a Merkle leaf.
/// @dev Mirrored off-chain by `scripts/lib/hashCode.ts` and `scripts/lib/hashLeaf.ts`.
/// The leaf binds chain id and registry address, so a proof from one deployment or chain is
/// worthless on another, and it is hashed twice, so no 64-byte inner node of the tree can be
/// passed off as a leaf (second pre-image).
library VoucherLeaf {
    /// @dev Domain prefix of the code hash: a code hash is never a hash of anything else.
    bytes internal constant CODE_HASH_DOMAIN = "CardProof/code/v1";

    /// @notice Hash of a card's secret code in canonical form.
    function codeHash(bytes calldata code) internal pure returns (bytes32) {
        return keccak256(bytes.concat(CODE_HASH_DOMAIN, code));
    }

    /// @notice The Merkle leaf of card `serial` of `batchId` on `registry` of chain `chainId`.
    function leaf(
        uint256 chainId,
        address registry,
        uint64 batchId,
        uint32 serial,
        bytes32 codeHash_
    ) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(chainId, registry, batchId, serial, codeHash_))));
    }
}
