import { decodeFunctionResult, encodeFunctionData, type Address, type Hex } from "viem";

/**
 * The registry views the page reads, copied from `scripts/lib/voucherRegistryAbi.ts` (a test keeps
 * them identical): the page ships six functions' ABI instead of the whole contract's.
 */
export const registryViewsAbi = [
  {
    inputs: [{ internalType: "uint64", name: "batchId", type: "uint64" }],
    name: "batchOf",
    outputs: [
      {
        components: [
          { internalType: "address", name: "issuer", type: "address" },
          { internalType: "uint24", name: "issuerId", type: "uint24" },
          { internalType: "uint32", name: "count", type: "uint32" },
          { internalType: "uint32", name: "stockStart", type: "uint32" },
          { internalType: "uint32", name: "expiresAt", type: "uint32" },
          { internalType: "bool", name: "activationRequired", type: "bool" },
          { internalType: "uint40", name: "seq", type: "uint40" },
          { internalType: "uint64", name: "faceValue", type: "uint64" },
          { internalType: "bytes3", name: "currency", type: "bytes3" },
          { internalType: "bytes32", name: "merkleRoot", type: "bytes32" },
          { internalType: "bytes32", name: "head", type: "bytes32" },
        ],
        internalType: "struct IVoucherRegistry.BatchInfo",
        name: "",
        type: "tuple",
      },
    ],
    stateMutability: "view",
    type: "function",
  },
  {
    inputs: [{ internalType: "uint64", name: "batchId", type: "uint64" }],
    name: "isIssued",
    outputs: [{ internalType: "bool", name: "", type: "bool" }],
    stateMutability: "view",
    type: "function",
  },
  {
    inputs: [{ internalType: "address", name: "account", type: "address" }],
    name: "issuerOf",
    outputs: [
      { internalType: "uint24", name: "issuerId", type: "uint24" },
      { internalType: "bytes32", name: "profileHash", type: "bytes32" },
    ],
    stateMutability: "view",
    type: "function",
  },
  {
    inputs: [
      { internalType: "uint64", name: "batchId", type: "uint64" },
      { internalType: "uint32", name: "serial", type: "uint32" },
    ],
    name: "lookupStatus",
    outputs: [
      { internalType: "enum IVoucherRegistry.Status", name: "status", type: "uint8" },
      { internalType: "address", name: "holder", type: "address" },
      { internalType: "uint32", name: "runStart", type: "uint32" },
    ],
    stateMutability: "view",
    type: "function",
  },
  {
    inputs: [
      { internalType: "uint64", name: "batchId", type: "uint64" },
      { internalType: "uint32", name: "hint", type: "uint32" },
    ],
    name: "runAt",
    outputs: [
      {
        components: [
          { internalType: "address", name: "holder", type: "address" },
          { internalType: "uint32", name: "end", type: "uint32" },
          { internalType: "uint8", name: "flags", type: "uint8" },
          { internalType: "uint16", name: "revokeReason", type: "uint16" },
        ],
        internalType: "struct IVoucherRegistry.Run",
        name: "",
        type: "tuple",
      },
    ],
    stateMutability: "view",
    type: "function",
  },
  {
    inputs: [
      { internalType: "uint64", name: "batchId", type: "uint64" },
      { internalType: "uint32", name: "serial", type: "uint32" },
      { internalType: "uint32", name: "hint", type: "uint32" },
    ],
    name: "statusOf",
    outputs: [
      { internalType: "enum IVoucherRegistry.Status", name: "", type: "uint8" },
      { internalType: "address", name: "", type: "address" },
    ],
    stateMutability: "view",
    type: "function",
  },
] as const;

type ViewName = (typeof registryViewsAbi)[number]["name"];

/** An `eth_call` of a registry view at `block` (a hex block number or tag). */
export function viewCall(registry: Address, block: string, functionName: ViewName, args: readonly unknown[]) {
  const data = encodeFunctionData({
    abi: registryViewsAbi,
    functionName,
    args: args as never,
  });
  return { method: "eth_call", params: [{ to: registry, data }, block] };
}

/** Decodes a registry view's return data (callers state the shape they read). */
export function decodeView(functionName: ViewName, data: unknown): unknown {
  return decodeFunctionResult({ abi: registryViewsAbi, functionName, data: data as Hex } as never);
}
