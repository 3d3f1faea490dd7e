import { settlementEscrowAbi } from "../../lib/settlementEscrowAbi.js";
import { voucherRegistryAbi } from "../../lib/voucherRegistryAbi.js";

/** OpenZeppelin's ERC-20 custom errors (`IERC20Errors`), which tokens revert with and the escrow passes on. */
export const ERC20_ERRORS = [
  {
    type: "error",
    name: "ERC20InsufficientBalance",
    inputs: [
      { name: "sender", type: "address" },
      { name: "balance", type: "uint256" },
      { name: "needed", type: "uint256" },
    ],
  },
  {
    type: "error",
    name: "ERC20InsufficientAllowance",
    inputs: [
      { name: "spender", type: "address" },
      { name: "allowance", type: "uint256" },
      { name: "needed", type: "uint256" },
    ],
  },
] as const;

/** The registry's errors only: what `fulfill` passes on when the registry refuses the delivery. */
const REGISTRY_ERRORS = voucherRegistryAbi.filter((item) => item.type === "error");

/**
 * The escrow's ABI plus the errors that come through it unchanged (the registry's, the token's),
 * so that every revert of an escrow call decodes to a named error the CLI can explain.
 */
export const escrowCallAbi = [...settlementEscrowAbi, ...REGISTRY_ERRORS, ...ERC20_ERRORS] as const;

/** The test stablecoin's `mint` (MockStablecoin: anyone may mint), beside the ERC-20 errors. */
export const mintableTokenAbi = [
  {
    type: "function",
    name: "mint",
    stateMutability: "nonpayable",
    inputs: [
      { name: "to", type: "address" },
      { name: "amount", type: "uint256" },
    ],
    outputs: [],
  },
  ...ERC20_ERRORS,
] as const;
