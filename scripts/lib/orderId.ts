import { encodeAbiParameters, keccak256, type Address, type Hex } from "viem";

/** An escrow order's terms, as `SettlementEscrow.open` and every later call take them. */
export type EscrowOrder = {
  buyer: Address;
  supplier: Address;
  token: Address;
  batchId: bigint;
  quantity: number;
  unitPrice: bigint;
  /** Unix seconds: the last second at which the supplier may fulfil. */
  fulfilDeadline: number;
  /** Seconds after delivery during which the buyer may dispute. */
  challengeWindow: number;
  /** Seconds the cards must stay valid after delivery (0: no requirement). */
  minValidity: number;
  /** Whether cards already activated at a point of sale are acceptable (false: inactive only). */
  acceptActivated: boolean;
  policyId: number;
  buyerRef: Hex;
  salt: Hex;
};

/** The `Order` tuple of the escrow's ABI, field for field. */
export const ESCROW_ORDER_COMPONENTS = [
  { name: "buyer", type: "address" },
  { name: "supplier", type: "address" },
  { name: "token", type: "address" },
  { name: "batchId", type: "uint64" },
  { name: "quantity", type: "uint32" },
  { name: "unitPrice", type: "uint96" },
  { name: "fulfilDeadline", type: "uint40" },
  { name: "challengeWindow", type: "uint32" },
  { name: "minValidity", type: "uint32" },
  { name: "acceptActivated", type: "bool" },
  { name: "policyId", type: "uint16" },
  { name: "buyerRef", type: "bytes32" },
  { name: "salt", type: "bytes32" },
] as const;

/**
 * The id `SettlementEscrow` gives `order`: `keccak256(abi.encode(chainId, escrow, order))`.
 *
 * @dev Lets a buyer know its order's id before sending `open`, and lets anyone holding the terms
 *      (from the `OrderOpened` log) find the order's state without trusting who handed them over.
 */
export function computeOrderId({
  chainId,
  escrow,
  order,
}: {
  chainId: bigint;
  escrow: Address;
  order: EscrowOrder;
}): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "uint256" }, { type: "address" }, { type: "tuple", components: ESCROW_ORDER_COMPONENTS }],
      [chainId, escrow, order],
    ),
  );
}

/** What the buyer pays: `unitPrice * quantity`, in token units. */
export function orderAmount(order: Pick<EscrowOrder, "unitPrice" | "quantity">): bigint {
  return order.unitPrice * BigInt(order.quantity);
}
