// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title BenchERC721
/// @notice Benchmark-only baseline: one OpenZeppelin ERC-721 token per voucher card, minted by the owner.
/// @dev Not deployed by CardProof; `scripts/bench/gas.ts` compares its minting gas with `issueBatch`.
contract BenchERC721 is ERC721, Ownable {
    /// @param initialOwner The account allowed to mint (the issuer in the benchmark).
    constructor(address initialOwner) ERC721("Bench Voucher", "BVC") Ownable(initialOwner) {}

    /// @notice Mints card `tokenId` to `to`: one card per transaction.
    function mint(address to, uint256 tokenId) external onlyOwner {
        _mint(to, tokenId);
    }

    /// @notice Mints the cards `firstId .. firstId + count - 1` to `to` in one transaction.
    function mintRange(address to, uint256 firstId, uint256 count) external onlyOwner {
        for (uint256 i = 0; i < count; ++i) {
            _mint(to, firstId + i);
        }
    }
}
