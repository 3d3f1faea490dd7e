/**
 * Named reason codes for `revokeLot` (a `uint16`; the registry refuses only 0). The names are a
 * convention of CardProof's tools, not of the contract: any other non-zero code is valid on chain
 * and shows as its number. Runs in the browser (the verifier shows the names).
 */
export const REVOKE_REASONS = {
  stolen: 1,
  lost: 2,
  damaged: 3,
  fraud: 4,
  recalled: 5,
  other: 255,
} as const satisfies Readonly<Record<string, number>>;

/** A named reason: `stolen`, `lost`, `damaged`, `fraud`, `recalled` or `other`. */
export type RevokeReasonName = keyof typeof REVOKE_REASONS;

/** The names in code order, for help texts and pickers. */
export const REVOKE_REASON_NAMES = Object.keys(REVOKE_REASONS) as RevokeReasonName[];

const NAME_OF_CODE = new Map<number, RevokeReasonName>(
  REVOKE_REASON_NAMES.map((name) => [REVOKE_REASONS[name], name] as const),
);

/** Largest reason code the registry stores (`uint16`). */
export const MAX_REVOKE_REASON = 0xffff;

/** The name of a reason code (`1` → `"stolen"`), or undefined for a code without one. */
export function revokeReasonName(code: number): RevokeReasonName | undefined {
  return NAME_OF_CODE.get(code);
}

/**
 * A reason code for people: its name when it has one (`"stolen"`), else `"reason 7"`; 0 (not
 * revoked) is `"none"`.
 */
export function describeRevokeReason(code: number): string {
  if (code === 0) return "none";
  return revokeReasonName(code) ?? `reason ${code}`;
}

/**
 * Reads a reason as a person gives it: a name (any case) or a code from 1 to 65535.
 *
 * @throws {RangeError} naming the accepted names when `text` is neither.
 */
export function parseRevokeReason(text: string): number {
  const clean = text.trim().toLowerCase();
  if (Object.hasOwn(REVOKE_REASONS, clean)) return REVOKE_REASONS[clean as RevokeReasonName];
  if (/^\d+$/.test(clean)) {
    const code = Number(clean);
    if (code >= 1 && code <= MAX_REVOKE_REASON) return code;
  }
  throw new RangeError(
    `a revoke reason is one of ${REVOKE_REASON_NAMES.join(", ")} or a code from 1 to ${MAX_REVOKE_REASON}`,
  );
}
