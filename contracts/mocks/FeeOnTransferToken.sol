// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only hostile token: takes a fee on every transfer between accounts, either out of
/// the amount (the recipient gets less) or on top of it (the sender pays more). Never use it for
/// anything but tests.
/// @dev The fee goes to `collector`, or is burned when the collector is the zero address. Mints and
/// burns are free. Anyone may mint or change the fee: it is worth nothing.
contract FeeOnTransferToken is ERC20 {
    /// @notice 100% in basis points.
    uint256 public constant BPS = 10_000;

    /// @notice Where fees go (the zero address burns them).
    address public immutable collector;
    /// @notice The fee in basis points of each transfer.
    uint16 public feeBps;
    /// @notice Whether the sender pays the fee on top of the amount instead of the recipient losing it.
    bool public feeOnTop;

    /// @notice A fee above 100%.
    error FeeOnTransferTokenInvalidFee(uint16 feeBps);

    constructor(uint16 feeBps_, address collector_) ERC20("Fee On Transfer Token", "FOT") {
        collector = collector_;
        _setFee(feeBps_, false);
    }

    /// @notice Mints `amount` to `to`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Sets the fee and who pays it.
    function setFee(uint16 feeBps_, bool onTop) external {
        _setFee(feeBps_, onTop);
    }

    /// @notice The fee a transfer of `value` costs.
    function feeOf(uint256 value) public view returns (uint256) {
        return (value * feeBps) / BPS;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) {
            super._update(from, to, value);
            return;
        }
        uint256 fee = feeOf(value);
        super._update(from, to, feeOnTop ? value : value - fee);
        if (fee != 0) super._update(from, collector, fee);
    }

    function _setFee(uint16 feeBps_, bool onTop) private {
        if (feeBps_ > BPS) revert FeeOnTransferTokenInvalidFee(feeBps_);
        feeBps = feeBps_;
        feeOnTop = onTop;
    }
}
