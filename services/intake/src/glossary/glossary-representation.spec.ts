import { GLOSSARY } from '@smi/contracts';
import { matchesIfNoneMatch, representationOf } from './glossary-representation';

describe('glossary representation', () => {
  const { body, etag } = representationOf(GLOSSARY);

  it('serves the glossary validation uses, unchanged', () => {
    expect(JSON.parse(body)).toEqual(GLOSSARY);
  });

  it('has a strong, quoted ETag that changes when the glossary does', () => {
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(representationOf(GLOSSARY).etag).toBe(etag);
    expect(representationOf({ ...GLOSSARY, version: '9.9.9' }).etag).not.toBe(etag);
  });

  it.each([
    [etag, true],
    [`W/${etag}`, true],
    [`"other", ${etag}`, true],
    ['*', true],
    ['"other"', false],
    [etag.slice(1, -1), false],
    ['', false],
  ])('If-None-Match %j → 304: %s', (header, expected) => {
    expect(matchesIfNoneMatch(header, etag)).toBe(expected);
  });

  it('sends the body when there is no If-None-Match', () => {
    expect(matchesIfNoneMatch(undefined, etag)).toBe(false);
  });
});
