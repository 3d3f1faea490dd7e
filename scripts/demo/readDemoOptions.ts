import { parseArgs } from "node:util";

import { CliError } from "../cli/CliError.js";

/** Where the demo keeps its files unless told otherwise (never `.cardproof/deployment.json`). */
export const DEFAULT_DEMO_DIR = ".cardproof/demo";
export const DEFAULT_RPC_PORT = 8545;
export const DEFAULT_API_PORT = 8787;

/** How `npm start` runs. */
export type DemoOptions = {
  /** Interface the chain and the API listen on: always this machine only. */
  host: "127.0.0.1";
  /** JSON-RPC port of the local chain (0: any free port). */
  rpcPort: number;
  /** Port of the indexer's API and the verifier page (0: any free port). */
  apiPort: number;
  /** Port of the static server of the demo batch's proof shards (0: any free port). */
  shardsPort: number;
  /** The demo's own folder, emptied at every start. */
  dir: string;
  /** Stop once everything is set up and the summary printed (CI, tests). */
  exitWhenReady: boolean;
};

export const DEMO_USAGE = `Usage: npm start [-- options]

Runs CardProof on a local chain: deploys the contracts, mints and trades a demo batch, starts the
indexer and its API, prints links and QR codes to try, and keeps running until Ctrl-C.

  --rpc-port <n>       JSON-RPC port of the local chain (env CARDPROOF_DEMO_RPC_PORT; default ${DEFAULT_RPC_PORT}; 0: any free port)
  --api-port <n>       port of the indexer API and verifier page (env CARDPROOF_DEMO_API_PORT; default ${DEFAULT_API_PORT}; 0: any)
  --shards-port <n>    port of the static proof shard server (env CARDPROOF_DEMO_SHARDS_PORT; default 0: any free port)
  --dir <folder>       the demo's files, emptied at every start (env CARDPROOF_DEMO_DIR; default ${DEFAULT_DEMO_DIR})
  --exit-when-ready    stop cleanly once everything is set up (env CARDPROOF_DEMO_EXIT_WHEN_READY=1)
  -h, --help           this text`;

/**
 * The demo's options from its command line (`npm start -- --api-port 8788`), falling back to
 * `CARDPROOF_DEMO_*` environment variables, then to the defaults.
 *
 * @returns undefined when `--help` was asked for.
 * @throws {CliError} (exit code 2) for an unknown option or a malformed value.
 */
export function readDemoOptions(
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
): DemoOptions | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        "rpc-port": { type: "string" },
        "api-port": { type: "string" },
        "shards-port": { type: "string" },
        dir: { type: "string" },
        "exit-when-ready": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new CliError((error as Error).message, { exitCode: 2, hint: "`npm start -- --help` lists the options" });
  }
  if (values.help === true) return undefined;
  const port = (flag: string, variable: string, fallback: number) => {
    const text = (values[flag as "rpc-port"] ?? env[variable] ?? "").trim();
    if (text === "") return fallback;
    const value = Number(text);
    if (!/^\d+$/.test(text) || value > 65_535) {
      throw new CliError(`--${flag} (or ${variable}) must be a port number from 0 to 65535, got "${text}"`, {
        exitCode: 2,
      });
    }
    return value;
  };
  const rpcPort = port("rpc-port", "CARDPROOF_DEMO_RPC_PORT", DEFAULT_RPC_PORT);
  const apiPort = port("api-port", "CARDPROOF_DEMO_API_PORT", DEFAULT_API_PORT);
  const shardsPort = port("shards-port", "CARDPROOF_DEMO_SHARDS_PORT", 0);
  if (rpcPort !== 0 && rpcPort === apiPort) {
    throw new CliError(`the chain and the API cannot share port ${rpcPort}`, { exitCode: 2 });
  }
  if (shardsPort !== 0 && (shardsPort === rpcPort || shardsPort === apiPort)) {
    throw new CliError(`the proof shard server cannot share port ${shardsPort} with the chain or the API`, {
      exitCode: 2,
    });
  }
  const flagEnv = (env.CARDPROOF_DEMO_EXIT_WHEN_READY ?? "").trim().toLowerCase();
  return {
    host: "127.0.0.1",
    rpcPort,
    apiPort,
    shardsPort,
    dir: values.dir ?? (env.CARDPROOF_DEMO_DIR?.trim() || DEFAULT_DEMO_DIR),
    exitWhenReady: values["exit-when-ready"] === true || ["1", "true", "yes"].includes(flagEnv),
  };
}
