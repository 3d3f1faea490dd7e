/**
 * The proof source answered that it has no proofs for this card's batch (HTTP 404): the issuer has
 * not published the batch there. Try the next proof source; not retryable at this one.
 */
export class ProofNotPublishedError extends Error {
  override readonly name = "ProofNotPublishedError";
}
