import { call } from '../api';
import { ActionSpec, actionsFor, CaseLike } from '../case-actions';
import { h, replaceChildren } from '../dom';
import type { Route } from '../route';
import { details, keyValues, loading, notice, problem, stateBadge, table, when } from '../render';
import { currentClaims } from '../session';
import { CaseSummary, deviceOf } from './queue';

interface HistoryEntry {
  streamVersion: number;
  type: string;
  at: string;
  actor: { userId?: string; partyId?: string; partyType?: string } | null;
  data: Record<string, unknown>;
}

type CaseWithHistory = CaseSummary & CaseLike & { history: HistoryEntry[] } & Record<string, unknown>;

/** One case (`GET /cases/{id}`) with its history, and the actions its state allows the signed-in party. */
export async function casePage(main: HTMLElement, route: Route, done: HTMLElement | null = null): Promise<void> {
  const caseId = route.path[1];
  replaceChildren(main, h('h1', {}, 'Case ', h('code', {}, caseId)), done, loading());
  const outcome = await call<CaseWithHistory>('verification', `/cases/${encodeURIComponent(caseId)}`);
  if (outcome.kind !== 'ok') {
    replaceChildren(main, h('h1', {}, 'Case ', h('code', {}, caseId)), problem(outcome, 'this case'), h('p', {}, h('a', { href: '#/cases' }, 'Back to the queue')));
    return;
  }
  const c = outcome.body;
  const claims = currentClaims();
  const viewer = { userId: claims?.sub ?? '', partyId: claims?.party ?? '', partyType: claims?.partyType ?? '', roles: claims?.roles ?? [] };
  const actions = actionsFor(c, viewer);
  const { history, subject, verified, ...rest } = c;
  const summary: Record<string, unknown> = {};
  for (const key of ['view', 'caseKind', 'state', 'stateSince', 'openedAt', 'provider', 'accountable', 'assignee', 'wait', 'asked', 'question', 'inclusion', 'fixReference', 'fix', 'published']) {
    if (key in rest) summary[key] = key === 'stateSince' || key === 'openedAt' ? when(rest[key]) : rest[key];
  }
  const actionArea = h('div', { class: 'actions', 'data-testid': 'case-actions' });
  const message = h('div', {});
  if (actions.length === 0) actionArea.append(h('p', { class: 'muted' }, 'Nothing for you to do on this case in its current state.'));
  for (const action of actions) actionArea.append(actionForm(action, message, main, route));
  replaceChildren(
    main,
    h('h1', {}, 'Case ', h('code', {}, c.caseId), ' ', stateBadge(c.state)),
    h('p', {}, deviceOf(c), ' ', h('a', { href: '#/cases' }, 'Back to the queue')),
    done,
    message,
    h('h2', {}, 'Actions'),
    actionArea,
    h('h2', {}, 'Case'),
    keyValues(summary, 1, 'case-summary'),
    subject ? [h('h2', {}, 'Content under review'), keyValues(subject as Record<string, unknown>, 1)] : null,
    verified ? [h('h2', {}, 'As verified'), keyValues(verified as Record<string, unknown>, 1)] : null,
    h('h2', {}, 'History'),
    table(
      [
        { label: '#', value: (e: HistoryEntry) => e.streamVersion },
        { label: 'Event', value: (e) => e.type },
        { label: 'At', value: (e) => when(e.at) },
        { label: 'By', value: (e) => (e.actor ? [e.actor.partyId, e.actor.userId].filter(Boolean).join(' / ') || e.actor.partyType || '' : '') },
        { label: 'Details', value: (e) => details(e.data) },
      ],
      history,
      { 'data-testid': 'case-history' },
    ),
  );
}

function actionForm(action: ActionSpec, message: HTMLElement, main: HTMLElement, route: Route): HTMLElement {
  const inputs = action.fields.map((field) => {
    const id = `${action.id}-${field.name}`;
    if (field.kind === 'checkbox') return h('label', { class: 'check', for: id }, h('input', { type: 'checkbox', id, name: field.name }), field.label);
    if (field.kind === 'select') return h('label', { for: id }, field.label, h('select', { id, name: field.name, required: field.required }, (field.options ?? []).map((o) => h('option', { value: o }, o))));
    if (field.kind === 'textarea') return h('label', { for: id }, field.label, h('textarea', { id, name: field.name, required: field.required, rows: 2 }));
    return h('label', { for: id }, field.label, h('input', { id, name: field.name, required: field.required, size: 30 }));
  });
  const button = h('button', { type: 'submit', 'data-action': action.id }, action.label);
  const form = h(
    'form',
    {
      class: 'action',
      'aria-label': action.label,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const values: Record<string, string | boolean> = {};
        for (const field of action.fields) {
          const element = form.elements.namedItem(field.name) as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement | null;
          if (!element) continue;
          values[field.name] = element instanceof HTMLInputElement && element.type === 'checkbox' ? element.checked : element.value;
        }
        button.disabled = true;
        const outcome = await call<{ state: string; recorded: string[] }>('verification', action.path, { method: 'POST', body: action.body(values) });
        button.disabled = false;
        if (outcome.kind !== 'ok') {
          replaceChildren(message, problem(outcome, `“${action.label}” on this case`));
          return;
        }
        const recorded = outcome.body.recorded.length ? `recorded ${outcome.body.recorded.join(', ')}` : 'nothing changed';
        await casePage(main, route, notice('done', [h('strong', {}, `${action.label}: done. `), `The case is now ${outcome.body.state} (${recorded}).`]));
      },
    },
    inputs,
    button,
  );
  return form;
}
