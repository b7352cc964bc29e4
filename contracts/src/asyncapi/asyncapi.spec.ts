import { Parser } from '@asyncapi/parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { EVENT_SCHEMAS } from '../events/event-schemas';
import { asyncApiDocument, ASYNCAPI_PATH } from './asyncapi-document';

const committedPath = join(__dirname, '..', '..', ASYNCAPI_PATH);

describe('AsyncAPI document', () => {
  it('is a valid AsyncAPI 3 document', async () => {
    const { document, diagnostics } = await new Parser().parse(readFileSync(committedPath, 'utf8'));
    const errors = diagnostics.filter((d) => d.severity === 0);
    expect(errors.map((e) => `${e.path.join('.')}: ${e.message}`)).toEqual([]);
    expect(document).toBeDefined();
  });

  it('lists every event a service can emit, on its service topic', () => {
    const doc = parse(readFileSync(committedPath, 'utf8')) as { channels: Record<string, { address: string; messages: Record<string, unknown> }> };
    for (const [service, events] of Object.entries(EVENT_SCHEMAS)) {
      const channel = Object.values(doc.channels).find((c) => c.address === `${service}.events`);
      expect(channel).toBeDefined();
      expect(Object.keys(channel!.messages).sort()).toEqual(Object.keys(events).sort());
    }
  });

  it('is up to date with the schemas (run npm run contracts:asyncapi after changing an event)', () => {
    const committed = parse(readFileSync(committedPath, 'utf8'));
    expect(committed).toEqual(parse(stringify(asyncApiDocument(), { aliasDuplicateObjects: false })));
  });
});
