import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";

import type { GeneratedChain } from "./generateIndexerEvents.js";
import { readProcessMemory } from "./readProcessMemory.js";
import { readPonderProgress, type PonderLogRecord } from "./readPonderProgress.js";
import { rpcWindow, type JsonRpcServer, type RpcServerSnapshot } from "./startJsonRpcServer.js";

/** Ponder indexing the same chain, or why it was not measured. */
export type PonderResult =
  | {
      status: "measured";
      /** Ponder's version, as installed from scripts/bench/ponder/package-lock.json. */
      version: string;
      /** The Node.js that ran it (Ponder needs >= 22). */
      node: string;
      /** Rows in Ponder's `event` table, checked equal to the events generated. */
      events: number;
      blocks: number;
      /** From Ponder's first backfill line to its "Completed backfill indexing" line. */
      seconds: number;
      eventsPerSecond: number;
      /** From spawning the process to its first backfill line (build, database setup). */
      startupSeconds: number;
      memory: {
        /** Sum of `VmHWM` over the Ponder process and any processes it started. */
        peakRss: number;
        processes: number;
      };
      rpc: RpcServerSnapshot;
    }
  | { status: "skipped"; reason: string };

/** The Ponder project the bench runs, relative to the repository root. */
const PROJECT = "scripts/bench/ponder";
/** Files of the project copied into the run's temporary tree (with the ABIs they import). */
const PROJECT_FILES = ["package.json", "ponder.config.ts", "ponder.schema.ts", "src"];
const ABI_FILES = ["scripts/lib/voucherRegistryAbi.ts", "scripts/lib/settlementEscrowAbi.ts"];
/** Written into the project's node_modules after `npm ci`: the lockfile's hash it was installed from. */
const INSTALL_STAMP = ".cardproof-lockfile-sha256";
const MIN_NODE_MAJOR = 22;
/**
 * Silence on /health after which Ponder counts as stuck. Its longest single query on the
 * 50,000-event chain took about 1 s; on the 200,000-event chain it once never returned.
 */
const STALL_MS = 120_000;

const execFileAsync = promisify(execFile);

/**
 * Runs Ponder (scripts/bench/ponder: the two contracts, every event stored as a row, chain heads
 * and orders derived) against the bench's JSON-RPC server from the registry's deploy block to the
 * generated head, with its embedded database (PGlite) in a temporary directory, and measures it
 * like CardProof's backfill: events/s over its backfill window and the peak resident memory of
 * its processes. Never throws: whatever keeps Ponder from running (no Node 22, no registry to
 * install from, a failed start) comes back as `skipped` with the reason.
 *
 * @dev Ponder writes `.ponder/` (its build cache), `generated/` and `ponder-env.d.ts` next to its
 *      config, so the project is copied into a temporary tree laid out like the repository (its
 *      config imports the ABIs from `scripts/lib`) with `node_modules` linked to the install in
 *      scripts/bench/ponder; the repository stays clean and two runs cannot collide. Ponder's own
 *      log lines (JSON) are appended to the file named by `CARDPROOF_BENCH_PONDER_LOG`, if set.
 */
export async function measurePonder(
  {
    chain,
    server,
    repoRoot,
    timeoutMs,
  }: { chain: GeneratedChain; server: JsonRpcServer; repoRoot: string; timeoutMs: number },
  log: (line: string) => void,
): Promise<PonderResult> {
  const node = join(repoRoot, "node_modules/.bin/node");
  let nodeVersion: string;
  try {
    nodeVersion = (await execFileAsync(node, ["--version"])).stdout.trim();
  } catch (error) {
    return skipped(`Ponder needs Node >= ${MIN_NODE_MAJOR}: ${node} does not run (${messageOf(error)})`, log);
  }
  if (Number(/^v(\d+)/.exec(nodeVersion)?.[1]) < MIN_NODE_MAJOR) {
    return skipped(`Ponder needs Node >= ${MIN_NODE_MAJOR}, ${node} is ${nodeVersion}`, log);
  }
  try {
    await ensurePonderInstalled(join(repoRoot, PROJECT), log);
  } catch (error) {
    return skipped(`Ponder could not be installed (npm ci --prefix ${PROJECT}): ${messageOf(error)}`, log);
  }
  const dir = mkdtempSync(join(tmpdir(), "cardproof-bench-ponder-"));
  try {
    return await runPonder({ chain, server, repoRoot, node, nodeVersion, dir, timeoutMs }, log);
  } catch (error) {
    return skipped(`Ponder did not finish: ${messageOf(error)}`, log);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `npm ci` into scripts/bench/ponder/node_modules unless that install came from the same
 * lockfile (its hash is stamped into node_modules after a successful install).
 */
async function ensurePonderInstalled(project: string, log: (line: string) => void): Promise<void> {
  const lockHash = createHash("sha256")
    .update(readFileSync(join(project, "package-lock.json")))
    .digest("hex");
  const stamp = join(project, "node_modules", INSTALL_STAMP);
  if (existsSync(stamp) && readFileSync(stamp, "utf8").trim() === lockHash) return;
  log(`installing Ponder: npm ci --prefix ${PROJECT} (once per lockfile change)`);
  try {
    await execFileAsync("npm", ["ci", "--prefix", project, "--no-audit", "--no-fund", "--loglevel=error"], {
      maxBuffer: 16 * 2 ** 20,
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    const lastLine =
      stderr
        .trim()
        .split("\n")
        .filter((line) => !line.includes("EBADENGINE"))
        .at(-1) ?? "";
    throw new Error(lastLine === "" ? messageOf(error) : lastLine, { cause: error });
  }
  await writeFile(stamp, `${lockHash}\n`);
}

async function runPonder(
  {
    chain,
    server,
    repoRoot,
    node,
    nodeVersion,
    dir,
    timeoutMs,
  }: {
    chain: GeneratedChain;
    server: JsonRpcServer;
    repoRoot: string;
    node: string;
    nodeVersion: string;
    dir: string;
    timeoutMs: number;
  },
  log: (line: string) => void,
): Promise<PonderResult> {
  const root = join(dir, PROJECT);
  mkdirSync(root, { recursive: true });
  for (const file of PROJECT_FILES) cpSync(join(repoRoot, PROJECT, file), join(root, file), { recursive: true });
  for (const file of ABI_FILES) cpSync(join(repoRoot, file), join(dir, file));
  symlinkSync(join(repoRoot, PROJECT, "node_modules"), join(root, "node_modules"), "dir");
  const version = (
    JSON.parse(readFileSync(join(repoRoot, PROJECT, "node_modules/ponder/package.json"), "utf8")) as {
      version: string;
    }
  ).version;

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const before = server.snapshot();
  const spawnedAt = performance.now();
  const child = spawn(
    node,
    [
      join(root, "node_modules/ponder/dist/esm/bin/ponder.js"),
      "--root",
      root,
      "--log-format",
      "json",
      "start",
      // Ponder's tables go into a schema of their own; the database is fresh each run anyway.
      "--schema",
      "bench",
      "--port",
      String(port),
      "--hostname",
      "127.0.0.1",
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        PONDER_TELEMETRY_DISABLED: "true",
        PONDER_BENCH_RPC_URL: server.url,
        PONDER_BENCH_REGISTRY: chain.registry,
        PONDER_BENCH_ESCROW: chain.escrow,
        PONDER_BENCH_START_BLOCK: String(chain.startBlock),
        PONDER_BENCH_END_BLOCK: String(chain.headBlock),
        PONDER_BENCH_PGLITE_DIR: join(dir, "pglite"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const records: PonderLogRecord[] = [];
  const otherLines: string[] = [];
  const logFile = process.env.CARDPROOF_BENCH_PONDER_LOG;
  const read = (line: string) => {
    if (logFile !== undefined && logFile !== "") appendFileSync(logFile, `${line}\n`);
    try {
      records.push({ ...(JSON.parse(line) as Record<string, unknown>), receivedAt: performance.now() });
    } catch {
      if (line.trim() !== "") otherLines.push(line);
    }
  };
  createInterface({ input: child.stdout }).on("line", read);
  createInterface({ input: child.stderr }).on("line", read);
  let exit: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.on("exit", (code, signal) => {
      exit = `code ${code}, signal ${signal}`;
      resolve();
    }),
  );
  const peaks = new Map<number, number>();
  const sampleMemory = () => {
    for (const pid of processTree(child.pid!)) {
      const peak = readProcessMemory(pid)?.peakRss;
      if (peak !== undefined) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, peak));
    }
  };
  log(
    `Ponder ${version} (process ${child.pid}, ${nodeVersion}) indexing blocks ${chain.startBlock}-${chain.headBlock}`,
  );
  // Ponder answers /health from its event loop, without its database: once it has answered, a
  // long silence means its one thread is stuck (PGlite runs queries on it, synchronously).
  let lastAnswerAt: number | undefined;
  let watching = true;
  const watchHealth = (async () => {
    while (watching) {
      try {
        await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5_000) });
        lastAnswerAt = performance.now();
      } catch {
        // Not listening yet, or not answering: the loop below judges from lastAnswerAt.
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  })();
  try {
    const deadline = spawnedAt + timeoutMs;
    let readyAt: number | undefined;
    for (;;) {
      sampleMemory();
      const progress = readPonderProgress(records);
      const reached = progress.progress === undefined ? "no progress reported" : `${progress.progress} indexed`;
      if (exit !== undefined) throw new Error(`Ponder exited (${exit}): ${describe(progress.errors, otherLines)}`);
      if (lastAnswerAt !== undefined && performance.now() - lastAnswerAt > STALL_MS) {
        throw new Error(
          `Ponder stopped answering /health for ${STALL_MS / 1000} s, stuck in one call (${reached}); ` +
            describe(progress.errors, otherLines),
        );
      }
      if (readyAt === undefined && progress.completedAt !== undefined && (await isReady(baseUrl))) {
        readyAt = performance.now();
      }
      if (readyAt !== undefined) break;
      if (performance.now() > deadline) {
        throw new Error(
          `backfill not complete ${timeoutMs / 1000} s after start (${reached}); ${describe(progress.errors, otherLines)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    sampleMemory();
    const after = server.snapshot();
    const { startedAt, completedAt } = readPonderProgress(records);
    const seconds = (completedAt! - startedAt!) / 1000;
    const events = await storedEvents(baseUrl);
    if (events !== chain.events) {
      throw new Error(`Ponder stored ${events} events, but ${chain.events} were generated`);
    }
    log(`Ponder: ${events} events in ${seconds.toFixed(2)} s`);
    return {
      status: "measured",
      version,
      node: nodeVersion,
      events,
      blocks: chain.headBlock - chain.startBlock + 1,
      seconds,
      eventsPerSecond: events / seconds,
      startupSeconds: (startedAt! - spawnedAt) / 1000,
      memory: { peakRss: [...peaks.values()].reduce((sum, peak) => sum + peak, 0), processes: peaks.size },
      rpc: rpcWindow(before, after),
    };
  } finally {
    watching = false;
    await watchHealth;
    if (exit === undefined) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
  }
}

/** `pid` and its descendants, from Linux's `/proc/<pid>/task/<tid>/children` (just `pid` elsewhere). */
function processTree(pid: number): number[] {
  const found = [pid];
  for (let i = 0; i < found.length; i++) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${found[i]}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        const children = readFileSync(`/proc/${found[i]}/task/${task}/children`, "utf8").trim();
        if (children !== "") found.push(...children.split(/\s+/).map(Number));
      } catch {
        // The task ended between the listing and the read.
      }
    }
  }
  return found;
}

/** Ponder's `/ready`: 200 once historical indexing is complete, 503 before. */
async function isReady(baseUrl: string): Promise<boolean> {
  try {
    return (await fetch(`${baseUrl}/ready`)).status === 200;
  } catch {
    return false;
  }
}

/** Rows in Ponder's `event` table, from the project's own route (src/api/index.ts). */
async function storedEvents(baseUrl: string): Promise<number> {
  const response = await fetch(`${baseUrl}/bench/events`);
  if (!response.ok) throw new Error(`GET /bench/events answered ${response.status}`);
  return Number(((await response.json()) as { events: number | string }).events);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Ponder's distinct error lines and its last non-JSON output, on one line for the table's note. */
function describe(errors: readonly string[], otherLines: readonly string[]): string {
  const lines = [...new Set(errors)].slice(0, 3).concat(otherLines.slice(-3));
  return lines.length === 0 ? "no error logged" : lines.join("; ").replace(/\s+/g, " ");
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function skipped(reason: string, log: (line: string) => void): PonderResult {
  log(`Ponder skipped: ${reason}`);
  return { status: "skipped", reason };
}
