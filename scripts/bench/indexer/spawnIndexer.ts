import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

import type { LogRecord } from "../../../server/internal/createLogger.js";
import { readProcessMemory } from "./readProcessMemory.js";

/** `CARDPROOF_*` settings for the indexer process (see server/README.md). */
export type IndexerEnv = Record<`CARDPROOF_${string}`, string>;

/**
 * Runs the product's indexer (`node --import tsx server/main.ts`, what `npm run indexer` runs) as
 * a child process configured by environment variables, and follows its JSON log lines on stderr.
 * Its memory is its own: the benchmark process, which holds the chain, is not counted.
 *
 * @dev `waitFor` resolves with the first record (past or future) that matches, and rejects if the
 *      process exits or logs an error first; `stop` sends SIGTERM (the indexer finishes its current
 *      page and exits 0) and SIGKILLs it after 10 s.
 */
export function spawnIndexer({ repoRoot, env }: { repoRoot: string; env: IndexerEnv }) {
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const records: LogRecord[] = [];
  const otherLines: string[] = [];
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((listener) => listener());

  createInterface({ input: child.stderr! }).on("line", (line) => {
    try {
      records.push({ ...(JSON.parse(line) as LogRecord), receivedAt: performance.now() });
    } catch {
      otherLines.push(line);
    }
    notify();
  });
  const exited = new Promise<void>((resolve) => {
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      notify();
      resolve();
    });
  });

  const describeFailure = () => {
    const errors = records.filter((record) => record.level === "error").map((record) => record.msg);
    return [...errors, ...otherLines.slice(-20)].join("\n") || "(no output)";
  };

  return {
    pid: child.pid!,
    records,

    /** The first log record matching `predicate`, waiting up to `timeoutMs` for it. */
    waitFor(predicate: (record: LogRecord) => boolean, timeoutMs: number): Promise<LogRecord & { receivedAt: number }> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => finish(new Error(`indexer: no matching log line within ${timeoutMs} ms`)),
          timeoutMs,
        );
        const finish = (error?: Error, record?: LogRecord) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error === undefined) resolve(record as LogRecord & { receivedAt: number });
          else reject(error);
        };
        const check = () => {
          const found = records.find(predicate);
          if (found !== undefined) return finish(undefined, found);
          if (records.some((record) => record.level === "error")) {
            return finish(new Error(`indexer logged an error:\n${describeFailure()}`));
          }
          if (exit !== undefined) {
            return finish(
              new Error(`indexer exited (code ${exit.code}, signal ${exit.signal}):\n${describeFailure()}`),
            );
          }
        };
        listeners.add(check);
        check();
      });
    },

    /** `VmRSS`/`VmHWM` of the indexer process now (undefined off Linux). */
    memory: () => readProcessMemory(child.pid!),

    async stop(): Promise<void> {
      if (exit !== undefined) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export type IndexerProcess = ReturnType<typeof spawnIndexer>;
