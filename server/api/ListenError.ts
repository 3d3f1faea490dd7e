import { BaseError } from "../internal/BaseError.js";

/** The API cannot listen on its address. Not retryable as is: free the port or configure another. */
export class ListenError extends BaseError {
  override name = "ListenError";

  constructor(host: string, port: number, cause: unknown) {
    const code = (cause as { code?: string } | null)?.code;
    super(
      code === "EADDRINUSE"
        ? `the API cannot listen on ${host}:${port}: the port is in use`
        : `the API cannot listen on ${host}:${port}${code === undefined ? "" : ` (${code})`}`,
      {
        details:
          "Set CARDPROOF_API_PORT to a free port (0 picks one) or CARDPROOF_API_HOST to an address of this " +
          "machine, or stop the process holding the port.",
        cause,
      },
    );
  }
}
