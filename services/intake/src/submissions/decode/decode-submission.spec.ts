import { SubmissionTextDecoder, decodeSubmission, decodeSubmissionStream } from './decode-submission';
import { SubmissionFileError } from '../submission-errors';
import { chunksOf, collect, fileError } from '../test-support/submission-files';

function decodeInChunks(bytes: Buffer, size: number, decisionWindow?: number): { text: string; encoding?: string } {
  const decoder = new SubmissionTextDecoder({ decisionWindow });
  let text = '';
  for (const chunk of chunksOf(bytes, size)) text += decoder.write(chunk);
  text += decoder.end();
  return { text, encoding: decoder.encoding };
}

function rejection(bytes: Buffer): SubmissionFileError {
  try {
    decodeSubmission(bytes);
  } catch (error) {
    if (error instanceof SubmissionFileError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

// "1,£5 – ok\r\n" in Windows-1252
const CP1252_POUND_DASH = Buffer.from([0x31, 0x2c, 0xa3, 0x35, 0x20, 0x96, 0x20, 0x6f, 0x6b, 0x0d, 0x0a]);

describe('decodeSubmission', () => {
  it('reads plain UTF-8 and reports it', () => {
    expect(decodeSubmission(Buffer.from('a,b\n£,€\n', 'utf8'))).toEqual({ encoding: 'utf-8', text: 'a,b\n£,€\n' });
  });

  it('strips a UTF-8 byte order mark and reports it', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Identifier,Make\r\n', 'utf8')]);
    expect(decodeSubmission(bytes)).toEqual({ encoding: 'utf-8-bom', text: 'Identifier,Make\r\n' });
  });

  it('strips a byte order mark that arrives one byte at a time', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a£', 'utf8')]);
    expect(decodeInChunks(bytes, 1)).toEqual({ text: 'a£', encoding: 'utf-8-bom' });
  });

  it('reads bytes that are not UTF-8 as Windows-1252 (£ and en dash)', () => {
    expect(decodeSubmission(CP1252_POUND_DASH)).toEqual({ encoding: 'windows-1252', text: '1,£5 \u2013 ok\r\n' });
  });

  it('reads pure ASCII as UTF-8, and an empty file as empty text', () => {
    expect(decodeSubmission(Buffer.from('a,b\r\n'))).toEqual({ encoding: 'utf-8', text: 'a,b\r\n' });
    expect(decodeSubmission(Buffer.alloc(0))).toEqual({ encoding: 'utf-8', text: '' });
  });

  it.each([
    ['a 2-byte character', '£'],
    ['a 3-byte character', '€'],
    ['a 4-byte character', '\u{1F50C}'],
  ])('keeps %s split across every possible chunk boundary', (_what, character) => {
    const text = `Identifier,Fix Information\n1,costs ${character}5 ${character}\n`;
    const bytes = Buffer.from(text, 'utf8');
    for (let size = 1; size <= 8; size += 1) {
      expect(decodeInChunks(bytes, size)).toEqual({ text, encoding: 'utf-8' });
    }
    const at = bytes.indexOf(Buffer.from(character, 'utf8'));
    for (let cut = at + 1; cut < at + Buffer.byteLength(character); cut += 1) {
      const decoder = new SubmissionTextDecoder();
      const out = decoder.write(bytes.subarray(0, cut)) + decoder.write(bytes.subarray(cut)) + decoder.end();
      expect(out).toBe(text);
      expect(decoder.encoding).toBe('utf-8');
    }
  });

  it('decides on Windows-1252 the same way whatever the chunk size', () => {
    for (const size of [1, 2, 5, 1024]) {
      expect(decodeInChunks(CP1252_POUND_DASH, size)).toEqual({ text: '1,£5 \u2013 ok\r\n', encoding: 'windows-1252' });
    }
  });

  it('passes a long ASCII start through and still reads a late Windows-1252 byte correctly', () => {
    const bytes = Buffer.concat([Buffer.from('x'.repeat(300_000)), CP1252_POUND_DASH]);
    const decoded = decodeInChunks(bytes, 65_536);
    expect(decoded.encoding).toBe('windows-1252');
    expect(decoded.text.endsWith('1,£5 \u2013 ok\r\n')).toBe(true);
  });

  it('fails with MIXED_ENCODING when a file that started as UTF-8 later has Windows-1252 bytes', async () => {
    const bytes = Buffer.concat([Buffer.from('a,£\n' + 'x'.repeat(100) + '\n', 'utf8'), CP1252_POUND_DASH]);
    const decoder = new SubmissionTextDecoder({ decisionWindow: 16 });
    const error = await fileError(decodeSubmissionStream(chunksOf(bytes, 32), decoder));
    expect(error.code).toBe('MIXED_ENCODING');
    expect(decoder.encoding).toBe('utf-8');
  });

  it('fails with MIXED_ENCODING when a byte-order-marked file has bytes that are not UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), CP1252_POUND_DASH]);
    expect(rejection(bytes).code).toBe('MIXED_ENCODING');
  });

  it('fails with MIXED_ENCODING when UTF-8 is cut off in the middle of a character', () => {
    const bytes = Buffer.from('ab £', 'utf8');
    expect(rejection(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes.subarray(0, bytes.length - 1)])).code).toBe(
      'MIXED_ENCODING',
    );
  });

  it.each([
    ['a PDF', Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n', 'latin1')],
    ['a ZIP (an .xlsx sent as CSV)', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00])],
    ['a legacy .xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0x00])],
    ['a PNG', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
  ])('rejects %s with NOT_CSV', (_what, bytes) => {
    const error = rejection(bytes);
    expect(error.code).toBe('NOT_CSV');
    expect(error.byteOffset).toBe(0);
  });

  it('rejects a NUL byte anywhere, even late in a streamed file, with NOT_CSV', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n'.repeat(10_000)), Buffer.from([0x00]), Buffer.from('c,d\n')]);
    const error = await fileError(decodeSubmissionStream(chunksOf(bytes, 4096)));
    expect(error.code).toBe('NOT_CSV');
    expect(error.byteOffset).toBe(40_000);
    expect(error.message).toMatch(/NUL byte/);
  });

  it('rejects a tiny binary file shorter than any signature', () => {
    expect(rejection(Buffer.from([0x41, 0x00])).code).toBe('NOT_CSV');
  });

  it('rejects UTF-16 ("Unicode text" from Excel) with UNSUPPORTED_ENCODING', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Identifier\tMake\r\n', 'utf16le')]);
    expect(rejection(bytes).code).toBe('UNSUPPORTED_ENCODING');
  });

  it('streams: text comes out before the input has ended', async () => {
    async function* slowSource(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('Identifier,Make\n1,A\n');
      throw new Error('connection lost');
    }
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const text of decodeSubmissionStream(slowSource())) seen.push(text);
      })(),
    ).rejects.toThrow('connection lost');
    expect(seen).toEqual(['Identifier,Make\n1,A\n']);
  });

  it('joins all chunks into the same text as a whole-buffer decode', async () => {
    const bytes = Buffer.from('Make\nNorthwind – £\n'.repeat(1000), 'utf8');
    const texts = await collect(decodeSubmissionStream(chunksOf(bytes, 777)));
    expect(texts.join('')).toBe(decodeSubmission(bytes).text);
  });
});
