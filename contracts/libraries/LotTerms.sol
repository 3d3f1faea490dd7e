// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVoucherRegistry} from "../interfaces/IVoucherRegistry.sol";

/// @title LotTerms
/// @notice What an escrow order can require of the cards it buys, checked against the registry
/// before delivery: cards not yet activated at a point of sale, and a minimum remaining validity.
library LotTerms {
    /// @dev Run flag bit 0 (see {IVoucherRegistry.Run}).
    uint8 internal constant RUN_ACTIVATED = 1;

    /// @notice The lowest activated serial of `[start, end)`, if any, walking the custody runs
    /// from the run starting at `hint`.
    /// @dev `hint` may be the start of the run holding `start` or of the run just before it (the
    /// registry's two hint rules). When `start` itself starts a run (every delivered lot that did
    /// not merge into its left neighbour), the walk begins there: one registry call for a lot in
    /// one run. Otherwise it walks from `hint`, skipping runs that end at or before `start`. One
    /// registry call per run visited, so the cost grows with the runs the lot spans, never with
    /// its size. A `hint` past `start` only checks `[hint, end)`: `transferLot` refuses that lot.
    function findActivated(
        IVoucherRegistry registry,
        uint64 batchId,
        uint32 start,
        uint32 end,
        uint32 hint
    ) internal view returns (bool found, uint32 serial) {
        uint32 runStart = hint;
        if (hint != start) {
            // Most lots start a run of their own (always once delivered, unless merged into the run
            // at `hint`): one call then. If `start` starts no run, the walk from `hint` decides.
            try registry.runAt(batchId, start) returns (IVoucherRegistry.Run memory first) {
                if (first.flags & RUN_ACTIVATED != 0) return (true, start);
                if (first.end >= end) return (false, 0);
                runStart = first.end;
            } catch {}
        }
        while (true) {
            IVoucherRegistry.Run memory run = registry.runAt(batchId, runStart);
            if (run.end > start && run.flags & RUN_ACTIVATED != 0) {
                return (true, runStart > start ? runStart : start);
            }
            if (run.end >= end) return (false, 0);
            runStart = run.end;
        }
    }

    /// @notice Whether `batchId` stays valid `minValidity` seconds from now, with its expiry.
    /// @dev `minValidity == 0` asks nothing and costs no registry call; a batch that never
    /// expires (`expiresAt == 0`) always passes.
    function expiresBefore(
        IVoucherRegistry registry,
        uint64 batchId,
        uint32 minValidity
    ) internal view returns (bool tooSoon, uint32 expiresAt, uint256 requiredUntil) {
        if (minValidity == 0) return (false, 0, 0);
        expiresAt = registry.batchOf(batchId).expiresAt;
        requiredUntil = block.timestamp + minValidity;
        tooSoon = expiresAt != 0 && expiresAt < requiredUntil;
    }
}
