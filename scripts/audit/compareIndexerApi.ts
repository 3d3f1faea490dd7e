import type { Hex } from "viem";

import { sleep } from "../../server/internal/sleep.js";
import { finding, type AuditFinding } from "./AuditFinding.js";
import { isLinkEvent, type AuditEvent, type LinkEvent } from "./AuditEvent.js";
import { AuditIncompleteError } from "./AuditIncompleteError.js";
import type { IndexerCheck } from "./AuditReport.js";
import { cardStatus } from "./cardStatus.js";
import { compareMirrorTable, type ComparedTable, type TableComparison } from "./compareMirrorTable.js";
import { compareSqlKeys } from "./compareSqlValues.js";
import { linkColumns, type MirrorRow } from "./expectedMirrorRows.js";
import { linkTouchesSerial } from "./linkTouchesSerial.js";
import type { Replay } from "./replayEvents.js";
import { sampleSerials } from "./sampleSerials.js";

type Envelope<T> = { block: { number: number; hash: Hex; timestamp: number | null }; data: T };
type Answer = { route: string; block: number; timestamp: number | null; data: unknown };

/** Requests to the API in flight. */
const CONCURRENCY = 8;
const ATTEMPTS = 6;
const TIMEOUT_MS = 30_000;
/** The API's largest page. */
const PAGE = 500;

/**
 * Compares an indexer's REST API with the replay: the chain it serves, every batch, every audit
 * head, every issuer and every order (with its terms) in full, and a sample of cards (status,
 * holder, run and hint, redemption, and the whole custody timeline). Each answer is compared with
 * the replay at the block the answer says it reflects, so an indexer that keeps following the
 * chain during the audit is still compared like with like.
 */
export async function compareIndexerApi(options: {
  url: string;
  chainId: bigint;
  registry: Hex;
  escrow: Hex | null;
  batchScope: bigint | undefined;
  sample: number;
  seed: number;
  card?: { batchId: bigint; serial: number };
  replayAt(block: number): Promise<{ replay: Replay; events: AuditEvent[] }>;
  report(finding: AuditFinding): void;
  io: { progress(label: string, total: number, unit: string): { update(done: number): void; finish(): void } };
}): Promise<IndexerCheck> {
  const base = options.url.replace(/\/+$/, "");
  const location = origin(base);
  const get = async <T>(path: string): Promise<Answer & { data: T }> => {
    const envelope = await getJson<Envelope<T>>(base, path, location);
    return { route: path, block: envelope.block.number, timestamp: envelope.block.timestamp, data: envelope.data };
  };
  const check: IndexerCheck = { source: "api", location, checkpoint: null, tables: [], skipped: [], ms: 0 };

  const chain = await get<{ chainId: string; registry: string; escrow: string | null }>("/v1/chain");
  check.checkpoint = chain.block;
  const mismatch = (message: string, expected: unknown, actual: unknown) =>
    options.report(
      finding("indexer-identity-mismatch", `${location}: ${message}`, { table: "GET /v1/chain", expected, actual }),
    );
  const escrowFollowed = chain.data.escrow !== null && options.escrow !== null;
  if (chain.data.chainId !== options.chainId.toString())
    mismatch("serves another chain", options.chainId.toString(), chain.data.chainId);
  if (chain.data.registry.toLowerCase() !== options.registry)
    mismatch("serves another registry", options.registry, chain.data.registry);
  if (options.escrow !== null && chain.data.escrow?.toLowerCase() !== options.escrow) {
    mismatch("serves another escrow (or none)", options.escrow, chain.data.escrow);
  }
  if (chain.data.chainId !== options.chainId.toString() || chain.data.registry.toLowerCase() !== options.registry) {
    check.skipped.push({ table: "*", reason: "the API serves another chain or deployment" });
    return check;
  }

  // Lists, then a card sample drawn from the replay at the API's block.
  const answers: { table: ComparedTable; answer: Answer }[] = [];
  const scope = options.batchScope?.toString();
  const lists: [ComparedTable, string][] = [
    [BATCHES, "/v1/batches"],
    [HEADS, "/v1/audit/heads"],
  ];
  if (scope === undefined) lists.push([ISSUERS, "/v1/issuers"]);
  else check.skipped.push({ table: ISSUERS.name, reason: "not keyed by batch (one-batch scope)" });
  if (escrowFollowed && scope === undefined) lists.push([ORDERS, "/v1/orders"]);
  else check.skipped.push({ table: ORDERS.name, reason: escrowFollowed ? "one-batch scope" : "no escrow followed" });
  for (const [table, route] of lists) {
    let after: string | null = null;
    do {
      const answer: Answer & { data: { items: unknown[]; next: string | null } } = await get(
        `${route}?limit=${PAGE}${after === null ? "" : `&after=${encodeURIComponent(after)}`}`,
      );
      answers.push({ table, answer });
      after = answer.data.next;
    } while (after !== null);
  }

  const baseline = await options.replayAt(chain.block);
  const cards: { batchId: string; serial: number }[] = [];
  for (const batch of baseline.replay.registry.batches.values()) {
    if (scope !== undefined && batch.key !== scope) continue;
    const serials =
      options.card !== undefined
        ? batch.batchId === options.card.batchId
          ? [options.card.serial]
          : []
        : sampleSerials(batch, options.sample, options.seed);
    for (const serial of serials) cards.push({ batchId: batch.key, serial });
  }
  const bar = options.io.progress("comparing the API", cards.length, "cards");
  let done = 0;
  for (let i = 0; i < cards.length; i += CONCURRENCY) {
    const chunk = cards.slice(i, i + CONCURRENCY);
    const got = await Promise.all(
      chunk.flatMap(({ batchId, serial }) => [
        get(`/v1/batches/${batchId}/cards/${serial}`).then((answer) => ({ table: CARDS, answer })),
        get(`/v1/batches/${batchId}/cards/${serial}/timeline`).then((answer) => ({ table: TIMELINES, answer })),
      ]),
    );
    answers.push(...got);
    bar.update((done += chunk.length));
  }
  bar.finish();

  // Compare each table's answers with the replay at each answer's block.
  const results = new Map<string, TableComparison>();
  const blocks = [...new Set(answers.map(({ answer }) => answer.block))].sort((a, b) => a - b);
  for (const block of blocks) {
    const { replay, events } = block === chain.block ? baseline : await options.replayAt(block);
    for (const table of [BATCHES, HEADS, ISSUERS, ORDERS, CARDS, TIMELINES]) {
      const here = answers
        .filter((item) => item.table === table && item.answer.block === block)
        .map(({ answer }) => answer);
      if (here.length === 0) continue;
      const actual = here
        .flatMap((answer) => actualRows(table, answer))
        .filter((row) => scope === undefined || row.batchId === scope)
        .sort((a, b) => compareSqlKeys(a, b, table.key));
      const lists = table === BATCHES || table === HEADS || table === ISSUERS || table === ORDERS;
      // A list is compared whole; cards and timelines for the cards asked at this block.
      const asked = lists ? [] : here.map((answer) => cardOfRoute(answer.route));
      const expected = expectedRows(table, replay, events, here[0]!.timestamp, asked)
        .filter((row) => scope === undefined || row.batchId === scope)
        .sort((a, b) => compareSqlKeys(a, b, table.key));
      const result = compareMirrorTable({ table, expected, actual, report: options.report });
      const total = results.get(table.name);
      if (total === undefined) results.set(table.name, result);
      else {
        for (const field of ["expected", "actual", "missing", "extra", "different"] as const)
          total[field] += result[field];
      }
    }
  }
  check.tables = [...results.values()];
  return check;
}

const BATCHES: ComparedTable = {
  name: "GET /v1/batches",
  key: ["batchId"],
  columns: [
    "batchId",
    "issuer",
    "issuerId",
    "merkleRoot",
    "count",
    "faceValue",
    "currencyBytes",
    "expiresAt",
    "activationRequired",
    "metadataHash",
    "metadataUri",
    "stockStart",
    "seq",
    "head",
    "issuedBlock",
    "issuedTx",
    "issuedAt",
  ],
};
const HEADS: ComparedTable = {
  name: "GET /v1/audit/heads",
  key: ["batchId"],
  columns: ["batchId", "seq", "head", "claimedSeq", "claimedHead", "chainOk", "mismatches"],
};
const ISSUERS: ComparedTable = {
  name: "GET /v1/issuers",
  key: ["account"],
  columns: ["account", "issuerId", "profileHash", "registeredBlock"],
};
const ORDERS: ComparedTable = {
  name: "GET /v1/orders",
  key: ["orderId"],
  columns: [
    "orderId",
    "terms",
    "amount",
    "status",
    "lot",
    "releaseAt",
    "disputeReasonHash",
    "openedBlock",
    "openedTx",
    "updatedBlock",
  ],
  jsonColumns: ["terms"],
};
const CARDS: ComparedTable = {
  name: "GET /v1/batches/{batchId}/cards/{serial}",
  key: ["batchId", "serial"],
  columns: [
    "batchId",
    "serial",
    "status",
    "holder",
    "hint",
    "runEnd",
    "activated",
    "revoked",
    "revokeReason",
    "redeemed",
  ],
};
const TIMELINES: ComparedTable = {
  name: "GET /v1/batches/{batchId}/cards/{serial}/timeline",
  key: ["batchId", "serial", "blockNumber", "logIndex"],
  columns: [
    "batchId",
    "serial",
    "blockNumber",
    "logIndex",
    "seq",
    "event",
    "txHash",
    "timestamp",
    "start",
    "end",
    "from",
    "to",
    "operator",
    "reason",
    "cardKey",
    "head",
  ],
};

/** Hex (addresses, hashes) in lower case, as the auditor writes it; other values as they are. */
const low = (value: unknown) =>
  typeof value === "string" && /^0x[0-9a-fA-F]*$/.test(value) ? value.toLowerCase() : value;

/** An API answer as rows with the columns above (hex lower case). */
function actualRows(table: ComparedTable, answer: Answer): MirrorRow[] {
  const data = answer.data as Record<string, unknown>;
  const items = (data.items ?? []) as Record<string, unknown>[];
  switch (table) {
    case BATCHES:
      return items.map((item) => pick(item, BATCHES.columns));
    case HEADS:
      return items.map((item) => pick(item, HEADS.columns));
    case ISSUERS:
      return items.map((item) => pick(item, ISSUERS.columns));
    case ORDERS:
      return items.map((item) => ({
        ...pick(item, ORDERS.columns),
        terms: JSON.stringify(item.terms),
        lot: item.lot === null ? null : `${(item.lot as { start: number }).start}-${(item.lot as { end: number }).end}`,
      }));
    case CARDS: {
      const run = (data.run ?? {}) as Record<string, unknown>;
      return [
        {
          batchId: data.batchId,
          serial: data.serial,
          status: data.status,
          holder: low(data.holder),
          hint: data.hint,
          runEnd: run.end,
          activated: run.activated,
          revoked: run.revoked,
          revokeReason: run.revokeReason,
          redeemed: data.redeemed,
        },
      ];
    }
    default: {
      const events = (data.events ?? []) as Record<string, unknown>[];
      return events.map((event) => ({
        ...pick(event, TIMELINES.columns),
        batchId: data.batchId,
        serial: data.serial,
      }));
    }
  }
}

function pick(item: Record<string, unknown>, columns: readonly string[]): MirrorRow {
  return Object.fromEntries(columns.map((column) => [column, low(item[column] ?? null)]));
}

/** The rows the replay says each route must answer (cards and timelines: for the cards asked). */
function expectedRows(
  table: ComparedTable,
  replay: Replay,
  events: readonly AuditEvent[],
  now: number | null,
  asked: readonly { batchId: string; serial: number }[],
): MirrorRow[] {
  const batches = [...replay.registry.batches.values()];
  switch (table) {
    case BATCHES:
      return batches.map((batch) => ({
        batchId: batch.key,
        issuer: batch.issuer,
        issuerId: batch.issuerId,
        merkleRoot: batch.params.merkleRoot,
        count: batch.params.count,
        faceValue: batch.params.faceValue.toString(),
        currencyBytes: batch.params.currency,
        expiresAt: batch.params.expiresAt,
        activationRequired: batch.params.activationRequired,
        metadataHash: batch.params.metadataHash,
        metadataUri: batch.params.metadataURI,
        stockStart: batch.custody.stockStart,
        seq: batch.chain.claimedSeq,
        head: batch.chain.claimedHead,
        issuedBlock: batch.issued.block,
        issuedTx: batch.issued.tx,
        issuedAt: batch.issued.time,
      }));
    case HEADS:
      return batches.map((batch) => ({
        batchId: batch.key,
        seq: batch.chain.seq,
        head: batch.chain.head,
        claimedSeq: batch.chain.claimedSeq,
        claimedHead: batch.chain.claimedHead,
        chainOk: batch.chain.mismatches === 0,
        mismatches: batch.chain.mismatches,
      }));
    case ISSUERS:
      return [...replay.registry.issuers.values()].map((issuer) => ({
        account: issuer.account,
        issuerId: issuer.issuerId,
        profileHash: issuer.profileHash,
        registeredBlock: issuer.registeredBlock,
      }));
    case ORDERS:
      return [...(replay.escrow?.orders.values() ?? [])].map((order) => ({
        orderId: order.orderId,
        terms: order.terms,
        amount: order.amount.toString(),
        status: order.status,
        lot: order.lot === null ? null : `${order.lot.start}-${order.lot.end}`,
        releaseAt: order.releaseAt,
        disputeReasonHash: order.disputeReasonHash,
        openedBlock: order.opened.block,
        openedTx: order.opened.tx,
        updatedBlock: order.updatedBlock,
      }));
    case CARDS:
      return asked.flatMap(({ batchId, serial }) => {
        const batch = replay.registry.batches.get(batchId);
        const run = batch?.custody.runContaining(serial);
        if (batch === undefined || run === undefined) return [];
        const redeemed = batch.redeemed.has(serial);
        return [
          {
            batchId,
            serial,
            status: cardStatus(batch, run, redeemed, now ?? 0),
            holder: run.holder,
            hint: run.start,
            runEnd: run.end,
            activated: run.activated,
            revoked: run.revoked,
            revokeReason: run.revokeReason,
            redeemed,
          },
        ];
      });
    default: {
      const linksByBatch = new Map<string, LinkEvent[]>();
      for (const event of events) {
        if (event.block > replay.untilBlock) break;
        if (!isLinkEvent(event)) continue;
        const key = event.args.batchId.toString();
        const list = linksByBatch.get(key);
        if (list === undefined) linksByBatch.set(key, [event]);
        else list.push(event);
      }
      return asked.flatMap(({ batchId, serial }) =>
        (linksByBatch.get(batchId) ?? []).flatMap((event) => {
          if (!linkTouchesSerial(event, serial)) return [];
          const columns = linkColumns(event);
          const start = columns.start_serial as number;
          const end = columns.end_serial as number;
          return [
            {
              batchId,
              serial,
              blockNumber: event.block,
              logIndex: event.logIndex,
              seq: event.args.seq,
              event: event.name,
              txHash: event.tx,
              timestamp: event.time,
              start,
              end,
              from: columns.from_account,
              to: columns.to_account,
              operator: columns.operator,
              reason: columns.reason,
              cardKey: columns.card_key,
              head: event.args.head,
            },
          ];
        }),
      );
    }
  }
}

async function getJson<T>(base: string, path: string, location: string): Promise<T> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: { accept: "application/json" },
      });
    } catch (error) {
      lastError = error;
      await sleep(Math.min(5_000, 200 * 2 ** attempt));
      continue;
    }
    if (response.status === 429 || response.status === 503 || response.status >= 500) {
      const retryAfter = Number(response.headers.get("retry-after"));
      lastError = new Error(`HTTP ${response.status}`);
      await response.body?.cancel();
      await sleep(
        Number.isFinite(retryAfter) && retryAfter > 0
          ? Math.min(30_000, retryAfter * 1000)
          : Math.min(5_000, 200 * 2 ** attempt),
      );
      continue;
    }
    const text = await response.text();
    if (!response.ok) {
      throw new AuditIncompleteError(
        `the indexer API at ${location} answered ${path.split("?")[0]} with HTTP ${response.status}: ${text.slice(0, 200)}`,
        {
          hint: "check --indexer-url (the API's base URL, e.g. http://127.0.0.1:8787)",
        },
      );
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new AuditIncompleteError(
        `the indexer API at ${location} answered ${path.split("?")[0]} with something that is not JSON`,
        { cause: error },
      );
    }
  }
  throw new AuditIncompleteError(
    `the indexer API at ${location} could not be read: ${(lastError as Error)?.message ?? String(lastError)}`,
    {
      hint: "check --indexer-url and that the indexer is running",
      cause: lastError,
    },
  );
}

/** `{ batchId, serial }` of a card route (`/v1/batches/{batchId}/cards/{serial}[/timeline]`). */
function cardOfRoute(route: string): { batchId: string; serial: number } {
  const [, , , batchId = "", , serial = ""] = route.split("/");
  return { batchId, serial: Number(serial) };
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    throw new AuditIncompleteError(`--indexer-url is not a URL: "${url}"`);
  }
}
