/**
 * The registry events that make up a batch's hash chain, copied from `scripts/lib/voucherRegistryAbi.ts`
 * (a test keeps them identical): the page decodes the logs it fetches from its own node with these.
 */
export const registryEventsAbi = [
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint64", name: "batchId", type: "uint64" },
      { indexed: true, internalType: "address", name: "issuer", type: "address" },
      { indexed: false, internalType: "uint40", name: "seq", type: "uint40" },
      { indexed: false, internalType: "bytes32", name: "head", type: "bytes32" },
      {
        components: [
          { internalType: "bytes32", name: "merkleRoot", type: "bytes32" },
          { internalType: "uint32", name: "count", type: "uint32" },
          { internalType: "uint64", name: "faceValue", type: "uint64" },
          { internalType: "bytes3", name: "currency", type: "bytes3" },
          { internalType: "uint32", name: "expiresAt", type: "uint32" },
          { internalType: "bool", name: "activationRequired", type: "bool" },
          { internalType: "bytes32", name: "metadataHash", type: "bytes32" },
          { internalType: "bytes32", name: "manifestHash", type: "bytes32" },
          { internalType: "string", name: "metadataURI", type: "string" },
        ],
        indexed: false,
        internalType: "struct IVoucherRegistry.BatchParams",
        name: "params",
        type: "tuple",
      },
    ],
    name: "BatchIssued",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint64", name: "batchId", type: "uint64" },
      { indexed: true, internalType: "address", name: "from", type: "address" },
      { indexed: true, internalType: "address", name: "to", type: "address" },
      { indexed: false, internalType: "uint32", name: "start", type: "uint32" },
      { indexed: false, internalType: "uint32", name: "end", type: "uint32" },
      { indexed: false, internalType: "address", name: "operator", type: "address" },
      { indexed: false, internalType: "uint40", name: "seq", type: "uint40" },
      { indexed: false, internalType: "bytes32", name: "head", type: "bytes32" },
    ],
    name: "LotTransferred",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint64", name: "batchId", type: "uint64" },
      { indexed: true, internalType: "address", name: "holder", type: "address" },
      { indexed: false, internalType: "uint32", name: "start", type: "uint32" },
      { indexed: false, internalType: "uint32", name: "end", type: "uint32" },
      { indexed: false, internalType: "address", name: "operator", type: "address" },
      { indexed: false, internalType: "uint40", name: "seq", type: "uint40" },
      { indexed: false, internalType: "bytes32", name: "head", type: "bytes32" },
    ],
    name: "LotActivated",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint64", name: "batchId", type: "uint64" },
      { indexed: false, internalType: "uint32", name: "start", type: "uint32" },
      { indexed: false, internalType: "uint32", name: "end", type: "uint32" },
      { indexed: false, internalType: "uint16", name: "reason", type: "uint16" },
      { indexed: false, internalType: "uint40", name: "seq", type: "uint40" },
      { indexed: false, internalType: "bytes32", name: "head", type: "bytes32" },
    ],
    name: "LotRevoked",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint64", name: "batchId", type: "uint64" },
      { indexed: true, internalType: "uint32", name: "serial", type: "uint32" },
      { indexed: true, internalType: "address", name: "redeemer", type: "address" },
      { indexed: false, internalType: "address", name: "cardKey", type: "address" },
      { indexed: false, internalType: "uint40", name: "seq", type: "uint40" },
      { indexed: false, internalType: "bytes32", name: "head", type: "bytes32" },
    ],
    name: "VoucherRedeemed",
    type: "event",
  },
  {
    anonymous: false,
    inputs: [
      { indexed: true, internalType: "uint64", name: "batchId", type: "uint64" },
      { indexed: true, internalType: "address", name: "redeemer", type: "address" },
      { indexed: false, internalType: "bool", name: "allowed", type: "bool" },
      { indexed: false, internalType: "uint40", name: "seq", type: "uint40" },
      { indexed: false, internalType: "bytes32", name: "head", type: "bytes32" },
    ],
    name: "RedeemerSet",
    type: "event",
  },
] as const;
