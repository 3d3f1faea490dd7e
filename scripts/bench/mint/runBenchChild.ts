import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Environment variable carrying a child's job, as JSON. */
export const BENCH_JOB_ENV = "CARDPROOF_BENCH_MINT_JOB";

/**
 * Runs `script` (a TypeScript file of this folder) in a fresh Node process under tsx, hands it `job`
 * (JSON in {@link BENCH_JOB_ENV}) and resolves with the JSON document it prints on stdout. Its
 * stderr (progress) goes to ours. A fresh process per measurement keeps each peak-memory figure to
 * the measured work alone.
 *
 * @throws {Error} when the child exits with an error or prints no JSON.
 */
export function runBenchChild<T>(
  script: URL,
  job: unknown,
  { cwd, nodeOptions = [] }: { cwd: string; nodeOptions?: string[] },
): Promise<T> {
  const path = fileURLToPath(script);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeOptions, "--import", import.meta.resolve("tsx"), path], {
      cwd,
      env: { ...process.env, [BENCH_JOB_ENV]: JSON.stringify(job) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code !== 0) {
        reject(new Error(`${path} failed (exit code ${code}, signal ${signal}); see its output above`));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as T);
      } catch {
        reject(new Error(`${path} printed no JSON result`));
      }
    });
  });
}

/** The job {@link runBenchChild} handed to this process. */
export function readBenchJob<T>(): T {
  const text = process.env[BENCH_JOB_ENV];
  if (text === undefined)
    throw new Error(`${BENCH_JOB_ENV} is not set: this script is started by scripts/bench/mint.ts`);
  return JSON.parse(text) as T;
}
