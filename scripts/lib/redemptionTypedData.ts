import type { Address, Hex } from "viem";
import { bytesToHex, hashTypedData, signatureToCompactSignature } from "viem";
import { sign } from "viem/accounts";

/** EIP-712 domain name of the VoucherRegistry (v2). */
export const REDEMPTION_DOMAIN_NAME = "CardProof VoucherRegistry";
/** EIP-712 domain version of the VoucherRegistry (v2). */
export const REDEMPTION_DOMAIN_VERSION = "2";

/** The EIP-712 types a card key signs to authorize one redemption. */
export const REDEMPTION_TYPES = {
  RedeemCard: [
    { name: "batchId", type: "uint64" },
    { name: "serial", type: "uint32" },
    { name: "redeemer", type: "address" },
  ],
} as const;

/** Which redemption a card key authorizes, and for whom. */
export type RedemptionParameters = {
  /** Chain the registry lives on. */
  chainId: bigint;
  /** The VoucherRegistry contract (the EIP-712 verifying contract). */
  registry: Address;
  /** Batch the card belongs to (`uint64`). */
  batchId: bigint;
  /** The card's serial (`uint32`). */
  serial: number;
  /** The account that will send `redeem` (the contract checks against `msg.sender`). */
  redeemer: Address;
};

/** A redemption signature in ERC-2098 compact form, as `redeem(…, sigR, sigVs, …)` takes it. */
export type CompactRedemptionSignature = {
  /** `r`, 32 bytes. */
  sigR: Hex;
  /** `yParity << 255 | s`, 32 bytes. */
  sigVs: Hex;
};

/**
 * The EIP-712 typed data of a redemption, ready for viem's `hashTypedData` / `signTypedData`:
 * domain `{ name: "CardProof VoucherRegistry", version: "2", chainId, verifyingContract: registry }`,
 * message `RedeemCard(uint64 batchId, uint32 serial, address redeemer)`.
 *
 * @dev Binding `redeemer` makes a signature seen in the mempool (or in a reverted transaction)
 *      worthless to any other account: the contract recovers the card key from the digest built
 *      with `msg.sender`.
 */
export function redemptionTypedData({ chainId, registry, batchId, serial, redeemer }: RedemptionParameters) {
  return {
    domain: {
      name: REDEMPTION_DOMAIN_NAME,
      version: REDEMPTION_DOMAIN_VERSION,
      chainId,
      verifyingContract: registry,
    },
    types: REDEMPTION_TYPES,
    primaryType: "RedeemCard" as const,
    message: { batchId, serial, redeemer },
  };
}

/** The EIP-712 digest of a redemption, as the registry's `redemptionDigest` view returns it. */
export function redemptionDigest(params: RedemptionParameters): Hex {
  return hashTypedData(redemptionTypedData(params));
}

/**
 * Signs a redemption with a card secret (see `deriveCardSecret`) and returns the compact
 * (ERC-2098) signature the registry's `redeem` takes. Deterministic (RFC 6979), low-s.
 *
 * @dev SECURITY: `cardSecret` is a private key derived from the secret code; the caller should zero
 *      it once done. Nothing here logs or keeps it.
 */
export async function signRedemption(
  cardSecret: Uint8Array,
  params: RedemptionParameters,
): Promise<CompactRedemptionSignature> {
  if (cardSecret.length !== 32) throw new RangeError(`a card secret has 32 bytes, got ${cardSecret.length}`);
  const signature = await sign({ hash: redemptionDigest(params), privateKey: bytesToHex(cardSecret) });
  const { r, yParityAndS } = signatureToCompactSignature(signature);
  return { sigR: r, sigVs: yParityAndS };
}
