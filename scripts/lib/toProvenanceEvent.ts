import type { Address, Hex } from "viem";

import type { ProvenanceEvent } from "./provenanceChain.js";

const LINK_EVENTS = new Set([
  "BatchIssued",
  "LotTransferred",
  "LotActivated",
  "LotRevoked",
  "VoucherRedeemed",
  "RedeemerSet",
]);

/**
 * Turns a decoded registry event into the {@link ProvenanceEvent} that `replayProvenance` takes,
 * or `undefined` for events that are not links of a batch's hash chain (approvals, roles, ...).
 *
 * Library-neutral: pass viem's `decodeEventLog(...)` `{ eventName, args }`, or ethers'
 * `parseLog(log)` as `(name, args.toObject(true))`. Numbers may arrive as bigint or number.
 */
export function toProvenanceEvent(eventName: string, args: Record<string, unknown>): ProvenanceEvent | undefined {
  if (!LINK_EVENTS.has(eventName)) return undefined;
  const base = { batchId: BigInt(args.batchId as bigint), seq: BigInt(args.seq as bigint), head: args.head as Hex };
  const num = (value: unknown) => Number(value as bigint | number);
  switch (eventName) {
    case "BatchIssued": {
      const p = args.params as Record<string, unknown>;
      return {
        kind: "BatchIssued",
        ...base,
        issuer: args.issuer as Address,
        params: {
          merkleRoot: p.merkleRoot as Hex,
          count: num(p.count),
          faceValue: BigInt(p.faceValue as bigint),
          currency: p.currency as Hex,
          expiresAt: num(p.expiresAt),
          activationRequired: p.activationRequired as boolean,
          metadataHash: p.metadataHash as Hex,
          manifestHash: p.manifestHash as Hex,
          metadataURI: p.metadataURI as string,
        },
      };
    }
    case "LotTransferred":
      return {
        kind: "LotTransferred",
        ...base,
        from: args.from as Address,
        to: args.to as Address,
        start: num(args.start),
        end: num(args.end),
        operator: args.operator as Address,
      };
    case "LotActivated":
      return {
        kind: "LotActivated",
        ...base,
        holder: args.holder as Address,
        start: num(args.start),
        end: num(args.end),
        operator: args.operator as Address,
      };
    case "LotRevoked":
      return { kind: "LotRevoked", ...base, start: num(args.start), end: num(args.end), reason: num(args.reason) };
    case "VoucherRedeemed":
      return {
        kind: "VoucherRedeemed",
        ...base,
        serial: num(args.serial),
        redeemer: args.redeemer as Address,
        cardKey: args.cardKey as Address,
      };
    case "RedeemerSet":
      return { kind: "RedeemerSet", ...base, redeemer: args.redeemer as Address, allowed: args.allowed as boolean };
    default:
      return undefined;
  }
}
