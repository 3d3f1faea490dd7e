// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title BenchERC1155
/// @notice Benchmark-only baseline: one OpenZeppelin ERC-1155 id per voucher card, minted by the owner.
/// @dev Not deployed by CardProof; `scripts/bench/gas.ts` compares its minting gas with `issueBatch`.
contract BenchERC1155 is ERC1155, Ownable {
    /// @param initialOwner The account allowed to mint (the issuer in the benchmark).
    constructor(address initialOwner) ERC1155("") Ownable(initialOwner) {}

    /// @notice Mints `amounts[i]` of id `ids[i]` to `to` for every `i`, in one transaction.
    function mintBatch(address to, uint256[] calldata ids, uint256[] calldata amounts) external onlyOwner {
        _mintBatch(to, ids, amounts, "");
    }
}
