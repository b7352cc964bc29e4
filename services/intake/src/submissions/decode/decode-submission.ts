import { TextDecoder } from 'node:util';
import * as iconv from 'iconv-lite';
import { SubmissionFileError } from '../submission-errors';

export type DetectedEncoding = 'utf-8' | 'utf-8-bom' | 'windows-1252';

export interface DecodedSubmission {
  readonly encoding: DetectedEncoding;
  readonly text: string;
}

export interface DecoderOptions {
  /**
   * Bytes looked at, from the first non-ASCII byte on, before choosing between UTF-8 and Windows-1252.
   * The choice depends only on these bytes, never on how the input happens to be chunked.
   */
  readonly decisionWindow?: number;
}

const DEFAULT_DECISION_WINDOW = 64 * 1024;
const SNIFF_LENGTH = 8;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

interface Signature {
  readonly bytes: Buffer;
  readonly what: string;
}

// Files people upload by mistake instead of a CSV. A ZIP is usually an .xlsx sent down the CSV route.
const BINARY_SIGNATURES: readonly Signature[] = [
  { bytes: Buffer.from('%PDF-', 'latin1'), what: 'a PDF document' },
  { bytes: Buffer.from([0x50, 0x4b, 0x03, 0x04]), what: 'a ZIP archive (an .xlsx workbook must be uploaded as .xlsx)' },
  { bytes: Buffer.from([0x50, 0x4b, 0x05, 0x06]), what: 'an empty ZIP archive' },
  { bytes: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), what: 'a legacy Office file (.xls)' },
  { bytes: Buffer.from([0x1f, 0x8b]), what: 'a gzip archive' },
  { bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47]), what: 'a PNG image' },
  { bytes: Buffer.from([0xff, 0xd8, 0xff]), what: 'a JPEG image' },
];

const UTF16_BOMS: readonly Buffer[] = [Buffer.from([0xff, 0xfe]), Buffer.from([0xfe, 0xff])];

type State = 'sniffing' | 'ascii' | 'deciding' | 'utf-8' | 'windows-1252' | 'ended';

function firstNonAscii(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; i += 1) {
    if (bytes[i] >= 0x80) return i;
  }
  return -1;
}

function isUtf8(bytes: Buffer, complete: boolean): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

/**
 * Incremental bytes → text for submission files: UTF-8 with or without a byte order mark, or Windows-1252
 * (what Excel writes for "CSV (Comma delimited)" on a UK machine).
 *
 * Text that is pure ASCII reads the same in both encodings, so it is passed through at once; the choice is
 * made at the first non-ASCII byte, from a window of bytes starting there. A file that looks like UTF-8 in
 * that window but later is not fails with MIXED_ENCODING rather than being guessed at twice.
 */
export class SubmissionTextDecoder {
  private state: State = 'sniffing';
  private held: Buffer[] = [];
  private heldLength = 0;
  private utf8: TextDecoder | undefined;
  private bytesSeen = 0;
  private detected: DetectedEncoding | undefined;
  private readonly decisionWindow: number;

  constructor(options: DecoderOptions = {}) {
    this.decisionWindow = options.decisionWindow ?? DEFAULT_DECISION_WINDOW;
  }

  /** The encoding chosen so far; pure ASCII input reports `utf-8` once it has ended. */
  get encoding(): DetectedEncoding | undefined {
    return this.detected;
  }

  /** Bytes received so far. */
  get byteCount(): number {
    return this.bytesSeen;
  }

  write(chunk: Uint8Array): string {
    if (this.state === 'ended') throw new Error('SubmissionTextDecoder: write after end');
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const offset = this.bytesSeen;
    this.bytesSeen += bytes.length;
    if (this.state === 'sniffing') {
      this.hold(bytes);
      if (this.heldLength < SNIFF_LENGTH) return '';
      return this.sniff(false);
    }
    this.rejectNul(bytes, offset);
    return this.decode(bytes, offset, false);
  }

  end(): string {
    if (this.state === 'ended') return '';
    let text = '';
    if (this.state === 'sniffing') text += this.sniff(true);
    if (this.state === 'deciding') text += this.decide(true);
    if (this.state === 'utf-8' && this.utf8 !== undefined) text += this.utf8Decode(undefined, this.bytesSeen);
    this.detected ??= 'utf-8';
    this.state = 'ended';
    return text;
  }

  private hold(bytes: Buffer): void {
    this.held.push(bytes);
    this.heldLength += bytes.length;
  }

  private takeHeld(): Buffer {
    const all = Buffer.concat(this.held, this.heldLength);
    this.held = [];
    this.heldLength = 0;
    return all;
  }

  private sniff(atEnd: boolean): string {
    const start = this.takeHeld();
    for (const bom of UTF16_BOMS) {
      if (start.subarray(0, bom.length).equals(bom)) {
        throw new SubmissionFileError(
          'UNSUPPORTED_ENCODING',
          'The file is UTF-16 ("Unicode text"); save it as "CSV UTF-8" or "CSV (Comma delimited)"',
          { byteOffset: 0 },
        );
      }
    }
    for (const signature of BINARY_SIGNATURES) {
      if (start.subarray(0, signature.bytes.length).equals(signature.bytes)) {
        throw new SubmissionFileError('NOT_CSV', `The file is not CSV text: it looks like ${signature.what}`, {
          byteOffset: 0,
        });
      }
    }
    this.rejectNul(start, 0);
    if (start.subarray(0, UTF8_BOM.length).equals(UTF8_BOM)) {
      this.commitUtf8('utf-8-bom');
      return this.decode(start.subarray(UTF8_BOM.length), UTF8_BOM.length, atEnd);
    }
    this.state = 'ascii';
    return this.decode(start, 0, atEnd);
  }

  private rejectNul(bytes: Buffer, offset: number): void {
    const at = bytes.indexOf(0);
    if (at >= 0) {
      throw new SubmissionFileError(
        'NOT_CSV',
        `The file is not CSV text: it contains a NUL byte at byte ${offset + at} (binary data)`,
        { byteOffset: offset + at },
      );
    }
  }

  private decode(bytes: Buffer, offset: number, atEnd: boolean): string {
    switch (this.state) {
      case 'ascii': {
        const at = firstNonAscii(bytes);
        if (at < 0) return bytes.toString('latin1');
        this.state = 'deciding';
        this.hold(bytes.subarray(at));
        return bytes.subarray(0, at).toString('latin1') + this.decideIfReady(atEnd);
      }
      case 'deciding':
        this.hold(bytes);
        return this.decideIfReady(atEnd);
      case 'utf-8':
        return this.utf8Decode(bytes, offset);
      case 'windows-1252':
        return iconv.decode(bytes, 'win1252');
      default:
        throw new Error(`SubmissionTextDecoder: unexpected state ${this.state}`);
    }
  }

  private decideIfReady(atEnd: boolean): string {
    return this.heldLength >= this.decisionWindow || atEnd ? this.decide(atEnd) : '';
  }

  private decide(atEnd: boolean): string {
    const start = this.bytesSeen - this.heldLength;
    const held = this.takeHeld();
    const window = held.subarray(0, this.decisionWindow);
    const complete = atEnd && window.length === held.length;
    if (isUtf8(window, complete)) {
      this.commitUtf8('utf-8');
      return this.utf8Decode(held, start);
    }
    this.state = 'windows-1252';
    this.detected = 'windows-1252';
    return iconv.decode(held, 'win1252');
  }

  private commitUtf8(encoding: DetectedEncoding): void {
    this.state = 'utf-8';
    this.detected = encoding;
    this.utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  }

  /** `bytes` undefined flushes the decoder at the end of input. */
  private utf8Decode(bytes: Buffer | undefined, offset: number): string {
    const decoder = this.utf8;
    if (decoder === undefined) throw new Error('SubmissionTextDecoder: UTF-8 decoder missing');
    try {
      return bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream: true });
    } catch {
      throw new SubmissionFileError(
        'MIXED_ENCODING',
        bytes === undefined
          ? 'The file ends in the middle of a UTF-8 character (truncated?)'
          : `The file started as UTF-8 but has bytes that are not UTF-8 at or after byte ${offset}; ` +
              'save the whole file again in one encoding ("CSV UTF-8" is best)',
        { byteOffset: offset },
      );
    }
  }
}

/** Decodes a whole file held in memory. */
export function decodeSubmission(bytes: Uint8Array, options: DecoderOptions = {}): DecodedSubmission {
  const decoder = new SubmissionTextDecoder(options);
  const text = decoder.write(bytes) + decoder.end();
  return { encoding: decoder.encoding ?? 'utf-8', text };
}

/**
 * Streaming form: bytes in, text out, usable as a `stream.pipeline` stage. Pass your own decoder to read
 * `decoder.encoding` once the text has been consumed.
 */
export async function* decodeSubmissionStream(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  decoder: SubmissionTextDecoder = new SubmissionTextDecoder(),
): AsyncGenerator<string, void, undefined> {
  for await (const chunk of source) {
    const text = decoder.write(chunk);
    if (text.length > 0) yield text;
  }
  const rest = decoder.end();
  if (rest.length > 0) yield rest;
}
