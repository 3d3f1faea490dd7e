import { BenchUsageError } from "./BenchUsageError.js";

/**
 * A benchmark script's flags from `parse`, or the end of the process: usage on stderr and exit 2
 * for a {@link BenchUsageError}, usage on stdout and exit 0 for `--help`.
 */
export function readBenchFlags<T extends { help: boolean }>(parse: () => T, usage: string): T {
  let flags: T;
  try {
    flags = parse();
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    console.error(`${error.message}\n\n${usage}`);
    process.exit(2);
  }
  if (flags.help) {
    console.log(usage);
    process.exit(0);
  }
  return flags;
}
