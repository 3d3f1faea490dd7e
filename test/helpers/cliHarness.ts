import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { network } from "hardhat";
import type { Address, Hex } from "viem";

import { startJsonRpcServer } from "./jsonRpcServer.js";

/** The `cardproof` executable, as `npx cardproof` runs it. */
export const CARDPROOF_BIN = fileURLToPath(new URL("../../scripts/cli/cardproof.mjs", import.meta.url));

/** Private keys of Hardhat's well-known test accounts 0-4 (public knowledge, worthless on real chains). */
export const HARDHAT_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
] as const satisfies readonly Hex[];

/** A CLI run's outcome. */
export type CliRun = {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as the JSON document `--json` prints. */
  json<T = Record<string, unknown>>(): T;
};

/**
 * A real chain for CLI tests: an in-process EDR chain behind a JSON-RPC server on 127.0.0.1, whose
 * unlocked accounts are Hardhat's well-known ones, and a temporary working folder.
 */
export async function startCliChain() {
  const connection = await network.create();
  const server = await startJsonRpcServer(connection.provider);
  const workdir = await mkdtemp(join(tmpdir(), "cardproof-cli-"));
  const accounts = (await connection.provider.request({ method: "eth_accounts" })) as Address[];
  return {
    rpcUrl: server.url,
    provider: connection.provider,
    connection,
    workdir,
    accounts,
    /** Runs `cardproof <args>` in the working folder against this chain, as a separate process. */
    cardproof(args: readonly string[], options: { env?: Record<string, string>; input?: string } = {}) {
      return runCardproof(args, {
        cwd: workdir,
        env: { CARDPROOF_RPC_URL: server.url, ...options.env },
        ...(options.input === undefined ? {} : { input: options.input }),
      });
    },
    async close() {
      await server.close();
      await connection.close();
      await rm(workdir, { recursive: true, force: true });
    },
  };
}

export type CliChain = Awaited<ReturnType<typeof startCliChain>>;

/**
 * Runs the `cardproof` executable in a child process with Node (the one running the tests), with
 * `CI=true` (no keystore prompts) and no inherited `CARDPROOF_*` settings besides `env`.
 */
export function runCardproof(
  args: readonly string[],
  {
    cwd,
    env = {},
    input,
    interruptWhen,
  }: {
    cwd: string;
    env?: Record<string, string>;
    input?: string;
    /** Presses Ctrl-C (SIGINT) once this holds: asked on each output chunk and every 50 ms. */
    interruptWhen?: (stderr: string) => boolean;
  },
): Promise<CliRun> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("CARDPROOF_")));
  const child = spawn(process.execPath, [CARDPROOF_BIN, ...args], {
    cwd,
    env: { ...inherited, CI: "true", NO_COLOR: "1", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  child.stdin.end(input ?? "");
  let watch: NodeJS.Timeout | undefined;
  if (interruptWhen !== undefined) {
    const check = () => {
      if (watch === undefined || !interruptWhen(stderr)) return;
      clearInterval(watch);
      watch = undefined;
      child.kill("SIGINT");
    };
    watch = setInterval(check, 50);
    child.stderr.on("data", check);
  }
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      if (watch !== undefined) clearInterval(watch);
      resolve({
        code,
        stdout,
        stderr,
        json<T>() {
          try {
            return JSON.parse(stdout) as T;
          } catch {
            throw new Error(`cardproof ${args.join(" ")} printed no JSON (exit ${code}):\n${stdout}\n${stderr}`);
          }
        },
      });
    });
  });
}
