/**
 * `npm start`: the whole CardProof system on a local chain (see `runDemo.ts`), kept running
 * until Ctrl-C or SIGTERM, then stopped in order: API, indexer, chain. A second Ctrl-C forces the
 * exit. `npm start -- --exit-when-ready` stops as soon as the summary is printed (CI, tests);
 * `npm start -- --help` lists the options.
 *
 * Exit codes: 0 after a clean stop (signal after ready, or --exit-when-ready), 1 when a step or
 * the indexer failed, 2 for a bad option, 130 when interrupted before ready.
 */
import { CliError } from "../cli/CliError.js";
import { DEMO_USAGE, readDemoOptions, type DemoOptions } from "./readDemoOptions.js";

const write = (line: string) => void process.stdout.write(`${line}\n`);
const warn = (line: string) => void process.stderr.write(`${line}\n`);

let options: DemoOptions | undefined;
try {
  options = readDemoOptions(process.argv.slice(2));
} catch (error) {
  process.exit(reportError(error));
}
if (options === undefined) {
  write(DEMO_USAGE);
  process.exit(0);
}

const interrupt = new AbortController();
let ready = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupt.signal.aborted) {
      warn(`${signal} again: exiting now, without a clean stop`);
      process.exit(130);
    }
    write("");
    write(
      ready
        ? `${signal}: stopping the API, the indexer and the chain (again to force)…`
        : `${signal}: stopping after the current step (again to force)…`,
    );
    interrupt.abort(new CliError(`interrupted by ${signal}`));
  });
}

const stops: (() => Promise<void>)[] = [];
let exitCode = 0;
write("CardProof demo: the whole system on a local chain");
try {
  // Loaded after the first line: Hardhat, viem, the CLI and the indexer take ~1.5 s to import.
  const { runDemo } = await import("./runDemo.js");
  const demo = await runDemo(options, { signal: interrupt.signal, write, warn, defer: (stop) => stops.push(stop) });
  ready = true;
  if (!options.exitWhenReady && !interrupt.signal.aborted) {
    const interrupted = new Promise<void>((resolve) =>
      interrupt.signal.addEventListener("abort", () => resolve(), { once: true }),
    );
    await Promise.race([interrupted, demo.indexerDone]);
  }
} catch (error) {
  exitCode = interrupt.signal.aborted && !ready ? 130 : reportError(error);
} finally {
  const started = stops.length > 0;
  for (const stop of stops.reverse()) {
    try {
      await stop();
    } catch (error) {
      exitCode = exitCode === 0 ? 1 : exitCode;
      warn(`while stopping: ${(error as Error).message}`);
    }
  }
  if (started) write("stopped");
}
// Everything is closed; exit now rather than wait for idle HTTP keep-alive sockets to time out.
process.exit(exitCode);

/** Prints an error for the user (one line + hint, or the stack of an unexpected one); returns the exit code. */
function reportError(error: unknown): number {
  if (error instanceof CliError) {
    warn(`error: ${error.message}${error.hint === undefined ? "" : `\n  ${error.hint}`}`);
    return error.exitCode;
  }
  warn(`error: unexpected failure, please report it:\n${(error as Error)?.stack ?? String(error)}`);
  return 1;
}
