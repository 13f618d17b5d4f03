/**
 * A small element builder: text goes in as text nodes (never as HTML), so
 * nothing a server or user wrote can become markup.
 */
export type Child = Node | string | number | null | undefined | false;
type Props = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
    } else if (key === 'class') {
      el.className = String(value);
    } else if (key === 'value' || key === 'checked' || key === 'disabled' || key === 'selected') {
      const target = el as unknown as Record<string, unknown>;
      // Also the default, so a form's reset() comes back to it.
      if (key === 'value' && 'defaultValue' in el) target.defaultValue = String(value);
      if (key === 'checked' && 'defaultChecked' in el) target.defaultChecked = value;
      target[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/** A table (class "table") of `rows` under its caption and one heading per column. */
export function dataTable(caption: string, columns: string[], rows: Node[]): HTMLTableElement {
  return h(
    'table',
    { class: 'table' },
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h('tbody', {}, rows),
  );
}

/** An SVG element (charts). */
export function svg(tag: string, attrs: Record<string, string | number> = {}, ...children: Node[]): SVGElement {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  el.append(...children);
  return el;
}

export function append(parent: Node, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces everything inside `parent`. */
export function replace(parent: Element, ...children: (Child | Child[])[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A labelled form field: the label wraps nothing, it points at the control by id. */
let fieldCount = 0;
/** A list of rows, or the sentence that says there are none. */
export function rowsOr(tag: 'ul' | 'ol', rows: Node[], empty: string, className = 'rows'): HTMLElement {
  return rows.length ? h(tag, { class: className }, rows) : h('p', { class: 'empty' }, empty);
}

/** One `li.row` an item, its cells from `cells`; or the sentence that says there are none. */
export function rowList<T>(tag: 'ul' | 'ol', items: T[], cells: (item: T) => Child[], empty: string): HTMLElement {
  return rowsOr(
    tag,
    items.map((item) => h('li', { class: 'row' }, cells(item))),
    empty,
  );
}

/** A form whose submit runs `submit` instead of leaving the page. */
export function formOf(props: Props, children: Child[], submit: () => void): HTMLFormElement {
  const form = h('form', props, children);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
  return form;
}

export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || `f${++fieldCount}`;
  control.id = id;
  const hintEl = hint ? h('small', { id: `${id}-hint`, class: 'hint' }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl);
}

export type StatusLine = HTMLParagraphElement & { say(text: string, kind?: 'ok' | 'error' | ''): void };

/** A live region for status and error messages (read out by screen readers). */
export function statusLine(): StatusLine {
  const el = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' }) as StatusLine;
  el.say = (text, kind = '') => {
    el.textContent = text;
    el.dataset.kind = kind;
  };
  return el;
}

/** Runs an action and says how it went in `status`: its own message, or the error's. Resolves whether it worked. */
export async function attempt(status: StatusLine, action: () => Promise<string>): Promise<boolean> {
  try {
    status.say(await action(), 'ok');
    return true;
  } catch (err) {
    status.say(err instanceof Error ? err.message : 'Something went wrong.', 'error');
    return false;
  }
}

/** A page: its title and a stack of content. */
export function page(title: string, ...children: (Child | Child[])[]): { title: string; content: Node } {
  return { title: `${title} — Song-Nexus`, content: h('section', { class: 'stack' }, ...children) };
}

/** Previous / "Page n of m · total" / Next; `go` is called with the page to show. */
export function pager(current: number, pages: number, summary: string, go: (page: number) => void): HTMLElement {
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages' },
    h('button', { type: 'button', class: 'secondary', disabled: current <= 1, onclick: () => go(current - 1) }, '← Previous'),
    h('span', {}, `Page ${current} of ${pages} · ${summary}`),
    h('button', { type: 'button', class: 'secondary', disabled: current >= pages, onclick: () => go(current + 1) }, 'Next →'),
  );
}
