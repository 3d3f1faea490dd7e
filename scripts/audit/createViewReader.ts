import {
  decodeErrorResult,
  decodeFunctionResult,
  encodeFunctionData,
  type Abi,
  type ContractFunctionName,
  type ContractFunctionArgs,
  type ContractFunctionReturnType,
  type Hex,
} from "viem";

import type { RpcClient } from "../../server/sync/createRpcClient.js";
import { RpcRequestError } from "../../server/sync/RpcRequestError.js";

/** A view's answer, or its revert (a custom error, named when the ABI knows it). */
export type ViewResult<T> = { ok: true; value: T } | { ok: false; error: string; data?: Hex };

/**
 * Contract views pinned to one block (`eth_call` at that block number), through the RPC client's
 * retries, at most `concurrency` in flight. A revert is an answer ({@link ViewResult}); anything
 * else that fails (the node, the network) throws, and the audit stops incomplete.
 */
export function createViewReader({ rpc, block, concurrency }: { rpc: RpcClient; block: number; concurrency: number }) {
  const tag = `0x${block.toString(16)}`;
  let active = 0;
  let calls = 0;
  const waiting: (() => void)[] = [];

  async function slot<T>(task: () => Promise<T>): Promise<T> {
    if (active >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  }

  return {
    block,
    /** eth_calls made so far. */
    get calls() {
      return calls;
    },
    async read<
      const abi extends Abi,
      name extends ContractFunctionName<abi, "view" | "pure">,
      const args extends ContractFunctionArgs<abi, "view" | "pure", name>,
    >(
      address: Hex,
      abi: abi,
      functionName: name,
      args: args,
    ): Promise<ViewResult<ContractFunctionReturnType<abi, "view" | "pure", name, args>>> {
      const data = encodeFunctionData({ abi, functionName, args } as never);
      return slot(async () => {
        calls++;
        let result: Hex;
        try {
          result = await rpc.request<Hex>("eth_call", [{ to: address, data }, tag]);
        } catch (error) {
          const revert = revertOf(error);
          if (revert === undefined) throw error;
          let name = revert.message;
          if (revert.data !== undefined && revert.data.length >= 10) {
            try {
              const decoded = decodeErrorResult({ abi, data: revert.data });
              const values = (decoded.args ?? []) as readonly unknown[];
              name = `${decoded.errorName}(${values.map(String).join(", ")})`;
            } catch {
              // Not one of this ABI's errors: keep the node's message.
            }
          }
          return { ok: false, error: name, ...(revert.data === undefined ? {} : { data: revert.data }) };
        }
        const value = decodeFunctionResult({ abi, functionName, data: result } as never) as ContractFunctionReturnType<
          abi,
          "view" | "pure",
          name,
          args
        >;
        return { ok: true, value };
      });
    },
  };
}

export type ViewReader = ReturnType<typeof createViewReader>;

/** The revert inside a failed `eth_call`, or undefined when the failure is not a revert. */
function revertOf(error: unknown): { message: string; data?: Hex } | undefined {
  // Some providers answer a revert with -32603, which the client retries first: still a revert.
  if (!(error instanceof RpcRequestError) || error.kind !== "rpc") return undefined;
  const message = error.info.rpcMessage ?? "";
  const raw = error.info.data;
  const data =
    typeof raw === "string" && /^0x[0-9a-fA-F]*$/.test(raw)
      ? (raw as Hex)
      : typeof raw === "object" && raw !== null && typeof (raw as { data?: unknown }).data === "string"
        ? ((raw as { data: Hex }).data as Hex)
        : undefined;
  if (error.info.code !== 3 && !/revert/i.test(message)) return undefined;
  return { message: message || "reverted", ...(data === undefined ? {} : { data }) };
}
