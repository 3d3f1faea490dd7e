import type { Address } from "viem";

/**
 * Everything printed on one card: where its leaf lives (chain, registry, batch, serial), its secret
 * code, and the batch terms a buyer reads (face value, currency, expiry, supplier).
 */
export type PrintableCard = {
  /** Chain the registry lives on. */
  chainId: bigint;
  /** The VoucherRegistry contract that holds the batch. */
  registry: Address;
  /** Batch the card belongs to (`uint64`). */
  batchId: bigint;
  /** The card's serial within the batch (`uint32`). */
  serial: number;
  /** The secret code in canonical form (from `generateCode`); printed under the scratch panel only. */
  code: string;
  /**
   * The card key the batch's manifest commits to (the public QR carries its first 8 bytes). When
   * absent it is derived from the code (`deriveCardKey`, pure JS: about 0.2-0.3 ms a card).
   */
  cardKey?: Address;
  /** Face value in the currency's minor units (cents, fen, …), as `issueBatch` commits it. */
  faceValue: bigint;
  /** ISO 4217 alphabetic code, three capitals (e.g. "USD"). */
  currency: string;
  /** Unix time (seconds) from which the card can no longer be redeemed; 0 for never. */
  expiresAt: number;
  /** The issuer's name as buyers know it. */
  supplierName: string;
};
