// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only hostile token: while failing, `transfer` and `transferFrom` return false
/// without moving anything or reverting, as some old tokens do. Never use it for anything but tests.
/// @dev Switchable, so an order can be opened while it behaves and a withdrawal fail later. Anyone
/// may mint or switch it: it is worth nothing.
contract FalseReturnToken is ERC20 {
    /// @notice Whether transfers return false instead of moving tokens.
    bool public failing;

    constructor(bool failing_) ERC20("False Return Token", "FALSE") {
        failing = failing_;
    }

    /// @notice Mints `amount` to `to`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Makes transfers fail (return false) or work.
    function setFailing(bool failing_) external {
        failing = failing_;
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        if (failing) return false;
        return super.transfer(to, value);
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (failing) return false;
        return super.transferFrom(from, to, value);
    }
}
