// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title NaiveVoucherRegistry
/// @notice Benchmark-only baseline: a registry that stores one record (holder, status, code hash) per card.
/// @dev Not deployed by CardProof; `scripts/bench/gas.ts` compares its issuance gas with `issueBatch`.
/// Deliberately generous to the baseline: one event per call, not one per card.
contract NaiveVoucherRegistry is Ownable {
    /// @notice Lifecycle of a card.
    enum Status {
        None,
        Issued,
        Activated,
        Redeemed,
        Revoked
    }

    /// @notice One card as stored: two slots (holder and status packed; the code hash).
    struct Card {
        address holder;
        Status status;
        bytes32 codeHash;
    }

    mapping(uint64 batchId => mapping(uint32 serial => Card)) private _cards;

    /// @notice The cards `firstSerial ..` of `batchId` were registered to `holder`, one record each.
    event CardsRegistered(uint64 indexed batchId, address indexed holder, uint32 firstSerial, uint256 count);

    /// @param initialOwner The account allowed to register cards (the issuer in the benchmark).
    constructor(address initialOwner) Ownable(initialOwner) {}

    /// @notice Registers one card per code hash, serials from `firstSerial`, held by the caller.
    function registerCards(uint64 batchId, uint32 firstSerial, bytes32[] calldata codeHashes) external onlyOwner {
        mapping(uint32 => Card) storage cards = _cards[batchId];
        for (uint256 i = 0; i < codeHashes.length; ++i) {
            cards[firstSerial + uint32(i)] = Card({holder: msg.sender, status: Status.Issued, codeHash: codeHashes[i]});
        }
        emit CardsRegistered(batchId, msg.sender, firstSerial, codeHashes.length);
    }

    /// @notice The stored record of card `serial` of `batchId`.
    function cardOf(uint64 batchId, uint32 serial) external view returns (Card memory) {
        return _cards[batchId][serial];
    }
}
