// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @notice Test-only hostile token: like USDC, its owner can blocklist accounts, and any transfer
/// from or to a blocklisted account, or spent by one, reverts. Never use it for anything but tests.
/// @dev Anyone may mint: it is worth nothing.
contract BlocklistToken is ERC20, Ownable {
    /// @notice Whether `account` is blocklisted.
    mapping(address account => bool) public isBlocked;

    /// @notice `account` was added to or removed from the blocklist.
    event BlocklistUpdated(address indexed account, bool blocked);

    /// @notice `account` is blocklisted.
    error BlocklistTokenBlocked(address account);

    constructor() ERC20("Blocklist Token", "BLOCK") Ownable(msg.sender) {}

    /// @notice Mints `amount` to `to`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Adds `account` to or removes it from the blocklist.
    function setBlocked(address account, bool blocked) external onlyOwner {
        isBlocked[account] = blocked;
        emit BlocklistUpdated(account, blocked);
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        _requireNotBlocked(_msgSender());
        return super.transferFrom(from, to, value);
    }

    function _update(address from, address to, uint256 value) internal override {
        _requireNotBlocked(from);
        _requireNotBlocked(to);
        super._update(from, to, value);
    }

    function _requireNotBlocked(address account) private view {
        if (isBlocked[account]) revert BlocklistTokenBlocked(account);
    }
}
