import { COMMANDS } from "../cli/commands/index.js";
import { CliError } from "../cli/CliError.js";
import { runCli } from "../cli/main.js";

/** One demo step: a `cardproof` command line, and how to show it. */
export type DemoCommand = {
  /** What the step does, in a few words ("the distributor buys 1,000 cards through the escrow"). */
  title: string;
  /** The command line after `cardproof`, exactly as it runs. */
  args: readonly string[];
  /**
   * Arguments to show in place of secret ones (same length as `args`, undefined = as is): the demo
   * passes card 3's redemption payload on the command line, and shows `<…>` instead.
   */
  shown?: readonly (string | undefined)[];
};

/**
 * Runs `cardproof` commands in this process (`runCli`), each announced as the command line a user
 * would type (`$ cardproof lot activate …`), followed by the command's own output, and numbered.
 *
 * @throws {CliError} from `run` when a command fails (its own error is printed above it), or when
 *         `signal` was aborted before the step started (the reason, as given to `abort`).
 */
export function createCommandRunner({
  write,
  signal,
  total,
}: {
  write(line: string): void;
  signal: AbortSignal;
  /** Number of steps, for `[3/14]`. */
  total: number;
}) {
  let step = 0;
  return {
    async run({ title, args, shown }: DemoCommand): Promise<void> {
      signal.throwIfAborted();
      step += 1;
      const line = args.map((arg, i) => shown?.[i] ?? quote(arg)).join(" ");
      write("");
      write(`[${step}/${total}] ${title}`);
      write(`$ cardproof ${line}`);
      const started = performance.now();
      const code = await runCli(args);
      const ms = performance.now() - started;
      if (code !== 0) {
        throw new CliError(`step ${step} failed: \`cardproof ${commandName(args)}\` exited with code ${code}`, {
          hint: "its error is printed above; the demo stops here",
        });
      }
      write(`  (${ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`})`);
    },
  };
}

/** The command's words (`lot transfer`), never its arguments: those may be secret. */
function commandName(args: readonly string[]): string {
  const command = COMMANDS.find(({ path }) => path.every((word, i) => args[i] === word));
  return command?.path.join(" ") ?? "(unknown command)";
}

/** A shell word: as is when safe, else single-quoted. */
function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}
