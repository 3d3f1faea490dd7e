#!/usr/bin/env node
// The `cardproof` command (package.json "bin"): loads TypeScript through tsx and runs the CLI.
import { register } from "tsx/esm/api";

register();
const { installInterruptHandler } = await import("./interruption.ts");
installInterruptHandler();
const { runCli } = await import("./main.ts");
process.exitCode = await runCli(process.argv.slice(2));
