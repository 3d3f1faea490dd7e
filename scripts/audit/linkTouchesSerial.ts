import type { LinkEvent } from "./AuditEvent.js";

/**
 * Whether a hash-chain link touched card `serial`: its issuance, a lot (transfer, activation,
 * revocation) holding it, its redemption. `RedeemerSet` concerns the whole batch, no card.
 */
export function linkTouchesSerial(event: LinkEvent, serial: number): boolean {
  switch (event.name) {
    case "BatchIssued":
      return serial < event.args.params.count;
    case "VoucherRedeemed":
      return event.args.serial === serial;
    case "RedeemerSet":
      return false;
    default:
      return event.args.start <= serial && serial < event.args.end;
  }
}
