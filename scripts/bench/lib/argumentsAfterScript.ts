import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The command-line arguments after the script at `scriptUrl` (its `import.meta.url`): everything
 * after it under `tsx` or `node --import tsx`; nothing under `hardhat run` (which takes no script
 * arguments, and whose own arguments `run <script>` must not be read as flags).
 */
export function argumentsAfterScript(argv: readonly string[], scriptUrl: string): string[] {
  const self = fileURLToPath(scriptUrl);
  const index = argv.findIndex((arg, i) => i > 0 && resolve(arg) === self);
  return index === -1 ? argv.slice(2) : argv.slice(index + 1);
}
