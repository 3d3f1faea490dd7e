import { spawn } from "node:child_process";
import { resolve } from "node:path";

const REPO = resolve(import.meta.dirname, "../..");

/** A benchmark run's outcome. */
export type BenchRun = { code: number | null; stdout: string; stderr: string };

/**
 * Runs `scripts/bench/<script>` to the end in a child process (Node with tsx, from the repository
 * root); resolves with its exit code, stdout and stderr.
 */
export function runBenchScript(script: string, args: readonly string[]): Promise<BenchRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", import.meta.resolve("tsx"), `scripts/bench/${script}`, ...args],
      {
        cwd: REPO,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolvePromise({ code, stdout, stderr }));
  });
}
