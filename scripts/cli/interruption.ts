/** The exit code of a command stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT_CODE = 130;

/** Transactions this command sent, in words, with how far each got. */
const sent = new Map<string, string>();
/** What the command is in the middle of, beyond its transactions, and what to undo at once. */
let current: { text: string; undo?: () => void } | undefined;

/** Records a transaction's progress: "sent in 0x…", then "mined in block 12". */
export function noteTransaction(action: string, progress: string): void {
  sent.set(action, progress);
}

/**
 * Says what the command is doing, for a Ctrl-C now: e.g. "batch 42 stays prepared in <folder>: run
 * the same command again to resume it"; `undo` (synchronous) runs first, e.g. removing a folder
 * half written.
 */
export function noteState(text: string, undo?: () => void): void {
  current = undo === undefined ? { text } : { text, undo };
}

/** The line printed on Ctrl-C: what reached the chain, what is left where, and what to do next. */
export function interruptionReport(): string {
  const transactions =
    sent.size === 0
      ? "nothing was sent to the chain"
      : [...sent].map(([action, progress]) => `${action}: ${progress}`).join("; ");
  return `interrupted: ${transactions}${current === undefined ? "" : `; ${current.text}`}`;
}

/**
 * On Ctrl-C (or SIGTERM), undoes what is half done, says in one line what state the command left,
 * and exits with {@link INTERRUPTED_EXIT_CODE}. For the `cardproof` executable only (the demo runs
 * commands in its own process, with its own handlers).
 */
export function installInterruptHandler(): void {
  const stop = () => {
    try {
      current?.undo?.();
    } finally {
      process.stderr.write(`\n${interruptionReport()}\n`);
      process.exit(INTERRUPTED_EXIT_CODE);
    }
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
