/*
 * The only way the app builds the page: elements made with createElement, text set as text nodes. Nothing the
 * APIs return is ever parsed as HTML (no innerHTML anywhere), so a make called "<img onerror=…>" shows as
 * those characters.
 */

export type Child = Node | string | number | boolean | null | undefined | Child[];
type Listener = (event: Event) => void;
export type Attributes = Record<string, string | number | boolean | Listener | null | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') {
      element.addEventListener(name.replace(/^on/, '').toLowerCase(), value);
    } else if (name === 'href') {
      element.setAttribute('href', safeHref(String(value)));
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

/** Links go to the app's own pages (`#/…`) or the host's own paths, never to a scheme an API value could name. */
export function safeHref(href: string): string {
  return href.startsWith('#') || (href.startsWith('/') && !href.startsWith('//')) || href.startsWith('blob:') ? href : '#';
}

export function replaceChildren(parent: Element, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}
