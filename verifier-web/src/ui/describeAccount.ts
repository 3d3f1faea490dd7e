import type { RegistryConfig } from "../pageConfig.js";
import { h, ltr } from "./h.js";

/**
 * An account as the buyer reads it: its registered issuer name with the short address beside it, the
 * escrow's role, or the short address alone; linked to the explorer when one is configured.
 */
export function describeAccount(
  account: string,
  {
    names,
    registry,
    escrowLabel,
  }: { names: ReadonlyMap<string, string>; registry: RegistryConfig; escrowLabel: string },
): HTMLElement {
  const lower = account.toLowerCase();
  const short = `${lower.slice(0, 6)}…${lower.slice(-4)}`;
  const name = names.get(lower) ?? (lower === registry.escrow ? escrowLabel : undefined);
  const address =
    registry.explorerUrl === undefined
      ? ltr(short, "hex")
      : h(
          "a",
          {
            href: `${registry.explorerUrl}/address/${lower}`,
            rel: "noopener noreferrer",
            target: "_blank",
            title: lower,
          },
          ltr(short, "hex"),
        );
  address.setAttribute("title", lower);
  // <bdi> isolates the whole "name (address)" so its parentheses never jump in right-to-left text.
  return name === undefined
    ? h("bdi", { class: "account" }, address)
    : h("bdi", { class: "account" }, h("strong", {}, name), " (", address, ")");
}
