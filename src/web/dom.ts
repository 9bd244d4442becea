// Tiny DOM helpers: no framework, just elements with attributes and children.
export function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

export function setCrumbs(items: { text: string; href?: string }[]): void {
  const nav = document.getElementById('crumbs');
  if (!nav) return;
  nav.replaceChildren();
  items.forEach((item, i) => {
    if (i > 0) nav.append(el('span', { class: 'crumb-sep' }, '/'));
    nav.append(item.href ? el('a', { href: item.href }, item.text) : el('span', {}, item.text));
  });
}

export function showError(root: HTMLElement, text: string): void {
  root.replaceChildren(el('div', { class: 'error-box' }, el('h2', {}, 'Something went wrong'), el('p', {}, text), el('a', { href: '/' }, 'Back to the course')));
}
