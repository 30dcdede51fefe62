// Data is only ever put on the page as text (textContent / text nodes), never as HTML.

export type Child = Node | string | null | undefined | false | Child[]

type Attributes = Record<string, string | number | boolean | null | undefined>

/** A DOM element; strings among the children become text nodes, so nothing is parsed as HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes?: Attributes,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue
    if (key === 'class') node.className = String(value)
    else if (key === 'text') node.textContent = String(value)
    else node.setAttribute(key, value === true ? '' : String(value))
  }
  append(node, children)
  return node
}

function append(node: Node, children: Child[]): void {
  for (const child of children) {
    if (Array.isArray(child)) append(node, child)
    else if (child !== undefined && child !== null && child !== false)
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child)
  }
}

/** An element of the page's HTML by id. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id)
  if (!node) throw new Error(`The page has no #${id}.`)
  return node as T
}

export const show = (node: HTMLElement, visible: boolean): void => {
  node.hidden = !visible
}

export function setStatus(node: HTMLElement, text: string, kind = ''): void {
  node.textContent = text
  node.className = `status ${kind}`
}

export const pretty = (value: unknown): string => JSON.stringify(value, null, 2)
export const compact = (value: unknown): string => JSON.stringify(value)

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

/** JSON that may be long: a box that scrolls, reachable and readable by keyboard. */
export const jsonBox = (label: string, value: string, extraClass = ''): HTMLPreElement =>
  el('pre', { class: `json ${extraClass}`.trim(), tabindex: 0, role: 'region', 'aria-label': label, text: value })

export function showProblems(list: HTMLElement, problems: string[]): void {
  list.replaceChildren(...problems.map((problem) => el('li', { text: problem })))
  show(list, problems.length > 0)
}
