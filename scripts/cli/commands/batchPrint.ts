import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

import { bytesToHex, type Address } from "viem";

import { decodeBatchManifest } from "../../lib/batchManifest.js";
import { CodesFileError, readCodesFile } from "../../mint/codesFile.js";
import type { PrintableCard } from "../../print/PrintableCard.js";
import { createSheetPdfWriter } from "../../print/createSheetPdfWriter.js";
import { renderCardPng } from "../../print/renderCardPng.js";
import { renderCardSvg } from "../../print/renderCardSvg.js";
import { belongsToDeployment, CODES_FILE, MANIFEST_FILE, readPlan, type BatchPlan } from "../batchPlan.js";
import type { CliCommand } from "../CliCommand.js";
import { CliError, usageError } from "../CliError.js";
import { readDeployment } from "../deploymentFile.js";
import { explainCodesFileError } from "../explainCodesFileError.js";
import { optionalString, parseSerialRange } from "../parseOptionValue.js";
import { PASSPHRASE_ATTEMPTS, PASSPHRASE_VARIABLE, readPassphrase } from "../readPassphrase.js";
import { deploymentPathOf, resolveBatchFolder } from "../resolveBatchFolder.js";

const FORMATS = ["pdf", "png", "svg"] as const;
type Format = (typeof FORMATS)[number];

/** Where the card QR sends buyers unless told otherwise: the verifier `npm start` serves. */
export const DEFAULT_VERIFIER_URL = "http://127.0.0.1:8787/";

/** `cardproof batch print`: cards as PNG, SVG and a printable A4 PDF, from a batch folder. */
export const batchPrintCommand: CliCommand = {
  path: ["batch", "print"],
  summary: "render a batch's cards (public QR, secret code and its QR) as PDF sheets, PNG and SVG",
  usage: `Usage: cardproof batch print <folder | batch id> [options]

  --serials <range>      which cards, e.g. 0-999 or 7 (default: the whole batch)
  --format <list>        pdf, png, svg, comma-separated (default pdf)
  --out <folder>         where to write (default <folder>/print); must not exist yet, or --force
  --verifier-url <url>   the verifier the public QR opens (env CARDPROOF_VERIFIER_URL;
                         default ${DEFAULT_VERIFIER_URL})
  --supplier-name <text> the name printed on the cards (default: the issuer's registered name)
  --force                replace the output folder

Needs the codes file's passphrase (CARDPROOF_CODES_PASSPHRASE or typed). Reads no chain: print
on an offline machine if you like. The output holds secret codes: treat it like the codes file.`,
  options: {
    serials: { type: "string" },
    format: { type: "string" },
    out: { type: "string" },
    "verifier-url": { type: "string" },
    "supplier-name": { type: "string" },
    force: { type: "boolean" },
  },
  async run({ values, positionals, output }) {
    if (positionals.length !== 1)
      throw usageError("give the batch folder or id", "e.g. cardproof batch print 4294967297");
    const folder = await resolveBatchFolder(positionals[0]!, deploymentPathOf(values));
    const formats = parseFormats(optionalString(values, "format") ?? "pdf");
    const verifierBase =
      optionalString(values, "verifier-url") ?? process.env.CARDPROOF_VERIFIER_URL ?? DEFAULT_VERIFIER_URL;
    try {
      new URL(verifierBase);
    } catch {
      throw usageError(`--verifier-url is not a URL: "${verifierBase}"`);
    }
    const plan = await readPlan(folder);
    await checkDeployment(plan, folder, deploymentPathOf(values));
    checkVerifierReach(verifierBase, plan.chainId, output);
    const { count } = plan.params;
    const range = parseSerialRange("--serials", optionalString(values, "serials") ?? `0-${count - 1}`);
    if (range.end > count) throw usageError(`--serials goes past the batch's last card ${count - 1}`);
    const supplierName = optionalString(values, "supplier-name") ?? plan.issuerName;
    if (supplierName === undefined) {
      throw usageError("the issuer registered no readable name", 'pass --supplier-name "Acme Game Cards"');
    }
    if (plan.state !== "issued") {
      output.warn(
        `batch ${plan.batchId} is not issued yet: its cards verify only once it is (cardproof batch mint --resume ${folder})`,
      );
    }
    const out = optionalString(values, "out") ?? join(folder, "print");
    if ((await exists(out)) && values.force !== true) {
      throw new CliError(`${out} already exists`, { hint: "pass another --out, or --force to replace it" });
    }

    const manifest = decodeBatchManifest(await readFile(join(folder, MANIFEST_FILE)));
    if (manifest.batchId !== plan.batchId || manifest.count !== count) {
      throw new CliError(`${join(folder, MANIFEST_FILE)} does not belong to batch ${plan.batchId}`, {
        hint: "restore the folder as `batch mint` wrote it",
      });
    }
    const codesPath = join(folder, CODES_FILE);
    const typed = (process.env[PASSPHRASE_VARIABLE] ?? "") === "";
    let codes: Uint8Array;
    for (let attempt = 1; ; attempt++) {
      const passphrase = await readPassphrase(`decrypt the codes of batch ${plan.batchId}`, { confirm: false });
      const decrypting = output.progress("decrypting the codes", count, "cards");
      try {
        const file = await readCodesFile(codesPath, passphrase, {
          onProgress: (done: number) => decrypting.update(done),
        });
        decrypting.finish();
        codes = file.codes;
        if (file.header.manifestHash !== plan.params.manifestHash || file.header.batchId !== plan.batchId) {
          codes.fill(0);
          throw new CliError(`${codesPath} holds the codes of another batch than ${folder}'s`, {
            hint: "restore the folder as `batch mint` wrote it",
          });
        }
        break;
      } catch (error) {
        // A typo at the keyboard is asked again; a wrong passphrase from the environment is not a typo.
        const mistyped = error instanceof CodesFileError && error.reason === "wrong-passphrase" && typed;
        if (mistyped && attempt < PASSPHRASE_ATTEMPTS) {
          output.warn("wrong passphrase; type it again");
          continue;
        }
        throw explainCodesFileError(error, codesPath);
      }
    }

    // Everything goes to a fresh folder that replaces `out` only when complete.
    const staging = `${out}.tmp-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true, mode: 0o700 });
    const files: Record<Format, number> = { pdf: 0, png: 0, svg: 0 };
    try {
      const sheet = formats.includes("pdf")
        ? createSheetPdfWriter({ output: join(staging, `batch-${plan.batchId}.pdf`), verifierBase })
        : undefined;
      if (formats.includes("png")) await mkdir(join(staging, "png"), { mode: 0o700 });
      if (formats.includes("svg")) await mkdir(join(staging, "svg"), { mode: 0o700 });
      const printing = output.progress("printing cards", range.end - range.start, "cards");
      const decoder = new TextDecoder();
      for (let serial = range.start; serial < range.end; serial++) {
        const card: PrintableCard = {
          chainId: plan.chainId,
          registry: plan.registry,
          batchId: plan.batchId,
          serial,
          code: decoder.decode(codes.subarray(20 * serial, 20 * serial + 20)),
          // The manifest's card key (its hash matches the codes file's header): no key derivation per card.
          cardKey: bytesToHex(manifest.cardKeys.subarray(20 * serial, 20 * serial + 20)) as Address,
          faceValue: plan.params.faceValue,
          currency: plan.params.currency,
          expiresAt: plan.params.expiresAt,
          supplierName,
        };
        const name = `card-${String(serial).padStart(String(count - 1).length, "0")}`;
        if (sheet !== undefined) await sheet.addCard(card);
        if (formats.includes("png")) {
          await writeFile(join(staging, "png", `${name}.png`), renderCardPng(card, { verifierBase }), { mode: 0o600 });
          files.png++;
        }
        if (formats.includes("svg")) {
          await writeFile(join(staging, "svg", `${name}.svg`), renderCardSvg(card, { verifierBase }), { mode: 0o600 });
          files.svg++;
        }
        printing.update(serial - range.start + 1);
      }
      if (sheet !== undefined) {
        const summary = await sheet.close();
        files.pdf = summary.pages;
      }
      printing.finish();
      await rm(out, { recursive: true, force: true });
      await rename(staging, out);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    } finally {
      codes.fill(0);
    }

    const cards = range.end - range.start;
    output.result(
      {
        batchId: plan.batchId,
        serials: { first: range.start, last: range.end - 1 },
        cards,
        out: resolve(out),
        verifierUrl: verifierBase,
        pdf: formats.includes("pdf") ? join(resolve(out), `batch-${plan.batchId}.pdf`) : null,
        pdfPages: files.pdf,
        png: files.png,
        svg: files.svg,
      },
      [
        `printed ${cards.toLocaleString("en-US")} card${cards === 1 ? "" : "s"} of batch ${plan.batchId} (serials ${range.start}-${range.end - 1}) to ${out}`,
        ...(formats.includes("pdf")
          ? [`  PDF: batch-${plan.batchId}.pdf, ${files.pdf} A4 page${files.pdf === 1 ? "" : "s"} with cut marks`]
          : []),
        ...(formats.includes("png") ? [`  PNG: ${files.png} files in png/`] : []),
        ...(formats.includes("svg") ? [`  SVG: ${files.svg} files in svg/`] : []),
        "  these files hold secret codes: keep them as safe as the codes file",
      ],
    );
  },
};

function parseFormats(text: string): Format[] {
  const formats = text.split(",").map((item) => item.trim().toLowerCase());
  for (const format of formats) {
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw usageError(`--format: unknown format "${format}"`, "use pdf, png and/or svg, e.g. --format pdf,png");
    }
  }
  return [...new Set(formats)] as Format[];
}

async function exists(path: string): Promise<boolean> {
  return await stat(path).then(
    () => true,
    () => false,
  );
}

/** Chain ids of development chains (Hardhat and anvil 31337, geth --dev and Ganache 1337). */
const DEVELOPMENT_CHAINS = new Set([31_337n, 1_337n]);

/**
 * A verifier on this machine (127.0.0.1, localhost, ::1) is reachable from no buyer's phone: it is
 * refused for cards of a real chain, and warned about on a development chain (demos, tests).
 */
function checkVerifierReach(verifierBase: string, chainId: bigint, output: { warn(line: string): void }) {
  const host = new URL(verifierBase).hostname.replace(/^\[|\]$/g, "");
  const loopback = host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127\./.test(host);
  if (!loopback && host !== "0.0.0.0") return;
  if (!DEVELOPMENT_CHAINS.has(chainId)) {
    throw usageError(
      `the cards' QR would open ${verifierBase}, a verifier on this machine that no buyer can reach (chain ${chainId})`,
      "pass --verifier-url https://… (or CARDPROOF_VERIFIER_URL) with the verifier's public address",
    );
  }
  output.warn(
    `the cards' QR opens ${verifierBase}, which only this machine can reach: fine for a development chain, ` +
      "but pass --verifier-url with a public address for cards that leave it",
  );
}

/**
 * Refuses a batch minted on an earlier deployment at the same address as the deployment file's (a
 * restarted local chain deploys there again): its cards would verify nowhere. Without a deployment
 * file of that chain and registry, printing stays offline and unchecked.
 */
async function checkDeployment(plan: BatchPlan, folder: string, deploymentPath: string): Promise<void> {
  const deployment = await readDeployment(deploymentPath).catch(() => undefined);
  if (deployment === undefined || deployment.chainId !== plan.chainId || deployment.registry !== plan.registry) return;
  if (belongsToDeployment(plan, deployment)) return;
  throw new CliError(
    `batch ${plan.batchId} in ${folder} was minted on an earlier deployment of registry ${plan.registry} on chain ` +
      `${plan.chainId} (a restarted chain deploys again at the same address): its cards would verify nowhere`,
    {
      hint:
        "mint a new batch on this deployment (cardproof batch mint); to print these cards for their own chain, " +
        "pass the --deployment file they were minted with",
    },
  );
}
