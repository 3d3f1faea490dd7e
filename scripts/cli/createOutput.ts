import { formatDuration } from "./formatDuration.js";

/** A progress bar for one step: `update(done)` as work completes, `finish()` once. */
export type Progress = {
  update(done: number): void;
  finish(): void;
};

/** Where a command's words go, decided once from `--json`, `--quiet` and whether stderr is a terminal. */
export type CliOutput = {
  readonly json: boolean;
  readonly quiet: boolean;
  /** A line about what is happening (stderr; silent with `--quiet` or `--json`). */
  info(line: string): void;
  /** A warning the user should read even in quiet mode (stderr; with `--json` too). */
  warn(line: string): void;
  /** The command's outcome: human lines on stdout, or `data` as one JSON document with `--json`. */
  result(data: Record<string, unknown>, humanLines: readonly string[]): void;
  /**
   * A progress bar with rate and ETA on stderr, redrawn at most ten times a second when stderr is a
   * terminal; otherwise one line when a step of a second or more ends. Silent with `--quiet` or `--json`.
   */
  progress(label: string, total: number, unit: string): Progress;
};

type Streams = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number } };

/** The CLI's output for one run. */
export function createOutput(
  { json, quiet }: { json: boolean; quiet: boolean },
  { stdout, stderr }: Streams = { stdout: process.stdout, stderr: process.stderr },
): CliOutput {
  const chatty = !json && !quiet;
  const interactive = stderr.isTTY === true;
  return {
    json,
    quiet,
    info(line) {
      if (chatty) stderr.write(`${line}\n`);
    },
    warn(line) {
      stderr.write(`warning: ${line}\n`);
    },
    result(data, humanLines) {
      if (json) stdout.write(`${JSON.stringify(data, jsonValue, 2)}\n`);
      else for (const line of humanLines) stdout.write(`${line}\n`);
    },
    progress(label, total, unit) {
      if (!chatty) return { update() {}, finish() {} };
      const started = performance.now();
      let lastDraw = 0;
      let finished = false;
      const draw = (done: number, final: boolean) => {
        const elapsed = (performance.now() - started) / 1000;
        const rate = elapsed > 0 ? done / elapsed : 0;
        const count = `${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")} ${unit}`;
        const speed = rate > 0 ? `${formatRate(rate)} ${unit}/s` : "";
        if (final) {
          // A step that took under a second is not worth a line once it is over.
          if (!interactive && elapsed < 1) return;
          stderr.write(`${interactive ? "\r\x1b[2K" : ""}${label}: ${count} in ${formatDuration(elapsed)}\n`);
          return;
        }
        const eta = rate > 0 && done < total ? `ETA ${formatDuration((total - done) / rate)}` : "";
        const width = 24;
        const filled = total > 0 ? Math.min(width, Math.floor((done / total) * width)) : 0;
        const bar = `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
        const percent = total > 0 ? `${Math.floor((done / total) * 100)}%` : "";
        stderr.write(`\r\x1b[2K${label} ${bar} ${percent} ${count} ${speed} ${eta}`.trimEnd());
      };
      return {
        update(done) {
          if (finished || !interactive) return;
          const now = performance.now();
          if (now - lastDraw < 100) return;
          lastDraw = now;
          draw(done, false);
        },
        finish() {
          if (finished) return;
          finished = true;
          draw(total, true);
        },
      };
    },
  };
}

function formatRate(rate: number): string {
  if (rate >= 10_000) return `${Math.round(rate / 1000).toLocaleString("en-US")}k`;
  if (rate >= 10) return Math.round(rate).toLocaleString("en-US");
  return rate.toFixed(1);
}

/** JSON for the values commands return: bigints as decimal strings, byte arrays as lengths never content. */
function jsonValue(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  return value;
}
