import { parseArgs, type ParseArgsOptionsConfig } from "node:util";

import { CliError } from "./CliError.js";
import type { CliCommand } from "./CliCommand.js";
import { COMMANDS } from "./commands/index.js";
import { createCliContext, DEFAULT_RPC_URL, type CliContext } from "./createCliContext.js";
import { createOutput } from "./createOutput.js";
import { DEFAULT_DEPLOYMENT_PATH } from "./deploymentFile.js";
import { isNetworkError } from "./isNetworkError.js";
import { parseInteger } from "./parseOptionValue.js";
import { deploymentPathOf } from "./resolveBatchFolder.js";

/** Options every command takes. */
const GLOBAL_OPTIONS = {
  "rpc-url": { type: "string" },
  deployment: { type: "string" },
  "account-index": { type: "string" },
  confirmations: { type: "string" },
  json: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsOptionsConfig;

const GLOBAL_USAGE = `Options for every command:
  --rpc-url <url>        JSON-RPC endpoint (env CARDPROOF_RPC_URL; default ${DEFAULT_RPC_URL}, the local chain)
  --deployment <file>    deployment file from \`cardproof deploy\` (env CARDPROOF_DEPLOYMENT; default ${DEFAULT_DEPLOYMENT_PATH})
  --account-index <n>    sign with the node's own unlocked account n (development chains)
  --confirmations <n>    blocks to wait after each transaction (env CARDPROOF_CONFIRMATIONS; default 1)
  --json                 print the result as JSON on stdout, nothing else
  -q, --quiet            no progress, only the result
Keys: CARDPROOF_PRIVATE_KEY from the environment or from Hardhat's keystore
(\`npx hardhat keystore set CARDPROOF_PRIVATE_KEY\`); never from a flag.`;

/**
 * Runs the CLI on `argv` (without node and the script) and returns the exit code: 0 done, 1 the
 * operation failed (the message says why and what to do), 2 the command line was not understood.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const wantsJson = argv.includes("--json");
  try {
    const group = groupHelp(argv);
    if (group !== undefined) {
      process.stdout.write(`${group}\n`);
      return 0;
    }
    const { command, rest } = selectCommand(argv);
    if (command === undefined) {
      process.stdout.write(`${overview()}\n`);
      return rest.length === 0 || rest[0] === "--help" || rest[0] === "-h" || rest[0] === "help" ? 0 : 2;
    }
    const { values, positionals } = parseCommandLine(command, rest);
    if (values.help === true) {
      process.stdout.write(`${commandHelp(command)}\n`);
      return 0;
    }
    const output = createOutput({ json: values.json === true, quiet: values.quiet === true });
    let context: Promise<CliContext> | undefined;
    const code = await command.run({
      values,
      positionals,
      output,
      context: () =>
        (context ??= createCliContext({
          rpcUrl: stringValue(values["rpc-url"]) ?? process.env.CARDPROOF_RPC_URL ?? DEFAULT_RPC_URL,
          deploymentPath: deploymentPathOf(values),
          confirmations: parseInteger(
            "--confirmations",
            stringValue(values.confirmations) ?? process.env.CARDPROOF_CONFIRMATIONS ?? "1",
            { min: 0, max: 1_000 },
          ),
          output,
          ...(values["account-index"] === undefined
            ? {}
            : { accountIndex: parseInteger("--account-index", String(values["account-index"]), { max: 1_000 }) }),
        })),
    });
    return code ?? 0;
  } catch (error) {
    return report(error, wantsJson);
  }
}

function selectCommand(argv: readonly string[]): { command: CliCommand | undefined; rest: string[] } {
  const words = argv.slice(0, 2);
  for (const length of [2, 1]) {
    const path = words.slice(0, length);
    const command = COMMANDS.find((c) => c.path.length === length && c.path.every((word, i) => word === path[i]));
    if (command !== undefined) return { command, rest: argv.slice(length) };
  }
  const first = argv[0];
  if (first !== undefined && !first.startsWith("-") && first !== "help") {
    const group = COMMANDS.filter((c) => c.path[0] === first);
    throw new CliError(
      group.length > 0 ? `"${argv.slice(0, 2).join(" ")}" is not a command` : `unknown command "${first}"`,
      {
        exitCode: 2,
        hint:
          group.length > 0
            ? `try one of: ${group.map((c) => `cardproof ${c.path.join(" ")}`).join(", ")}`
            : "`cardproof --help` lists the commands",
      },
    );
  }
  return { command: undefined, rest: [...argv] };
}

/** `cardproof order --help`: the commands of a group, or undefined when `argv` asks for no group's help. */
function groupHelp(argv: readonly string[]): string | undefined {
  const [first, second] = argv;
  if (second !== "--help" && second !== "-h" && second !== "help") return undefined;
  const group = COMMANDS.filter((c) => c.path.length > 1 && c.path[0] === first);
  if (group.length === 0) return undefined;
  const width = Math.max(...group.map((c) => c.path.join(" ").length));
  const lines = group.map((c) => `  ${c.path.join(" ").padEnd(width)}  ${c.summary}`);
  return `cardproof ${first}: ${group.length} commands\n\n${lines.join("\n")}\n\n\`cardproof ${first} <command> --help\` shows a command's options.`;
}

function parseCommandLine(command: CliCommand, rest: string[]) {
  try {
    return parseArgs({
      args: rest,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new CliError((error as Error).message, {
      exitCode: 2,
      hint: `\`cardproof ${command.path.join(" ")} --help\` shows its options`,
    });
  }
}

function stringValue(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.path.join(" ").length));
  const lines = COMMANDS.map((c) => `  ${c.path.join(" ").padEnd(width)}  ${c.summary}`);
  return `cardproof: prepaid voucher provenance on an EVM chain\n\nUsage: cardproof <command> [options]\n\nCommands:\n${lines.join("\n")}\n\n${GLOBAL_USAGE}\n\n\`cardproof <command> --help\` shows a command's options.`;
}

function commandHelp(command: CliCommand): string {
  return `cardproof ${command.path.join(" ")}: ${command.summary}\n\n${command.usage}\n\n${GLOBAL_USAGE}`;
}

function report(error: unknown, json: boolean): number {
  if (error instanceof CliError) {
    if (json) {
      process.stdout.write(
        `${JSON.stringify({ error: { message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }) } })}\n`,
      );
    }
    process.stderr.write(`error: ${error.message}\n${error.hint === undefined ? "" : `  ${error.hint}\n`}`);
    return error.exitCode;
  }
  if (isNetworkError(error)) {
    // Not a bug: the node went away mid-command. What reached the chain is unknown until looked at.
    return report(
      new CliError("lost the connection to the chain's RPC node in the middle of the command", {
        hint:
          "check that the node runs (npm start, npx hardhat node) and --rpc-url / CARDPROOF_RPC_URL; then check " +
          "what reached the chain (cardproof status …) before repeating a write",
      }),
      json,
    );
  }
  process.stderr.write(
    `error: unexpected failure, please report it with the command you ran:\n${(error as Error)?.stack ?? String(error)}\n`,
  );
  return 1;
}
