import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  scrypt as scryptCallback,
  timingSafeEqual,
  type ScryptOptions,
} from "node:crypto";
import { link, open, rename, stat, unlink, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";

import type { Address, Hex } from "viem";
import { getAddress, isAddress, isHex } from "viem";

import { CODE_LENGTH } from "../lib/codeAlphabet.js";

/** What a codes file says about its batch, readable without the passphrase. */
export type CodesFileHeader = {
  version: 1;
  chainId: bigint;
  registry: Address;
  batchId: bigint;
  count: number;
  manifestHash: Hex;
};

/**
 * Why a codes file cannot be written or read:
 * - `not-a-codes-file`: the file does not start with the codes file magic bytes;
 * - `unsupported-version`: written in a format version this code does not read;
 * - `wrong-passphrase`: the file is intact but the passphrase does not open it;
 * - `tampered`: the bytes were changed (header, a chunk, or bytes added at the end);
 * - `truncated`: the file ends before its last chunk (or inside its header).
 */
export type CodesFileErrorReason =
  "not-a-codes-file" | "unsupported-version" | "wrong-passphrase" | "tampered" | "truncated";

/**
 * A codes file cannot be read: the {@link CodesFileErrorReason} says why, the message what to do
 * next. Not retryable as is, except `wrong-passphrase` with another passphrase.
 *
 * @dev SECURITY: nothing in this error (message, fields, cause) contains the passphrase, key
 *      material or any code: only the path, sizes, positions and chunk numbers.
 */
export class CodesFileError extends Error {
  override readonly name = "CodesFileError";
  readonly reason: CodesFileErrorReason;
  /** What is wrong, in a few words. */
  readonly shortMessage: string;
  /** What to do next. */
  readonly details: string;
  /** The codes file concerned. */
  readonly path: string;

  constructor({
    reason,
    path,
    shortMessage,
    details,
  }: {
    reason: CodesFileErrorReason;
    path: string;
    shortMessage: string;
    details: string;
  }) {
    super(`${shortMessage}: ${details}`);
    this.reason = reason;
    this.path = path;
    this.shortMessage = shortMessage;
    this.details = details;
  }
}

/**
 * {@link writeCodesFile} refuses to replace an existing file (it may hold the only copy of a
 * batch's codes); the caller decides, e.g. asks, then moves the old file away. `code` is `"EEXIST"`,
 * as for Node's own file system errors.
 */
export class CodesFileExistsError extends Error {
  override readonly name = "CodesFileExistsError";
  readonly code = "EEXIST";
  /** The existing file. */
  readonly path: string;

  constructor(path: string) {
    super(
      `refusing to overwrite ${path}: a codes file may hold the only copy of a batch's codes; ` +
        "choose another path, or move the existing file away first",
    );
    this.path = path;
  }
}

/** scrypt cost parameters (RFC 7914). */
export type ScryptParameters = { N: number; r: number; p: number };

/**
 * The key derivation every codes file gets: scrypt with N = 2^17, r = 8, p = 1 (128 MiB of memory,
 * about 0.35 s on our 2-core machines; the parameters RFC 7914 suggests for file encryption are
 * N = 2^20, which takes 3 s and 1 GiB, too much next to a 1,000,000-card preparation).
 */
export const CODES_FILE_KDF: Readonly<ScryptParameters> = { N: 2 ** 17, r: 8, p: 1 };

/** Shortest passphrase {@link writeCodesFile} accepts, in characters (Unicode code points after NFC). */
export const MIN_PASSPHRASE_LENGTH = 12;

/** The file name ending we suggest for codes files. */
export const CODES_FILE_EXTENSION = ".cpcodes";

/** `\x89CPCODES`: the first 8 bytes of every codes file (a high first byte, as PNG, so it is not text). */
export const CODES_FILE_MAGIC: Uint8Array = Uint8Array.of(0x89, 0x43, 0x50, 0x43, 0x4f, 0x44, 0x45, 0x53);

/** The format version written at byte 8 and in the header. */
export const CODES_FILE_VERSION = 1;

/** Codes sealed per AES-GCM chunk (1.3 MB of ciphertext). */
const CODES_PER_CHUNK = 65_536;
const TAG_LENGTH = 16;
const DIGEST_LENGTH = 32;
const SALT_LENGTH = 32;
const NONCE_PREFIX_LENGTH = 8;
/** Magic, version byte, header length (uint32 big-endian). */
const FRAME_LENGTH = CODES_FILE_MAGIC.length + 1 + 4;
const MAX_HEADER_LENGTH = 4_096;
const CIPHER = "aes-256-gcm";
const MAX_COUNT = 2 ** 32 - 1;
const MAX_UINT256 = (1n << 256n) - 1n;
const MAX_UINT64 = (1n << 64n) - 1n;
/** scrypt parameters a reader accepts (what a file may ask of this machine: at most 1 GiB). */
const KDF_LIMITS = { minLogN: 10, maxLogN: 20, maxR: 32, maxP: 16, maxMemory: 2 ** 30 };

/** Options of {@link writeCodesFile}. */
export type WriteCodesFileOptions = {
  /** Called after the key derivation (0 codes) and after each sealed chunk of 65,536 codes. */
  onProgress?: (done: number, total: number) => void;
  /**
   * @internal Tests only: cheaper scrypt parameters than {@link CODES_FILE_KDF} (readers accept
   * N >= 2^10). Never set this for real codes.
   */
  kdf?: ScryptParameters;
};

/** The header as stored: the public fields plus how to derive the key and check the passphrase. */
type StoredHeader = CodesFileHeader & {
  cipher: typeof CIPHER;
  codesPerChunk: number;
  noncePrefix: Uint8Array;
  kdf: ScryptParameters & { salt: Uint8Array };
  passphraseCheck: Uint8Array;
};

/**
 * Writes a batch's secret codes to `path`, encrypted with a key derived from `passphrase`
 * (scrypt, {@link CODES_FILE_KDF}) and sealed with AES-256-GCM in chunks of 65,536 codes; the
 * header (batch fields and manifest hash, no secret) stays readable without the passphrase
 * ({@link readCodesFileHeader}). Format: scripts/mint/README.md.
 *
 * @dev Atomic and never overwriting: the file is written as `<path>.tmp-<random>` (mode 0600),
 *      fsynced, then hard-linked to `path` (which fails if `path` exists) and the temporary name
 *      removed; where hard links are not supported it is renamed after a last check that `path`
 *      does not exist. On any failure the temporary file is deleted. The passphrase is normalised
 *      to NFC, so the same characters typed on any system open the file.
 * @throws {RangeError} when the passphrase is shorter than {@link MIN_PASSPHRASE_LENGTH}, a header
 *         field is out of range, or `codes` is not 20 bytes per card.
 * @throws {CodesFileExistsError} when `path` exists (nothing is written, before or after the work).
 */
export async function writeCodesFile(
  path: string,
  header: Omit<CodesFileHeader, "version">,
  codes: Uint8Array,
  passphrase: string,
  options: WriteCodesFileOptions = {},
): Promise<void> {
  const normalized = passphrase.normalize("NFC");
  if ([...normalized].length < MIN_PASSPHRASE_LENGTH) {
    throw new RangeError(
      `the codes file passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters: choose a longer one ` +
        `(several random words are easy to type and hard to guess)`,
    );
  }
  checkHeaderFields(header);
  if (codes.length !== CODE_LENGTH * header.count) {
    throw new RangeError(
      `codes must hold ${CODE_LENGTH} bytes for each of the ${header.count} cards, got ${codes.length} bytes`,
    );
  }
  if (await exists(path)) throw new CodesFileExistsError(path);

  const kdf = options.kdf ?? CODES_FILE_KDF;
  if (!acceptableKdf(kdf)) throw new RangeError("kdf parameters outside what readers accept (N = 2^10 to 2^20)");
  const salt = randomBytes(SALT_LENGTH);
  const keys = await deriveKeys(normalized, salt, kdf);
  const temporary = `${path}.tmp-${randomBytes(6).toString("hex")}`;
  let handle: FileHandle | undefined;
  try {
    const stored: StoredHeader = {
      ...header,
      version: CODES_FILE_VERSION,
      registry: getAddress(header.registry),
      cipher: CIPHER,
      codesPerChunk: CODES_PER_CHUNK,
      noncePrefix: randomBytes(NONCE_PREFIX_LENGTH),
      kdf: { N: kdf.N, r: kdf.r, p: kdf.p, salt },
      passphraseCheck: passphraseCheckOf(keys),
    };
    const prelude = encodePrelude(stored);
    const chunks = Math.ceil(header.count / CODES_PER_CHUNK);
    options.onProgress?.(0, header.count);

    handle = await open(temporary, "wx", 0o600);
    await handle.write(prelude);
    for (let index = 0; index < chunks; index++) {
      const first = index * CODES_PER_CHUNK;
      const end = Math.min(header.count, first + CODES_PER_CHUNK);
      const cipher = createCipheriv(CIPHER, keys.subarray(0, 32), nonceOf(stored, index), {
        authTagLength: TAG_LENGTH,
      });
      cipher.setAAD(chunkAad(prelude, index, index === chunks - 1));
      const sealed = cipher.update(codes.subarray(CODE_LENGTH * first, CODE_LENGTH * end));
      const final = cipher.final();
      await handle.writev([sealed, final, cipher.getAuthTag()]);
      options.onProgress?.(end, header.count);
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await publish(temporary, path);
    await syncDirectory(dirname(path));
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temporary).catch(() => undefined);
    throw error;
  } finally {
    keys.fill(0);
  }
}

/**
 * Reads the public header of the codes file at `path` (no passphrase needed): the batch the codes
 * belong to and its manifest hash. Checks the magic bytes, the version and the header's digest, not
 * the encrypted codes (see {@link readCodesFile}).
 *
 * @throws {CodesFileError} `not-a-codes-file`, `unsupported-version`, `truncated` (the file ends inside
 *         the header) or `tampered` (the header does not match its digest). File system errors
 *         (`ENOENT`, `EACCES`, …) are passed on as they are.
 */
export async function readCodesFileHeader(path: string): Promise<CodesFileHeader> {
  const handle = await open(path, "r");
  try {
    return publicHeader((await readPrelude(handle, path)).header);
  } finally {
    await handle.close();
  }
}

/**
 * Reads and decrypts the codes file at `path`: the header and the codes, flat ASCII, 20 bytes per
 * card (serial `i` at `20 * i`), as `prepareBatch` returned them.
 *
 * Checks, in this order, without the passphrase: magic bytes (`not-a-codes-file`), version
 * (`unsupported-version`), the header's digest (`tampered`), the file's length (`truncated` when
 * shorter than the header says, `tampered` when longer); then the passphrase (`wrong-passphrase`);
 * then each chunk's GCM tag, which also binds the header, the chunk's position and whether it is the
 * last (`tampered`).
 *
 * @throws {CodesFileError} as above; nothing decrypted is returned or kept unless every check passes.
 *         File system errors are passed on as they are.
 */
export async function readCodesFile(
  path: string,
  passphrase: string,
  options: { onProgress?: (done: number, total: number) => void } = {},
): Promise<{ header: CodesFileHeader; codes: Uint8Array }> {
  const handle = await open(path, "r");
  try {
    const { header, prelude } = await readPrelude(handle, path);
    const { count, codesPerChunk } = header;
    const chunks = Math.ceil(count / codesPerChunk);
    const expectedSize = prelude.length + CODE_LENGTH * count + TAG_LENGTH * chunks;
    const { size } = await handle.stat();
    if (size < expectedSize) {
      throw new CodesFileError({
        reason: "truncated",
        path,
        shortMessage: `codes file ${path} is truncated: it has ${size} of its ${expectedSize} bytes`,
        details: "the copy is incomplete: copy it again from the original, or restore it from a backup",
      });
    }
    if (size > expectedSize) throw tamperedError(path, `${size - expectedSize} bytes follow its last chunk`);

    const keys = await deriveKeys(passphrase.normalize("NFC"), header.kdf.salt, header.kdf);
    const codes = new Uint8Array(CODE_LENGTH * count);
    try {
      if (!timingSafeEqual(passphraseCheckOf(keys), header.passphraseCheck)) {
        throw new CodesFileError({
          reason: "wrong-passphrase",
          path,
          shortMessage: `wrong passphrase for codes file ${path}`,
          details: "check CARDPROOF_CODES_PASSPHRASE or the passphrase you typed",
        });
      }
      options.onProgress?.(0, count);
      for (let index = 0, at = prelude.length; index < chunks; index++) {
        const first = index * codesPerChunk;
        const end = Math.min(count, first + codesPerChunk);
        const length = CODE_LENGTH * (end - first);
        const sealed = Buffer.alloc(length + TAG_LENGTH);
        await readExactly(handle, sealed, at, path);
        at += sealed.length;
        const decipher = createDecipheriv(CIPHER, keys.subarray(0, 32), nonceOf(header, index), {
          authTagLength: TAG_LENGTH,
        });
        decipher.setAAD(chunkAad(prelude, index, index === chunks - 1));
        decipher.setAuthTag(sealed.subarray(length));
        const plain = decipher.update(sealed.subarray(0, length));
        try {
          decipher.final();
        } catch {
          plain.fill(0);
          throw tamperedError(path, `chunk ${index + 1} of ${chunks} (codes ${first} to ${end - 1}) fails its check`);
        }
        codes.set(plain, CODE_LENGTH * first);
        plain.fill(0);
        options.onProgress?.(end, count);
      }
    } catch (error) {
      codes.fill(0);
      throw error;
    } finally {
      keys.fill(0);
    }
    return { header: publicHeader(header), codes };
  } finally {
    await handle.close();
  }
}

/** The public fields of a stored header. */
function publicHeader({ version, chainId, registry, batchId, count, manifestHash }: StoredHeader): CodesFileHeader {
  return { version, chainId, registry, batchId, count, manifestHash };
}

/** scrypt → 64 bytes: the AES-256 key, then 32 bytes whose SHA-256 is the passphrase check. */
async function deriveKeys(passphrase: string, salt: Uint8Array, { N, r, p }: ScryptParameters): Promise<Buffer> {
  const secret = Buffer.from(passphrase, "utf8");
  const options: ScryptOptions = { N, r, p, maxmem: 128 * N * r * p + 2 ** 24 };
  try {
    return await new Promise<Buffer>((resolve, reject) =>
      scryptCallback(secret, salt, 64, options, (error, key) => (error === null ? resolve(key) : reject(error))),
    );
  } finally {
    secret.fill(0);
  }
}

function passphraseCheckOf(keys: Uint8Array): Buffer {
  return createHash("sha256").update(keys.subarray(32)).digest();
}

/** Nonce of chunk `index`: the file's random 8-byte prefix, then the index as a uint32 big-endian. */
function nonceOf({ noncePrefix }: { noncePrefix: Uint8Array }, index: number): Buffer {
  const nonce = Buffer.alloc(NONCE_PREFIX_LENGTH + 4);
  nonce.set(noncePrefix);
  nonce.writeUInt32BE(index, NONCE_PREFIX_LENGTH);
  return nonce;
}

/** Associated data of chunk `index`: the whole prelude, the index (uint32 big-endian), 1 if last else 0. */
function chunkAad(prelude: Uint8Array, index: number, last: boolean): Buffer {
  const aad = Buffer.alloc(prelude.length + 5);
  aad.set(prelude);
  aad.writeUInt32BE(index, prelude.length);
  aad[prelude.length + 4] = last ? 1 : 0;
  return aad;
}

/**
 * Magic, version byte, header length, header JSON, and SHA-256 of all of that: the digest tells a
 * damaged header (`tampered`) from a wrong passphrase, which a changed salt would otherwise look like.
 */
function encodePrelude(header: StoredHeader): Buffer {
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
  const json = Buffer.from(
    JSON.stringify({
      version: header.version,
      chainId: header.chainId.toString(),
      registry: header.registry,
      batchId: header.batchId.toString(),
      count: header.count,
      manifestHash: header.manifestHash.toLowerCase(),
      cipher: header.cipher,
      codesPerChunk: header.codesPerChunk,
      noncePrefix: hex(header.noncePrefix),
      kdf: { name: "scrypt", N: header.kdf.N, r: header.kdf.r, p: header.kdf.p, salt: hex(header.kdf.salt) },
      passphraseCheck: hex(header.passphraseCheck),
    }),
    "utf8",
  );
  const frame = Buffer.alloc(FRAME_LENGTH);
  frame.set(CODES_FILE_MAGIC);
  frame[CODES_FILE_MAGIC.length] = CODES_FILE_VERSION;
  frame.writeUInt32BE(json.length, CODES_FILE_MAGIC.length + 1);
  const body = Buffer.concat([frame, json]);
  return Buffer.concat([body, createHash("sha256").update(body).digest()]);
}

/** Reads and checks the prelude (everything before the first chunk). */
async function readPrelude(handle: FileHandle, path: string): Promise<{ header: StoredHeader; prelude: Buffer }> {
  const frame = Buffer.alloc(FRAME_LENGTH);
  const { bytesRead } = await handle.read(frame, 0, FRAME_LENGTH, 0);
  const magicBytes = Math.min(bytesRead, CODES_FILE_MAGIC.length);
  const magicMatches = frame.subarray(0, magicBytes).equals(Buffer.from(CODES_FILE_MAGIC.subarray(0, magicBytes)));
  if (bytesRead === 0 || !magicMatches) {
    throw new CodesFileError({
      reason: "not-a-codes-file",
      path,
      shortMessage: `${path} is not a CardProof codes file`,
      details: "check the path: pass the encrypted codes file written when the batch was prepared",
    });
  }
  if (bytesRead < FRAME_LENGTH) throw truncatedInHeader(path);
  const version = frame[CODES_FILE_MAGIC.length]!;
  if (version !== CODES_FILE_VERSION) {
    throw new CodesFileError({
      reason: "unsupported-version",
      path,
      shortMessage: `codes file ${path} has format version ${version}, this CardProof reads version ${CODES_FILE_VERSION}`,
      details: "read it with the CardProof release that wrote it, or upgrade this one",
    });
  }
  const jsonLength = frame.readUInt32BE(CODES_FILE_MAGIC.length + 1);
  if (jsonLength === 0 || jsonLength > MAX_HEADER_LENGTH) throw tamperedError(path, "its header length is invalid");
  const prelude = Buffer.alloc(FRAME_LENGTH + jsonLength + DIGEST_LENGTH);
  frame.copy(prelude);
  await readExactly(handle, prelude.subarray(FRAME_LENGTH), FRAME_LENGTH, path, truncatedInHeader);
  const body = prelude.subarray(0, FRAME_LENGTH + jsonLength);
  if (!createHash("sha256").update(body).digest().equals(prelude.subarray(body.length))) {
    throw tamperedError(path, "its header does not match the header's digest");
  }
  const header = parseHeader(prelude.subarray(FRAME_LENGTH, body.length));
  if (header === undefined) throw tamperedError(path, "its header is not a valid codes file header");
  return { header, prelude };
}

/** The stored header from its JSON bytes, or undefined when anything is not exactly as written. */
function parseHeader(json: Uint8Array): StoredHeader | undefined {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(json));
  } catch {
    return undefined;
  }
  const fields = value as Record<string, unknown> | null;
  const kdf = fields?.kdf as Record<string, unknown> | null | undefined;
  const decimal = (text: unknown, max: bigint) =>
    typeof text === "string" && /^(0|[1-9]\d{0,77})$/.test(text) && BigInt(text) <= max ? BigInt(text) : undefined;
  const bytes = (text: unknown, length: number) =>
    typeof text === "string" && text.length === 2 * length && /^[0-9a-f]*$/.test(text)
      ? Uint8Array.from(Buffer.from(text, "hex"))
      : undefined;
  const int = (n: unknown, low: number, high: number) =>
    typeof n === "number" && Number.isInteger(n) && n >= low && n <= high ? n : undefined;
  if (typeof fields !== "object" || fields === null || typeof kdf !== "object" || kdf === null) return undefined;

  const chainId = decimal(fields.chainId, MAX_UINT256);
  const batchId = decimal(fields.batchId, MAX_UINT64);
  const count = int(fields.count, 1, MAX_COUNT);
  const codesPerChunk = int(fields.codesPerChunk, 1, 2 ** 20);
  const noncePrefix = bytes(fields.noncePrefix, NONCE_PREFIX_LENGTH);
  const passphraseCheck = bytes(fields.passphraseCheck, 32);
  const salt = bytes(kdf.salt, SALT_LENGTH);
  const { N, r, p } = kdf;
  const { registry, manifestHash } = fields;
  if (
    fields.version !== CODES_FILE_VERSION ||
    fields.cipher !== CIPHER ||
    kdf.name !== "scrypt" ||
    typeof registry !== "string" ||
    !isAddress(registry, { strict: true }) ||
    typeof manifestHash !== "string" ||
    !isHex(manifestHash, { strict: true }) ||
    manifestHash.length !== 66 ||
    chainId === undefined ||
    batchId === undefined ||
    count === undefined ||
    codesPerChunk === undefined ||
    Math.ceil(count / codesPerChunk) > MAX_COUNT ||
    noncePrefix === undefined ||
    passphraseCheck === undefined ||
    salt === undefined ||
    !acceptableKdf({ N, r, p })
  ) {
    return undefined;
  }
  return {
    version: CODES_FILE_VERSION,
    chainId,
    registry,
    batchId,
    count,
    manifestHash: manifestHash as Hex,
    cipher: CIPHER,
    codesPerChunk,
    noncePrefix,
    kdf: { N: N as number, r: r as number, p: p as number, salt },
    passphraseCheck,
  };
}

/** Whether a reader accepts these scrypt parameters (N a power of two, at most 1 GiB of memory). */
function acceptableKdf({ N, r, p }: Record<"N" | "r" | "p", unknown>): boolean {
  const int = (n: unknown, low: number, high: number) =>
    typeof n === "number" && Number.isInteger(n) && n >= low && n <= high;
  return (
    int(N, 2 ** KDF_LIMITS.minLogN, 2 ** KDF_LIMITS.maxLogN) &&
    ((N as number) & ((N as number) - 1)) === 0 &&
    int(r, 1, KDF_LIMITS.maxR) &&
    int(p, 1, KDF_LIMITS.maxP) &&
    128 * (N as number) * (r as number) * (p as number) <= KDF_LIMITS.maxMemory
  );
}

/** Fills `target` from `position`; a short read means the file ends early. */
async function readExactly(
  handle: FileHandle,
  target: Uint8Array,
  position: number,
  path: string,
  onShort: (path: string) => CodesFileError = truncatedAt,
): Promise<void> {
  let filled = 0;
  while (filled < target.length) {
    const { bytesRead } = await handle.read(target, filled, target.length - filled, position + filled);
    if (bytesRead === 0) throw onShort(path);
    filled += bytesRead;
  }
}

function checkHeaderFields({ chainId, registry, batchId, count, manifestHash }: Omit<CodesFileHeader, "version">) {
  if (typeof chainId !== "bigint" || chainId < 0n || chainId > MAX_UINT256) {
    throw new RangeError(`chainId ${chainId} is not a uint256`);
  }
  if (!isAddress(registry, { strict: false })) throw new RangeError(`registry ${registry} is not an address`);
  if (typeof batchId !== "bigint" || batchId < 0n || batchId > MAX_UINT64) {
    throw new RangeError(`batchId ${batchId} is not a uint64`);
  }
  if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
    throw new RangeError(`count must be an integer from 1 to ${MAX_COUNT}, got ${count}`);
  }
  if (!isHex(manifestHash, { strict: true }) || manifestHash.length !== 66) {
    throw new RangeError("manifestHash must be a 32-byte hex value (0x followed by 64 hex digits)");
  }
}

/** Makes `temporary` visible as `path` without replacing an existing file. */
async function publish(temporary: string, path: string): Promise<void> {
  try {
    await link(temporary, path);
  } catch (error) {
    if (errorCode(error) === "EEXIST") throw new CodesFileExistsError(path);
    if (!["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EXDEV"].includes(errorCode(error) ?? "")) throw error;
    // No hard links on this file system: rename after a last check (a small race, nothing better in Node).
    if (await exists(path)) throw new CodesFileExistsError(path);
    await rename(temporary, path);
    return;
  }
  await unlink(temporary);
}

/** Makes the new directory entry durable (best effort: not every platform can open a directory). */
async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, "r");
    await handle.sync();
  } catch {
    // Windows and some file systems refuse; the file itself is already synced.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (errorCode(error) === "ENOENT") return false;
    throw error;
  }
}

function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
}

function tamperedError(path: string, what: string): CodesFileError {
  return new CodesFileError({
    reason: "tampered",
    path,
    shortMessage: `codes file ${path} was altered or corrupted: ${what}`,
    details: "restore it from a backup; do not print or issue cards from this copy",
  });
}

function truncatedInHeader(path: string): CodesFileError {
  return new CodesFileError({
    reason: "truncated",
    path,
    shortMessage: `codes file ${path} is truncated: it ends inside its header`,
    details: "the copy is incomplete: copy it again from the original, or restore it from a backup",
  });
}

function truncatedAt(path: string): CodesFileError {
  return new CodesFileError({
    reason: "truncated",
    path,
    shortMessage: `codes file ${path} is truncated: it ended while being read`,
    details:
      "the copy is incomplete (or was being written): copy it again from the original, or restore it from a backup",
  });
}
