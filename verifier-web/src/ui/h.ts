/** A child of {@link h}: nodes and text; `null`, `undefined` and `false` are skipped. */
export type Child = Node | string | null | undefined | false;

/** Event listeners of {@link h}, by event name. */
export type Listeners = Readonly<Record<string, (event: Event) => void>>;

/** Attributes of {@link h} (`true`: present, `false`/`undefined`: absent), and `on`: listeners. */
export type Props = { readonly [name: string]: string | number | boolean | undefined | Listeners };

/**
 * Creates an element: `h("p", { class: "note" }, "text", child)`. Properties other than `class` are
 * set as attributes (`aria-*`, `data-*`, `dir`, `for`, …); `on` attaches listeners. Text is always
 * set as text, never parsed as HTML.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === "on" || typeof value === "object" || value === undefined || value === false) continue;
    if (name === "class") element.className = String(value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  const listeners = (props.on ?? {}) as Listeners;
  for (const [event, listener] of Object.entries(listeners)) element.addEventListener(event, listener);
  append(element, children);
  return element;
}

/** Appends children, skipping empty ones. */
export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
}

/**
 * Left-to-right text inside any paragraph (hex, serials, codes, amounts): isolated with
 * `<bdi dir="ltr">`, so right-to-left text around it neither reorders nor mirrors it.
 */
export function ltr(text: string, className?: string): HTMLElement {
  return h("bdi", { dir: "ltr", class: className }, text);
}

/**
 * A translated sentence with `{name}` slots filled with nodes (e.g. an isolated address), keeping
 * the translation's word order.
 */
export function sentence(template: string, slots: Readonly<Record<string, Child>>): DocumentFragment {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of template.matchAll(/\{(\w+)\}/g)) {
    fragment.append(template.slice(last, match.index));
    const slot = slots[match[1]!];
    append(fragment, [slot === undefined ? match[0] : slot]);
    last = match.index + match[0].length;
  }
  fragment.append(template.slice(last));
  return fragment;
}
