/** A benchmark's command line it does not understand; {@link readBenchFlags} prints usage and exits 2. */
export class BenchUsageError extends Error {
  override name = "BenchUsageError";
}
