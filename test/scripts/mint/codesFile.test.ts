import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import type { Address, Hex } from "viem";

import { makeBatchId } from "../../../scripts/lib/batchId.js";
import { generateCodes } from "../../../scripts/lib/generateCode.js";
import {
  CODES_FILE_KDF,
  CODES_FILE_MAGIC,
  CodesFileError,
  CodesFileExistsError,
  MIN_PASSPHRASE_LENGTH,
  readCodesFile,
  readCodesFileHeader,
  writeCodesFile,
  type CodesFileErrorReason,
  type ScryptParameters,
} from "../../../scripts/mint/codesFile.js";

const PASSPHRASE = "river-candle-orbit-7";
/** Cheap scrypt for the tests that are not about the key derivation (readers accept it). */
const TEST_KDF: ScryptParameters = { N: 2 ** 10, r: 8, p: 1 };
const HEADER = {
  chainId: 31337n,
  registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Address,
  batchId: makeBatchId(7, 1),
  manifestHash: `0x${"ab".repeat(32)}` as Hex,
};
const CODES_PER_CHUNK = 65_536;
/** Two full chunks and a short last one. */
const COUNT = 2 * CODES_PER_CHUNK + 1_000;
const CODE_LIST = generateCodes(COUNT);
const CODES = Uint8Array.from(Buffer.from(CODE_LIST.join(""), "latin1"));

/** The error `promise` rejects with (fails when it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

const CODE_SET = new Set(CODE_LIST);

/** Fails when an error's message, stack or fields contain the passphrase or any code. */
function expectNoSecrets(error: Error): void {
  const text = `${error.message}\n${error.stack ?? ""}\n${JSON.stringify(error)}`;
  expect(text).to.not.include(PASSPHRASE);
  for (const word of text.match(/[0-9A-Z]{20}/g) ?? [])
    expect(CODE_SET.has(word), "a code in an error").to.equal(false);
}

/** Layout of a written file: where the header JSON, its digest and each chunk are. */
function layoutOf(bytes: Buffer) {
  const headerLength = bytes.readUInt32BE(9);
  const jsonStart = 13;
  const digestStart = jsonStart + headerLength;
  const bodyStart = digestStart + 32;
  const chunk = (index: number) => {
    const codes = Math.min(CODES_PER_CHUNK, COUNT - index * CODES_PER_CHUNK);
    const start = bodyStart + index * (20 * CODES_PER_CHUNK + 16);
    return { start, tagStart: start + 20 * codes, end: start + 20 * codes + 16 };
  };
  return { headerLength, jsonStart, digestStart, bodyStart, chunk };
}

describe("codesFile", function () {
  let directory: string;
  beforeEach(function () {
    directory = mkdtempSync(join(tmpdir(), "cardproof-codes-"));
  });
  afterEach(function () {
    rmSync(directory, { recursive: true, force: true });
  });

  /** Writes the test codes to a new file with the cheap KDF; returns its path. */
  async function written(name = "batch.cpcodes"): Promise<string> {
    const path = join(directory, name);
    await writeCodesFile(path, { ...HEADER, count: COUNT }, CODES, PASSPHRASE, { kdf: TEST_KDF });
    return path;
  }

  /** Reads `path` and returns the CodesFileError it fails with. */
  async function readFailure(path: string, passphrase = PASSPHRASE): Promise<CodesFileError> {
    const error = await rejectionOf(readCodesFile(path, passphrase));
    expectNoSecrets(error);
    expect(error).to.be.instanceOf(CodesFileError);
    return error as CodesFileError;
  }

  /** Applies `change` to the bytes of a fresh file and returns the reason reading it fails with. */
  async function reasonAfter(change: (bytes: Buffer) => Buffer): Promise<CodesFileErrorReason> {
    const path = await written(`changed-${readdirSync(directory).length}.cpcodes`);
    writeFileSync(path, change(readFileSync(path)));
    return (await readFailure(path)).reason;
  }

  it("round-trips the codes with the production key derivation, and keeps the header readable", async function () {
    this.timeout(30_000);
    const path = join(directory, "batch.cpcodes");
    const progress: number[] = [];
    await writeCodesFile(path, { ...HEADER, count: COUNT }, CODES, PASSPHRASE, {
      onProgress: (done, total) => {
        expect(total).to.equal(COUNT);
        progress.push(done);
      },
    });
    expect(progress).to.deep.equal([0, CODES_PER_CHUNK, 2 * CODES_PER_CHUNK, COUNT]);
    const bytes = readFileSync(path);
    expect(bytes.subarray(0, 8).equals(Buffer.from(CODES_FILE_MAGIC))).to.equal(true);
    const json = JSON.parse(bytes.subarray(13, 13 + bytes.readUInt32BE(9)).toString("utf8")) as {
      kdf: { name: string; N: number; r: number; p: number };
    };
    expect(json.kdf).to.deep.include({ name: "scrypt", ...CODES_FILE_KDF });

    const expectedHeader = { version: 1, ...HEADER, count: COUNT };
    expect(await readCodesFileHeader(path)).to.deep.equal(expectedHeader);
    const { header, codes } = await readCodesFile(path, PASSPHRASE);
    expect(header).to.deep.equal(expectedHeader);
    expect(Buffer.from(codes).equals(Buffer.from(CODES))).to.equal(true);
  });

  it("stores no code and no passphrase in clear, and writes the file with mode 0600", async function () {
    const path = await written();
    const text = readFileSync(path).toString("latin1");
    expect(CODE_LIST.slice(0, 1_000).some((code) => text.includes(code))).to.equal(false);
    expect(text.includes(PASSPHRASE)).to.equal(false);
    if (process.platform !== "win32") expect(statSync(path).mode & 0o777).to.equal(0o600);
    expect(readdirSync(directory)).to.deep.equal(["batch.cpcodes"]);
  });

  it("writes and reads a one-card file, and normalises the passphrase to NFC", async function () {
    const path = join(directory, "one.cpcodes");
    const composed = "caf\u00e9-au-lait-noir";
    await writeCodesFile(path, { ...HEADER, count: 1 }, CODES.subarray(0, 20), composed, { kdf: TEST_KDF });
    const decomposed = composed.normalize("NFD");
    expect(decomposed).to.not.equal(composed);
    const { codes } = await readCodesFile(path, decomposed);
    expect(Buffer.from(codes).toString("latin1")).to.equal(CODE_LIST[0]);
  });

  it("tells a wrong passphrase from damage, and says where to look", async function () {
    const path = await written();
    const error = await readFailure(path, "not-the-right-passphrase");
    expect(error.reason).to.equal("wrong-passphrase");
    expect(`${error.message}${error.stack}`).to.not.include("not-the-right-passphrase");
    expect(error.message).to.equal(
      `wrong passphrase for codes file ${path}: check CARDPROOF_CODES_PASSPHRASE or the passphrase you typed`,
    );
  });

  it("reports a changed byte in the header JSON as tampered, before asking for the key", async function () {
    const changeAt = (offset: (layout: ReturnType<typeof layoutOf>) => number) => (bytes: Buffer) => {
      const copy = Buffer.from(bytes);
      copy[offset(layoutOf(copy))]! ^= 0x01;
      return copy;
    };
    // A digit of the chain id, a character of the salt, and a byte of the header's digest.
    expect(await reasonAfter(changeAt(({ jsonStart }) => jsonStart + 25))).to.equal("tampered");
    const saltAt = (bytes: Buffer) => bytes.indexOf('"salt":"') + 10;
    expect(await reasonAfter((bytes) => changeAt(() => saltAt(bytes))(bytes))).to.equal("tampered");
    expect(await reasonAfter(changeAt(({ digestStart }) => digestStart + 5))).to.equal("tampered");
  });

  it("reports a header rewritten with a matching digest as tampered: the chunks authenticate it", async function () {
    const path = await written();
    const bytes = readFileSync(path);
    const { jsonStart, digestStart } = layoutOf(bytes);
    const json = bytes.subarray(jsonStart, digestStart).toString("utf8");
    const header = Buffer.from(json.replace('"chainId":"31337"', '"chainId":"31338"'));
    expect(header.length).to.equal(json.length);
    const body = Buffer.concat([bytes.subarray(0, jsonStart), header]);
    const digest = createHash("sha256").update(body).digest();
    writeFileSync(path, Buffer.concat([body, digest, bytes.subarray(digestStart + 32)]));
    // The header reads (its digest matches), the passphrase is right, the first chunk fails.
    expect((await readCodesFileHeader(path)).chainId).to.equal(31338n);
    const error = await readFailure(path);
    expect(error.reason).to.equal("tampered");
    expect(error.message).to.match(
      /was altered or corrupted: chunk 1 of 3 \(codes 0 to 65535\) fails its check: restore it from a backup/,
    );
  });

  it("reports a changed byte in a chunk's ciphertext or tag as tampered", async function () {
    for (const at of [
      (bytes: Buffer) => layoutOf(bytes).chunk(0).start,
      (bytes: Buffer) => layoutOf(bytes).chunk(1).start + 12_345,
      (bytes: Buffer) => layoutOf(bytes).chunk(2).tagStart - 1,
      (bytes: Buffer) => layoutOf(bytes).chunk(1).tagStart + 3,
      (bytes: Buffer) => layoutOf(bytes).chunk(2).end - 1,
    ]) {
      const reason = await reasonAfter((bytes) => {
        const copy = Buffer.from(bytes);
        copy[at(copy)]! ^= 0x80;
        return copy;
      });
      expect(reason).to.equal("tampered");
    }
  });

  it("reports two chunks swapped as tampered (each chunk is bound to its position)", async function () {
    const reason = await reasonAfter((bytes) => {
      const { chunk } = layoutOf(bytes);
      const [first, second] = [chunk(0), chunk(1)];
      return Buffer.concat([
        bytes.subarray(0, first.start),
        bytes.subarray(second.start, second.end),
        bytes.subarray(first.start, first.end),
        bytes.subarray(second.end),
      ]);
    });
    expect(reason).to.equal("tampered");
  });

  it("reports a file missing its last chunk, or cut anywhere, as truncated", async function () {
    expect(await reasonAfter((bytes) => bytes.subarray(0, layoutOf(bytes).chunk(2).start))).to.equal("truncated");
    expect(await reasonAfter((bytes) => bytes.subarray(0, bytes.length - 1))).to.equal("truncated");
    expect(await reasonAfter((bytes) => bytes.subarray(0, layoutOf(bytes).chunk(1).start + 100))).to.equal("truncated");
    expect(await reasonAfter((bytes) => bytes.subarray(0, layoutOf(bytes).bodyStart))).to.equal("truncated");
    expect(await reasonAfter((bytes) => bytes.subarray(0, 40))).to.equal("truncated");
    expect(await reasonAfter((bytes) => bytes.subarray(0, 5))).to.equal("truncated");
  });

  it("reports bytes appended after the last chunk as tampered", async function () {
    expect(await reasonAfter((bytes) => Buffer.concat([bytes, Buffer.from([0])]))).to.equal("tampered");
    const extra = await reasonAfter((bytes) => Buffer.concat([bytes, bytes.subarray(layoutOf(bytes).chunk(2).start)]));
    expect(extra).to.equal("tampered");
  });

  it("reports a file that is not a codes file, with or without the passphrase", async function () {
    const samples = {
      "manifest.json": Buffer.from('{"version":1,"chainId":"31337"}'),
      "cards.pdf": Buffer.from("%PDF-1.4\n"),
      "empty.cpcodes": Buffer.alloc(0),
    };
    for (const [name, bytes] of Object.entries(samples)) {
      const path = join(directory, name);
      writeFileSync(path, bytes);
      expect((await readFailure(path)).reason, name).to.equal("not-a-codes-file");
      const headerError = await rejectionOf(readCodesFileHeader(path));
      expect((headerError as CodesFileError).reason, name).to.equal("not-a-codes-file");
      expect(headerError.message).to.include(`${path} is not a CardProof codes file`);
    }
  });

  it("reports a newer format version as unsupported", async function () {
    const path = await written();
    const bytes = readFileSync(path);
    bytes[8] = 2;
    writeFileSync(path, bytes);
    const error = await readFailure(path);
    expect(error.reason).to.equal("unsupported-version");
    expect(error.message).to.include("format version 2");
    expect(((await rejectionOf(readCodesFileHeader(path))) as CodesFileError).reason).to.equal("unsupported-version");
  });

  it("refuses to overwrite an existing file and leaves it untouched", async function () {
    const path = join(directory, "batch.cpcodes");
    writeFileSync(path, "precious");
    const error = await rejectionOf(
      writeCodesFile(path, { ...HEADER, count: COUNT }, CODES, PASSPHRASE, { kdf: TEST_KDF }),
    );
    expectNoSecrets(error);
    expect(error).to.be.instanceOf(CodesFileExistsError);
    expect((error as CodesFileExistsError).code).to.equal("EEXIST");
    expect(error.message).to.match(/^refusing to overwrite .*batch\.cpcodes: .*move the existing file away first$/);
    expect(readFileSync(path, "utf8")).to.equal("precious");
    expect(readdirSync(directory)).to.deep.equal(["batch.cpcodes"]);
  });

  it("refuses a file that appears while it writes, and leaves no temporary file behind", async function () {
    const path = join(directory, "batch.cpcodes");
    const error = await rejectionOf(
      writeCodesFile(path, { ...HEADER, count: COUNT }, CODES, PASSPHRASE, {
        kdf: TEST_KDF,
        onProgress: (done) => {
          if (done === CODES_PER_CHUNK) writeFileSync(path, "written meanwhile");
        },
      }),
    );
    expectNoSecrets(error);
    expect(error).to.be.instanceOf(CodesFileExistsError);
    expect(readFileSync(path, "utf8")).to.equal("written meanwhile");
    expect(readdirSync(directory)).to.deep.equal(["batch.cpcodes"]);
  });

  it("leaves nothing behind when writing fails half-way or cannot start", async function () {
    const path = join(directory, "batch.cpcodes");
    const failing = await rejectionOf(
      writeCodesFile(path, { ...HEADER, count: COUNT }, CODES, PASSPHRASE, {
        kdf: TEST_KDF,
        onProgress: (done) => {
          if (done === 2 * CODES_PER_CHUNK) throw new Error("disk full (simulated)");
        },
      }),
    );
    expect(failing.message).to.equal("disk full (simulated)");
    expect(readdirSync(directory)).to.deep.equal([]);

    const missing = join(directory, "no-such-folder", "batch.cpcodes");
    const error = await rejectionOf(
      writeCodesFile(missing, { ...HEADER, count: COUNT }, CODES, PASSPHRASE, { kdf: TEST_KDF }),
    );
    expectNoSecrets(error);
    expect((error as NodeJS.ErrnoException).code).to.equal("ENOENT");
    expect(existsSync(join(directory, "no-such-folder"))).to.equal(false);
    expect(readdirSync(directory)).to.deep.equal([]);
  });

  it(`rejects a passphrase shorter than ${MIN_PASSPHRASE_LENGTH} characters`, async function () {
    const short = "eleven-char";
    expect([...short]).to.have.length(MIN_PASSPHRASE_LENGTH - 1);
    const path = join(directory, "batch.cpcodes");
    const error = await rejectionOf(writeCodesFile(path, { ...HEADER, count: COUNT }, CODES, short, { kdf: TEST_KDF }));
    expectNoSecrets(error);
    expect(error).to.be.instanceOf(RangeError);
    expect(error.message).to.match(/at least 12 characters: choose a longer one/);
    expect(error.message).to.not.include(short);
    expect(existsSync(path)).to.equal(false);
  });

  it("rejects codes that do not match the count, and header fields out of range", async function () {
    const path = join(directory, "batch.cpcodes");
    const cases: [Parameters<typeof writeCodesFile>[1], Uint8Array, RegExp][] = [
      [{ ...HEADER, count: COUNT + 1 }, CODES, /codes must hold 20 bytes for each of the/],
      [{ ...HEADER, count: 0 }, CODES.subarray(0, 0), /count must be an integer from 1/],
      [{ ...HEADER, count: 1, batchId: 1n << 64n }, CODES.subarray(0, 20), /batchId .* is not a uint64/],
      [{ ...HEADER, count: 1, manifestHash: "0x12" }, CODES.subarray(0, 20), /manifestHash must be a 32-byte hex/],
    ];
    for (const [header, codes, message] of cases) {
      const error = await rejectionOf(writeCodesFile(path, header, codes, PASSPHRASE, { kdf: TEST_KDF }));
      expectNoSecrets(error);
      expect(error).to.be.instanceOf(RangeError);
      expect(error.message).to.match(message);
    }
    expect(readdirSync(directory)).to.deep.equal([]);
  });
});
