/**
 * A proof shard cannot be used: it is not the shard format this reader understands, belongs to
 * another chain, registry, batch or shard, or has the wrong number of card keys or siblings. The
 * source serving it is broken or hostile: try the next proof source, and republish the batch's
 * shards (`cardproof batch publish <folder> --static <dir>`).
 *
 * @dev Shards hold public data only (card keys, tree nodes), so naming a field is safe.
 */
export class InvalidProofShardError extends Error {
  override readonly name = "InvalidProofShardError";
  /** The offending field (e.g. `cardKeys[17]`), or `$` for the document as a whole. */
  readonly field: string;

  constructor(field: string, problem: string) {
    super(`proof shard field ${field} ${problem}`);
    this.field = field;
  }
}
