import { expect } from "chai";
import { mkdir, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { encodeFunctionData, type Address, type Hex } from "viem";

import { hashBatchManifest } from "../../../scripts/lib/batchManifest.js";
import { cardUrl, encodeCardPayload } from "../../../scripts/lib/cardPayload.js";
import { deriveCardKey } from "../../../scripts/lib/deriveCardKey.js";
import { formatCode } from "../../../scripts/lib/formatCode.js";
import { decodeSecretPayload } from "../../../scripts/lib/secretPayload.js";
import { voucherRegistryAbi } from "../../../scripts/lib/voucherRegistryAbi.js";
import { readCodesFile } from "../../../scripts/mint/codesFile.js";
import { CARD_WIDTH_MM, layoutCard, type DrawingLayer } from "../../../scripts/print/layoutCard.js";
import { QR_QUIET_ZONE } from "../../../scripts/print/createQrMatrix.js";
import { HARDHAT_KEYS, startCliChain, type CliChain, type CliRun } from "../../helpers/cliHarness.js";
import { decodeQrFromPng, type PixelRegion } from "../../helpers/decodeQr.js";

const PASSPHRASE = "correct horse battery staple";
const VERIFIER = "https://verify.cardproof.example/";

type MintResult = { batchId: string; folder: string; merkleRoot: Hex; manifestHash: Hex; count: number };

describe("cardproof batch mint and batch print", function () {
  let chain: CliChain;
  let registry: Address;
  const runs: CliRun[] = [];
  const asIssuer = { CARDPROOF_PRIVATE_KEY: HARDHAT_KEYS[1], CARDPROOF_CODES_PASSPHRASE: PASSPHRASE };

  async function cardproof(args: string[], env: Record<string, string> = asIssuer) {
    const run = await chain.cardproof(args, { env });
    runs.push(run);
    return run;
  }

  async function readOnChain(batchId: bigint) {
    const data = encodeFunctionData({ abi: voucherRegistryAbi, functionName: "batchOf", args: [batchId] });
    return (await chain.provider.request({ method: "eth_call", params: [{ to: registry, data }, "latest"] })) as Hex;
  }

  async function sendAsAdmin(functionName: "pause" | "unpause") {
    const data = encodeFunctionData({ abi: voucherRegistryAbi, functionName });
    await chain.provider.request({
      method: "eth_sendTransaction",
      params: [{ from: chain.accounts[0], to: registry, data }],
    });
  }

  before(async function () {
    chain = await startCliChain();
    const deployed = await cardproof(["deploy", "--json"], { CARDPROOF_PRIVATE_KEY: HARDHAT_KEYS[0] });
    registry = deployed.json<{ registry: Address }>().registry;
    await cardproof(["issuer", "register", chain.accounts[1]!, "--name", "Acme Game Cards"], {
      CARDPROOF_PRIVATE_KEY: HARDHAT_KEYS[0],
    });
  });

  after(async function () {
    // Whatever a test did, no run ever printed a secret code.
    const folders = await readdir(join(chain.workdir, ".cardproof/batches")).catch(() => []);
    for (const name of folders) {
      const codesPath = join(chain.workdir, ".cardproof/batches", name, "codes.cpcodes");
      const file = await readCodesFile(codesPath, PASSPHRASE).catch(() => undefined);
      if (file === undefined) continue;
      const text = new TextDecoder().decode(file.codes);
      for (let i = 0; i < text.length; i += 20) {
        const code = text.slice(i, i + 20);
        for (const run of runs) expect(run.stdout + run.stderr).not.to.contain(code);
      }
    }
    await chain.close();
  });

  let minted: MintResult;

  it("mints a batch: codes file, manifest and plan on disk, the root and manifest hash on chain", async function () {
    const run = await cardproof([
      "batch",
      "mint",
      "--count",
      "300",
      "--face-value",
      "49.99",
      "--currency",
      "eur",
      "--expires",
      "+365d",
      "--activation-required",
      "--redeemer",
      chain.accounts[4]!,
      "--json",
    ]);
    expect(run.code, run.stderr).to.equal(0);
    minted = run.json<MintResult>();
    expect(minted.count).to.equal(300);

    const manifest = await readFile(join(minted.folder, "manifest.json"));
    expect(hashBatchManifest(manifest)).to.equal(minted.manifestHash);
    const codesFile = await stat(join(minted.folder, "codes.cpcodes"));
    expect(codesFile.mode & 0o777).to.equal(0o600);
    const plan = JSON.parse(await readFile(join(minted.folder, "batch.json"), "utf8"));
    expect(plan).to.deep.include({ state: "issued", issuerName: "Acme Game Cards" });
    expect(plan.params).to.deep.include({ faceValue: "4999", currency: "EUR", count: 300, activationRequired: true });

    const onChain = await readOnChain(BigInt(minted.batchId));
    expect(onChain).to.contain(minted.merkleRoot.slice(2));
    // The codes file decrypts to codes whose card keys are the manifest's.
    const { codes, header } = await readCodesFile(join(minted.folder, "codes.cpcodes"), PASSPHRASE);
    expect(header.manifestHash).to.equal(minted.manifestHash);
    const first = new TextDecoder().decode(codes.subarray(0, 20));
    expect(manifest.toString("latin1")).to.contain(
      deriveCardKey({ chainId: 31337n, registry, batchId: BigInt(minted.batchId), serial: 0, code: first }),
    );
  });

  it("keeps every code out of the folder's public files and out of the chain (manifest, plan, calldata, logs)", async function () {
    const { codes } = await readCodesFile(join(minted.folder, "codes.cpcodes"), PASSPHRASE);
    const text = new TextDecoder().decode(codes);
    const publicFiles = [
      (await readFile(join(minted.folder, "manifest.json"), "latin1")).toLowerCase(),
      (await readFile(join(minted.folder, "batch.json"), "latin1")).toLowerCase(),
    ];
    const head = Number(await chain.provider.request({ method: "eth_blockNumber" }));
    const onChain: string[] = [];
    for (let block = 0; block <= head; block++) {
      const { transactions } = (await chain.provider.request({
        method: "eth_getBlockByNumber",
        params: [`0x${block.toString(16)}`, true],
      })) as { transactions: { input: string }[] };
      onChain.push(...transactions.map((tx) => tx.input.toLowerCase()));
    }
    const logs = (await chain.provider.request({
      method: "eth_getLogs",
      params: [{ fromBlock: "0x0", toBlock: "latest" }],
    })) as { data: string; topics: string[] }[];
    onChain.push(...logs.map((log) => [log.data, ...log.topics].join("").toLowerCase()));
    for (let i = 0; i < text.length; i += 20) {
      const code = text.slice(i, i + 20);
      const forms = [code, formatCode(code), Buffer.from(code).toString("hex")].map((form) => form.toLowerCase());
      for (const haystack of [...publicFiles, ...onChain]) {
        for (const form of forms) expect(haystack.includes(form), `code ${i / 20} found`).to.equal(false);
      }
    }
  });

  it("prints cards whose QR images decode to the exact public link and secret payload", async function () {
    const out = join(chain.workdir, "print-a");
    const run = await cardproof([
      "batch",
      "print",
      minted.folder,
      "--serials",
      "10-12",
      "--format",
      "pdf,png,svg",
      "--out",
      out,
      "--verifier-url",
      VERIFIER,
      "--json",
    ]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.json()).to.deep.include({ cards: 3, png: 3, svg: 3, pdfPages: 1 });
    expect((await readFile(join(out, `batch-${minted.batchId}.pdf`))).subarray(0, 5).toString()).to.equal("%PDF-");
    expect(await readdir(join(out, "png"))).to.deep.equal(["card-010.png", "card-011.png", "card-012.png"]);

    const { codes } = await readCodesFile(join(minted.folder, "codes.cpcodes"), PASSPHRASE);
    const code = new TextDecoder().decode(codes.subarray(20 * 11, 20 * 12));
    const batchId = BigInt(minted.batchId);
    const card = {
      chainId: 31337n,
      registry,
      batchId,
      serial: 11,
      code,
      faceValue: 4999n,
      currency: "EUR",
      expiresAt: 0,
      supplierName: "Acme Game Cards",
    };
    const expectedUrl = cardUrl(
      VERIFIER,
      encodeCardPayload({
        chainId: 31337n,
        registry,
        batchId,
        serial: 11,
        cardKey: deriveCardKey({ chainId: 31337n, registry, batchId, serial: 11, code }),
      }),
    );
    const png = await readFile(join(out, "png", "card-011.png"));
    const drawing = layoutCard(card, { verifierBase: VERIFIER });
    expect(decodeQrFromPng(png, qrRegion(drawing, "public"))).to.equal(expectedUrl);
    const secret = decodeQrFromPng(png, qrRegion(drawing, "scratch"));
    expect(decodeSecretPayload(secret!)).to.deep.equal({ code, batchId, serial: 11 });
  });

  it("warns when cards point to a verifier on this machine, and refuses that for a real chain's batch", async function () {
    const local = await cardproof([
      "batch",
      "print",
      minted.folder,
      "--serials",
      "0-0",
      "--out",
      join(chain.workdir, "print-local"),
    ]);
    expect(local.code, local.stderr).to.equal(0);
    expect(local.stderr).to.include(
      "warning: the cards' QR opens http://127.0.0.1:8787/, which only this machine can reach",
    );

    // The same folder as if minted on Base (chain 8453): a loopback verifier is a usage error, before any decryption.
    const copy = join(chain.workdir, "batch-on-base");
    await mkdir(copy, { recursive: true });
    for (const file of ["manifest.json", "codes.cpcodes"])
      await writeFile(join(copy, file), await readFile(join(minted.folder, file)));
    const plan = JSON.parse(await readFile(join(minted.folder, "batch.json"), "utf8")) as { chainId: string };
    await writeFile(join(copy, "batch.json"), JSON.stringify({ ...plan, chainId: "8453" }));
    const refused = await cardproof(["batch", "print", copy, "--verifier-url", "http://localhost:8787"]);
    expect(refused.code).to.equal(2);
    expect(refused.stderr)
      .to.include("a verifier on this machine that no buyer can reach (chain 8453)")
      .and.include("--verifier-url https://");
    expect(await readdir(copy)).to.not.include("print");
  });

  it("refuses a wrong passphrase and writes nothing", async function () {
    const out = join(chain.workdir, "print-wrong");
    const run = await cardproof(["batch", "print", minted.folder, "--serials", "0-1", "--out", out], {
      ...asIssuer,
      CARDPROOF_CODES_PASSPHRASE: "not the passphrase",
    });
    expect(run.code).to.equal(1);
    expect(run.stderr)
      .to.match(/wrong passphrase for .*codes\.cpcodes/)
      .and.match(/CARDPROOF_CODES_PASSPHRASE/);
    expect(run.stderr).not.to.contain("not the passphrase");
    expect(await readdir(chain.workdir)).not.to.include("print-wrong");
  });

  it("refuses a tampered codes file", async function () {
    const path = join(minted.folder, "codes.cpcodes");
    const original = await readFile(path);
    const tampered = Buffer.from(original);
    tampered[tampered.length - 40]! ^= 0x01;
    await writeFile(path, tampered);
    try {
      const run = await cardproof([
        "batch",
        "print",
        minted.folder,
        "--serials",
        "0",
        "--out",
        join(chain.workdir, "p3"),
      ]);
      expect(run.code).to.equal(1);
      expect(run.stderr)
        .to.match(/was altered or damaged/)
        .and.match(/restore the codes file from a backup/);
    } finally {
      await writeFile(path, original);
    }
  });

  it("resumes a batch whose transaction failed after its files were written, with the same codes", async function () {
    await sendAsAdmin("pause");
    const args = ["batch", "mint", "--count", "50", "--face-value", "10", "--currency", "USD", "--json"];
    const failed = await cardproof(args);
    expect(failed.code).to.equal(1);
    expect(failed.stderr).to.match(/could not issue batch \d+: the contract is paused/);
    const folders = await readdir(join(chain.workdir, ".cardproof/batches"));
    const pendingName = folders.find((name) => !minted.folder.endsWith(name))!;
    const pending = JSON.parse(
      await readFile(join(chain.workdir, ".cardproof/batches", pendingName, "batch.json"), "utf8"),
    );
    expect(pending.state).to.equal("prepared");

    await sendAsAdmin("unpause");
    const resumed = await cardproof(args.slice(0, -1));
    expect(resumed.code, resumed.stderr).to.equal(0);
    expect(resumed.stderr).to.match(/resuming batch \d+ prepared earlier/);
    const plan = JSON.parse(
      await readFile(join(chain.workdir, ".cardproof/batches", pendingName, "batch.json"), "utf8"),
    );
    expect(plan.state).to.equal("issued");
    expect(plan.params.merkleRoot).to.equal(pending.params.merkleRoot);
    expect(plan.batchId).to.equal(pending.batchId);
    expect(await readOnChain(BigInt(plan.batchId))).to.contain(pending.params.merkleRoot.slice(2));
  });

  it("refuses to mint over an issued batch id", async function () {
    const run = await cardproof([
      "batch",
      "mint",
      "--count",
      "5",
      "--face-value",
      "1",
      "--currency",
      "USD",
      "--batch-id",
      minted.batchId,
    ]);
    expect(run.code).to.equal(1);
    expect(run.stderr)
      .to.match(new RegExp(`batch ${minted.batchId} is already issued`))
      .and.match(/leave out --batch-id/);
  });

  it("does nothing more when resuming an issued batch", async function () {
    const run = await cardproof(["batch", "mint", "--resume", minted.folder, "--json"]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.json()).to.deep.include({ batchId: minted.batchId, merkleRoot: minted.merkleRoot });
  });

  it("refuses a signer that is not a registered issuer", async function () {
    const run = await cardproof(["batch", "mint", "--count", "5", "--face-value", "1", "--currency", "USD"], {
      ...asIssuer,
      CARDPROOF_PRIVATE_KEY: HARDHAT_KEYS[3],
    });
    expect(run.code).to.equal(1);
    expect(run.stderr)
      .to.match(/is not a registered issuer/)
      .and.match(/cardproof issuer register/);
  });

  it("asks for the passphrase in the environment when there is no terminal", async function () {
    const run = await cardproof(["batch", "mint", "--count", "5", "--face-value", "1", "--currency", "USD"], {
      CARDPROOF_PRIVATE_KEY: HARDHAT_KEYS[1],
    });
    expect(run.code).to.equal(1);
    expect(run.stderr)
      .to.match(/no terminal to type it/)
      .and.match(/CARDPROOF_CODES_PASSPHRASE/);
  });

  it("rejects bad terms before touching the chain", async function () {
    const cases: [string[], RegExp][] = [
      [["--count", "0", "--face-value", "1", "--currency", "USD"], /--count must be between 1 and 1000000/],
      [
        ["--count", "5", "--face-value", "1.234", "--currency", "USD"],
        /--face-value has 3 decimals, but the unit has only 2/,
      ],
      [["--count", "5", "--face-value", "1", "--currency", "DOLLAR"], /--currency must be an ISO 4217 code/],
      [["--count", "5", "--face-value", "1", "--currency", "XYZ"], /--currency XYZ is not an ISO 4217 currency in use/],
      [["--count", "5", "--face-value", "1", "--currency", "xxx"], /--currency XXX is not an ISO 4217 currency in use/],
      [
        ["--count", "5", "--face-value", "1", "--currency", "USD", "--expires", "2001-01-01"],
        /--expires must be in the future/,
      ],
    ];
    for (const [args, message] of cases) {
      const run = await cardproof(["batch", "mint", ...args]);
      expect(run.code, args.join(" ")).to.equal(2);
      expect(run.stderr).to.match(message);
    }
  });
});

/** Pixels of the QR on `layer` with its quiet zone, at the default 300 dpi. */
function qrRegion(drawing: ReturnType<typeof layoutCard>, layer: DrawingLayer): PixelRegion {
  const qr = drawing.items.find((item) => item.kind === "qr" && item.layer === layer);
  if (qr?.kind !== "qr") throw new Error("no QR");
  const pxPerMm = Math.round((CARD_WIDTH_MM / 25.4) * 300) / CARD_WIDTH_MM;
  const margin = (QR_QUIET_ZONE * qr.size) / qr.matrix.size;
  const [x, y] = [Math.floor((qr.x - margin) * pxPerMm), Math.floor((qr.y - margin) * pxPerMm)];
  const side = Math.ceil((qr.size + 2 * margin) * pxPerMm);
  return { x, y, width: side, height: side };
}
