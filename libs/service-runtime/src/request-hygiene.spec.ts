import { Readable } from 'node:stream';
import { findRequestProblem, jsonDepthExceeds, MAX_JSON_DEPTH, textProblem } from './request-hygiene';

describe('textProblem', () => {
  it('accepts any well-formed text, astral characters included', () => {
    expect(textProblem('Zählerstand 😀 ✓')).toBeUndefined();
  });

  it('names a NUL anywhere', () => {
    expect(textProblem('abc\u0000')).toBe('must not contain NUL characters');
  });

  it('names a control character and its position, but lets tabs and line breaks through', () => {
    expect(textProblem('ab\u0015c')).toBe('must not contain control characters (U+0015 at character 3)');
    expect(textProblem('\u007f')).toBe('must not contain control characters (U+007F at character 1)');
    expect(textProblem('line one\r\nline two\tend')).toBeUndefined();
  });

  it('gives the position of a lone high or low surrogate', () => {
    expect(textProblem('ab\ud800')).toBe('must be well-formed Unicode text (a lone surrogate at character 3)');
    expect(textProblem('\udc00x')).toBe('must be well-formed Unicode text (a lone surrogate at character 1)');
  });
});

describe('jsonDepthExceeds', () => {
  it('counts nesting of arrays and objects alike, up to the limit and no further', () => {
    expect(jsonDepthExceeds(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`, MAX_JSON_DEPTH)).toBe(false);
    expect(jsonDepthExceeds(`${'[{"a":'.repeat(17)}1${'}]'.repeat(17)}`, MAX_JSON_DEPTH)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeds(JSON.stringify({ text: `say \\"${'['.repeat(100)}` }), 2)).toBe(false);
  });

  it('counts depth, not the number of brackets', () => {
    expect(jsonDepthExceeds(JSON.stringify(Array.from({ length: 1000 }, () => [1])), 2)).toBe(false);
  });
});

describe('findRequestProblem', () => {
  it('names the path of a bad string inside arrays and objects', () => {
    const problem = findRequestProblem({ changes: [{ ok: 'x' }, { reason: 'r\u0000' }] }, { prototypeKeys: true });
    expect(problem?.getResponse()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'INVALID_TEXT',
      message: 'changes.1.reason must not contain NUL characters',
      errors: [{ field: 'changes.1.reason', reason: 'must not contain NUL characters' }],
    });
  });

  it('reports the first problem in the order the client wrote the fields', () => {
    const problem = findRequestProblem({ a: 'x\u0000', b: 'y\u0000' }, { prototypeKeys: true });
    expect((problem?.getResponse() as { errors: unknown[] }).errors).toEqual([{ field: 'a', reason: 'must not contain NUL characters' }]);
  });

  it('refuses prototype keys in bodies but not in a query string', () => {
    const body = JSON.parse('{"list":[{"__proto__":{"x":1}}]}');
    expect((findRequestProblem(body, { prototypeKeys: true })?.getResponse() as { code: string }).code).toBe('DISALLOWED_KEY');
    expect(findRequestProblem({ constructor: 'x' }, { prototypeKeys: false })).toBeUndefined();
  });

  it('leaves streams and buffers alone: an upload is checked by its own parser', () => {
    expect(findRequestProblem(Readable.from(['a\u0000']), { prototypeKeys: true })).toBeUndefined();
    expect(findRequestProblem(Buffer.from([0]), { prototypeKeys: true })).toBeUndefined();
  });
});
