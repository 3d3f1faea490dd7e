/**
 * Builds the verifier page into static files: `npm run build:web` (or `tsx verifier-web/build.ts`).
 *
 *   dist/index.html               the page (script and stylesheet names carry content hashes)
 *   dist/assets/main-*.js, *.css  what the page loads first
 *   dist/assets/chunks/*.js       loaded on demand: languages other than English, the QR scanner
 *   dist/wasm/zxing_reader.wasm   the ZXing-C++ QR decoder, loaded when the camera starts
 *   dist/config.example.json      what `config.json` looks like (the indexer serves a real one)
 *
 * Prints the gzipped size of what loads first and fails when it exceeds the budget (60 KB).
 */
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

import { build, type Metafile } from "esbuild";

/** Gzipped bytes the page may load before it can show a verdict (scanner and languages excluded). */
export const INITIAL_JS_BUDGET_BYTES = 60 * 1024;

const HERE = dirname(fileURLToPath(import.meta.url));
/** Where the page is built by default: the folder the indexer serves (`CARDPROOF_VERIFIER_DIR`). */
export const DEFAULT_DIST_DIR = join(HERE, "dist");

/** What a build produced, for the build log and for tests. */
export type VerifierBuild = {
  outDir: string;
  /** Gzipped bytes of the JavaScript loaded with the page (entry and its static imports). */
  initialJsGzip: number;
  initialCssGzip: number;
  /** Gzipped bytes of each file loaded on demand. */
  lazy: { file: string; gzip: number }[];
  wasmBytes: number;
};

/**
 * Bundles `verifier-web/src` with esbuild (ES modules, code splitting, minified), writes
 * `index.html`, copies the decoder's `.wasm` from `zxing-wasm`, and measures what loads first.
 *
 * @throws when the initial JavaScript is over {@link INITIAL_JS_BUDGET_BYTES} gzipped.
 */
export async function buildVerifierWeb({
  outDir = DEFAULT_DIST_DIR,
}: { outDir?: string } = {}): Promise<VerifierBuild> {
  await rm(outDir, { recursive: true, force: true });
  const assets = join(outDir, "assets");
  const result = await build({
    entryPoints: { main: join(HERE, "src/main.ts") },
    bundle: true,
    format: "esm",
    splitting: true,
    minify: true,
    target: ["es2022", "chrome89", "safari15", "firefox89"],
    outdir: assets,
    entryNames: "[name]-[hash]",
    chunkNames: "chunks/[name]-[hash]",
    assetNames: "[name]-[hash]",
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
    charset: "utf8",
  });
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find(
    (file) => outputs[file]!.entryPoint === join(relative(process.cwd(), HERE), "src/main.ts"),
  )!;
  const css = outputs[entry]!.cssBundle;
  if (css === undefined) throw new Error("the build produced no stylesheet");
  const initial = staticClosure(result.metafile, entry);

  const toUrl = (file: string) => relative(outDir, resolve(file)).split("\\").join("/");
  const template = await readFile(join(HERE, "src/index.html"), "utf8");
  await writeFile(
    join(outDir, "index.html"),
    template
      .replaceAll("%SCRIPT%", toUrl(entry))
      .replaceAll("%STYLES%", toUrl(css))
      // The entry's static imports, fetched in parallel with it instead of after it is parsed.
      .replace(
        "%PRELOADS%",
        initial
          .filter((file) => file !== entry)
          .map((file) => `<link rel="modulepreload" href="${toUrl(file)}" />`)
          .join("\n    "),
      ),
  );

  const require = createRequire(import.meta.url);
  const wasm = require.resolve("zxing-wasm/reader/zxing_reader.wasm");
  await mkdir(join(outDir, "wasm"), { recursive: true });
  await copyFile(wasm, join(outDir, "wasm", basename(wasm)));
  await writeFile(join(outDir, "config.example.json"), `${JSON.stringify(EXAMPLE_CONFIG, null, 2)}\n`);

  const gzipOf = async (file: string) => gzipSync(await readFile(file), { level: 9 }).length;
  const initialJsGzip = (await Promise.all(initial.map(gzipOf))).reduce((sum, size) => sum + size, 0);
  const lazy = await Promise.all(
    Object.keys(outputs)
      .filter((file) => file.endsWith(".js") && !initial.includes(file))
      .map(async (file) => ({ file: toUrl(file), gzip: await gzipOf(file) })),
  );
  const built: VerifierBuild = {
    outDir,
    initialJsGzip,
    initialCssGzip: await gzipOf(css),
    lazy,
    wasmBytes: (await readFile(wasm)).length,
  };
  if (initialJsGzip > INITIAL_JS_BUDGET_BYTES) {
    throw new Error(
      `the verifier's initial JavaScript is ${kb(initialJsGzip)} gzipped, over the ${kb(INITIAL_JS_BUDGET_BYTES)} budget`,
    );
  }
  return built;
}

/** The entry and every chunk it imports statically (what the browser loads before running it). */
function staticClosure(metafile: Metafile, entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imported of metafile.outputs[file]?.imports ?? []) {
      if (imported.kind === "import-statement" && !imported.external) visit(imported.path);
    }
  };
  visit(entry);
  return [...seen];
}

const EXAMPLE_CONFIG = {
  registries: [
    {
      chainId: "31337",
      chainName: "Local demo chain",
      address: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
      rpcUrls: ["http://127.0.0.1:8545"],
      indexerUrl: "http://127.0.0.1:8787/",
      explorerUrl: null,
      escrow: null,
    },
  ],
};

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const built = await buildVerifierWeb();
  const lines = [
    `verifier page built in ${Math.round(performance.now() - started)} ms: ${relative(process.cwd(), built.outDir)}/`,
    `  initial JavaScript  ${kb(built.initialJsGzip).padStart(9)} gzipped (budget ${kb(INITIAL_JS_BUDGET_BYTES)})`,
    `  stylesheet          ${kb(built.initialCssGzip).padStart(9)} gzipped`,
    ...built.lazy
      .sort((a, b) => b.gzip - a.gzip)
      .map((item) => `  on demand           ${kb(item.gzip).padStart(9)} gzipped  ${item.file}`),
    `  QR decoder (.wasm)  ${kb(built.wasmBytes).padStart(9)}, loaded when the camera starts`,
  ];
  // `npm start` builds with --quiet: one line, the sizes are for `npm run build:web`.
  process.stdout.write(`${(process.argv.includes("--quiet") ? lines.slice(0, 1) : lines).join("\n")}\n`);
}
