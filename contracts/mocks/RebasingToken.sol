// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @notice Test-only hostile token: its owner can shrink every holder's balance by a share (a
/// negative rebase), at once or in the middle of the next transfer, before it moves the tokens.
/// Never use it for anything but tests.
/// @dev Holders are tracked in a list, so a rebase costs gas linear in their number: fine for a
/// handful of test accounts. Each holder loses `balance * bps / 10_000`, rounded down. Anyone may mint.
contract RebasingToken is ERC20, Ownable {
    /// @notice 100% in basis points.
    uint256 public constant BPS = 10_000;

    /// @notice The rebase the next transfer applies first, in basis points (0 for none).
    uint16 public pendingRebaseBps;
    address[] private _holders;
    mapping(address account => bool) private _isHolder;

    /// @notice Every holder's balance shrank by `bps` basis points.
    event Rebased(uint16 bps);

    /// @notice A rebase above 100%.
    error RebasingTokenInvalidRebase(uint16 bps);

    constructor() ERC20("Rebasing Token", "REBASE") Ownable(msg.sender) {}

    /// @notice Mints `amount` to `to`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Shrinks every balance by `bps` basis points now.
    function rebaseDown(uint16 bps) external onlyOwner {
        _rebase(_checked(bps));
    }

    /// @notice Shrinks every balance by `bps` basis points in the next transfer, before it moves anything.
    function rebaseOnNextTransfer(uint16 bps) external onlyOwner {
        pendingRebaseBps = _checked(bps);
    }

    /// @notice What a rebase of `bps` takes from `account` now.
    function rebaseCutOf(address account, uint16 bps) external view returns (uint256) {
        return (balanceOf(account) * bps) / BPS;
    }

    function _update(address from, address to, uint256 value) internal override {
        uint16 pending = pendingRebaseBps;
        if (pending != 0 && from != address(0) && to != address(0)) {
            pendingRebaseBps = 0;
            _rebase(pending);
        }
        super._update(from, to, value);
        if (to != address(0) && !_isHolder[to]) {
            _isHolder[to] = true;
            _holders.push(to);
        }
    }

    function _rebase(uint16 bps) private {
        uint256 count = _holders.length;
        for (uint256 i = 0; i < count; i++) {
            address holder = _holders[i];
            uint256 cut = (balanceOf(holder) * bps) / BPS;
            // Burns through the base implementation: no rebase within a rebase.
            if (cut != 0) super._update(holder, address(0), cut);
        }
        emit Rebased(bps);
    }

    function _checked(uint16 bps) private pure returns (uint16) {
        if (bps > BPS) revert RebasingTokenInvalidRebase(bps);
        return bps;
    }
}
