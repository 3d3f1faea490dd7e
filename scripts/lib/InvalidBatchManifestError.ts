/**
 * What is wrong with a manifest document, for callers that react per case (an API maps each to a
 * stable error code):
 * - `encoding`: not UTF-8 JSON at all;
 * - `secret`: a value or key looks like a secret card code (a manifest holds card keys only);
 * - `unknown-field`: a key the format does not define;
 * - `invalid-field`: a defined field with a value of the wrong type or form (or cardKeys whose
 *   length is not `count`), or a version this library does not read (a v1 manifest's
 *   `version` field is named, path `version`);
 * - `not-canonical`: a valid manifest whose bytes are not the canonical encoding (whitespace, key
 *   order, upper-case hex, ...), so its hash is not the one the issuer committed.
 */
export type InvalidBatchManifestReason = "encoding" | "secret" | "unknown-field" | "invalid-field" | "not-canonical";

/**
 * A manifest document cannot be read as a canonical CardProof batch manifest. Not retryable as is:
 * re-encode the manifest with `encodeBatchManifest` (scripts/lib/batchManifest.ts).
 *
 * @dev SECURITY: a rejected document may hold secret codes (a codes file uploaded by mistake).
 *      Nothing in this error (message, fields, stack) may contain any part of the document's
 *      values: only field paths such as `cardKeys[17]`, lengths and positions.
 */
export class InvalidBatchManifestError extends Error {
  override readonly name = "InvalidBatchManifestError";
  /** What was wrong, machine-readable. */
  readonly reason: InvalidBatchManifestReason;
  /** What is wrong, in a few words. */
  readonly shortMessage: string;
  /** What to do next. */
  readonly details: string;
  /** JSON path of the offending key or value (e.g. `cardKeys[17]`), when there is one. */
  readonly path: string | undefined;

  constructor({
    reason,
    shortMessage,
    details,
    path,
  }: {
    reason: InvalidBatchManifestReason;
    shortMessage: string;
    details: string;
    path?: string;
  }) {
    super(`${shortMessage}: ${details}`);
    this.reason = reason;
    this.shortMessage = shortMessage;
    this.details = details;
    this.path = path;
  }
}
