import { createWriteStream } from "node:fs";

import { ListenError } from "../../server/api/ListenError.js";
import { BaseError } from "../../server/internal/BaseError.js";
import { createLogger, type LogRecord } from "../../server/internal/createLogger.js";
import { DEFAULT_CONFIG, type IndexerConfig } from "../../server/internal/loadConfig.js";
import { startServer } from "../../server/startServer.js";
import type { Deployment } from "../cli/deploymentFile.js";
import { CliError } from "../cli/CliError.js";

/** How often the demo's indexer asks the chain for new blocks (the local chain mines instantly). */
const POLL_INTERVAL_MS = 100;

/**
 * The indexer and its REST API, in this process, following the demo's chain from the deploy block
 * into a fresh SQLite file, exactly as `npm run indexer` would with the same settings. Its JSON log
 * goes to `logPath`; warnings and errors are also passed to `onProblem` (one line each).
 *
 * @throws {CliError} when the API's port cannot be bound (the hint names `portHint`).
 */
export async function startDemoIndexer({
  rpcUrl,
  deployment,
  dbPath,
  logPath,
  host,
  port,
  portHint,
  proofShardsUrls,
  onProblem,
}: {
  rpcUrl: string;
  deployment: Deployment;
  dbPath: string;
  logPath: string;
  host: string;
  port: number;
  portHint: string;
  /** Static proof shard base URLs the served page lists after the indexer (`CARDPROOF_PROOF_SHARDS_URL`). */
  proofShardsUrls: string[];
  onProblem(line: string): void;
}) {
  const config: IndexerConfig = {
    ...DEFAULT_CONFIG,
    logRange: { ...DEFAULT_CONFIG.logRange },
    rpcUrls: [rpcUrl],
    chainId: Number(deployment.chainId),
    registryAddress: deployment.registry,
    escrowAddress: deployment.escrow,
    startBlock: Number(deployment.deployBlock),
    pollIntervalMs: POLL_INTERVAL_MS,
    dbPath,
    reset: false, // a new file: the caller empties the demo folder at every start
    apiHost: host,
    apiPort: port,
    proofShardsUrls,
  };
  const log = createWriteStream(logPath, { flags: "a" });
  const sink = (record: LogRecord) => {
    log.write(`${JSON.stringify(record)}\n`);
    if (record.level === "warn" || record.level === "error") onProblem(`indexer ${record.level}: ${record.msg}`);
  };
  const logger = createLogger({ level: "info", bindings: { service: "cardproof-indexer" }, sink });
  const closeLog = () => new Promise<void>((resolve) => log.end(() => resolve()));

  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({ config, logger });
  } catch (error) {
    await closeLog();
    if (error instanceof ListenError) {
      throw new CliError(error.shortMessage, { hint: `stop what holds it (another \`npm start\`?) or ${portHint}` });
    }
    throw new CliError(
      `the indexer failed to start: ${error instanceof BaseError ? error.shortMessage : String(error)}`,
      { cause: error },
    );
  }
  let failure: unknown;
  const done = server.done.catch((error: unknown) => {
    failure = error;
    throw error;
  });
  // Observed by `waitForBlock` and by whoever awaits `done`; never an unhandled rejection.
  done.catch(() => undefined);

  let stopping: Promise<void> | undefined;
  return {
    /** The API's base URL, e.g. `http://127.0.0.1:8787`. */
    url: server.url,
    /** Settles when the indexer stops; rejects with a fatal sync error. */
    done,
    /**
     * Resolves once the mirror has applied `blockNumber` (the chain head the caller saw).
     *
     * @throws {CliError} when the indexer stopped or has not caught up within `timeoutMs`.
     */
    async waitForBlock(blockNumber: bigint, timeoutMs = 30_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (failure !== undefined) {
          throw new CliError(
            `the indexer stopped: ${failure instanceof BaseError ? failure.shortMessage : String(failure)}`,
            { hint: `its log is in ${logPath}`, cause: failure },
          );
        }
        const checkpoint = server.store.getCheckpoint();
        if (checkpoint !== undefined && BigInt(checkpoint.blockNumber) >= blockNumber) return;
        if (Date.now() > deadline) {
          throw new CliError(`the indexer has not reached block ${blockNumber} after ${timeoutMs / 1000} s`, {
            hint: `its log is in ${logPath}`,
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    /** Stops the API (requests in flight finish), then the sync loop, then closes the database and the log. */
    stop(): Promise<void> {
      stopping ??= (async () => {
        try {
          await server.stop();
        } finally {
          await closeLog();
        }
      })();
      return stopping;
    },
  };
}

export type DemoIndexer = Awaited<ReturnType<typeof startDemoIndexer>>;
