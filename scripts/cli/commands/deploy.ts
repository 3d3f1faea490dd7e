import { readFile } from "node:fs/promises";

import { zeroAddress, type Abi, type Address, type Hex } from "viem";

import { settlementEscrowAbi } from "../../lib/settlementEscrowAbi.js";
import type { CliCommand } from "../CliCommand.js";
import { CliError } from "../CliError.js";
import type { CliContext } from "../createCliContext.js";
import { readDeployment, writeDeployment, type Deployment } from "../deploymentFile.js";
import { explainContractError } from "../explainContractError.js";
import { optionalString, parseAddress, parseInteger, stringList } from "../parseOptionValue.js";
import { sendContractTransaction, waitForReceipt } from "../sendContractTransaction.js";

/** `cardproof deploy`: the registry and the escrow, roles, allowed tokens, and the deployment file. */
export const deployCommand: CliCommand = {
  path: ["deploy"],
  summary: "deploy VoucherRegistry and SettlementEscrow and write the deployment file",
  usage: `Usage: cardproof deploy [options]

  --admin <address>          registry and escrow admin (default: the signer)
  --pauser <address>         may pause both contracts (default: the admin)
  --arbiter <address>        decides disputed orders (default: the admin)
  --fee-recipient <address>  receives escrow fees (default: the admin)
  --fee-bps <n>              escrow fee in basis points, at most 500 (default 100 = 1%)
  --fund-share-bps <n>       share of each fee for the protection fund (default 2000 = 20%)
  --token <address>          a stablecoin the escrow accepts (repeatable)
  --test-stablecoin          also deploy a test stablecoin anyone can mint, and allow it
                             (default on chain 31337, the local chain)
  --force                    deploy again although the deployment file names a live deployment

Builds nothing: run \`npx hardhat build\` first if artifacts/ is missing.`,
  options: {
    admin: { type: "string" },
    pauser: { type: "string" },
    arbiter: { type: "string" },
    "fee-recipient": { type: "string" },
    "fee-bps": { type: "string" },
    "fund-share-bps": { type: "string" },
    token: { type: "string", multiple: true },
    "test-stablecoin": { type: "boolean" },
    force: { type: "boolean" },
  },
  async run({ values, output, context }) {
    const ctx = await context();
    const address = (name: string) => {
      const text = optionalString(values, name);
      return text === undefined ? undefined : parseAddress(`--${name}`, text);
    };
    const feeBps = parseInteger("--fee-bps", optionalString(values, "fee-bps") ?? "100", { max: 500 });
    const fundShareBps = parseInteger("--fund-share-bps", optionalString(values, "fund-share-bps") ?? "2000", {
      max: 10_000,
    });
    const tokens = stringList(values, "token").map((text) => parseAddress("--token", text));
    const testStablecoin = values["test-stablecoin"] === true || ctx.chainId === 31_337n;

    await refuseLiveDeployment(ctx, values.force === true);
    const { account, wallet } = await ctx.signer();
    const deployer = typeof account === "string" ? account : account.address;
    const admin = address("admin") ?? deployer;
    const pauser = address("pauser") ?? admin;
    const arbiter = address("arbiter") ?? admin;
    const feeRecipient = address("fee-recipient") ?? admin;

    const deploy = async (name: string, args: readonly unknown[]) => {
      const { abi, bytecode } = await readArtifact(name);
      let hash: Hex;
      try {
        hash = await wallet.deployContract({ abi, bytecode, args, account, chain: ctx.chain } as never);
      } catch (error) {
        throw explainContractError(error, `deploy ${name}`, ctx.rpcUrl);
      }
      const receipt = await waitForReceipt(ctx, hash, `deploy ${name}`);
      if (receipt.contractAddress == null) throw new CliError(`deploying ${name} created no contract`);
      output.info(`${name} at ${receipt.contractAddress} (block ${receipt.blockNumber})`);
      return receipt;
    };

    const registryReceipt = await deploy("VoucherRegistry", [admin, pauser]);
    const registry = registryReceipt.contractAddress as Address;
    const escrow = (
      await deploy("SettlementEscrow", [registry, admin, pauser, arbiter, feeBps, fundShareBps, feeRecipient])
    ).contractAddress as Address;
    let stablecoin: Address | undefined;
    if (testStablecoin) {
      stablecoin = (await deploy("MockStablecoin", ["CardProof Test USD", "tUSD"])).contractAddress as Address;
      tokens.push(stablecoin);
    }
    for (const token of tokens) {
      if (token === zeroAddress) throw new CliError("--token cannot be the zero address", { exitCode: 2 });
      if (admin !== deployer) {
        output.warn(`the admin ${admin} must allow token ${token} itself: the deployer is not the admin`);
        continue;
      }
      await sendContractTransaction(ctx, {
        address: escrow,
        abi: settlementEscrowAbi,
        functionName: "setTokenAllowed",
        args: [token, true],
        action: `allow token ${token} in the escrow`,
      });
    }

    const block = await ctx.client.getBlock({ blockNumber: registryReceipt.blockNumber });
    const deployment: Deployment = {
      version: 1,
      chainId: ctx.chainId,
      registry,
      escrow,
      deployBlock: registryReceipt.blockNumber,
      deployBlockHash: block.hash,
      deployer,
      ...(stablecoin === undefined ? {} : { testStablecoin: stablecoin }),
      deployedAt: new Date().toISOString(),
    };
    await writeDeployment(ctx.deploymentPath, deployment);
    output.result(
      {
        ...deployment,
        deploymentFile: ctx.deploymentPath,
        admin,
        pauser,
        arbiter,
        feeRecipient,
        feeBps,
        fundShareBps,
        tokens,
      },
      [
        `deployed on chain ${ctx.chainId} from block ${deployment.deployBlock}`,
        `  VoucherRegistry   ${registry}`,
        `  SettlementEscrow  ${escrow}`,
        ...(stablecoin === undefined ? [] : [`  test stablecoin   ${stablecoin} (tUSD, 6 decimals, anyone can mint)`]),
        `  admin ${admin}, fee ${feeBps} bps (${fundShareBps} bps of it to the protection fund)`,
        `deployment file: ${ctx.deploymentPath}`,
      ],
    );
  },
};

/** A second deployment over a live one would orphan every batch minted on the first: ask for --force. */
async function refuseLiveDeployment(ctx: CliContext, force: boolean): Promise<void> {
  let existing: Deployment;
  try {
    existing = await readDeployment(ctx.deploymentPath);
  } catch {
    return; // no file, or one we will replace
  }
  if (existing.chainId !== ctx.chainId || force) return;
  const block = await ctx.client.getBlock({ blockNumber: existing.deployBlock }).catch(() => undefined);
  if (block?.hash !== existing.deployBlockHash) {
    ctx.output.info(`replacing ${ctx.deploymentPath}: its deployment is not on this chain (a restarted local chain?)`);
    return;
  }
  throw new CliError(
    `${ctx.deploymentPath} already names a live deployment on chain ${ctx.chainId} (registry ${existing.registry})`,
    {
      hint: "use it as it is, pass --deployment <new file>, or --force to replace it",
    },
  );
}

async function readArtifact(name: string): Promise<{ abi: Abi; bytecode: Hex }> {
  const folder = name === "MockStablecoin" ? `mocks/${name}.sol` : `${name}.sol`;
  const url = new URL(`../../../artifacts/contracts/${folder}/${name}.json`, import.meta.url);
  try {
    const artifact = JSON.parse(await readFile(url, "utf8")) as { abi: Abi; bytecode: Hex };
    return { abi: artifact.abi, bytecode: artifact.bytecode };
  } catch {
    throw new CliError(`the compiled ${name} is missing (artifacts/)`, { hint: "run `npx hardhat build` first" });
  }
}
