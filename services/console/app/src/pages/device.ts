import { call } from '../api';
import { h, replaceChildren } from '../dom';
import type { Route } from '../route';
import { details, keyValues, loading, notice, problem, table, valueView, when } from '../render';
import { currentClaims } from '../session';

interface HistoryEntry {
  streamId: string;
  streamVersion: number;
  position: string;
  type: string;
  data: Record<string, unknown>;
  actor: { userId: string; partyId: string; partyType: string } | null;
  correlationId: string;
  channel?: string;
  recordedAt: string;
}

const ATTEMPT_TYPES = ['ServiceRequestAnswered', 'ServiceRequestRefused'];

/** A device in the inventory (`GET /devices/{id}`) and its history with every Service Request attempt (`/history`). */
export async function devicePage(main: HTMLElement, route: Route): Promise<void> {
  const deviceId = route.path[1] ?? '';
  const input = h('input', { name: 'deviceId', value: deviceId, size: 28, placeholder: '00-DB-12-34-56-78-90-A0', required: true });
  const form = h(
    'form',
    {
      class: 'filters',
      'aria-label': 'Find a device',
      onsubmit: (event: Event) => {
        event.preventDefault();
        location.hash = `#/devices/${encodeURIComponent(input.value.trim())}`;
      },
    },
    h('label', {}, 'Device ID (EUI-64)', input),
    h('button', { type: 'submit' }, 'Show'),
  );
  const body = h('div', {});
  replaceChildren(main, h('h1', {}, 'Device history'), form, body);
  if (!deviceId) {
    replaceChildren(body, h('p', { class: 'muted' }, 'Enter a Device ID: its SMI record, every event and every Service Request attempt on it, accepted or refused.'));
    return;
  }
  replaceChildren(body, loading());
  const path = `/devices/${encodeURIComponent(deviceId)}`;
  const [device, history] = await Promise.all([call<Record<string, unknown>>('inventory', path), call<{ deviceId: string; events: HistoryEntry[] }>('inventory', `${path}/history`)]);
  const parts: HTMLElement[] = [];
  if (device.kind === 'ok') parts.push(h('h2', {}, 'SMI record'), keyValues(device.body, 1, 'device-record'));
  else if (device.kind === 'refused' && device.status === 404) parts.push(notice('info', [`${deviceId} is not in the SMI (or not visible to you); attempts on it may still be recorded.`]));
  else parts.push(problem(device, 'this device'));
  if (history.kind === 'ok') {
    const events = history.body.events;
    const attempts = events.filter((e) => ATTEMPT_TYPES.includes(e.type));
    parts.push(
      h('h2', {}, `Service Request attempts (${attempts.length})`),
      attempts.length === 0
        ? h('p', { class: 'muted' }, 'None recorded.')
        : table(
            [
              { label: 'Received', value: (e: HistoryEntry) => when(e.recordedAt) },
              { label: 'SR', value: (e) => valueView(e.data.serviceReference) },
              { label: 'RequestID', value: (e) => valueView(e.data.requestId) },
              { label: 'Response', value: (e) => valueView(e.data.responseCode) },
              { label: 'Message', value: (e) => valueView(e.data.message) },
              { label: 'Sender', value: (e) => (e.actor ? `${e.actor.partyId} / ${e.actor.userId}` : '') },
              { label: 'Channel', value: (e) => valueView(e.channel ?? e.data.channel) },
            ],
            attempts,
            { 'data-testid': 'sr-attempts' },
          ),
      h('h2', {}, `Every event (${events.length})`),
      table(
        [
          { label: 'Position', value: (e: HistoryEntry) => e.position },
          { label: 'Recorded', value: (e) => when(e.recordedAt) },
          { label: 'Event', value: (e) => e.type },
          { label: 'Stream', value: (e) => `${e.streamId} v${e.streamVersion}` },
          { label: 'By', value: (e) => (e.actor ? `${e.actor.partyId} / ${e.actor.userId}` : '') },
          { label: 'Correlation', value: (e) => h('code', {}, e.correlationId) },
          { label: 'Details', value: (e) => details(e.data) },
        ],
        events,
        { 'data-testid': 'device-history' },
      ),
    );
  } else if (history.kind === 'refused' && history.status === 404) {
    parts.push(notice('info', ['Nothing is recorded for this device that you may see.']));
  } else if (history.kind !== device.kind) {
    parts.push(problem(history, 'this device’s history'));
  }
  if (currentClaims()?.partyType === 'dcc') {
    const streamId = `device-${history.kind === 'ok' ? history.body.deviceId : deviceId}`;
    const audit = h('div', { 'data-testid': 'device-audit' });
    parts.push(
      h('h2', {}, 'Audit (DCC)'),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: async () => {
            replaceChildren(audit, loading());
            const stream = await call<{ events: Array<Record<string, unknown>> }>('inventory', `/audit/streams/${encodeURIComponent(streamId)}`);
            replaceChildren(audit, stream.kind === 'ok' ? valueView(stream.body.events, 0) : problem(stream, 'the audit trail'));
          },
        },
        'Show the device stream with its metadata',
      ),
      audit,
    );
  }
  replaceChildren(body, parts);
}
