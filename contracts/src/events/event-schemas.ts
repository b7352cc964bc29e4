import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import PartyDetailsChangedV1 from '../../events/intake/PartyDetailsChanged.v1.schema.json';
import PartyRegisteredV1 from '../../events/intake/PartyRegistered.v1.schema.json';

/**
 * Every event that crosses a service boundary, by publishing service, type and schema version.
 * Imported (not read from disk) so the compiled services carry the schemas with them.
 */
export const EVENT_SCHEMAS: Record<string, Record<string, Record<number, object>>> = {
  intake: {
    PartyRegistered: { 1: PartyRegisteredV1 },
    PartyDetailsChanged: { 1: PartyDetailsChangedV1 },
  },
};

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();

/** The schema errors of an event's data, empty when it conforms. Unknown events are an error too. */
export function eventSchemaErrors(service: string, type: string, schemaVersion: number, data: unknown): string[] {
  const schema = EVENT_SCHEMAS[service]?.[type]?.[schemaVersion];
  if (!schema) return [`no contract for ${service} event ${type} v${schemaVersion}`];
  const key = `${service}/${type}/${schemaVersion}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}

export function hasEventContract(service: string, type: string): boolean {
  return Boolean(EVENT_SCHEMAS[service]?.[type]);
}
