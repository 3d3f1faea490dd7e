import { isAddress, type Address } from "viem";

import type { CardPayload } from "../../scripts/lib/cardPayload.js";

/**
 * Where the page gets a card's Merkle proof: the indexer's API, or static proof shards under a base
 * URL (absolute, ending in `/`). Every proof is checked against the on-chain root, whatever served it.
 */
export type ProofSourceConfig = { kind: "indexer" } | { kind: "static"; url: string };

/** One allowlisted registry deployment and where the page reads it. */
export type RegistryConfig = {
  chainId: bigint;
  /** The full registry address (the QR carries only its first 8 bytes). */
  address: Address;
  /** JSON-RPC endpoints the browser may call, tried in order. */
  rpcUrls: string[];
  /** Base URL of the indexer's API (absolute, ending in `/`), or undefined when there is none. */
  indexerUrl: string | undefined;
  /** A block explorer (`{explorer}/tx/{hash}`, `{explorer}/address/{account}`), if configured. */
  explorerUrl: string | undefined;
  /**
   * Proof sources, tried in this order. Default when the config has no `proofSources`: the indexer
   * when there is one, else none.
   */
  proofSources: ProofSourceConfig[];
  /** The settlement escrow, named in the timeline when it moves lots. */
  escrow: Address | undefined;
  /** A name for the chain (e.g. "Base"), if configured. */
  chainName: string | undefined;
};

/** The page's configuration: `config.json` next to `index.html`. */
export type PageConfig = { registries: RegistryConfig[] };

/** The configuration could not be read: the page cannot check anything. */
export class PageConfigError extends Error {
  override readonly name = "PageConfigError";
}

/**
 * Loads `config.json` from next to the page. Relative URLs in it (e.g. `"indexerUrl": "/"`) resolve
 * against the page's address.
 *
 * @throws {PageConfigError} when it cannot be fetched or is malformed.
 */
export async function loadPageConfig(base: string, fetchFn: typeof fetch = fetch): Promise<PageConfig> {
  let raw: unknown;
  try {
    const response = await fetchFn(new URL("config.json", base), { cache: "no-cache" });
    if (!response.ok) throw new PageConfigError(`config.json answered ${response.status}`);
    raw = await response.json();
  } catch (error) {
    if (error instanceof PageConfigError) throw error;
    throw new PageConfigError("config.json could not be loaded");
  }
  return parsePageConfig(raw, base);
}

/**
 * Reads a parsed `config.json`: `{ "registries": [{ "chainId", "address", "rpcUrls", "indexerUrl"?,
 * "proofSources"?, "explorerUrl"?, "escrow"?, "chainName"? }] }`. `proofSources` is a list, in
 * order, of `"indexer"` (needs `indexerUrl`) and base URLs of static proof shards (absolute or
 * relative to the page, http or https).
 *
 * @throws {PageConfigError} naming the first malformed field.
 */
export function parsePageConfig(raw: unknown, base: string): PageConfig {
  const list = (raw as { registries?: unknown } | null)?.registries;
  if (!Array.isArray(list)) throw new PageConfigError("config.json has no registries list");
  return {
    registries: list.map((entry: unknown, index) => {
      const item = (entry ?? {}) as Record<string, unknown>;
      const where = `registries[${index}]`;
      const chainId = typeof item.chainId === "number" || typeof item.chainId === "string" ? item.chainId : "";
      if (!/^[1-9][0-9]*$/.test(String(chainId))) throw new PageConfigError(`${where}.chainId is not a chain id`);
      if (typeof item.address !== "string" || !isAddress(item.address, { strict: false })) {
        throw new PageConfigError(`${where}.address is not an address`);
      }
      const rpcUrls = Array.isArray(item.rpcUrls) ? item.rpcUrls.map((url) => absolute(url, base, where)) : [];
      const indexerUrl = optionalUrl(item.indexerUrl, base, where, true);
      return {
        chainId: BigInt(chainId),
        address: item.address.toLowerCase() as Address,
        rpcUrls,
        indexerUrl,
        proofSources: parseProofSources(item.proofSources, indexerUrl, base, where),
        explorerUrl: optionalUrl(item.explorerUrl, base, where, false),
        escrow:
          typeof item.escrow === "string" && isAddress(item.escrow, { strict: false })
            ? (item.escrow.toLowerCase() as Address)
            : undefined,
        chainName: typeof item.chainName === "string" && item.chainName !== "" ? item.chainName : undefined,
      };
    }),
  };
}

/** The allowlisted registry a payload points at: same chain, address starting with the printed prefix. */
export function findRegistry(config: PageConfig, payload: CardPayload): RegistryConfig | undefined {
  return config.registries.find(
    (registry) => registry.chainId === payload.chainId && registry.address.startsWith(payload.registryPrefix),
  );
}

function parseProofSources(
  value: unknown,
  indexerUrl: string | undefined,
  base: string,
  where: string,
): ProofSourceConfig[] {
  if (value === undefined || value === null) return indexerUrl === undefined ? [] : [{ kind: "indexer" }];
  if (!Array.isArray(value)) {
    throw new PageConfigError(`${where}.proofSources must be a list of "indexer" and shard base URLs`);
  }
  return value.map((source: unknown, index): ProofSourceConfig => {
    const at = `${where}.proofSources[${index}]`;
    if (source === "indexer") {
      if (indexerUrl === undefined) throw new PageConfigError(`${at} is "indexer" but ${where} has no indexerUrl`);
      return { kind: "indexer" };
    }
    if (typeof source !== "string" || source === "") {
      throw new PageConfigError(`${at} must be "indexer" or the base URL of static proof shards`);
    }
    const url = absolute(source, base, at);
    return { kind: "static", url: url.endsWith("/") ? url : `${url}/` };
  });
}

function absolute(value: unknown, base: string, where: string): string {
  if (typeof value !== "string") throw new PageConfigError(`${where} has a URL that is not a string`);
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    throw new PageConfigError(`${where} has a URL that cannot be read`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new PageConfigError(`${where} has a non-http URL`);
  return url.href;
}

function optionalUrl(value: unknown, base: string, where: string, slash: boolean): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const href = absolute(value, base, where);
  if (slash) return href.endsWith("/") ? href : `${href}/`;
  return href.replace(/\/+$/, "");
}
