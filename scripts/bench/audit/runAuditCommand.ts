import { spawn } from "node:child_process";

import type { AuditReport } from "../../audit/AuditReport.js";

/** One run of `cardproof audit`: its report, exit code, wall time and peak memory. */
export type AuditRun = {
  exitCode: number | null;
  report: AuditReport;
  /** Wall time of the process, start to exit (Node and tsx start-up included). */
  seconds: number;
  /**
   * Peak resident memory the process reports of itself (`VmHWM`). Not read from outside: a poll
   * between fork and exec would see the benchmark's own footprint (the chain, over 1 GB).
   */
  peakRss: number;
};

/**
 * Runs the real `cardproof audit` executable in a child process (`--json --quiet`), so its
 * memory is its own and not the benchmark's (which holds the EDR chain), and parses its report.
 */
export async function runAuditCommand({
  repoRoot,
  args,
}: {
  repoRoot: string;
  args: readonly string[];
}): Promise<AuditRun> {
  const started = performance.now();
  const child = spawn(process.execPath, ["scripts/cli/cardproof.mjs", "audit", ...args, "--json", "--quiet"], {
    cwd: repoRoot,
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("CARDPROOF_"))),
      CI: "true",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  const seconds = (performance.now() - started) / 1000;
  let report: AuditReport;
  try {
    report = JSON.parse(stdout) as AuditReport;
  } catch {
    throw new Error(`cardproof audit printed no report (exit ${exitCode}):\n${stderr.slice(-2000)}`);
  }
  return { exitCode, report, seconds, peakRss: report.timings.peakRssBytes };
}
