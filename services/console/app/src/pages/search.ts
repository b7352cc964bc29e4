import { call } from '../api';
import { h, replaceChildren } from '../dom';
import type { Route } from '../route';
import { loading, notice, problem, table, valueView } from '../render';
import { currentClaims } from '../session';

const DEVICE_TYPES = ['ESME', 'GSME', 'CHF', 'GPF', 'PPMID', 'IHD', 'CAD', 'HCALCS', 'SAPC'];
const SEARCH_FIELDS: Array<[string, string]> = [
  ['make', 'Make'],
  ['model', 'Model'],
  ['firmwareVersion', 'Firmware (3804* for a beginning)'],
  ['q', 'Words'],
];

interface Defect {
  id: string;
  identifier: string | null;
  make: string | null;
  model: string | null;
  firmwareVersion: string | null;
  deviceType: string | null;
  statusOfInformation: string;
  fixAvailable: boolean;
  fixInformation: string | null;
  fixingFirmwareVersion?: string | null;
  published?: boolean;
  state?: string;
}

interface MemberAnswer {
  deviceType: string;
  make: string;
  model: string;
  firmwareVersion: string;
  affected: boolean;
  fixAvailable: boolean | null;
  fixingFirmwareVersions: string[];
  items: Defect[];
  moreItems: boolean;
}

const defectColumns = [
  { label: 'Make', value: (d: Defect) => d.make ?? '' },
  { label: 'Model', value: (d: Defect) => d.model ?? '' },
  { label: 'Firmware', value: (d: Defect) => d.firmwareVersion ?? '' },
  { label: 'Type', value: (d: Defect) => d.deviceType ?? '' },
  { label: 'Status', value: (d: Defect) => d.statusOfInformation },
  { label: 'Fix available', value: (d: Defect) => valueView(d.fixAvailable) },
  { label: 'Fix', value: (d: Defect) => [d.fixInformation ?? '', d.fixingFirmwareVersion ? ` (→ ${d.fixingFirmwareVersion})` : ''] },
  { label: 'Identifier', value: (d: Defect) => d.identifier ?? '' },
];

/** Search the defects database (publication `GET /defects`) and check one installation's devices (`POST /defects/dmc-check`). */
export async function searchPage(main: HTMLElement, route: Route): Promise<void> {
  const q = route.query;
  const isDcc = currentClaims()?.partyType === 'dcc';
  const columns = isDcc ? [...defectColumns, { label: 'Published', value: (d: Defect) => valueView(d.published) }, { label: 'Case state', value: (d: Defect) => d.state ?? '' }] : defectColumns;
  const searchForm = h(
    'form',
    {
      class: 'filters',
      'aria-label': 'Search',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const params = new URLSearchParams();
        for (const [key, value] of new FormData(event.target as HTMLFormElement)) if (typeof value === 'string' && value.trim() !== '') params.set(key, value.trim());
        location.hash = `#/search?${params.toString()}`;
      },
    },
    SEARCH_FIELDS.map(([name, label]) => h('label', {}, label, h('input', { name, value: q.get(name) ?? '', size: 16 }))),
    h('label', {}, 'Device type', h('select', { name: 'deviceType' }, ['', ...DEVICE_TYPES].map((t) => h('option', { value: t, selected: t === (q.get('deviceType') ?? '') }, t || 'any')))),
    h('button', { type: 'submit' }, 'Search'),
  );
  const results = h('div', { 'data-testid': 'search-results' });
  const dmcResults = h('div', { 'data-testid': 'dmc-results' });
  replaceChildren(main, h('h1', {}, 'Search the defects database'), searchForm, results, h('h2', {}, 'Device Model Combination check'), dmcForm(dmcResults, isDcc), dmcResults);

  const query: Record<string, string> = {};
  for (const [key, value] of q) query[key] = value;
  if (Object.keys(query).length === 0) {
    replaceChildren(results, h('p', { class: 'muted' }, 'Search by make, model and firmware version, each alone or together.'));
    return;
  }
  replaceChildren(results, loading());
  const outcome = await call<{ items: Defect[]; nextCursor: string | null }>('publication', '/defects', { query });
  if (outcome.kind !== 'ok') {
    replaceChildren(results, problem(outcome, 'the defects database'));
    return;
  }
  const { items } = outcome.body;
  replaceChildren(results, items.length === 0 ? notice('info', ['No item matches.']) : table(columns, items, { 'data-testid': 'defects' }), h('p', { class: 'muted' }, `${items.length} item${items.length === 1 ? '' : 's'}${outcome.body.nextCursor ? ' on this page; narrow the search for the rest' : ''}.`));
}

function memberRow(index: number): HTMLElement {
  return h(
    'fieldset',
    { class: 'member', 'data-member': index },
    h('legend', {}, `Device ${index + 1}`),
    h('label', {}, 'Type', h('select', { name: `deviceType-${index}` }, DEVICE_TYPES.map((t) => h('option', { value: t }, t)))),
    h('label', {}, 'Make', h('input', { name: `make-${index}`, size: 16 })),
    h('label', {}, 'Model', h('input', { name: `model-${index}`, size: 12 })),
    h('label', {}, 'Firmware', h('input', { name: `firmwareVersion-${index}`, size: 10 })),
  );
}

function dmcForm(results: HTMLElement, isDcc: boolean): HTMLElement {
  const members = h('div', {}, memberRow(0));
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'filters',
      'aria-label': 'DMC check',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const data = new FormData(form);
        const asked = [...members.children].map((_, i) => ({
          deviceType: String(data.get(`deviceType-${i}`) ?? ''),
          make: String(data.get(`make-${i}`) ?? '').trim(),
          model: String(data.get(`model-${i}`) ?? '').trim(),
          firmwareVersion: String(data.get(`firmwareVersion-${i}`) ?? '').trim(),
        }));
        const filled = asked.filter((m) => m.make || m.model || m.firmwareVersion);
        const body: Record<string, unknown> = { members: filled };
        if (isDcc && data.get('includeUnpublished') === 'on') body.includeUnpublished = true;
        replaceChildren(results, loading());
        const outcome = await call<{ includesUnpublished: boolean; members: MemberAnswer[] }>('publication', '/defects/dmc-check', { method: 'POST', body });
        if (outcome.kind !== 'ok') {
          replaceChildren(results, problem(outcome, 'the DMC check'));
          return;
        }
        replaceChildren(
          results,
          table(
            [
              { label: 'Device', value: (m: MemberAnswer) => `${m.deviceType}: ${m.make} · ${m.model} · ${m.firmwareVersion}` },
              { label: 'Affected', value: (m) => (m.affected ? 'yes' : 'no') },
              { label: 'Fix available', value: (m) => (m.fixAvailable === null ? '—' : m.fixAvailable ? 'yes' : 'no') },
              { label: 'Fixing firmware', value: (m) => m.fixingFirmwareVersions.join(', ') },
              { label: 'Items', value: (m) => (m.items.length === 0 ? 'none' : table(defectColumns, m.items)) },
            ],
            outcome.body.members,
            { 'data-testid': 'dmc-answer' },
          ),
          outcome.body.includesUnpublished ? notice('info', ['DCC view: unverified, unfixed and unpublished items are included and marked.']) : null,
        );
      },
    },
    members,
    h('button', { type: 'button', class: 'secondary', onclick: () => members.append(memberRow(members.children.length)) }, 'Add a device'),
    isDcc ? h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'includeUnpublished' }), 'Include unpublished (DCC)') : null,
    h('button', { type: 'submit' }, 'Check'),
  );
  return form;
}
