import { Outcome } from './api';
import { Child, h } from './dom';
import { currentClaims } from './session';

/** What a page says when a call did not give it data: one notice, the same wording everywhere. */
export function problem(outcome: Exclude<Outcome<unknown>, { kind: 'ok' }>, what = 'this'): HTMLElement {
  switch (outcome.kind) {
    case 'unauthenticated':
      return notice('problem', [
        h('strong', {}, 'Sign in needed. '),
        `The service did not accept your token${outcome.message ? ` (${outcome.message})` : ''}. `,
        h('a', { href: '#/sign-in' }, 'Sign in with a bearer token'),
        '.',
      ]);
    case 'forbidden': {
      const claims = currentClaims();
      const who = claims ? `${claims.partyType} party ${claims.party}${claims.roles.length ? ` with roles ${claims.roles.join(', ')}` : ' with no roles'}` : 'you';
      return notice('problem', [h('strong', {}, 'No access. '), `Your role does not have access to ${what}: signed in as ${who}.`, outcome.message ? ` The service said: ${outcome.message}` : '']);
    }
    case 'unreachable':
      return notice('problem', [h('strong', {}, 'Service unreachable. '), `The ${outcome.service} service cannot be reached right now (${outcome.message}). Try again once it is running.`]);
    case 'refused':
      return notice('problem', [
        h('strong', {}, `Refused (${outcome.status}${outcome.code ? ` ${outcome.code}` : ''}). `),
        outcome.message || 'The service refused the request.',
        outcome.errors.length > 0 ? h('ul', {}, outcome.errors.map((e) => h('li', {}, h('code', {}, e.field), `: ${e.reason}`))) : null,
      ]);
    case 'failed':
      return notice('problem', [h('strong', {}, `Service error (${outcome.status}). `), outcome.message || 'The service could not answer.']);
  }
}

export function notice(kind: 'problem' | 'done' | 'info', children: Child[]): HTMLElement {
  return h('div', { class: `notice ${kind === 'info' ? '' : kind}`, role: kind === 'problem' ? 'alert' : 'status' }, children);
}

export function loading(): HTMLElement {
  return h('p', { class: 'muted' }, 'Loading…');
}

/** Any JSON value as text or a small table, depth-limited; always text nodes. */
export function valueView(value: unknown, depth = 0): Child {
  if (value === null || value === undefined || value === '') return h('span', { class: 'muted' }, '—');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (depth >= 2) return h('pre', {}, JSON.stringify(value, null, 1));
  if (Array.isArray(value)) {
    if (value.length === 0) return h('span', { class: 'muted' }, 'none');
    if (value.every((v) => typeof v !== 'object' || v === null)) return value.map(String).join(', ');
    return objectsTable(value as Array<Record<string, unknown>>, depth + 1);
  }
  return keyValues(value as Record<string, unknown>, depth + 1);
}

export function keyValues(record: Record<string, unknown>, depth = 0, testId?: string): HTMLElement {
  return h(
    'table',
    { class: 'kv', 'data-testid': testId },
    h(
      'tbody',
      {},
      Object.entries(record).map(([key, v]) => h('tr', {}, h('th', { scope: 'row' }, key), h('td', {}, valueView(v, depth)))),
    ),
  );
}

export function objectsTable(rows: Array<Record<string, unknown>>, depth = 0): HTMLElement {
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row ?? {})) if (!columns.includes(key)) columns.push(key);
  return table(
    columns.map((c) => ({ label: c, value: (row: Record<string, unknown>) => valueView(row?.[c], depth) })),
    rows,
  );
}

export interface Column<T> {
  label: string;
  value: (row: T) => Child;
}

export function table<T>(columns: Array<Column<T>>, rows: T[], attributes: Record<string, string> = {}): HTMLElement {
  return h(
    'table',
    attributes,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c.label)))),
    h(
      'tbody',
      {},
      rows.map((row) => h('tr', {}, columns.map((c) => h('td', {}, c.value(row))))),
    ),
  );
}

export function stateBadge(state: string): HTMLElement {
  return h('span', { class: 'state', 'data-testid': 'case-state' }, state);
}

export function when(iso: unknown): string {
  if (typeof iso !== 'string') return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** An event's data folded away behind the names of its fields, so that a history stays a readable table. */
export function details(data: Record<string, unknown>): HTMLElement {
  const keys = Object.keys(data ?? {});
  return h('details', {}, h('summary', {}, keys.length ? keys.join(', ') : 'no data'), h('pre', {}, JSON.stringify(data, null, 2)));
}
