// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @title MerkleProofHarness
/// @notice Test-only: exposes OpenZeppelin's MerkleProof so the off-chain tree builder
///         (scripts/lib/buildMerkleTree.ts) can be checked against the on-chain verifier.
contract MerkleProofHarness {
    /// @notice Whether `proof` proves `leaf` under `root`, exactly as MerkleProof.verifyCalldata decides.
    function verify(bytes32[] calldata proof, bytes32 root, bytes32 leaf) external pure returns (bool) {
        return MerkleProof.verifyCalldata(proof, root, leaf);
    }
}
