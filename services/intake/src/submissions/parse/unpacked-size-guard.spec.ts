import { deflateRawSync } from 'node:zlib';
import { xlsxBombs, zipArchive } from '@smi/testing';
import { SubmissionFileError } from '../submission-errors';
import { UnpackedSizeGuard } from './unpacked-size-guard';

async function inspectAll(bytes: Buffer, chunkSize: number): Promise<void> {
  const guard = new UnpackedSizeGuard();
  try {
    for (let at = 0; at < bytes.length; at += chunkSize) await guard.inspect(bytes.subarray(at, at + chunkSize));
  } finally {
    guard.close();
  }
}

describe('UnpackedSizeGuard', () => {
  it('follows an archive however its bytes are split', async () => {
    const zip = zipArchive([{ name: 'a.xml', data: '<a>hello</a>'.repeat(1000) }, { name: 'b.xml', data: '<b/>' }]);
    for (const chunkSize of [1, 7, 4096, zip.length]) await expect(inspectAll(zip, chunkSize)).resolves.toBeUndefined();
  });

  it('finds a bomb however its bytes are split', async () => {
    const { bigSheet } = xlsxBombs({ sheetBytes: 20_000_000, sharedStringBytes: 1 });
    for (const chunkSize of [1000, 65_536, bigSheet.length]) {
      await expect(inspectAll(bigSheet, chunkSize)).rejects.toMatchObject({ code: 'WORKBOOK_TOO_LARGE_UNPACKED' });
    }
  });

  it('does not wait for ever on an entry whose data runs on past the end of its deflate stream', async () => {
    const text = Buffer.from('<a>hello</a>');
    const packed = deflateRawSync(text);
    const zip = zipArchive([{ name: 'a.xml', data: text }, { name: 'b.xml', data: '<b/>' }]);
    const headerLength = 30 + 'a.xml'.length;
    const padded = Buffer.concat([zip.subarray(0, headerLength), packed, Buffer.alloc(100, 7), zip.subarray(headerLength + packed.length)]);
    padded.writeUInt32LE(packed.length + 100, 18);
    await expect(inspectAll(padded, 7)).resolves.toBeUndefined();
  });

  it('calls bytes that are not a zip archive NOT_XLSX, in its own words', async () => {
    const error = await inspectAll(Buffer.from('Identifier,Make\n1,M\n'), 1024).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SubmissionFileError);
    expect(error).toMatchObject({ code: 'NOT_XLSX', message: expect.stringMatching(/^The file is not an \.xlsx workbook/) });
  });
});
