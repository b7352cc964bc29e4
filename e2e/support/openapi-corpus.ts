/**
 * What a service's OpenAPI document says a client may send: every operation with its path ids, query
 * parameters and JSON body fields, and a plausible value for each, so that a test can make every field bad
 * in turn while the rest of the request stays good. Read from the documents the services serve, so that an
 * endpoint joins the bad-input corpus as soon as it is built.
 */

export type FieldLocation = 'path' | 'query' | 'body';

/** What a field holds, as far as choosing bad values goes. */
export type FieldShape = 'text' | 'number' | 'date' | 'object' | 'array';

export interface CorpusField {
  location: FieldLocation;
  /** The parameter name, or the dotted path of a body field (`changes.esmeVariant`, `makes.0`). */
  name: string;
  shape: FieldShape;
}

export interface CorpusOperation {
  method: string;
  /** The OpenAPI path template, e.g. `/devices/{deviceId}/status`. */
  path: string;
  /** `POST /devices/{deviceId}/status`: how gaps and failures name it. */
  label: string;
  /** JSON body, a file upload (only its query and path are covered), or none. */
  body: 'json' | 'upload' | 'none';
  fields: CorpusField[];
  /** A plausible value for every path parameter and required query parameter. */
  plausiblePath: Record<string, string>;
  plausibleQuery: Record<string, string>;
  /** A plausible JSON body: required properties and those with examples. */
  plausibleBody: Record<string, unknown>;
  /** A plausible value for every body property there is one for: where a bad nested field finds its siblings. */
  completeBody: Record<string, unknown>;
}

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  items?: Schema;
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  example?: unknown;
  schema?: Schema;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> } }>>;
  components?: { schemas?: Record<string, Schema> };
}

/** Paths every service serves to anyone, which take no input worth corrupting. */
const UNCOVERED_PATHS = /^\/(health|docs)(\/|$)/;

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** Example values naming parties a test has not registered, and what a test registers instead. */
export type ExampleSubstitutions = Record<string, string>;

export function corpusOperations(document: OpenApiDocument, substitutions: ExampleSubstitutions): CorpusOperation[] {
  const schemas = document.components?.schemas ?? {};
  const resolve = (schema: Schema | undefined): Schema => {
    let current = schema ?? {};
    // `allOf: [$ref]` is how Nest's Swagger plugin writes a described nested object.
    while (current.$ref || (current.allOf?.length === 1 && !current.properties)) {
      const next = current.$ref ? schemas[current.$ref.replace('#/components/schemas/', '')] : { ...current.allOf![0], example: current.example };
      current = { ...next, example: current.example ?? next?.example };
    }
    return current;
  };
  const substitute = (value: unknown): unknown => {
    if (typeof value === 'string') return substitutions[value] ?? value;
    if (Array.isArray(value)) return value.map(substitute);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v)]));
    return value;
  };
  const plausible = (schema: Schema, every = false): unknown => {
    const resolved = resolve(schema);
    if (resolved.properties) {
      const body: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(resolved.properties)) {
        const value = plausible(property);
        if (value === undefined) continue;
        if (every || resolved.required?.includes(key) || resolve(property).example !== undefined) body[key] = value;
      }
      return body;
    }
    if (resolved.example !== undefined) return substitute(resolved.example);
    if (resolved.enum?.length) return resolved.enum[0];
    if (resolved.type === 'array') return [plausible(resolved.items ?? {})].filter((item) => item !== undefined);
    return undefined;
  };

  const operations: CorpusOperation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    if (UNCOVERED_PATHS.test(path)) continue;
    for (const [method, operation] of Object.entries(methods)) {
      if (!HTTP_METHODS.has(method)) continue;
      const fields: CorpusField[] = [];
      const plausiblePath: Record<string, string> = {};
      const plausibleQuery: Record<string, string> = {};
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in !== 'path' && parameter.in !== 'query') continue; // headers are not request data
        const schema = resolve(parameter.schema);
        fields.push({ location: parameter.in, name: parameter.name, shape: shapeOf(parameter.name, { ...schema, example: parameter.example ?? schema.example }) });
        const example = substitute(parameter.example ?? schema.example ?? schema.enum?.[0]);
        if (parameter.in === 'path') plausiblePath[parameter.name] = typeof example === 'string' ? example : 'CORPUS-ID';
        else if (parameter.required) plausibleQuery[parameter.name] = String(example ?? '1');
      }
      const content = operation.requestBody?.content ?? {};
      const json = content['application/json'];
      let plausibleBody: Record<string, unknown> = {};
      let completeBody: Record<string, unknown> = {};
      if (json) {
        const body = resolve(json.schema);
        plausibleBody = (plausible(body) as Record<string, unknown>) ?? {};
        completeBody = (plausible(body, true) as Record<string, unknown>) ?? {};
        for (const [key, property] of Object.entries(body.properties ?? {})) {
          const resolved = resolve(property);
          fields.push({ location: 'body', name: key, shape: shapeOf(key, resolved) });
          // One level down: the fields of a nested object, or one element of an array.
          for (const [inner, innerProperty] of Object.entries(resolved.properties ?? {})) {
            fields.push({ location: 'body', name: `${key}.${inner}`, shape: shapeOf(inner, resolve(innerProperty)) });
          }
          if (resolved.type === 'array') fields.push({ location: 'body', name: `${key}.0`, shape: shapeOf(key, resolve(resolved.items)) });
        }
      }
      operations.push({
        method: method.toUpperCase(),
        path,
        label: `${method.toUpperCase()} ${path}`,
        body: json ? 'json' : Object.keys(content).length > 0 ? 'upload' : 'none',
        fields,
        plausiblePath,
        plausibleQuery,
        plausibleBody,
        completeBody,
      });
    }
  }
  return operations;
}

/** Dates and numbers travel as strings here; their names and examples say which strings are which. */
function shapeOf(name: string, schema: Schema): FieldShape {
  if (schema.type === 'number' || schema.type === 'integer') return 'number';
  if (schema.type === 'array') return 'array';
  if (schema.properties) return 'object';
  const example = typeof schema.example === 'string' ? schema.example : '';
  if (/date|asOf|effectiveFrom|quarter/i.test(name) || /^\d{4}-(\d{2}-\d{2}|Q\d)/.test(example)) return 'date';
  // A defects-database firmware version is free text (the glossary), however hex its example looks; the
  // inventory's hex ids are refused by their own validators, which their names (manufacturer, model) reach.
  if (/firmware/i.test(name)) return 'text';
  if (/^[0-9A-Fa-f]+$/.test(example) || /position|limit|identifier/i.test(name)) return 'number';
  return 'text';
}

/**
 * Percent-encodes text for a URL as its UTF-16 code units would be written in WTF-8, so that a lone
 * surrogate reaches the server as the bytes a careless client would send (encodeURIComponent refuses them).
 */
export function encodeUrlText(text: string): string {
  let encoded = '';
  for (const char of text) {
    const unit = char.codePointAt(0)!;
    if (unit >= 0xd800 && unit <= 0xdfff) {
      encoded += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
    } else {
      encoded += encodeURIComponent(char);
    }
  }
  return encoded;
}

/** The URL of an operation with its path parameters and query filled in (values already encoded or not). */
export function operationUrl(base: string, operation: CorpusOperation, path: Record<string, string>, query: Record<string, string>): string {
  const filled = operation.path.replace(/\{([^}]+)\}/g, (_match, name: string) => path[name]);
  const search = Object.entries(query)
    .map(([name, value]) => `${encodeURIComponent(name)}=${value}`)
    .join('&');
  return `${base}${filled}${search ? `?${search}` : ''}`;
}
