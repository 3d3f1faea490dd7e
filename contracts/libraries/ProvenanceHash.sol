// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVoucherRegistry} from "../interfaces/IVoucherRegistry.sol";

/// @title ProvenanceHash
/// @notice Links of a batch's provenance hash chain, one function per kind of state change.
/// @dev `link = keccak256(abi.encode(previousHead, seq, kind, fields...))`, fields in the order
/// of the matching event. Mirrored off-chain by `scripts/lib/provenanceChain.ts`; changing
/// anything here is a protocol change that needs a new kind or a new registry.
library ProvenanceHash {
    uint8 internal constant KIND_ISSUED = 1;
    uint8 internal constant KIND_TRANSFERRED = 2;
    uint8 internal constant KIND_ACTIVATED = 3;
    uint8 internal constant KIND_REVOKED = 4;
    uint8 internal constant KIND_REDEEMED = 5;
    uint8 internal constant KIND_REDEEMER_SET = 6;

    function issued(
        uint64 batchId,
        address issuer,
        IVoucherRegistry.BatchParams calldata params
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(bytes32(0), uint40(1), KIND_ISSUED, batchId, issuer, params));
    }

    function transferred(
        bytes32 head,
        uint40 seq,
        uint64 batchId,
        address from,
        address to,
        uint32 start,
        uint32 end,
        address operator
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(head, seq, KIND_TRANSFERRED, batchId, from, to, start, end, operator));
    }

    function activated(
        bytes32 head,
        uint40 seq,
        uint64 batchId,
        address holder,
        uint32 start,
        uint32 end,
        address operator
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(head, seq, KIND_ACTIVATED, batchId, holder, start, end, operator));
    }

    function revoked(
        bytes32 head,
        uint40 seq,
        uint64 batchId,
        uint32 start,
        uint32 end,
        uint16 reason
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(head, seq, KIND_REVOKED, batchId, start, end, reason));
    }

    function redeemed(
        bytes32 head,
        uint40 seq,
        uint64 batchId,
        uint32 serial,
        address redeemer,
        address cardKey
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(head, seq, KIND_REDEEMED, batchId, serial, redeemer, cardKey));
    }

    function redeemerSet(
        bytes32 head,
        uint40 seq,
        uint64 batchId,
        address redeemer,
        bool allowed
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(head, seq, KIND_REDEEMER_SET, batchId, redeemer, allowed));
    }
}
