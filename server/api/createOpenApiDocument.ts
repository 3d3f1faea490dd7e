import { API_ERRORS, type ApiErrorCode } from "./apiErrors.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./parseParams.js";

/** The parts of OpenAPI 3.1 this document uses (JSON Schema 2020-12 for schemas). */
export type JsonSchema = {
  $ref?: string;
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean" | "null" | readonly string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: readonly unknown[];
  const?: unknown;
  oneOf?: readonly JsonSchema[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  examples?: readonly unknown[];
};

export type OpenApiParameter = {
  name: string;
  in: "path" | "query";
  required: boolean;
  description: string;
  schema: JsonSchema;
};

export type OpenApiResponse = {
  description: string;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
  content?: Record<string, { schema: JsonSchema }>;
};

export type OpenApiOperation = {
  operationId: string;
  summary: string;
  description: string;
  tags: readonly string[];
  parameters?: readonly OpenApiParameter[];
  requestBody?: { required: boolean; description: string; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, OpenApiResponse>;
};

export type OpenApiDocument = {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string; license: { name: string; identifier: string } };
  tags: readonly { name: string; description: string }[];
  paths: Record<string, Partial<Record<"get" | "post", OpenApiOperation>>>;
  components: { schemas: Record<string, JsonSchema> };
};

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: JsonSchema): JsonSchema => ({ oneOf: [schema, { type: "null" }] });
const object = (properties: Record<string, JsonSchema>, description?: string): JsonSchema => ({
  type: "object",
  ...(description === undefined ? {} : { description }),
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});
const hex32: JsonSchema = { type: "string", pattern: "^0x[0-9a-f]{64}$", description: "32 bytes, lower-case hex" };
const address: JsonSchema = { type: "string", pattern: "^0x[0-9a-f]{40}$", description: "Address, lower-case hex" };
const decimal = (description: string): JsonSchema => ({ type: "string", pattern: "^(0|[1-9][0-9]*)$", description });
const integer = (description: string, minimum = 0): JsonSchema => ({ type: "integer", minimum, description });
const json = (schema: JsonSchema) => ({ "application/json": { schema } });

const RETRY_AFTER = {
  description: "Seconds to wait before retrying",
  schema: { type: "integer", minimum: 1 },
} as const;

/** `{ block, data }`: the envelope of every `/v1` answer but the OpenAPI document. */
function envelope(data: JsonSchema, description: string, status = "200"): Record<string, OpenApiResponse> {
  return { [status]: { description, content: json(object({ block: ref("Block"), data })) } };
}

/** Error responses for `codes`, grouped by status, each listing its codes. */
function errors(...codes: ApiErrorCode[]): Record<string, OpenApiResponse> {
  const all: ApiErrorCode[] = [...new Set<ApiErrorCode>([...codes, "RATE_LIMITED", "INTERNAL_ERROR"])];
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of all)
    byStatus.set(API_ERRORS[code].status, [...(byStatus.get(API_ERRORS[code].status) ?? []), code]);
  const responses: Record<string, OpenApiResponse> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const retry = list.some((code) => code === "RATE_LIMITED" || code === "NOT_SYNCED" || code === "BUSY");
    responses[String(status)] = {
      description: list.map((code) => `\`${code}\`: ${API_ERRORS[code].description}`).join(" "),
      ...(retry ? { headers: { "Retry-After": RETRY_AFTER } } : {}),
      content: json({
        ...ref("Error"),
        description: `Error with code ${list.join(" or ")}`,
      }),
    };
  }
  return responses;
}

const PARAMS = {
  batchId: {
    name: "batchId",
    in: "path",
    required: true,
    description: "Batch id (`issuerId << 32 | number`, uint64): decimal (`4294967297`) or 0x-hex (`0x100000001`)",
    schema: { type: "string", pattern: "^([0-9]{1,20}|0x[0-9a-fA-F]{1,16})$" },
  },
  serial: {
    name: "serial",
    in: "path",
    required: true,
    description: "Card serial within the batch (uint32, below the batch's count)",
    schema: { type: "string", pattern: "^[0-9]{1,10}$" },
  },
  orderId: {
    name: "orderId",
    in: "path",
    required: true,
    description: "Escrow order id: keccak256(abi.encode(chainId, escrow, order))",
    schema: { type: "string", pattern: "^0x[0-9a-fA-F]{64}$" },
  },
  account: {
    name: "account",
    in: "path",
    required: true,
    description: "The issuer's account address",
    schema: { type: "string", pattern: "^0x[0-9a-fA-F]{40}$" },
  },
  start: {
    name: "start",
    in: "query",
    required: true,
    description: "First serial of the lot (uint32, below the batch's count)",
    schema: { type: "string", pattern: "^[0-9]{1,10}$" },
  },
  limit: {
    name: "limit",
    in: "query",
    required: false,
    description: `Page size, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`,
    schema: { type: "string", pattern: "^[0-9]{1,4}$" },
  },
} as const satisfies Record<string, OpenApiParameter>;

const after = (description: string, pattern: string): OpenApiParameter => ({
  name: "after",
  in: "query",
  required: false,
  description: `Cursor: ${description} (the \`next\` of the previous page)`,
  schema: { type: "string", pattern },
});
const addressQuery = (name: string, description: string): OpenApiParameter => ({
  name,
  in: "query",
  required: false,
  description,
  schema: { type: "string", pattern: "^0x[0-9a-fA-F]{40}$" },
});
const page = (item: JsonSchema, cursor: string): JsonSchema =>
  object({
    items: { type: "array", items: item },
    next: { ...nullable({ type: "string" }), description: `${cursor} to pass as \`after\`; null on the last page` },
  });

const BATCH_PROPERTIES: Record<string, JsonSchema> = {
  batchId: decimal("Batch id (uint64)"),
  batchIdHex: { type: "string", pattern: "^0x[0-9a-f]+$" },
  issuer: address,
  issuerId: integer("Issuer id", 1),
  number: integer("The issuer's batch number (low 32 bits of the id)"),
  merkleRoot: hex32,
  count: integer("Cards", 1),
  faceValue: decimal("Face value of one card in minor units"),
  currency: { type: "string", description: "ISO 4217 code, e.g. USD" },
  currencyBytes: { type: "string", pattern: "^0x[0-9a-f]{6}$", description: "The bytes3 the chain stores" },
  expiresAt: integer("Unix seconds from which cards cannot be redeemed; 0: never"),
  activationRequired: { type: "boolean" },
  metadataHash: hex32,
  metadataUri: { type: "string" },
  stockStart: integer("Start of the issuer's untouched stock [stockStart, count)"),
  seq: integer("Last hash-chain seq"),
  head: hex32,
  issuedBlock: integer("Block of BatchIssued"),
  issuedTx: hex32,
  issuedAt: { ...nullable({ type: "integer" }), description: "Unix seconds" },
  manifest: ref("Manifest"),
};

const ORDER_PROPERTIES: Record<string, JsonSchema> = {
  orderId: hex32,
  chainId: decimal("Chain id"),
  escrow: nullable(address),
  terms: ref("OrderTerms"),
  amount: decimal("unitPrice × quantity"),
  status: { type: "string", enum: ["Open", "Fulfilled", "Disputed", "Released", "Resolved", "Refunded"] },
  lot: nullable(object({ start: integer("First serial"), end: integer("One past the last") })),
  releaseAt: nullable({ type: "integer" }),
  disputeReasonHash: nullable(hex32),
  disputeDeadline: {
    ...nullable({ type: "integer" }),
    description:
      "Once disputed: unix seconds until which the arbiter may rule; from then on anyone settles by the policy's timeout rule",
  },
  returned: integer("Delivered cards the buyer gave back through the registry (a refund pays only for these)"),
  openedBlock: integer("Block of OrderOpened"),
  openedTx: hex32,
  updatedBlock: integer("Block of the last transition"),
};

const SCHEMAS: Record<string, JsonSchema> = {
  Block: object(
    {
      number: integer("The mirror's checkpoint: the last block it applied"),
      hash: hex32,
      timestamp: { ...nullable({ type: "integer" }), description: "Unix seconds of that block" },
      final: { type: "boolean", description: "Whether the block is final (no reorg can change this answer)" },
    },
    "The block an answer reflects",
  ),
  Error: object(
    {
      error: object({
        code: { type: "string", enum: Object.keys(API_ERRORS), description: "Stable error code" },
        message: { type: "string", description: "What went wrong and what to do next" },
      }),
    },
    "Every error answer",
  ),
  Chain: object({
    chainId: decimal("Chain id"),
    registry: address,
    escrow: nullable(address),
    startBlock: integer("First block indexed"),
    finalizedBlock: integer("Block taken as final"),
  }),
  Issuer: object({
    account: address,
    issuerId: integer("Permanent 24-bit issuer id", 1),
    profileHash: nullable(hex32),
    registeredBlock: { ...nullable({ type: "integer" }), description: "Block of IssuerRegistered" },
  }),
  Manifest: object(
    {
      status: {
        type: "string",
        enum: ["none", "verified", "stale"],
        description: "none: not uploaded; verified: proofs are served; stale: verified for an earlier issuance",
      },
      manifestHash: { ...hex32, description: "The hash committed on chain: keccak256 of the canonical manifest" },
      count: integer("Cards in the batch", 1),
      byteLength: { ...nullable({ type: "integer" }), description: "Size of the verified document" },
      uploadedAt: { ...nullable({ type: "integer" }), description: "Unix seconds" },
      verifiedBlock: { ...nullable({ type: "integer" }), description: "Checkpoint when it was accepted" },
    },
    "A batch's manifest (serial → card key), as published to this indexer",
  ),
  ChainHead: object(
    {
      batchId: decimal("Batch id"),
      seq: integer("Links replayed"),
      head: { ...hex32, description: "Head recomputed from the mirrored events" },
      claimedSeq: integer("Last seq the events claimed"),
      claimedHead: { ...hex32, description: "Last head the events claimed" },
      chainOk: { type: "boolean", description: "Every link matched its replay" },
      mismatches: integer("Links that did not"),
    },
    "The indexer's replay of a batch's provenance hash chain",
  ),
  Batch: object(BATCH_PROPERTIES),
  BatchDetail: object({
    ...BATCH_PROPERTIES,
    audit: { ...nullable(ref("ChainHead")), description: "The hash-chain replay" },
  }),
  Run: object(
    {
      start: integer("First serial: the hint the registry takes"),
      end: integer("One past the last serial"),
      holder: address,
      activated: { type: "boolean" },
      revoked: { type: "boolean" },
      revokeReason: integer("Revocation reason code (0: none)"),
    },
    "A custody run [start, end)",
  ),
  CardStatus: object({
    batchId: decimal("Batch id"),
    serial: integer("Serial"),
    status: {
      type: "string",
      enum: ["Active", "Inactive", "Redeemed", "Revoked", "Expired"],
      description: "As statusOf reports it at this block (precedence Redeemed > Revoked > Expired > Inactive)",
    },
    statusCode: integer("IVoucherRegistry.Status value", 1),
    holder: address,
    hint: integer(
      "Start of the run holding the card: pass it as `hint` to statusOf and redeem (lot operations take GET " +
        "/v1/batches/{batchId}/lots/hint instead)",
    ),
    run: ref("Run"),
    redeemed: { type: "boolean" },
    activationRequired: { type: "boolean" },
    expiresAt: integer("Unix seconds; 0: never"),
  }),
  TimelineEvent: object(
    {
      seq: integer("Hash-chain seq of the link", 1),
      event: {
        type: "string",
        enum: ["BatchIssued", "LotTransferred", "LotActivated", "LotRevoked", "VoucherRedeemed"],
      },
      blockNumber: integer("Block"),
      blockHash: { ...nullable(hex32), description: "Hash of that block: a verifier fetches the block's logs by it" },
      logIndex: integer("Log index"),
      txHash: hex32,
      timestamp: nullable({ type: "integer" }),
      start: nullable({ type: "integer" }),
      end: nullable({ type: "integer" }),
      from: nullable(address),
      to: nullable(address),
      operator: { ...nullable(address), description: "Operator of a transfer or activation; redeemer of a redemption" },
      reason: nullable({ type: "integer" }),
      cardKey: {
        ...nullable(address),
        description: "The card key a redemption proved (VoucherRedeemed.cardKey); null for other links",
      },
      head: { ...hex32, description: "Chain head after this link" },
    },
    "One link of the batch's hash chain that touches the card",
  ),
  Timeline: object({
    batchId: decimal("Batch id"),
    serial: integer("Serial"),
    events: { type: "array", items: ref("TimelineEvent"), description: "Oldest first" },
  }),
  VerificationCount: object(
    {
      batchId: decimal("Batch id"),
      serial: integer("Serial"),
      count: integer("Checks counted so far, this one included for a POST"),
      firstAt: nullable(integer("Unix seconds (server clock) of the first counted check")),
    },
    "How often the card was checked on the verifier page; nothing about who checked is stored",
  ),
  CardProof: object(
    {
      batchId: decimal("Batch id"),
      serial: integer("Serial (the leaf index)"),
      chainId: decimal("Chain id the leaf commits to"),
      registry: address,
      cardKey: {
        ...address,
        description:
          "The card key: the address of the secp256k1 key derived from the card's secret code (the code never leaves " +
          "the card; a redeemer proves it with a signature by this key)",
      },
      leaf: {
        ...hex32,
        description:
          "keccak256(keccak256(abi.encode(chainId, registry, batchId, serial, cardKey))), cardKey an address",
      },
      proof: { type: "array", items: hex32, description: "Sibling hashes, bottom up (OpenZeppelin MerkleProof)" },
      root: { ...hex32, description: "The batch's on-chain merkleRoot" },
      hint: integer("Start of the run holding the card"),
      manifestHash: hex32,
    },
    "Everything the verifier re-checks against the chain",
  ),
  OrderTerms: object(
    {
      buyer: address,
      supplier: address,
      token: address,
      batchId: decimal("uint64"),
      quantity: integer("uint32", 1),
      unitPrice: decimal("uint96, token units"),
      fulfilDeadline: integer("uint40, unix seconds"),
      challengeWindow: integer("uint32, seconds"),
      minValidity: integer("uint32, seconds the cards must stay valid after delivery; 0: no requirement"),
      acceptActivated: {
        type: "boolean",
        description: "Whether cards already activated at a point of sale are accepted",
      },
      policyId: integer("uint16", 1),
      buyerRef: hex32,
      salt: hex32,
    },
    "The Order struct every escrow call after open takes back; its id is keccak256(abi.encode(chainId, escrow, order))",
  ),
  Order: object(ORDER_PROPERTIES),
  OrderDetail: object({
    ...ORDER_PROPERTIES,
    events: {
      type: "array",
      description: "Transitions, oldest first",
      items: object({
        event: { type: "string" },
        status: { type: "string" },
        blockNumber: integer("Block"),
        args: { type: "object", description: "The event's arguments (uint values as decimal strings)" },
      }),
    },
  }),
  Mismatch: object({
    blockNumber: integer("Block"),
    logIndex: integer("Log index"),
    batchId: decimal("Batch id"),
    reason: { type: "string", enum: ["seq-gap", "head-mismatch", "issued-twice", "before-issuance", "invalid-fields"] },
    expectedSeq: integer("Seq the replay expected"),
    actualSeq: integer("Seq the event claimed"),
    expectedHead: nullable(hex32),
    claimedHead: nullable(hex32),
  }),
  CanonicalManifest: {
    type: "object",
    description:
      "The canonical manifest (scripts/lib/batchManifest.ts): exactly these keys in this order, no whitespace, " +
      "lower-case hex; its keccak256 is the manifestHash committed in issueBatch. 45 bytes per card. Version 1 " +
      "manifests (code hashes, CardProof v1) are refused with MANIFEST_VERSION_UNSUPPORTED.",
    properties: {
      version: { const: 2 },
      chainId: decimal("Chain id"),
      registry: address,
      batchId: decimal("Batch id"),
      count: integer("Cards", 1),
      cardKeys: { type: "array", items: address, description: "Card key (lower-case address) of serial i at index i" },
    },
    required: ["version", "chainId", "registry", "batchId", "count", "cardKeys"],
    additionalProperties: false,
  },
};

/**
 * The API's OpenAPI 3.1 document, written by hand: every route, parameter, response and error
 * code. A test checks that every route the app registers is in it.
 */
export function createOpenApiDocument(): OpenApiDocument {
  const get = (
    operationId: string,
    tag: string,
    summary: string,
    description: string,
    parameters: readonly OpenApiParameter[],
    responses: Record<string, OpenApiResponse>,
  ): { get: OpenApiOperation } => ({
    get: { operationId, summary, description, tags: [tag], parameters, responses },
  });
  const v1Errors = (...codes: ApiErrorCode[]) => errors("NOT_SYNCED", "METHOD_NOT_ALLOWED", "INVALID_QUERY", ...codes);

  return {
    openapi: "3.1.0",
    info: {
      title: "CardProof indexer API",
      version: "1.0.0",
      description:
        "Mirrored VoucherRegistry and SettlementEscrow state: batches, card status with run hints, custody " +
        "timelines, Merkle proofs, escrow orders and hash-chain audits. Every /v1 answer but this document is " +
        '`{ "block": { number, hash, timestamp, final }, "data": … }`; every error is ' +
        '`{ "error": { "code", "message" } }`. Anything handed out here (proofs, hints) must be re-checked ' +
        "against the chain. Reads are allowed from any origin; requests are rate-limited per client IP (429 with " +
        "Retry-After). A request Node's HTTP parser refuses before any route sees it is answered as JSON too: " +
        "`INVALID_REQUEST` (400: a malformed request line, path or header), `HEADERS_TOO_LARGE` (431), " +
        "`REQUEST_TIMEOUT` (408: headers not sent in time). Answers of 1 KiB or more are compressed (br, else " +
        "gzip) as Accept-Encoding allows. A successful read carries a strong ETag and `Cache-Control: no-cache`: " +
        "sent back in If-None-Match, it gets 304 without a body while the answer (its block included) is unchanged; " +
        "errors and uploads are `no-store`.",
      license: { name: "MIT", identifier: "MIT" },
    },
    tags: [
      { name: "chain", description: "What this indexer follows" },
      { name: "issuers", description: "Registered suppliers" },
      { name: "batches", description: "Batches and their manifests" },
      { name: "cards", description: "Card status, timeline and proof" },
      { name: "orders", description: "Escrow orders and their terms" },
      { name: "audit", description: "Provenance hash-chain replays" },
      { name: "operations", description: "Health, readiness and metrics" },
    ],
    paths: {
      "/": get(
        "getVerifierPage",
        "operations",
        "The verifier page",
        "The built verifier page (verifier-web/dist, with its own Content-Security-Policy) when this server has it; " +
          "404 NOT_FOUND otherwise.",
        [],
        {
          "200": { description: "The page", content: { "text/html": { schema: { type: "string" } } } },
          ...errors("NOT_FOUND"),
        },
      ),
      "/healthz": get("getHealth", "operations", "Liveness", "200 while the process serves HTTP.", [], {
        "200": {
          description: "Alive",
          content: json(object({ status: { const: "ok" } })),
        },
        ...errors("METHOD_NOT_ALLOWED"),
      }),
      "/readyz": get(
        "getReadiness",
        "operations",
        "Readiness",
        "200 when a block is indexed, the RPC node answers, the lag is within CARDPROOF_API_MAX_LAG_BLOCKS and the " +
          "sync loop runs; 503 (with Retry-After) otherwise. Not rate-limited.",
        [],
        {
          "200": { description: "Ready", content: json(ref("Readiness")) },
          "503": {
            description: "Not ready: see which check failed",
            headers: { "Retry-After": RETRY_AFTER },
            content: json(ref("Readiness")),
          },
          ...errors("METHOD_NOT_ALLOWED"),
        },
      ),
      "/metrics": get(
        "getMetrics",
        "operations",
        "Prometheus metrics",
        "Text exposition format 0.0.4: sync lag and blocks, logs applied, reorgs and their depth, RPC errors, " +
          "HTTP latency by route and status, manifest uploads, proof cache. Not rate-limited.",
        [],
        {
          "200": {
            description: "Metrics",
            content: { "text/plain; version=0.0.4": { schema: { type: "string" } } },
          },
          ...errors("METHOD_NOT_ALLOWED"),
        },
      ),
      "/v1/openapi.json": get("getOpenApi", "chain", "This document", "The OpenAPI 3.1 document (no envelope).", [], {
        "200": { description: "The document", content: json({ type: "object" }) },
        ...errors("METHOD_NOT_ALLOWED", "INVALID_QUERY"),
      }),
      "/v1/chain": get(
        "getChain",
        "chain",
        "Followed chain and contracts",
        "The chain id and contract addresses the mirror is bound to.",
        [],
        { ...envelope(ref("Chain"), "The chain"), ...v1Errors() },
      ),
      "/v1/issuers": get(
        "listIssuers",
        "issuers",
        "List issuers",
        "Registered issuers in issuer id order.",
        [PARAMS.limit, after("the last issuer id", "^[0-9]{1,15}$")],
        { ...envelope(page(ref("Issuer"), "Last issuer id"), "A page of issuers"), ...v1Errors() },
      ),
      "/v1/issuers/{account}": get(
        "getIssuer",
        "issuers",
        "One issuer",
        "An issuer's id and profile hash, under its current account: after IssuerKeyRotated the id, profile and " +
          "batches answer under the new account, and the previous one is not an issuer any more (404).",
        [PARAMS.account],
        { ...envelope(ref("Issuer"), "The issuer"), ...v1Errors("INVALID_ADDRESS", "ISSUER_NOT_FOUND") },
      ),
      "/v1/batches": get(
        "listBatches",
        "batches",
        "List batches",
        "Batches in numeric id order, with their manifest status; optionally of one issuer account.",
        [
          addressQuery("issuer", "Only batches of this issuer account"),
          PARAMS.limit,
          after("the last batch id", "^([0-9]{1,20}|0x[0-9a-fA-F]{1,16})$"),
        ],
        {
          ...envelope(page(ref("Batch"), "Last batch id"), "A page of batches"),
          ...v1Errors("INVALID_ADDRESS", "INVALID_BATCH_ID"),
        },
      ),
      "/v1/batches/{batchId}": get(
        "getBatch",
        "batches",
        "One batch",
        "The batch's terms, custody stock, manifest status and hash-chain replay.",
        [PARAMS.batchId],
        {
          ...envelope(ref("BatchDetail"), "The batch"),
          ...v1Errors("INVALID_BATCH_ID", "BATCH_NOT_FOUND"),
        },
      ),
      "/v1/batches/{batchId}/audit": get(
        "getBatchAudit",
        "audit",
        "A batch's hash-chain audit",
        "The on-chain seq/head the events claim, the indexer's replay (chainOk, mismatch count) and every mismatch.",
        [PARAMS.batchId],
        {
          ...envelope(
            object({
              batchId: decimal("Batch id"),
              onChain: object({ seq: integer("seq"), head: hex32 }),
              replayed: nullable(ref("ChainHead")),
              mismatchList: { type: "array", items: ref("Mismatch") },
            }),
            "The audit",
          ),
          ...v1Errors("INVALID_BATCH_ID", "BATCH_NOT_FOUND"),
        },
      ),
      "/v1/batches/{batchId}/manifest": {
        ...get(
          "getManifest",
          "batches",
          "A batch's manifest status",
          "Whether a verified manifest is stored (proofs are served only then) and the hash an upload must have.",
          [PARAMS.batchId],
          { ...envelope(ref("Manifest"), "The manifest status"), ...v1Errors("INVALID_BATCH_ID", "BATCH_NOT_FOUND") },
        ),
        post: {
          operationId: "uploadManifest",
          summary: "Upload a batch's manifest",
          description:
            "Accepted only if the body is the canonical manifest (scripts/lib/batchManifest.ts) of this batch, its " +
            "keccak256 is the manifestHash committed in BatchIssued, and the root of its leaves is the batch's " +
            "merkleRoot. No secret is accepted: a document holding anything that looks like a card code is refused. " +
            "Size limit: CARDPROOF_API_MANIFEST_MAX_BYTES (default 72 MiB; 45 bytes per card). Verification runs in a " +
            "worker thread (about 10 s for 1,000,000 cards). Browser uploads need their origin in " +
            "CARDPROOF_API_CORS_ORIGINS.",
          tags: ["batches"],
          parameters: [PARAMS.batchId],
          requestBody: {
            required: true,
            description: "The canonical manifest bytes, uncompressed",
            content: json(ref("CanonicalManifest")),
          },
          responses: {
            ...envelope(ref("Manifest"), "Verified and stored: proofs are served from now on", "201"),
            ...errors(
              "NOT_SYNCED",
              "METHOD_NOT_ALLOWED",
              "INVALID_QUERY",
              "INVALID_BATCH_ID",
              "INVALID_REQUEST",
              "ORIGIN_NOT_ALLOWED",
              "BATCH_NOT_FOUND",
              "MANIFEST_ALREADY_VERIFIED",
              "MANIFEST_UPLOAD_IN_PROGRESS",
              "BATCH_CHANGED",
              "MANIFEST_UPLOAD_STALLED",
              "MANIFEST_TOO_LARGE",
              "UNSUPPORTED_MEDIA_TYPE",
              "MANIFEST_INVALID",
              "MANIFEST_VERSION_UNSUPPORTED",
              "MANIFEST_UNKNOWN_FIELD",
              "MANIFEST_CONTAINS_SECRET",
              "MANIFEST_NOT_CANONICAL",
              "MANIFEST_BATCH_MISMATCH",
              "MANIFEST_HASH_MISMATCH",
              "MANIFEST_ROOT_MISMATCH",
              "BUSY",
            ),
          },
        },
      },
      "/v1/batches/{batchId}/lots/hint": get(
        "getLotHint",
        "batches",
        "Hint for a lot operation",
        "The hint transferLot, activateLot and revokeLot take for a lot starting at `start` (registry v2): 0 when " +
          "start is 0, else the start of the custody run containing start - 1 (the left neighbour the registry " +
          "merges with). A lot may span several runs. The registry re-checks the hint.",
        [PARAMS.batchId, PARAMS.start],
        {
          ...envelope(
            object({
              batchId: decimal("Batch id"),
              start: integer("First serial of the lot"),
              hint: integer("0, or the start of the run containing start - 1"),
            }),
            "The hint",
          ),
          ...v1Errors("INVALID_BATCH_ID", "INVALID_SERIAL", "BATCH_NOT_FOUND", "CARD_NOT_FOUND"),
        },
      ),
      "/v1/batches/{batchId}/cards/{serial}": get(
        "getCard",
        "cards",
        "Card status and run hint",
        "The card's status and holder as the mirror computes them at this block, with the run hint. The verifier " +
          "re-checks with statusOf(batchId, serial, hint) on chain.",
        [PARAMS.batchId, PARAMS.serial],
        {
          ...envelope(ref("CardStatus"), "The card"),
          ...v1Errors("INVALID_BATCH_ID", "INVALID_SERIAL", "BATCH_NOT_FOUND", "CARD_NOT_FOUND"),
        },
      ),
      "/v1/batches/{batchId}/cards/{serial}/timeline": get(
        "getCardTimeline",
        "cards",
        "Card custody timeline",
        "Every hash-chain link touching the card: issuance, lots it moved in, activation, revocation, redemption.",
        [PARAMS.batchId, PARAMS.serial],
        {
          ...envelope(ref("Timeline"), "The timeline"),
          ...v1Errors("INVALID_BATCH_ID", "INVALID_SERIAL", "BATCH_NOT_FOUND", "CARD_NOT_FOUND"),
        },
      ),
      "/v1/batches/{batchId}/cards/{serial}/proof": get(
        "getCardProof",
        "cards",
        "Card Merkle proof",
        "Leaf, card key, proof, root and run hint, from the batch's verified manifest. The first proof of a " +
          "batch not in memory loads its stored tree. Verify with MerkleProof against the on-chain root.",
        [PARAMS.batchId, PARAMS.serial],
        {
          ...envelope(ref("CardProof"), "The proof"),
          ...v1Errors(
            "INVALID_BATCH_ID",
            "INVALID_SERIAL",
            "BATCH_NOT_FOUND",
            "CARD_NOT_FOUND",
            "MANIFEST_NOT_FOUND",
            "BATCH_CHANGED",
          ),
        },
      ),
      "/v1/batches/{batchId}/cards/{serial}/verifications": {
        ...get(
          "getCardVerifications",
          "cards",
          "How often a card was checked",
          'The verifier page\'s repeat-scan signal ("checked N times, first on …"), without counting.',
          [PARAMS.batchId, PARAMS.serial],
          {
            ...envelope(ref("VerificationCount"), "The count"),
            ...v1Errors("INVALID_BATCH_ID", "INVALID_SERIAL", "BATCH_NOT_FOUND", "CARD_NOT_FOUND", "NOT_FOUND"),
          },
        ),
        post: {
          operationId: "countCardVerification",
          summary: "Count one check of a card",
          description:
            "Sent by the verifier page once per card and browser session, with no body. Stores the card and the " +
            "time only: no IP address, user agent or session. Allowed from any origin; rate-limited like every route.",
          tags: ["cards"],
          parameters: [PARAMS.batchId, PARAMS.serial],
          responses: {
            ...envelope(ref("VerificationCount"), "Counted"),
            ...v1Errors("INVALID_BATCH_ID", "INVALID_SERIAL", "BATCH_NOT_FOUND", "CARD_NOT_FOUND", "NOT_FOUND"),
          },
        },
      },
      "/v1/orders": get(
        "listOrders",
        "orders",
        "List orders",
        "Escrow orders in id order, filtered by buyer, supplier and/or batch.",
        [
          addressQuery("buyer", "Only orders of this buyer"),
          addressQuery("supplier", "Only orders of this supplier"),
          {
            name: "batchId",
            in: "query",
            required: false,
            description: "Only orders of this batch (decimal or 0x-hex)",
            schema: { type: "string", pattern: "^([0-9]{1,20}|0x[0-9a-fA-F]{1,16})$" },
          },
          PARAMS.limit,
          after("the last order id", "^0x[0-9a-fA-F]{64}$"),
        ],
        {
          ...envelope(page(ref("Order"), "Last order id"), "A page of orders"),
          ...v1Errors("INVALID_ADDRESS", "INVALID_BATCH_ID", "INVALID_ORDER_ID"),
        },
      ),
      "/v1/orders/{orderId}": get(
        "getOrder",
        "orders",
        "One order with its terms",
        "The order's full terms (what fulfill, confirm, dispute, release, … take back: computeOrderId(chainId, " +
          "escrow, terms) is the id), its state and its transitions.",
        [PARAMS.orderId],
        {
          ...envelope(ref("OrderDetail"), "The order"),
          ...v1Errors("INVALID_ORDER_ID", "ORDER_NOT_FOUND"),
        },
      ),
      "/v1/audit/heads": get(
        "listAuditHeads",
        "audit",
        "Replayed hash-chain heads",
        "Per batch: the head and seq the indexer recomputed from the events, what the events claimed, chainOk and " +
          "the number of mismatches. An auditor compares them with headOf on chain.",
        [PARAMS.limit, after("the last batch id", "^([0-9]{1,20}|0x[0-9a-fA-F]{1,16})$")],
        { ...envelope(page(ref("ChainHead"), "Last batch id"), "A page of heads"), ...v1Errors("INVALID_BATCH_ID") },
      ),
    },
    components: {
      schemas: {
        ...SCHEMAS,
        Readiness: object({
          ready: { type: "boolean" },
          block: nullable(ref("Block")),
          checks: object({
            indexed: object({ ok: { type: "boolean" }, block: nullable({ type: "integer" }) }),
            rpc: object({ ok: { type: "boolean" }, head: nullable({ type: "integer" }) }),
            lag: object({
              ok: { type: "boolean" },
              blocks: nullable({ type: "integer" }),
              max: integer("Allowed lag"),
            }),
            sync: object({ ok: { type: "boolean" } }),
          }),
        }),
      },
    },
  };
}
