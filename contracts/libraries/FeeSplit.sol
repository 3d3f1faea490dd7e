// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title FeeSplit
/// @notice Basis-point arithmetic of escrow settlements.
/// @dev Every share rounds down, and each remainder is computed by subtraction, so the parts of an
/// amount always add up to it exactly: no token unit is created or lost. Rounding favours the
/// supplier over the fee, and the platform over the fund.
library FeeSplit {
    /// @notice 100% in basis points.
    uint16 internal constant BPS = 10_000;

    /// @notice `bps` basis points of `amount`, rounded down.
    function share(uint256 amount, uint16 bps) internal pure returns (uint256) {
        return (amount * bps) / BPS;
    }

    /// @notice Splits what a supplier earns into its net payout, the platform's fee and the fund's part of the fee.
    function split(
        uint256 gross,
        uint16 feeBps,
        uint16 fundShareBps
    ) internal pure returns (uint256 net, uint256 platformFee, uint256 fundFee) {
        uint256 fee = share(gross, feeBps);
        fundFee = share(fee, fundShareBps);
        platformFee = fee - fundFee;
        net = gross - fee;
    }
}
