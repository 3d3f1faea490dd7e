import { erc20Abi, type Hex } from "viem";

import { settlementEscrowAbi } from "../lib/settlementEscrowAbi.js";
import { finding, type AuditFinding } from "./AuditFinding.js";
import { ORDER_STATUSES, type EscrowReplay } from "./createEscrowReplay.js";
import type { ViewReader } from "./createViewReader.js";

/** What the escrow checks covered. */
export type EscrowCheckCounts = { orders: number; credits: number; tokens: number; policies: number };

/** One token's books next to the escrow's balance. */
export type TokenBalance = {
  token: Hex;
  balance: bigint;
  held: bigint;
  credits: bigint;
  fund: bigint;
  fees: bigint;
  books: bigint;
};

/**
 * Compares the escrow's replayed books with its views at the audited block: every order's
 * `orderStateOf` (status, release time, opening block), every credit (`creditOf`), each token's
 * fund and fees (`poolOf`), policies, the allowlist and the fee recipient; then, per token, the
 * invariant `token.balanceOf(escrow) == open orders + credits + fund + fees` against the token
 * itself. A shortfall is an error; a surplus (tokens sent straight to the escrow) a warning.
 */
export async function checkEscrow({
  books,
  views,
  escrow,
  progress,
}: {
  books: EscrowReplay;
  views: ViewReader;
  escrow: Hex;
  progress?: { total(orders: number): void; advance(orders: number): void };
}): Promise<{ findings: AuditFinding[]; counts: EscrowCheckCounts; balances: TokenBalance[] }> {
  const findings: AuditFinding[] = [];
  const counts: EscrowCheckCounts = { orders: 0, credits: 0, tokens: 0, policies: 0 };
  const orders = [...books.orders.values()];
  progress?.total(orders.length);

  await Promise.all(
    orders.map(async (order) => {
      const answer = await views.read(escrow, settlementEscrowAbi, "orderStateOf", [order.orderId]);
      counts.orders++;
      progress?.advance(1);
      if (!answer.ok) throw new Error(`orderStateOf reverted: ${answer.error}`);
      const state = answer.value;
      const expected = { status: order.status, releaseAt: order.releaseAt ?? 0, openedAt: order.opened.block };
      const actual = {
        status: ORDER_STATUSES[state.status] ?? `status ${state.status}`,
        releaseAt: Number(state.releaseAt),
        openedAt: Number(state.openedAt),
      };
      if (
        expected.status !== actual.status ||
        expected.releaseAt !== actual.releaseAt ||
        expected.openedAt !== actual.openedAt
      ) {
        findings.push(
          finding(
            "order-state-mismatch",
            `order ${order.orderId}: ${actual.status} (release ${actual.releaseAt}, opened ${actual.openedAt}) on chain, ${expected.status} (release ${expected.releaseAt}, opened ${expected.openedAt}) in the replay`,
            { orderId: order.orderId, block: order.updatedBlock, expected, actual },
          ),
        );
      }
    }),
  );

  await Promise.all(
    [...books.credits.values()].map(async (credit) => {
      const answer = await views.read(escrow, settlementEscrowAbi, "creditOf", [credit.account, credit.token]);
      counts.credits++;
      if (!answer.ok || answer.value !== credit.amount) {
        findings.push(
          finding(
            "credit-mismatch",
            `credit of ${credit.account} in ${credit.token}: ${answer.ok ? answer.value : answer.error} on chain, ${credit.amount} in the replay`,
            {
              account: credit.account,
              token: credit.token,
              expected: credit.amount,
              actual: answer.ok ? answer.value : answer.error,
            },
          ),
        );
      }
    }),
  );

  await Promise.all(
    [...books.policies.values()].map(async (policy) => {
      const answer = await views.read(escrow, settlementEscrowAbi, "policyOf", [policy.policyId]);
      counts.policies++;
      const actual = answer.ok
        ? {
            arbiter: answer.value.arbiter.toLowerCase(),
            feeBps: answer.value.feeBps,
            fundShareBps: answer.value.fundShareBps,
          }
        : answer.error;
      const expected = { arbiter: policy.arbiter, feeBps: policy.feeBps, fundShareBps: policy.fundShareBps };
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        findings.push(
          finding("escrow-config-mismatch", `policy ${policy.policyId} differs on chain`, { expected, actual }),
        );
      }
    }),
  );
  const [current, recipient] = await Promise.all([
    views.read(escrow, settlementEscrowAbi, "currentPolicy", []),
    views.read(escrow, settlementEscrowAbi, "feeRecipient", []),
  ]);
  if (!current.ok || current.value[0] !== books.currentPolicyId) {
    findings.push(
      finding(
        "escrow-config-mismatch",
        `current policy is ${current.ok ? current.value[0] : current.error} on chain, ${books.currentPolicyId} in the replay`,
        {
          expected: books.currentPolicyId,
          actual: current.ok ? current.value[0] : current.error,
        },
      ),
    );
  }
  if (books.feeRecipient !== null && (!recipient.ok || recipient.value.toLowerCase() !== books.feeRecipient)) {
    findings.push(
      finding("escrow-config-mismatch", "the fee recipient differs on chain", {
        expected: books.feeRecipient,
        actual: recipient.ok ? recipient.value.toLowerCase() : recipient.error,
      }),
    );
  }

  const balances: TokenBalance[] = [];
  await Promise.all(
    [...books.seenTokens].map(async (token) => {
      const [allowed, pool, balance] = await Promise.all([
        views.read(escrow, settlementEscrowAbi, "isTokenAllowed", [token]),
        views.read(escrow, settlementEscrowAbi, "poolOf", [token]),
        views.read(token, erc20Abi, "balanceOf", [escrow]),
      ]);
      counts.tokens++;
      const expectedAllowed = books.tokens.get(token) ?? false;
      if (!allowed.ok || allowed.value !== expectedAllowed) {
        findings.push(
          finding(
            "escrow-config-mismatch",
            `token ${token}: allowed ${allowed.ok ? allowed.value : allowed.error} on chain, ${expectedAllowed} in the replay`,
            {
              token,
              expected: expectedAllowed,
              actual: allowed.ok ? allowed.value : allowed.error,
            },
          ),
        );
      }
      const sums = books.booksOf(token);
      if (!pool.ok || pool.value[0] !== sums.fund || pool.value[1] !== sums.fees) {
        findings.push(
          finding(
            "pool-mismatch",
            `token ${token}: fund/fees ${pool.ok ? `${pool.value[0]}/${pool.value[1]}` : pool.error} on chain, ${sums.fund}/${sums.fees} in the replay`,
            {
              token,
              expected: { fund: sums.fund, fees: sums.fees },
              actual: pool.ok ? { fund: pool.value[0], fees: pool.value[1] } : pool.error,
            },
          ),
        );
      }
      if (!balance.ok) {
        findings.push(
          finding("escrow-balance-mismatch", `token ${token}: balanceOf(escrow) reverts (${balance.error})`, {
            token,
            expected: sums.total,
            actual: balance.error,
          }),
        );
        return;
      }
      balances.push({ token, balance: balance.value, ...sums, books: sums.total });
      if (balance.value !== sums.total) {
        const surplus = balance.value > sums.total;
        findings.push(
          finding(
            "escrow-balance-mismatch",
            `token ${token}: the escrow holds ${balance.value}, its books say ${sums.total} (orders ${sums.held} + credits ${sums.credits} + fund ${sums.fund} + fees ${sums.fees})${surplus ? ": a surplus, tokens sent to the escrow directly" : ": a shortfall"}`,
            {
              token,
              severity: surplus ? "warning" : "error",
              expected: sums.total,
              actual: balance.value,
            },
          ),
        );
      }
    }),
  );
  balances.sort((a, b) => (a.token < b.token ? -1 : 1));
  return { findings, counts, balances };
}
