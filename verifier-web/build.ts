/**
 * Builds the verifier page into static files: `npm run build:web` (or `tsx verifier-web/build.ts`).
 *
 *   dist/index.html               the page (script and stylesheet names carry content hashes)
 *   dist/assets/main-*.js, *.css  what the page loads first
 *   dist/assets/chunks/*.js       loaded on demand: languages other than English, the QR scanner
 *   dist/wasm/zxing_reader-*.wasm the ZXing-C++ QR decoder, loaded when the camera starts
 *   dist/config.example.json      what `config.json` looks like (the indexer serves a real one)
 *   dist/**.br, dist/**.gz        brotli (quality 11) and gzip (level 9) copies of the text files
 *                                 and the `.wasm`, for servers that send precompressed files
 *
 * Every file but `index.html` and `config.example.json` carries a content hash in its name
 * (`-XXXXXXXX`, esbuild's base32 hash), so servers may cache them forever (see `serveVerifierPage`).
 * Prints the gzipped size of what loads first and fails when it exceeds the budget (60 KB).
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, extname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip, gzipSync } from "node:zlib";

import { build, type Metafile, type Plugin } from "esbuild";

/** Gzipped bytes the page may load before it can show a verdict (scanner and languages excluded). */
export const INITIAL_JS_BUDGET_BYTES = 60 * 1024;

const HERE = dirname(fileURLToPath(import.meta.url));
/** Where the page is built by default: the folder the indexer serves (`CARDPROOF_VERIFIER_DIR`). */
export const DEFAULT_DIST_DIR = join(HERE, "dist");
/** Where the `.wasm`'s brotli copy is kept between builds (quality 11 takes ~3 s on its 1 MB). */
const BROTLI_CACHE_DIR = join(HERE, "../node_modules/.cache/cardproof-verifier");

/** What a build produced, for the build log and for tests. */
export type VerifierBuild = {
  outDir: string;
  /** Gzipped bytes of the JavaScript loaded with the page (entry and its static imports). */
  initialJsGzip: number;
  /** The same JavaScript as the build's `.br` files (what a browser downloads from a server that sends them). */
  initialJsBrotli: number;
  initialCssGzip: number;
  /** Gzipped bytes of each file loaded on demand. */
  lazy: { file: string; gzip: number }[];
  wasmBytes: number;
  /** The decoder's URL relative to the page (`wasm/zxing_reader-<hash>.wasm`). */
  wasmFile: string;
  /** Each file that got `.br` and `.gz` siblings: its identity, brotli and gzip bytes. */
  precompressed: { file: string; identity: number; br: number; gzip: number }[];
};

/** File types worth compressing (binary images and fonts are compressed already). */
const COMPRESSIBLE = new Set([".html", ".js", ".css", ".wasm", ".json", ".svg", ".txt", ".map"]);
/** Files smaller than this gain less from compression than its header costs. */
const MIN_COMPRESS_BYTES = 512;
/**
 * Bundles `verifier-web/src` with esbuild (ES modules, code splitting, minified), writes
 * `index.html`, copies the decoder's `.wasm` from `zxing-wasm` under a content-hashed name (handed to
 * the scanner as `ZXING_WASM_FILE` by esbuild's `define`), writes `.br` and `.gz` siblings, and
 * measures what loads first.
 *
 * @throws when the initial JavaScript is over {@link INITIAL_JS_BUDGET_BYTES} gzipped.
 */
export async function buildVerifierWeb({
  outDir = DEFAULT_DIST_DIR,
}: { outDir?: string } = {}): Promise<VerifierBuild> {
  await rm(outDir, { recursive: true, force: true });
  const assets = join(outDir, "assets");
  const require = createRequire(import.meta.url);
  const wasmSource = require.resolve("zxing-wasm/reader/zxing_reader.wasm");
  const wasm = await readFile(wasmSource);
  const wasmFile = `zxing_reader-${contentHash(wasm)}.wasm`;
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
    define: { ZXING_WASM_FILE: JSON.stringify(wasmFile) },
    plugins: [withoutViemLazyModules],
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

  await mkdir(join(outDir, "wasm"), { recursive: true });
  await writeFile(join(outDir, "wasm", wasmFile), wasm);
  await writeFile(join(outDir, "config.example.json"), `${JSON.stringify(EXAMPLE_CONFIG, null, 2)}\n`);
  const precompressed = await precompress(outDir);

  const gzipOf = async (file: string) => gzipSync(await readFile(file), { level: 9 }).length;
  // Files too small to get a `.br` are sent as they are.
  const brotliSizeOf = async (file: string) =>
    precompressed.find((item) => item.file === toUrl(file))?.br ?? (await readFile(file)).length;
  const initialJsGzip = (await Promise.all(initial.map(gzipOf))).reduce((sum, size) => sum + size, 0);
  const lazy = await Promise.all(
    Object.keys(outputs)
      .filter((file) => file.endsWith(".js") && !initial.includes(file))
      .map(async (file) => ({ file: toUrl(file), gzip: await gzipOf(file) })),
  );
  const built: VerifierBuild = {
    outDir,
    initialJsGzip,
    initialJsBrotli: (await Promise.all(initial.map(brotliSizeOf))).reduce((sum, size) => sum + size, 0),
    initialCssGzip: await gzipOf(css),
    lazy,
    wasmBytes: wasm.length,
    wasmFile: `wasm/${wasmFile}`,
    precompressed,
  };
  if (initialJsGzip > INITIAL_JS_BUDGET_BYTES) {
    throw new Error(
      `the verifier's initial JavaScript is ${kb(initialJsGzip)} gzipped, over the ${kb(INITIAL_JS_BUDGET_BYTES)} budget`,
    );
  }
  return built;
}

/**
 * viem loads a few modules with `import()` (CCIP offchain lookups, WebSockets, its own secp256k1 for
 * signature recovery) that the page never runs. With code splitting, esbuild turns each into a
 * chunk and keeps what they share with the page in a chunk the page imports statically: the
 * deployless-call bytecode, `call` and its errors, 16 KB gzipped of the initial JavaScript (52.3 →
 * 36.3 KB, measured on this build). They become a module that throws, so a future use fails loudly.
 */
const withoutViemLazyModules: Plugin = {
  name: "without-viem-lazy-modules",
  setup(plugin) {
    plugin.onResolve({ filter: /.*/ }, (args) =>
      args.kind === "dynamic-import" && /[\\/]node_modules[\\/]viem[\\/]/.test(args.importer)
        ? { path: args.path, namespace: "viem-lazy" }
        : undefined,
    );
    plugin.onLoad({ filter: /.*/, namespace: "viem-lazy" }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not part of the verifier page`)});`,
      loader: "js",
    }));
  },
};

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

/**
 * Writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip, level 9) next to every compressible
 * file of at least {@link MIN_COMPRESS_BYTES}, keeping a copy only when it is at least 10% smaller.
 * Runs the compressions in parallel (zlib's thread pool).
 */
async function precompress(outDir: string): Promise<VerifierBuild["precompressed"]> {
  const files = (await readdir(outDir, { recursive: true }))
    .map((file) => join(outDir, file))
    .filter((file) => COMPRESSIBLE.has(extname(file)));
  const written = await Promise.all(
    files.map(async (file) => {
      const identity = await readFile(file);
      if (identity.length < MIN_COMPRESS_BYTES) return undefined;
      const [br, gz] = await Promise.all([
        brotliOf(identity, { wasm: extname(file) === ".wasm" }),
        gzipAsync(identity, { level: 9 }),
      ]);
      const worth = (copy: Buffer) => copy.length <= identity.length * 0.9;
      if (worth(br)) await writeFile(`${file}.br`, br);
      if (worth(gz)) await writeFile(`${file}.gz`, gz);
      const url = relative(outDir, file).split("\\").join("/");
      return {
        file: url,
        identity: identity.length,
        br: worth(br) ? br.length : identity.length,
        gzip: worth(gz) ? gz.length : identity.length,
      };
    }),
  );
  return written.filter((entry) => entry !== undefined);
}

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * Brotli at maximum quality. The `.wasm` is not ours (it comes from `zxing-wasm`) and the same
 * build after build, so its copy is cached under `node_modules/.cache` by content hash.
 */
async function brotliOf(bytes: Buffer, { wasm }: { wasm: boolean }): Promise<Buffer> {
  const compress = () =>
    brotliAsync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: wasm ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    });
  if (!wasm) return compress();
  const cached = join(BROTLI_CACHE_DIR, `${createHash("sha256").update(bytes).digest("hex")}.br`);
  const hit = await readFile(cached).catch(() => undefined);
  if (hit !== undefined) return hit;
  const br = await compress();
  await mkdir(BROTLI_CACHE_DIR, { recursive: true });
  // Written aside, then renamed: a build running in parallel never reads half a file.
  const partial = `${cached}.${process.pid}.${randomBytes(4).toString("hex")}`;
  await writeFile(partial, br);
  await rename(partial, cached);
  return br;
}

/** An 8-character content hash in esbuild's alphabet (base32, A-Z and 2-7), like its `[hash]`. */
function contentHash(bytes: Uint8Array): string {
  const digest = createHash("sha256").update(bytes).digest();
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let hash = "";
  for (let index = 0; index < 8; index++) hash += alphabet[digest[index]! % 32];
  return hash;
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
    `  initial JavaScript  ${kb(built.initialJsGzip).padStart(9)} gzipped (budget ${kb(INITIAL_JS_BUDGET_BYTES)}), ${kb(built.initialJsBrotli)} brotli`,
    `  stylesheet          ${kb(built.initialCssGzip).padStart(9)} gzipped`,
    ...built.lazy
      .sort((a, b) => b.gzip - a.gzip)
      .map((item) => `  on demand           ${kb(item.gzip).padStart(9)} gzipped  ${item.file}`),
    `  QR decoder (.wasm)  ${kb(built.wasmBytes).padStart(9)}, loaded when the camera starts (${built.wasmFile})`,
    `  precompressed       ${built.precompressed.length} files (.br, .gz); brotli / gzip of:`,
    ...built.precompressed
      .filter((item) => item.file.endsWith(".wasm") || item.file === "index.html" || item.file.includes("/main-"))
      .map(
        (item) =>
          `    ${item.file.padEnd(36)} ${kb(item.identity).padStart(9)} → ${kb(item.br).padStart(8)} br, ${kb(item.gzip).padStart(8)} gz`,
      ),
  ];
  // `npm start` builds with --quiet: one line, the sizes are for `npm run build:web`.
  process.stdout.write(`${(process.argv.includes("--quiet") ? lines.slice(0, 1) : lines).join("\n")}\n`);
}
