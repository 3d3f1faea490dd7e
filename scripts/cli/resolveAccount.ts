import { existsSync } from "node:fs";
import { getAddress, isHex, type Account, type Address, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { CliError } from "./CliError.js";

/** The environment variable, and Hardhat keystore key, that holds the signing key. */
export const PRIVATE_KEY_VARIABLE = "CARDPROOF_PRIVATE_KEY";

/** Who signs: a local key (env or keystore), or an account the node itself unlocks (dev chains). */
export type CliSigner = { account: Account | Address; source: "env" | "keystore" | "node" };

/**
 * Finds the key that signs this command's transactions, never from a flag (flags land in shell
 * history), in this order:
 * 1. `--account-index N`: the node's own unlocked account N (`eth_accounts`; Hardhat/anvil dev chains).
 * 2. `CARDPROOF_PRIVATE_KEY` in the environment.
 * 3. `CARDPROOF_PRIVATE_KEY` in Hardhat's keystore (`npx hardhat keystore set CARDPROOF_PRIVATE_KEY`),
 *    which asks for the keystore's password. Skipped with `CI=true`, like Hardhat does.
 *
 * Never the node's account 0 by default: on a dev chain that is the registry's admin, and a
 * command meant for an issuer would silently run with the admin's powers.
 *
 * @throws {CliError} with the ways to provide a key when none is found.
 */
export async function resolveSigner(
  client: PublicClient,
  { accountIndex }: { accountIndex?: number },
): Promise<CliSigner> {
  if (accountIndex !== undefined) return { account: await nodeAccount(client, accountIndex), source: "node" };

  const fromEnv = process.env[PRIVATE_KEY_VARIABLE];
  if (fromEnv !== undefined && fromEnv !== "") return { account: toAccount(fromEnv, "the environment"), source: "env" };

  const fromKeystore = await readKeystoreKey();
  if (fromKeystore !== undefined) return { account: toAccount(fromKeystore, "Hardhat's keystore"), source: "keystore" };

  const unlocked = (await client.request({ method: "eth_accounts" } as never).catch(() => [])) as Address[];
  throw new CliError("no signer chosen: write commands never sign as the node's account 0 by default", {
    hint:
      `set ${PRIVATE_KEY_VARIABLE} in the environment, or store it with ` +
      `\`npx hardhat keystore set ${PRIVATE_KEY_VARIABLE}\`` +
      (unlocked.length > 0
        ? `; on this development node, --account-index N signs with its unlocked account N (0 to ${unlocked.length - 1})`
        : " (this node unlocks no accounts of its own)"),
  });
}

function toAccount(key: string, where: string): Account {
  const normalized = key.startsWith("0x") ? key : `0x${key}`;
  if (!isHex(normalized) || normalized.length !== 66) {
    throw new CliError(`${PRIVATE_KEY_VARIABLE} from ${where} is not a private key`, {
      hint: "a private key is 64 hex digits, with or without 0x",
    });
  }
  return privateKeyToAccount(normalized);
}

async function nodeAccount(client: PublicClient, index: number): Promise<Address> {
  // Public RPCs refuse eth_accounts or answer []: both mean "no node-held keys".
  const accounts = (await client.request({ method: "eth_accounts" } as never).catch(() => [])) as Address[];
  const account = accounts[index];
  // Nodes list their accounts in lower case (Hardhat, anvil); commands compare checksummed addresses.
  if (account !== undefined) return getAddress(account);
  if (accounts.length > 0) {
    throw new CliError(`--account-index ${index} is out of range: the node unlocks ${accounts.length} accounts`, {
      hint: `pick an index from 0 to ${accounts.length - 1}`,
    });
  }
  throw new CliError(`--account-index ${index}: this node unlocks no accounts of its own`, {
    hint:
      `set ${PRIVATE_KEY_VARIABLE} in the environment, or store it with ` +
      `\`npx hardhat keystore set ${PRIVATE_KEY_VARIABLE}\``,
  });
}

/**
 * The key from Hardhat's keystore through Hardhat's own configuration-variable hook chain (the
 * keystore plugin prompts for its password), or undefined when Hardhat, its keystore or the key is
 * not there.
 */
async function readKeystoreKey(): Promise<string | undefined> {
  if (process.env.CI === "true" || !existsSync("hardhat.config.ts")) return undefined;
  let modules;
  try {
    modules = await Promise.all([import("hardhat"), import("hardhat/config")]);
  } catch {
    return undefined; // not inside a Hardhat project: no keystore to read
  }
  const [{ default: hre }, { configVariable }] = modules;
  try {
    return await hre.hooks.runHandlerChain(
      "configurationVariables",
      "fetchValue",
      [configVariable(PRIVATE_KEY_VARIABLE)],
      async () => undefined as unknown as string,
    );
  } catch (error) {
    throw new CliError(`cannot read ${PRIVATE_KEY_VARIABLE} from Hardhat's keystore: ${(error as Error).message}`, {
      hint: `check the keystore password, or set ${PRIVATE_KEY_VARIABLE} in the environment instead`,
    });
  }
}
