// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/// @notice Test-only hostile token: once armed, its next `transfer` or `transferFrom` calls back into
/// a target (the escrow) with configured calldata, before or after moving the tokens, and records
/// how the re-entry ended. Never use it for anything but tests.
/// @dev The token is also an account of its own ({execute}), so it can open orders, hold escrow
/// credits and withdraw them: the re-entry then comes from a party with a stake, as in a real attack.
/// In bubbling mode a failed re-entry reverts the whole transaction with the target's error; in
/// swallowing mode the transfer goes on and {ReentryAttempted} records the failure and its data.
/// Anyone may arm it or make it act: it is worth nothing.
contract ReentrantToken is ERC20 {
    /// @notice The contract the next transfer calls back into.
    address public reentryTarget;
    /// @notice The calldata of that call.
    bytes public reentryData;
    /// @notice Whether the next transfer calls back.
    bool public armed;
    /// @notice Whether a failed call back is recorded and ignored (true) or reverts the transfer (false).
    bool public swallowing;
    /// @notice Whether the call back happens after the tokens moved (like an ERC-777 hook) or before.
    bool public hookAfterTransfer;
    /// @notice How many times a transfer called back.
    uint256 public reentryAttempts;
    /// @notice Whether the last call back reverted.
    bool public lastReentryReverted;
    /// @notice What the last call back returned, or its revert data.
    bytes public lastReentryResult;

    /// @notice A transfer called back into `target`; `result` is its return or revert data.
    event ReentryAttempted(address indexed target, bool reverted, bytes result);

    constructor() ERC20("Reentrant Token", "REENTER") {}

    /// @notice Mints `amount` to `to`: the token is worth nothing.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Makes the next `transfer` or `transferFrom` call `target` with `data` (once).
    function arm(address target, bytes calldata data, bool swallow, bool afterTransfer) external {
        reentryTarget = target;
        reentryData = data;
        swallowing = swallow;
        hookAfterTransfer = afterTransfer;
        armed = true;
    }

    /// @notice Cancels a pending call back.
    function disarm() external {
        armed = false;
    }

    /// @notice Calls `target` with `data` as this contract, bubbling any revert.
    function execute(address target, bytes calldata data) external returns (bytes memory) {
        return Address.functionCall(target, data);
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        if (!hookAfterTransfer) _reenter();
        bool ok = super.transfer(to, value);
        if (hookAfterTransfer) _reenter();
        return ok;
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (!hookAfterTransfer) _reenter();
        bool ok = super.transferFrom(from, to, value);
        if (hookAfterTransfer) _reenter();
        return ok;
    }

    function _reenter() private {
        if (!armed) return;
        armed = false;
        reentryAttempts += 1;
        address target = reentryTarget;
        bytes memory result;
        if (swallowing) {
            bool success;
            // solhint-disable-next-line avoid-low-level-calls
            (success, result) = target.call(reentryData);
            lastReentryReverted = !success;
        } else {
            result = Address.functionCall(target, reentryData);
            lastReentryReverted = false;
        }
        lastReentryResult = result;
        emit ReentryAttempted(target, lastReentryReverted, result);
    }
}
