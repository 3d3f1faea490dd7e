/**
 * Every error the API answers with: its stable code, HTTP status, and what it means. Clients
 * branch on the code (never on the message); the OpenAPI document lists them from here.
 */
export const API_ERRORS = {
  INVALID_BATCH_ID: { status: 400, description: "The batch id is not a uint64 (decimal digits or 0x-hex)." },
  INVALID_SERIAL: { status: 400, description: "The serial is not a uint32 in decimal digits." },
  INVALID_ORDER_ID: { status: 400, description: "The order id is not 0x followed by 64 hex digits." },
  INVALID_ADDRESS: { status: 400, description: "An address is not 0x followed by 40 hex digits." },
  INVALID_QUERY: { status: 400, description: "A query parameter is unknown, repeated or malformed." },
  INVALID_REQUEST: { status: 400, description: "The request line or headers cannot be read (e.g. bad URL encoding)." },
  ORIGIN_NOT_ALLOWED: {
    status: 403,
    description:
      "A browser origin outside CARDPROOF_API_CORS_ORIGINS tried to upload (reads are allowed from any origin).",
  },
  NOT_FOUND: { status: 404, description: "No such route (or the verifier page is not built)." },
  BATCH_NOT_FOUND: {
    status: 404,
    description: "The mirror holds no batch with this id (not issued, or not indexed yet).",
  },
  CARD_NOT_FOUND: { status: 404, description: "The serial is not below the batch's card count." },
  ISSUER_NOT_FOUND: { status: 404, description: "No issuer with this account is registered." },
  ORDER_NOT_FOUND: { status: 404, description: "The mirror holds no escrow order with this id." },
  MANIFEST_NOT_FOUND: {
    status: 404,
    description: "No verified manifest for the batch, so no proof can be served; its issuer can upload one.",
  },
  METHOD_NOT_ALLOWED: { status: 405, description: "The route exists but not with this method (see the Allow header)." },
  MANIFEST_ALREADY_VERIFIED: { status: 409, description: "The batch's manifest is already stored and verified." },
  MANIFEST_UPLOAD_IN_PROGRESS: { status: 409, description: "A manifest for this batch is being verified right now." },
  BATCH_CHANGED: {
    status: 409,
    description: "The batch's issuance changed (a reorg) while its manifest was verified; upload again.",
  },
  REQUEST_TIMEOUT: {
    status: 408,
    description: "Node's HTTP parser gave up on the request (headers not sent within 20 s); send it again.",
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    description: "The request's headers are larger than Node's limit (16 KB by default); send fewer or smaller ones.",
  },
  MANIFEST_UPLOAD_STALLED: {
    status: 408,
    description:
      "The upload sent nothing for the idle limit (10 s by default) and lost its slot; send it again in one go.",
  },
  MANIFEST_TOO_LARGE: { status: 413, description: "The upload is larger than CARDPROOF_API_MANIFEST_MAX_BYTES." },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    description: "Uploads must be `application/json` without a content encoding.",
  },
  MANIFEST_INVALID: {
    status: 422,
    description: "The upload is not UTF-8 JSON, or a manifest field is missing or of the wrong form.",
  },
  MANIFEST_VERSION_UNSUPPORTED: {
    status: 422,
    description:
      "A version 1 manifest (CardProof v1, code hashes): registry v2 batches commit card keys; upload the version 2 manifest.",
  },
  MANIFEST_UNKNOWN_FIELD: { status: 422, description: "The manifest has a field the format does not define." },
  MANIFEST_CONTAINS_SECRET: {
    status: 422,
    description: "A value or key looks like a secret card code; manifests hold card keys only.",
  },
  MANIFEST_NOT_CANONICAL: {
    status: 422,
    description: "The manifest's content is valid but its bytes are not the canonical encoding.",
  },
  MANIFEST_BATCH_MISMATCH: {
    status: 422,
    description: "The manifest names another chain, registry, batch id or card count than this batch.",
  },
  MANIFEST_HASH_MISMATCH: {
    status: 422,
    description: "Keccak-256 of the upload is not the manifestHash the batch committed on chain.",
  },
  MANIFEST_ROOT_MISMATCH: {
    status: 422,
    description: "The Merkle root of the manifest's leaves is not the batch's on-chain root.",
  },
  RATE_LIMITED: { status: 429, description: "Too many requests from this client; wait for Retry-After seconds." },
  INTERNAL_ERROR: { status: 500, description: "The indexer failed unexpectedly; retry later." },
  NOT_SYNCED: { status: 503, description: "The indexer has not indexed its first block yet; retry shortly." },
  BUSY: { status: 503, description: "Manifest verification is at capacity; retry after Retry-After seconds." },
} as const satisfies Record<string, { status: number; description: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;
