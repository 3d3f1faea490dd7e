import { execFile } from "node:child_process";
import { readFile, readdir } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { promisify } from "node:util";

import { bytesToHex, getAddress, hexToNumber, type Address, type Hex } from "viem";

import { decodeBatchManifest } from "../../scripts/lib/batchManifest.js";
import { encodeCardPayload } from "../../scripts/lib/cardPayload.js";
import { readCodesFile } from "../../scripts/mint/codesFile.js";
import { pageSecurityHeaders } from "../../server/api/securityHeaders.js";
import { createLogger } from "../../server/internal/createLogger.js";
import { DEFAULT_CONFIG, type IndexerConfig } from "../../server/internal/loadConfig.js";
import { startServer } from "../../server/startServer.js";
import { buildVerifierWeb, DEFAULT_DIST_DIR, type VerifierBuild } from "../../verifier-web/build.js";
import { HARDHAT_KEYS, startCliChain, type CliChain } from "./cliHarness.js";
import { closeServer, listen } from "./jsonRpcServer.js";
import { startVerifierRpcProxy } from "./verifierRpcProxy.js";

const PASSPHRASE = "verifier test passphrase";
const as = (index: 0 | 1 | 2 | 3 | 4, extra: Record<string, string> = {}) => ({
  env: { CARDPROOF_PRIVATE_KEY: HARDHAT_KEYS[index], CARDPROOF_CODES_PASSPHRASE: PASSPHRASE, ...extra },
});

/** A minted batch: its folder, id, and each card's public payload and secret code. */
export type StackBatch = { folder: string; batchId: bigint; payloads: string[]; codes: string[] };

/**
 * The verifier's real stack for browser tests: the page built with the real build, an EDR chain
 * behind JSON-RPC, the real `cardproof` CLI deploying, minting and moving cards, the real indexer
 * (sync + API) serving the page, and a CORS pass-through that the browser uses as its RPC endpoint
 * (so a test can take "the node" down without stopping the indexer).
 *
 * Cards of batch A (40 cards, $50, activation required): 0-9 sold to the retailer, 0-4 activated,
 * 3 redeemed by the game studio, 20-29 revoked as stolen; 10-19 and 30-39 stay with the supplier.
 * Batch B (5 cards, €10) expired an hour before the chain's clock.
 */
export async function startVerifierStack() {
  const build = await buildVerifierWeb();
  const chain = await startCliChain();
  const rpc = await startVerifierRpcProxy(chain.rpcUrl);
  const stops: (() => Promise<void>)[] = [() => chain.close(), () => rpc.close()];
  try {
    const run = async (args: string[], options: { env: Record<string, string>; input?: string }) => {
      const result = await chain.cardproof(args, options);
      if (result.code !== 0) throw new Error(`cardproof ${args.join(" ")} failed:\n${result.stderr}`);
      return result;
    };
    const [admin, supplier, , retailer, studio] = chain.accounts.map((account) => getAddress(account)) as Address[];
    const deployed = (await run(["deploy", "--json"], as(0))).json<{ registry: Address }>();
    await run(["issuer", "register", supplier!, "--name", "Acme Game Cards"], as(0));

    const indexerConfig = (verifierDir: string): IndexerConfig => ({
      ...DEFAULT_CONFIG,
      logRange: { ...DEFAULT_CONFIG.logRange },
      rpcUrls: [chain.rpcUrl],
      chainId: 31_337,
      registryAddress: deployed.registry.toLowerCase() as Address,
      pollIntervalMs: 20,
      finality: "depth",
      dbPath: ":memory:",
      apiPort: 0,
      apiRateLimit: 1_000,
      apiRateBurst: 1_000,
      verifierDir,
      publicRpcUrls: [rpc.url],
    });
    const indexer = await startServer({
      config: indexerConfig(build.outDir),
      logger: createLogger({ level: "silent" }),
    });
    stops.unshift(() => indexer.stop());
    const indexerUrl = indexer.url;

    const mint = async (args: string[], folder: string) => {
      await run(["batch", "mint", ...args, "--out", folder, "--indexer-url", indexerUrl, "--json"], as(1));
      const manifest = decodeBatchManifest(new Uint8Array(await readFile(join(folder, "manifest.json"))));
      const { codes } = await readCodesFile(join(folder, "codes.cpcodes"), PASSPHRASE);
      const text = new TextDecoder().decode(codes);
      const serials = Array.from({ length: manifest.count }, (_unused, serial) => serial);
      return {
        folder,
        batchId: manifest.batchId,
        payloads: serials.map((serial) =>
          encodeCardPayload({
            chainId: 31_337n,
            registry: deployed.registry,
            batchId: manifest.batchId,
            serial,
            cardKey: bytesToHex(manifest.cardKeys.subarray(20 * serial, 20 * serial + 20)),
          }),
        ),
        codes: serials.map((serial) => text.slice(serial * 20, serial * 20 + 20)),
      } satisfies StackBatch;
    };
    const a = await mint(
      ["--count", "40", "--face-value", "50", "--currency", "USD", "--activation-required", "--redeemer", studio!],
      join(chain.workdir, "batch-a"),
    );
    const id = String(a.batchId);
    await run(["lot", "transfer", id, "0-9", "--to", retailer!], as(1));
    await run(["lot", "activate", id, "0-4"], as(3));
    await run(["redeem", "-", "--batch-id", id, "--serial", "3", "--indexer-url", indexerUrl], {
      ...as(4),
      input: a.codes[3]!,
    });
    await run(["lot", "revoke", id, "20-29", "--reason", "stolen"], as(1));

    const latest = (await chain.provider.request({ method: "eth_getBlockByNumber", params: ["latest", false] })) as {
      timestamp: Hex;
    };
    const expiresAt = new Date((hexToNumber(latest.timestamp) + 3_600) * 1000).toISOString();
    const b = await mint(
      ["--count", "5", "--face-value", "10", "--currency", "EUR", "--expires", expiresAt],
      join(chain.workdir, "batch-b"),
    );
    await chain.provider.request({ method: "evm_increaseTime", params: [7_200] });
    await chain.provider.request({ method: "evm_mine", params: [] });
    await waitForIndexer(chain, indexer);

    return {
      build,
      chain,
      rpc,
      indexer,
      /** The page's URL, served by the indexer. */
      pageUrl: `${indexerUrl}/`,
      registry: deployed.registry,
      accounts: { admin: admin!, supplier: supplier!, retailer: retailer!, studio: studio! },
      a,
      b,
      /** Another indexer of the same chain (API only, no page), synced to the head; stop it yourself. */
      async startOtherIndexer() {
        const other = await startServer({
          config: indexerConfig("/nonexistent"),
          logger: createLogger({ level: "silent" }),
        });
        await waitForIndexer(chain, other);
        return other;
      },
      /** Prints card `serial` of batch A as PNG with the CLI; returns the file. */
      async printCard(serial: number): Promise<string> {
        const out = join(chain.workdir, `print-${serial}`);
        await run(["batch", "print", a.folder, "--serials", String(serial), "--format", "png", "--out", out, "--verifier-url", `${indexerUrl}/`], as(1));
        const png = (await readdir(out, { recursive: true })).find((name) => name.endsWith(".png"));
        if (png === undefined) throw new Error(`batch print wrote no PNG in ${out}`);
        return join(out, png);
      },
      async close() {
        for (const stop of stops) await stop();
      },
    }; // prettier-ignore
  } catch (error) {
    for (const stop of stops) await stop().catch(() => undefined);
    throw error;
  }
}

export type VerifierStack = Awaited<ReturnType<typeof startVerifierStack>>;

/** Resolves once the indexer has applied the chain's head block. */
async function waitForIndexer(chain: CliChain, indexer: Awaited<ReturnType<typeof startServer>>): Promise<void> {
  const head = hexToNumber((await chain.provider.request({ method: "eth_blockNumber" })) as Hex);
  const deadline = Date.now() + 30_000;
  while ((indexer.store.getCheckpoint()?.blockNumber ?? -1) < head) {
    if (Date.now() > deadline) throw new Error(`the indexer did not reach block ${head}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The built page hosted by a plain static server (not the indexer), with `config` as its
 * `config.json` and the CSP a host would set: how the page runs when hosted anywhere.
 */
export async function startStaticVerifier(build: VerifierBuild, config: unknown, connectTo: readonly string[]) {
  const types: Record<string, string> = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".wasm": "application/wasm",
    ".json": "application/json",
  };
  const headers = pageSecurityHeaders(connectTo);
  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      if (path === "/config.json") {
        res.writeHead(200, { ...headers, "content-type": types[".json"] });
        res.end(JSON.stringify(config));
        return;
      }
      const file = normalize(join(build.outDir, path === "/" ? "index.html" : path));
      if (!file.startsWith(build.outDir)) throw new Error("outside");
      const body = await readFile(file);
      res.writeHead(200, { ...headers, "content-type": types[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    })().catch(() => {
      res.writeHead(404, headers);
      res.end();
    });
  });
  const url = await listen(server);
  return { url: `${url}/`, close: () => closeServer(server) };
}

/**
 * A Y4M video for Chromium's fake camera (`--use-file-for-fake-video-capture`), made by ffmpeg from
 * a card image: the card centred on a grey 1280×720 frame, a few frames long (Chromium loops it).
 */
export async function makeFakeCameraVideo(png: string, out: string): Promise<string> {
  await promisify(execFile)("ffmpeg", ["-version"]).catch(() => {
    throw new Error("ffmpeg is missing: install it (apt-get install ffmpeg) to make the fake camera's video");
  });
  await promisify(execFile)("ffmpeg", [
    "-loglevel", "error", "-y", "-loop", "1", "-i", png, "-t", "1", "-r", "10",
    "-vf", "scale=960:-2,pad=1280:720:(ow-iw)/2:(oh-ih)/2:color=gray,format=yuv420p",
    "-f", "yuv4mpegpipe", out,
  ]); // prettier-ignore
  return out;
}

/** Where the README's screenshots go (overwritten by every run). */
/**
 * Where the page tests save their screenshots: the README's own (`verifier-web/screenshots/`)
 * with `CARDPROOF_UPDATE_SCREENSHOTS=1`, otherwise a temporary folder, so a plain test run
 * leaves the work tree as it was.
 */
export const SCREENSHOT_DIR =
  process.env.CARDPROOF_UPDATE_SCREENSHOTS === "1"
    ? join(DEFAULT_DIST_DIR, "../screenshots")
    : join(tmpdir(), "cardproof-verifier-screenshots");
