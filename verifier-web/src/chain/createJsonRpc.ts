/** One JSON-RPC call of a batch. */
export type RpcCall = { method: string; params: unknown[] };

/** One answer of a batch: the result, or the node's error (a revert is one). */
export type RpcAnswer = { ok: true; result: unknown } | { ok: false; code: number; message: string; data?: unknown };

/**
 * No configured endpoint answered (network error, timeout, HTTP error, malformed answer). The page
 * says "could not check right now", never "counterfeit".
 */
export class RpcUnavailableError extends Error {
  override readonly name = "RpcUnavailableError";
}

/**
 * A minimal JSON-RPC client for the browser: batched `POST`s with `fetch`, a timeout per request,
 * and the next URL tried when one fails. About 1 KB, where viem's transport and client cost 20.
 */
export function createJsonRpc(urls: readonly string[], { timeoutMs = 8_000 }: { timeoutMs?: number } = {}) {
  let id = 0;
  /** The URL that answered last; tried first next time. */
  let preferred = 0;

  async function post(url: string, calls: readonly RpcCall[]): Promise<RpcAnswer[]> {
    const first = id + 1;
    const body = calls.map((call) => ({ jsonrpc: "2.0", id: ++id, method: call.method, params: call.params }));
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      credentials: "omit",
      referrerPolicy: "no-referrer",
    });
    if (!response.ok) throw new RpcUnavailableError(`the node answered HTTP ${response.status}`);
    const answers: unknown = await response.json();
    if (!Array.isArray(answers)) throw new RpcUnavailableError("the node did not answer the batch");
    return calls.map((_call, index) => {
      const answer = answers.find((item: { id?: unknown }) => item?.id === first + index) as
        { result?: unknown; error?: { code?: unknown; message?: unknown; data?: unknown } } | undefined;
      if (answer === undefined) throw new RpcUnavailableError("the node left a call of the batch unanswered");
      if (answer.error !== undefined) {
        return {
          ok: false,
          code: typeof answer.error.code === "number" ? answer.error.code : 0,
          message: typeof answer.error.message === "string" ? answer.error.message : "",
          data: answer.error.data,
        };
      }
      return { ok: true, result: answer.result };
    });
  }

  return {
    /**
     * Sends `calls` as one batch; each answer is the result or the node's error.
     *
     * @throws {RpcUnavailableError} when no URL answered.
     */
    async batch(calls: readonly RpcCall[]): Promise<RpcAnswer[]> {
      if (urls.length === 0) throw new RpcUnavailableError("no JSON-RPC endpoint is configured");
      let lastError: unknown;
      for (let attempt = 0; attempt < urls.length; attempt++) {
        const index = (preferred + attempt) % urls.length;
        try {
          const answers = await post(urls[index]!, calls);
          preferred = index;
          return answers;
        } catch (error) {
          lastError = error;
        }
      }
      throw lastError instanceof RpcUnavailableError
        ? lastError
        : new RpcUnavailableError("no JSON-RPC endpoint answered", { cause: lastError });
    },
  };
}

export type JsonRpc = ReturnType<typeof createJsonRpc>;

/** Whether a node's error is a contract revert (not an outage). */
export function isRevert(answer: RpcAnswer): boolean {
  return !answer.ok && (answer.code === 3 || /revert/i.test(answer.message));
}
