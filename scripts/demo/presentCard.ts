import QRCode from "qrcode";
import type { Address } from "viem";

import { cardUrl, encodeCardPayload } from "../lib/cardPayload.js";

/** A card the demo points the user at, and what its status should be after the demo's steps. */
export type ShowcaseCard = { serial: number; label: string; expected: string };

/** What the indexer's API said about a card (`GET /v1/batches/{id}/cards/{serial}`). */
export type ApiCardStatus = { status: string; holder: string } | { error: string };

/**
 * One showcase card as the demo prints it: the verifier link a phone gets from the card's public QR
 * (`cardUrl(verifierBase, encodeCardPayload(…))`), the API URL of its status, what the API answers
 * now, and the link as a QR for the terminal.
 */
export async function presentCard({
  card,
  chainId,
  registry,
  batchId,
  cardKey,
  verifierBase,
  apiBase,
}: {
  card: ShowcaseCard;
  chainId: bigint;
  registry: Address;
  batchId: bigint;
  /** The card's key, from the batch manifest (public; the code itself is never needed). */
  cardKey: Address;
  verifierBase: string;
  apiBase: string;
}) {
  const payload = encodeCardPayload({ chainId, registry, batchId, serial: card.serial, cardKey });
  // The QR holds cardUrl's form (scheme and host in upper case fit the QR's compact alphanumeric
  // mode); the text shows the same link normalised, which terminals recognise as a link.
  const qrText = cardUrl(verifierBase, payload);
  const url = new URL(qrText).href;
  const apiUrl = new URL(`v1/batches/${batchId}/cards/${card.serial}`, withSlash(apiBase)).toString();
  const api = await fetchCardStatus(apiUrl);
  const qr = await QRCode.toString(qrText, { type: "terminal", small: true });
  return { ...card, payload, url, apiUrl, api, qr };
}

async function fetchCardStatus(url: string): Promise<ApiCardStatus> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as {
      data?: { status?: string; holder?: string };
      error?: { code?: string; message?: string };
    };
    if (response.ok && typeof body.data?.status === "string") {
      return { status: body.data.status, holder: String(body.data.holder) };
    }
    return { error: body.error?.message ?? `HTTP ${response.status}` };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}
