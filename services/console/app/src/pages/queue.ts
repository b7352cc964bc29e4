import { call } from '../api';
import { h, replaceChildren } from '../dom';
import type { Route } from '../route';
import { loading, notice, problem, stateBadge, table, when } from '../render';

const STATES = ['', 'queued', 'claimed', 'awaiting-information', 'awaiting-agreement', 'disputed', 'verified', 'rejected', 'duplicate', 'withdrawn', 'closed-not-included'];
const KINDS = ['', 'item', 'report', 'fix'];
const DEVICE_TYPES = ['', 'ESME', 'GSME', 'CHF', 'GPF', 'PPMID', 'IHD', 'CAD', 'HCALCS', 'SAPC'];
const TEXT_FILTERS: Array<[string, string]> = [
  ['make', 'Make'],
  ['model', 'Model'],
  ['firmwareVersion', 'Firmware'],
  ['provider', 'Provider'],
  ['assignee', 'Assignee'],
  ['waitingOn', 'Waiting on'],
  ['olderThanDays', 'Older than (days)'],
];

export interface CaseSummary {
  view: string;
  caseId: string;
  caseKind: string;
  state: string;
  stateSince: string;
  openedAt: string;
  provider?: string;
  assignee?: string | null;
  wait?: { partyId: string; waitingFor: string; overdue: boolean } | null;
  asked?: { waitingFor: string; overdue: boolean } | null;
  subject?: Record<string, unknown>;
  verified?: { subject?: Record<string, unknown>; content?: Record<string, unknown>; canonical?: Record<string, unknown> } | null;
}

/** Make, model and firmware of a case in whichever view the caller has: the content under review, or as verified. */
export function deviceOf(c: CaseSummary): string {
  const content = c.subject ?? c.verified?.subject ?? c.verified?.content ?? {};
  return [content.make, content.model, content.firmwareVersion].filter((v) => typeof v === 'string' && v !== '').join(' · ');
}

function select(name: string, label: string, options: string[], value: string): HTMLElement {
  return h('label', {}, label, h('select', { name }, options.map((o) => h('option', { value: o, selected: o === value }, o === '' ? 'any' : o))));
}

/** DCC's verification queue (`GET /cases` with its filters); other parties see the cases they may. */
export async function queuePage(main: HTMLElement, route: Route): Promise<void> {
  const q = route.query;
  const form = h(
    'form',
    {
      class: 'filters',
      'aria-label': 'Filters',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const params = new URLSearchParams();
        for (const [key, value] of new FormData(event.target as HTMLFormElement)) if (typeof value === 'string' && value.trim() !== '') params.set(key, value.trim());
        location.hash = `#/cases?${params.toString()}`;
      },
    },
    select('state', 'State', STATES, q.get('state') ?? ''),
    select('kind', 'Kind', KINDS, q.get('kind') ?? ''),
    select('deviceType', 'Device type', DEVICE_TYPES, q.get('deviceType') ?? ''),
    TEXT_FILTERS.map(([name, label]) => h('label', {}, label, h('input', { name, value: q.get(name) ?? '', size: 14 }))),
    h('button', { type: 'submit' }, 'Show'),
  );
  const results = h('div', {}, loading());
  replaceChildren(main, h('h1', {}, 'Verification queue'), form, results);

  const query: Record<string, string> = {};
  for (const [key, value] of q) query[key] = value;
  const outcome = await call<{ cases: CaseSummary[]; nextCursor: string | null }>('verification', '/cases', { query });
  if (outcome.kind !== 'ok') {
    replaceChildren(results, problem(outcome, 'the verification queue'));
    return;
  }
  const { cases, nextCursor } = outcome.body;
  const next = new URLSearchParams(q);
  if (nextCursor) next.set('cursor', nextCursor);
  replaceChildren(
    results,
    cases.length === 0
      ? notice('info', ['No cases match.'])
      : table(
          [
            { label: 'Opened', value: (c: CaseSummary) => when(c.openedAt) },
            { label: 'Kind', value: (c) => c.caseKind },
            { label: 'State', value: (c) => stateBadge(c.state) },
            { label: 'In state since', value: (c) => when(c.stateSince) },
            { label: 'Device', value: (c) => deviceOf(c) },
            { label: 'Provider', value: (c) => c.provider ?? '' },
            { label: 'Assignee', value: (c) => c.assignee ?? '' },
            { label: 'Waiting', value: (c) => (c.wait ? `${c.wait.waitingFor} from ${c.wait.partyId}${c.wait.overdue ? ' (overdue)' : ''}` : c.asked ? `${c.asked.waitingFor}${c.asked.overdue ? ' (overdue)' : ''}` : '') },
            { label: 'Case', value: (c) => h('a', { href: `#/cases/${encodeURIComponent(c.caseId)}` }, c.caseId.slice(0, 8)) },
          ],
          cases,
          { 'data-testid': 'case-queue' },
        ),
    h('p', { class: 'muted' }, `${cases.length} case${cases.length === 1 ? '' : 's'} shown. `, nextCursor ? h('a', { href: `#/cases?${next.toString()}` }, 'Next page') : null),
  );
}
