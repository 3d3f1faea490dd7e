/**
 * An RPC URL fit for logs and error messages: its origin only. Hosted RPC URLs carry their API
 * key in the path or query (`https://eth-mainnet.g.alchemy.com/v2/<key>`), which must not leak.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const hidden = parsed.pathname.length > 1 || parsed.search !== "" || parsed.username !== "";
    return hidden ? `${parsed.protocol}//${parsed.host}/…` : `${parsed.protocol}//${parsed.host}`;
  } catch {
    return "<invalid url>";
  }
}
