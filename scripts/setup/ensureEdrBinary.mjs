// Installs the EDR native binary for this platform when npm skipped it.
//
// Why: Hardhat 3's simulator (EDR) ships its binary as optional platform packages whose
// `engines` say node >= 22. npm running under Node 20 silently skips them, so a fresh
// `npm ci` on a Node 20 machine would leave Hardhat unable to start. The project itself runs
// on the Node 22 binary from the `node` devDependency (npm scripts put node_modules/.bin
// first on PATH), so the binary we fetch here is the one that Node 22 will load.
// On Node 22+ npm installs the package itself and this script does nothing.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const GUARD = "CARDPROOF_ENSURE_EDR_RUNNING";
if (process.env[GUARD] === "1") process.exit(0);

const projectRoot = process.env.INIT_CWD ?? process.cwd();
const require = createRequire(path.join(projectRoot, "package.json"));

/** Name suffix of EDR's platform package for this machine, as EDR's own loader picks it. */
function platformSuffix() {
  const { platform, arch } = process;
  if (platform === "linux") {
    const glibc = process.report?.getReport()?.header?.glibcVersionRuntime;
    return `linux-${arch}-${glibc ? "gnu" : "musl"}`;
  }
  if (platform === "win32") return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

// EDR's `exports` hide its package.json, so find it through its main entry.
let edrManifestPath;
try {
  edrManifestPath = path.join(path.dirname(require.resolve("@nomicfoundation/edr")), "package.json");
} catch {
  // Hardhat is not installed (e.g. a production-only install): nothing to do.
  process.exit(0);
}

const edr = JSON.parse(readFileSync(edrManifestPath, "utf8"));
const platformPackage = `@nomicfoundation/edr-${platformSuffix()}`;
const version = edr.optionalDependencies?.[platformPackage];
if (version === undefined) {
  console.warn(
    `[cardproof] EDR has no prebuilt binary for ${platformSuffix()}; Hardhat's local chain will not start here.`,
  );
  process.exit(0);
}

const installedAt = path.join(projectRoot, "node_modules", ...platformPackage.split("/"), "package.json");
if (existsSync(installedAt)) process.exit(0);

console.log(`[cardproof] npm skipped ${platformPackage}@${version} (its engines need Node >= 22); installing it now.`);
const npmCli = process.env.npm_execpath;
const [command, args] =
  npmCli !== undefined && npmCli.endsWith(".js")
    ? [process.execPath, [npmCli]]
    : [process.platform === "win32" ? "npm.cmd" : "npm", []];
execFileSync(
  command,
  [
    ...args,
    "install",
    "--no-save",
    "--ignore-scripts",
    "--no-audit",
    "--no-fund",
    "--engine-strict=false",
    `${platformPackage}@${version}`,
  ],
  { cwd: projectRoot, stdio: "inherit", env: { ...process.env, [GUARD]: "1" } },
);
if (!existsSync(installedAt)) {
  console.error(
    `[cardproof] ${platformPackage} is still missing. Install Node.js 22 or newer and run \`npm ci\` again.`,
  );
  process.exit(1);
}
