import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { resolve } from "node:path";

import { isAddress, type Address } from "viem";

import { ConfigError } from "./ConfigError.js";
import { LOG_LEVELS, type LogLevel } from "./createLogger.js";

/** How the indexer decides which blocks can no longer be reorganised. */
export type FinalityMode = "auto" | "tag" | "depth";

/** Everything the indexer needs to run; see server/README.md for each setting. */
export type IndexerConfig = {
  /** JSON-RPC endpoints: the first is used, the others are fallbacks tried in turn on faults. */
  rpcUrls: string[];
  /** When set, the indexer refuses an RPC endpoint serving another chain. */
  chainId: number | undefined;
  registryAddress: Address;
  /** The escrow is optional: without it only the registry is mirrored. */
  escrowAddress: Address | undefined;
  /** First block to read logs from: the block the first contract was deployed in. */
  startBlock: number;
  /** Blocks to stay behind the head (0: follow the head; reorgs are rolled back). */
  confirmations: number;
  /** `auto`: the `finalized` tag when the node has a real one, else `finalityDepth`. */
  finality: FinalityMode;
  /** Blocks below the head taken as final when the `finalized` tag is not used; the reorg window. */
  finalityDepth: number;
  pollIntervalMs: number;
  /** SQLite file, or `:memory:`. */
  dbPath: string;
  logLevel: LogLevel;
  rpcTimeoutMs: number;
  /** Attempts per RPC request, over all URLs, before the sync loop backs off and tries again. */
  rpcMaxAttempts: number;
  /** First and largest `eth_getLogs` block range (the fetcher adapts in between). */
  logRange: { initial: number; max: number };
  /** Wipe the database before starting (after a chain reset, or to resync from scratch). */
  reset: boolean;
  /** Interface the REST API listens on (`0.0.0.0` or `::` for every interface). */
  apiHost: string;
  /** TCP port of the REST API; 0 picks a free one (logged at start). */
  apiPort: number;
  /**
   * Browser origins allowed to upload manifests (`POST`), e.g. `https://supplier.example`; `*` for
   * any. Reads (`GET`) are public chain data and allowed from every origin.
   */
  apiCorsOrigins: string[];
  /** Requests per second each client IP may make on average (token bucket); 0 turns limiting off. */
  apiRateLimit: number;
  /** Requests a client IP may make at once before the rate applies (bucket size). */
  apiRateBurst: number;
  /**
   * Reverse proxies in front of the API whose `X-Forwarded-For` is believed (0: none, the client
   * IP is the TCP peer). Set it to the number of proxies, or rate limits apply to the proxy.
   */
  apiTrustProxy: number;
  /** Largest manifest upload accepted, in bytes (a 1,000,000-card manifest is about 45,000,000 bytes). */
  apiManifestMaxBytes: number;
  /** Memory for Merkle trees kept for proofs, in MiB (a 1,000,000-card batch takes 96 MiB). */
  apiProofCacheMb: number;
  /** `/readyz` fails when the mirror is more than this many blocks behind `head - confirmations`. */
  apiMaxLagBlocks: number;
  /** The built verifier page, served at `/` when the folder exists. */
  verifierDir: string;
  /**
   * JSON-RPC endpoints the served verifier page's browsers call (its `config.json`, and the only
   * origins its CSP lets it connect to). Unset: the indexer's own `rpcUrls` that are on this machine
   * (127.0.0.1, localhost, ::1), since a hosted provider's URL usually holds an API key.
   */
  publicRpcUrls: string[] | undefined;
  /** Block explorer base URL (e.g. `https://basescan.org`) the verifier page links to. */
  explorerUrl: string | undefined;
  /**
   * Base URLs of static proof shards (`cardproof batch publish --static`), each ending in `/`: the
   * served page's `config.json` lists them after the indexer as proof sources, and its CSP lets it
   * connect to their origins. Empty: the indexer alone.
   */
  proofShardsUrls: string[];
};

/** The first contract Hardhat's account #0 deploys on a fresh local node (`npx hardhat node`). */
export const LOCAL_REGISTRY_ADDRESS: Address = "0x5fbdb2315678afecb367f032d93f642f64180aa3";

/** The embedded default: a local node on 127.0.0.1:8545 and a SQLite file under `.cardproof/`. */
export const DEFAULT_CONFIG: IndexerConfig = {
  rpcUrls: ["http://127.0.0.1:8545"],
  chainId: undefined,
  registryAddress: LOCAL_REGISTRY_ADDRESS,
  escrowAddress: undefined,
  startBlock: 0,
  confirmations: 0,
  finality: "auto",
  finalityDepth: 64,
  pollIntervalMs: 1_000,
  dbPath: ".cardproof/indexer.sqlite",
  logLevel: "info",
  rpcTimeoutMs: 10_000,
  rpcMaxAttempts: 6,
  logRange: { initial: 1_000, max: 10_000 },
  reset: false,
  apiHost: "127.0.0.1",
  apiPort: 8787,
  apiCorsOrigins: [],
  apiRateLimit: 50,
  apiRateBurst: 100,
  apiTrustProxy: 0,
  apiManifestMaxBytes: 72 * 1024 * 1024,
  apiProofCacheMb: 512,
  apiMaxLagBlocks: 10,
  verifierDir: resolve(import.meta.dirname, "../../verifier-web/dist"),
  publicRpcUrls: undefined,
  explorerUrl: undefined,
  proofShardsUrls: [],
};

/** Environment variable → config file key. */
const SETTINGS = {
  CARDPROOF_RPC_URL: "rpcUrls",
  CARDPROOF_CHAIN_ID: "chainId",
  CARDPROOF_REGISTRY_ADDRESS: "registryAddress",
  CARDPROOF_ESCROW_ADDRESS: "escrowAddress",
  CARDPROOF_START_BLOCK: "startBlock",
  CARDPROOF_CONFIRMATIONS: "confirmations",
  CARDPROOF_FINALITY: "finality",
  CARDPROOF_FINALITY_DEPTH: "finalityDepth",
  CARDPROOF_POLL_INTERVAL_MS: "pollIntervalMs",
  CARDPROOF_DB_PATH: "dbPath",
  CARDPROOF_LOG_LEVEL: "logLevel",
  CARDPROOF_RPC_TIMEOUT_MS: "rpcTimeoutMs",
  CARDPROOF_RPC_MAX_ATTEMPTS: "rpcMaxAttempts",
  CARDPROOF_LOG_RANGE: "logRangeInitial",
  CARDPROOF_LOG_RANGE_MAX: "logRangeMax",
  CARDPROOF_INDEXER_RESET: "reset",
  CARDPROOF_API_HOST: "apiHost",
  CARDPROOF_API_PORT: "apiPort",
  CARDPROOF_API_CORS_ORIGINS: "apiCorsOrigins",
  CARDPROOF_API_RATE_LIMIT: "apiRateLimit",
  CARDPROOF_API_RATE_BURST: "apiRateBurst",
  CARDPROOF_API_TRUST_PROXY: "apiTrustProxy",
  CARDPROOF_API_MANIFEST_MAX_BYTES: "apiManifestMaxBytes",
  CARDPROOF_API_PROOF_CACHE_MB: "apiProofCacheMb",
  CARDPROOF_API_MAX_LAG_BLOCKS: "apiMaxLagBlocks",
  CARDPROOF_VERIFIER_DIR: "verifierDir",
  CARDPROOF_PUBLIC_RPC_URL: "publicRpcUrls",
  CARDPROOF_EXPLORER_URL: "explorerUrl",
  CARDPROOF_PROOF_SHARDS_URL: "proofShardsUrls",
} as const;

type SettingKey = (typeof SETTINGS)[keyof typeof SETTINGS];

export type LoadConfigOptions = {
  /** Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Command-line arguments: `--config <file>` and `--reset` are understood. */
  argv?: readonly string[];
  /** Relative paths (config file, database) resolve against this. Default `process.cwd()`. */
  cwd?: string;
};

/**
 * Reads the indexer's configuration: defaults, then a JSON config file (`--config <file>` or
 * `CARDPROOF_INDEXER_CONFIG`), then `CARDPROOF_*` environment variables, then `--reset`.
 * Every invalid setting is reported at once in a {@link ConfigError}.
 */
export function loadConfig(options: LoadConfigOptions = {}): IndexerConfig {
  const env = options.env ?? process.env;
  const argv = options.argv ?? [];
  const cwd = options.cwd ?? process.cwd();
  const problems: string[] = [];

  const raw = new Map<SettingKey, { value: unknown; source: string }>();
  const configFlag = argv.indexOf("--config");
  const filePath = configFlag >= 0 ? argv[configFlag + 1] : env.CARDPROOF_INDEXER_CONFIG;
  if (configFlag >= 0 && filePath === undefined) problems.push("--config needs a file path after it");
  if (filePath !== undefined && filePath !== "") readConfigFile(resolve(cwd, filePath), raw, problems);
  for (const [variable, key] of Object.entries(SETTINGS)) {
    const value = env[variable];
    if (value !== undefined && value.trim() !== "") raw.set(key, { value: value.trim(), source: variable });
  }
  if (argv.includes("--reset")) raw.set("reset", { value: true, source: "--reset" });

  const config: IndexerConfig = { ...DEFAULT_CONFIG, logRange: { ...DEFAULT_CONFIG.logRange } };
  const read = <T>(key: SettingKey, parse: (value: unknown) => Parsed<T>, apply: (value: T) => void) => {
    const entry = raw.get(key);
    if (entry === undefined) return;
    const parsed = parse(entry.value);
    if ("problem" in parsed) problems.push(`${entry.source}: ${parsed.problem}`);
    else apply(parsed.value);
  };

  read("rpcUrls", parseUrls, (value) => (config.rpcUrls = value));
  read("chainId", integer(1), (value) => (config.chainId = value));
  read("registryAddress", parseAddress, (value) => (config.registryAddress = value));
  read("escrowAddress", parseAddress, (value) => (config.escrowAddress = value));
  read("startBlock", integer(0), (value) => (config.startBlock = value));
  read("confirmations", integer(0), (value) => (config.confirmations = value));
  read("finality", oneOf(["auto", "tag", "depth"] as const), (value) => (config.finality = value));
  read("finalityDepth", integer(1), (value) => (config.finalityDepth = value));
  read("pollIntervalMs", integer(10), (value) => (config.pollIntervalMs = value));
  read("dbPath", parsePath(cwd), (value) => (config.dbPath = value));
  read("logLevel", oneOf(LOG_LEVELS), (value) => (config.logLevel = value));
  read("rpcTimeoutMs", integer(100), (value) => (config.rpcTimeoutMs = value));
  read("rpcMaxAttempts", integer(1), (value) => (config.rpcMaxAttempts = value));
  read("logRangeInitial", integer(1), (value) => (config.logRange.initial = value));
  read("logRangeMax", integer(1), (value) => (config.logRange.max = value));
  read("reset", parseBoolean, (value) => (config.reset = value));
  read("apiHost", parseHost, (value) => (config.apiHost = value));
  read("apiPort", integer(0, 65_535), (value) => (config.apiPort = value));
  read("apiCorsOrigins", parseOrigins, (value) => (config.apiCorsOrigins = value));
  read("apiRateLimit", integer(0), (value) => (config.apiRateLimit = value));
  read("apiRateBurst", integer(1), (value) => (config.apiRateBurst = value));
  read("apiTrustProxy", integer(0, 10), (value) => (config.apiTrustProxy = value));
  read("apiManifestMaxBytes", integer(1_024), (value) => (config.apiManifestMaxBytes = value));
  read("apiProofCacheMb", integer(0), (value) => (config.apiProofCacheMb = value));
  read("apiMaxLagBlocks", integer(0), (value) => (config.apiMaxLagBlocks = value));
  read("verifierDir", parsePath(cwd), (value) => (config.verifierDir = value));
  read("publicRpcUrls", parseUrls, (value) => (config.publicRpcUrls = value));
  read("explorerUrl", parseUrls, (value) => {
    if (value.length > 1) problems.push("CARDPROOF_EXPLORER_URL: give one explorer URL");
    config.explorerUrl = value[0]!.replace(/\/+$/, "");
  });
  read("proofShardsUrls", parseUrls, (value) => {
    config.proofShardsUrls = value.map((url) => (url.endsWith("/") ? url : `${url}/`));
  });
  if (!raw.has("dbPath")) config.dbPath = resolve(cwd, config.dbPath);

  if (config.escrowAddress !== undefined && config.escrowAddress === config.registryAddress) {
    problems.push("CARDPROOF_ESCROW_ADDRESS: the escrow cannot have the registry's address");
  }
  if (config.logRange.initial > config.logRange.max) {
    problems.push(
      `CARDPROOF_LOG_RANGE (${config.logRange.initial}) must not exceed CARDPROOF_LOG_RANGE_MAX (${config.logRange.max})`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function readConfigFile(
  path: string,
  raw: Map<SettingKey, { value: unknown; source: string }>,
  problems: string[],
): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    problems.push(`config file ${path}: cannot be read as JSON (${(error as Error).message})`);
    return;
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    problems.push(`config file ${path}: must hold a JSON object`);
    return;
  }
  const known = new Set<string>([...Object.values(SETTINGS), "logRange"]);
  for (const [key, value] of Object.entries(parsed)) {
    if (key === "logRange" && value !== null && typeof value === "object") {
      const range = value as Record<string, unknown>;
      if (range.initial !== undefined)
        raw.set("logRangeInitial", { value: range.initial, source: `${path}: logRange` });
      if (range.max !== undefined) raw.set("logRangeMax", { value: range.max, source: `${path}: logRange` });
    } else if (known.has(key)) {
      raw.set(key as SettingKey, { value, source: `${path}: ${key}` });
    } else {
      problems.push(`config file ${path}: unknown setting "${key}" (known: ${[...known].join(", ")})`);
    }
  }
}

type Parsed<T> = { value: T } | { problem: string };

function parseUrls(value: unknown): Parsed<string[]> {
  const list = Array.isArray(value) ? value : String(value).split(",");
  const urls = list.map((item) => String(item).trim()).filter((item) => item !== "");
  if (urls.length === 0) return { problem: "needs at least one http(s) URL" };
  for (const url of urls) {
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch {
      return { problem: `"${redactForMessage(url)}" is not a URL (expected http://host:port or https://...)` };
    }
    if (protocol !== "http:" && protocol !== "https:") {
      return { problem: `"${redactForMessage(url)}" must be an http(s) URL; websockets are not supported` };
    }
  }
  return { value: urls };
}

/** The RPC URLs a browser on this machine can use as they are: the loopback ones. */
export function loopbackUrls(urls: readonly string[]): string[] {
  return urls.filter((url) => ["127.0.0.1", "localhost", "[::1]"].includes(new URL(url).hostname));
}

function parseAddress(value: unknown): Parsed<Address> {
  const text = String(value);
  if (!isAddress(text, { strict: false })) {
    return { problem: `"${text}" is not a 20-byte hex address (0x followed by 40 hex digits)` };
  }
  return { value: text.toLowerCase() as Address };
}

function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: unknown): Parsed<number> => {
    const number = typeof value === "number" ? value : /^\d+$/.test(String(value)) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(number) || number < min || number > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
      return { problem: `must be an integer ${range}, got "${String(value)}"` };
    }
    return { value: number };
  };
}

function parseHost(value: unknown): Parsed<string> {
  const host = String(value);
  const hostname =
    /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
  if (isIP(host) === 0 && !hostname.test(host)) {
    return { problem: `"${host}" is not an IP address or host name (e.g. 127.0.0.1, 0.0.0.0, ::1, localhost)` };
  }
  return { value: host };
}

function parseOrigins(value: unknown): Parsed<string[]> {
  const list = Array.isArray(value) ? value : String(value).split(",");
  const origins: string[] = [];
  for (const item of list.map((entry) => String(entry).trim()).filter((entry) => entry !== "")) {
    if (item === "*") {
      origins.push(item);
      continue;
    }
    let origin: string | undefined;
    try {
      const url = new URL(item);
      const bare = url.pathname === "/" && url.search === "" && url.hash === "";
      if ((url.protocol === "http:" || url.protocol === "https:") && bare && url.username === "") origin = url.origin;
    } catch {
      origin = undefined;
    }
    if (origin === undefined) {
      return { problem: `"${item}" is not an origin (scheme://host[:port], no path), nor "*"` };
    }
    origins.push(origin);
  }
  return { value: origins };
}

function oneOf<T extends string>(choices: readonly T[]) {
  return (value: unknown): Parsed<T> =>
    choices.includes(value as T)
      ? { value: value as T }
      : { problem: `must be one of ${choices.join(", ")}, got "${String(value)}"` };
}

function parseBoolean(value: unknown): Parsed<boolean> {
  if (value === true || value === "1" || value === "true") return { value: true };
  if (value === false || value === "0" || value === "false") return { value: false };
  return { problem: `must be true or false (or 1 / 0), got "${String(value)}"` };
}

function parsePath(cwd: string) {
  return (value: unknown): Parsed<string> => ({ value: value === ":memory:" ? value : resolve(cwd, String(value)) });
}

/** URLs often carry an API key in their path: keep only the origin in messages. */
function redactForMessage(url: string): string {
  return url.length > 24 ? `${url.slice(0, 24)}…` : url;
}
