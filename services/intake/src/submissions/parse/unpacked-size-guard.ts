import { InflateRaw, createInflateRaw } from 'node:zlib';
import { SubmissionFileError } from '../submission-errors';

/*
 * What an .xlsx upload may unpack to. An .xlsx file is a zip archive, and deflate packs repeated bytes up to
 * 1,032 to 1: a 150 KB upload can hold a 150 MB worksheet, which ran the worker's bounded heap (96 MB) out of
 * memory. The limits below are checked on the bytes actually inflated (the sizes a zip header declares can
 * lie), as they stream, before the reader is given the bytes that would break one.
 *
 * Measured: exceljs writes 50,000 ordinary submission rows as 2.0 MB packed, 19.4 MB unpacked (10 to 1), and
 * spreadsheet tools pack about as well, so a legitimate upload at INTAKE_MAX_UPLOAD_BYTES (50 MiB by default)
 * unpacks to 0.5 to 1 GB and stays well inside every limit.
 */

/** Unpacked bytes per packed byte read so far: ordinary workbooks reach 10 to 20, zip bombs about 1,000. */
export const MAX_UNPACK_RATIO = 100;
/** Allowance on top of the ratio, so a tiny workbook (a few KB of mostly fixed parts) is never refused. */
const RATIO_ALLOWANCE_BYTES = 1024 * 1024;
/** All entries together: twice what a legitimate 50 MiB upload unpacks to; bounds how long one keeps a worker. */
export const MAX_UNPACKED_BYTES = 2 * 1024 * 1024 * 1024;
/**
 * Any one entry other than a worksheet (shared strings, styles, the workbook, relationships): exceljs holds
 * these in memory, so they must fit the worker's heap with room to spare. The characters of the shared strings
 * are fewer than the bytes of their XML, so this bounds those characters too.
 */
export const MAX_PART_BYTES = 24 * 1024 * 1024;
/**
 * Shared strings, counted: each costs exceljs a string of its own (about 40 bytes besides its characters).
 * Rows share their makes, models and statuses, so even a million-row submission needs far fewer.
 */
export const MAX_SHARED_STRINGS = 500_000;
/**
 * Longest stretch of an XML entry without a `<` (text) or without a `>` (a tag): the XML reader holds such a
 * stretch whole. No cell a submission accepts comes near it (10,000 characters, at most 6 bytes each escaped).
 */
export const MAX_MARKUP_RUN_BYTES = 1024 * 1024;

const LOCAL_FILE_HEADER = 0x04034b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const DATA_DESCRIPTOR = Buffer.from([0x50, 0x4b, 0x07, 0x08]);
/** Inflated bytes come (zlib's chunk size) and are scanned in slices no longer than this, far below MAX_MARKUP_RUN_BYTES. */
const SCAN_SLICE_BYTES = 64 * 1024;
const NO_SIZE = 0xffffffff;

const mebibytes = (bytes: number) => `${bytes / (1024 * 1024)} MiB`;

function tooLarge(reason: string): SubmissionFileError {
  return new SubmissionFileError(
    'WORKBOOK_TOO_LARGE_UNPACKED',
    `The workbook is too large when unpacked: ${reason}. Save the sheet as CSV, or split it into smaller workbooks`,
  );
}

function damaged(reason: string): SubmissionFileError {
  return new SubmissionFileError('NOT_XLSX', `The file is not an .xlsx workbook, or it is damaged: ${reason}`);
}

interface Entry {
  readonly name: string;
  readonly worksheet: boolean;
  readonly xml: boolean;
  readonly sharedStrings: boolean;
  readonly inflater?: InflateRaw;
  /** The deflate stream has ended, possibly before the entry's data did (zlib then ignores the rest). */
  inflated: boolean;
  bytes: number;
  sinceOpen: number;
  sinceClose: number;
  strings: number;
  /** Last characters of the shared strings already scanned, so a tag split between chunks is still counted. */
  tail: string;
}

type State = 'record' | 'header' | 'data' | 'until-descriptor' | 'descriptor' | 'done';

/**
 * Follows the zip archive of an .xlsx upload as its bytes arrive, framing the entries as the unzipper exceljs
 * uses does, inflating each one (and dropping what it inflates) to count what it unpacks to. `inspect` each
 * chunk before handing it to the reader: it fails with WORKBOOK_TOO_LARGE_UNPACKED as soon as a limit is
 * passed, or NOT_XLSX when the bytes are not a zip archive. Inflating twice costs time, not memory.
 */
export class UnpackedSizeGuard {
  private pending: Buffer = Buffer.alloc(0);
  private state: State = 'record';
  private remaining = 0;
  private entry?: Entry;
  private entries = 0;
  private packed = 0;
  private unpacked = 0;
  private failure?: SubmissionFileError;
  private onFailure?: (error: SubmissionFileError) => void;

  async inspect(chunk: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    this.packed += chunk.length;
    if (this.state === 'done') return;
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.pending = this.pending.length === 0 ? bytes : Buffer.concat([this.pending, bytes]);
    while (await this.step()) {
      // each step consumes what it can of `pending`
    }
  }

  /** Lets go of the entry being inflated (the input ended or failed). */
  close(): void {
    this.entry?.inflater?.destroy();
    this.entry = undefined;
  }

  private async step(): Promise<boolean> {
    switch (this.state) {
      case 'record':
        return this.readSignature();
      case 'header':
        return this.readHeader();
      case 'data': {
        if (this.remaining > 0 && this.pending.length === 0) return false;
        const piece = this.take(Math.min(this.remaining, this.pending.length));
        this.remaining -= piece.length;
        if (piece.length > 0) await this.feed(piece);
        if (this.remaining > 0) return false;
        await this.finishEntry();
        this.state = 'record';
        return true;
      }
      case 'until-descriptor': {
        // A data descriptor follows an entry whose size was not known when it was written; like the unzipper,
        // the entry's data runs up to the descriptor's signature.
        const at = this.pending.indexOf(DATA_DESCRIPTOR);
        if (at < 0) {
          const piece = this.take(Math.max(0, this.pending.length - (DATA_DESCRIPTOR.length - 1)));
          if (piece.length > 0) await this.feed(piece);
          return false;
        }
        const piece = this.take(at);
        if (piece.length > 0) await this.feed(piece);
        await this.finishEntry();
        this.state = 'descriptor';
        return true;
      }
      case 'descriptor':
        if (this.pending.length < 16) return false;
        this.take(16);
        this.state = 'record';
        return true;
      case 'done':
        this.pending = Buffer.alloc(0);
        return false;
    }
  }

  private take(length: number): Buffer {
    const piece = this.pending.subarray(0, length);
    this.pending = this.pending.subarray(length);
    return piece;
  }

  private readSignature(): boolean {
    if (this.pending.length < 4) return false;
    const signature = this.pending.readUInt32LE(0);
    if (signature === LOCAL_FILE_HEADER) {
      this.state = 'header';
      return true;
    }
    if (signature === CENTRAL_DIRECTORY_HEADER || signature === END_OF_CENTRAL_DIRECTORY) {
      // The directory at the end only lists the entries again: nothing more is unpacked.
      this.state = 'done';
      this.pending = Buffer.alloc(0);
      return false;
    }
    throw this.entries === 0
      ? new SubmissionFileError('NOT_XLSX', 'The file is not an .xlsx workbook: an .xlsx file is a zip archive, and this one is not')
      : damaged(`the archive is broken after entry ${this.entries}`);
  }

  private readHeader(): boolean {
    if (this.pending.length < 30) return false;
    const flags = this.pending.readUInt16LE(6);
    const method = this.pending.readUInt16LE(8);
    let packedSize = this.pending.readUInt32LE(18);
    const nameLength = this.pending.readUInt16LE(26);
    const extraLength = this.pending.readUInt16LE(28);
    if (this.pending.length < 30 + nameLength + extraLength) return false;
    const header = this.take(30 + nameLength + extraLength);
    const name = header.toString('utf8', 30, 30 + nameLength);
    if (packedSize === NO_SIZE) packedSize = zip64PackedSize(header.subarray(30 + nameLength), header.readUInt32LE(22) === NO_SIZE);
    this.entries += 1;
    const worksheet = /^xl\/worksheets\/sheet\d+\.xml$/.test(name);
    const sharedStrings = name === 'xl/sharedStrings.xml';
    const inflater = method === 0 ? undefined : createInflateRaw({ chunkSize: SCAN_SLICE_BYTES });
    const entry: Entry = {
      name,
      worksheet,
      sharedStrings,
      xml: /\.(xml|rels)$/i.test(name),
      inflater,
      inflated: false,
      bytes: 0,
      sinceOpen: 0,
      sinceClose: 0,
      strings: 0,
      tail: '',
    };
    inflater?.on('data', (bytes: Buffer) => this.count(entry, bytes));
    inflater?.on('end', () => (entry.inflated = true));
    inflater?.on('error', () => this.fail(damaged(`${name} cannot be unpacked`)));
    this.entry = entry;
    const sizeKnown = (flags & 0x08) === 0 || packedSize > 0;
    this.state = sizeKnown ? 'data' : 'until-descriptor';
    this.remaining = sizeKnown ? packedSize : 0;
    return true;
  }

  private async feed(piece: Buffer): Promise<void> {
    const entry = this.entry as Entry;
    if (entry.inflater === undefined) {
      this.count(entry, piece);
      if (this.failure) throw this.failure;
      return;
    }
    const inflater = entry.inflater;
    if (entry.inflated) return;
    await this.settled((resolve) => inflater.write(piece, () => resolve()));
  }

  private async finishEntry(): Promise<void> {
    const entry = this.entry as Entry;
    this.entry = undefined;
    const inflater = entry.inflater;
    if (inflater === undefined) return;
    if (entry.inflated) {
      inflater.destroy();
      return;
    }
    await this.settled((resolve) => {
      inflater.once('end', resolve);
      inflater.end();
    });
  }

  /** Waits for an inflater to get through its input; a limit passed or a broken entry fails the wait at once. */
  private async settled(start: (resolve: () => void) => void): Promise<void> {
    if (this.failure) throw this.failure;
    try {
      await new Promise<void>((resolve, reject) => {
        this.onFailure = reject;
        start(resolve);
      });
    } finally {
      this.onFailure = undefined;
    }
    if (this.failure) throw this.failure;
  }

  private fail(error: SubmissionFileError): void {
    this.failure ??= error;
    this.entry?.inflater?.destroy();
    this.onFailure?.(this.failure);
  }

  private count(entry: Entry, bytes: Buffer): void {
    if (this.failure) return;
    for (let start = 0; start < bytes.length; start += SCAN_SLICE_BYTES) {
      const problem = this.problemWith(entry, bytes.subarray(start, start + SCAN_SLICE_BYTES));
      if (problem !== undefined) return this.fail(tooLarge(problem));
    }
  }

  private problemWith(entry: Entry, slice: Buffer): string | undefined {
    entry.bytes += slice.length;
    this.unpacked += slice.length;
    if (this.unpacked > MAX_UNPACKED_BYTES) return `it unpacks to more than ${mebibytes(MAX_UNPACKED_BYTES)}`;
    if (this.unpacked > MAX_UNPACK_RATIO * this.packed + RATIO_ALLOWANCE_BYTES) {
      return `it unpacks to more than ${MAX_UNPACK_RATIO} times its size, which ordinary workbooks never do`;
    }
    if (!entry.worksheet && entry.bytes > MAX_PART_BYTES) return `${entry.name} alone unpacks to more than ${mebibytes(MAX_PART_BYTES)}`;
    if (entry.xml) {
      entry.sinceOpen = stretchWithout(0x3c, entry.sinceOpen, slice);
      entry.sinceClose = stretchWithout(0x3e, entry.sinceClose, slice);
      if (entry.sinceOpen > MAX_MARKUP_RUN_BYTES || entry.sinceClose > MAX_MARKUP_RUN_BYTES) {
        return `${entry.name} holds more than ${mebibytes(MAX_MARKUP_RUN_BYTES)} in one cell or tag, far more than any column allows`;
      }
    }
    if (entry.sharedStrings) {
      const text = entry.tail + slice.toString('latin1');
      entry.strings += occurrences(text, '</si>') + occurrences(text, '<si/>');
      entry.tail = text.slice(-4);
      if (entry.strings > MAX_SHARED_STRINGS) return `it has more than ${MAX_SHARED_STRINGS.toLocaleString('en-GB')} shared strings`;
    }
    return undefined;
  }
}

/**
 * Bytes since the last `byte` once `slice` has been read; when the stretch that `slice` closes is already over
 * the limit, that stretch's length instead, so the caller's check sees it.
 */
function stretchWithout(byte: number, before: number, slice: Buffer): number {
  const first = slice.indexOf(byte);
  if (first < 0) return before + slice.length;
  if (before + first > MAX_MARKUP_RUN_BYTES) return before + first;
  return slice.length - 1 - slice.lastIndexOf(byte);
}

function occurrences(text: string, tag: string): number {
  let count = 0;
  for (let at = text.indexOf(tag); at >= 0; at = text.indexOf(tag, at + tag.length)) count += 1;
  return count;
}

/** The packed size from an entry's zip64 extra field, for an entry too large for the 32-bit field. */
function zip64PackedSize(extra: Buffer, unpackedSizeFirst: boolean): number {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      const offset = at + 4 + (unpackedSizeFirst ? 8 : 0);
      if (offset + 8 > extra.length) break;
      return Number(extra.readBigUInt64LE(offset));
    }
    at += 4 + length;
  }
  throw damaged('an entry has no size');
}
