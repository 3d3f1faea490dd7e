// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ISettlementEscrow} from "../interfaces/ISettlementEscrow.sol";

/// @title OrderId
/// @notice The id of an escrow order: the hash of its terms.
/// @dev Binding the chain id and the escrow's address gives the same terms a different id on
/// another chain or deployment. Every field is a static type, so `abi.encode` of the struct is
/// its fields' words in order: clients compute the id with any ABI encoder.
library OrderId {
    function compute(
        uint256 chainId,
        address escrow,
        ISettlementEscrow.Order calldata order
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(chainId, escrow, order));
    }
}
