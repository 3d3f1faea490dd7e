/**
 * A proof source could not give a usable answer: unreachable, too slow, a server error, or a
 * malformed shard. Retryable, and a reason to try the next proof source in the page's config.
 */
export class ProofSourceUnavailableError extends Error {
  override readonly name = "ProofSourceUnavailableError";
}
