import type { Multipart, MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';

export interface FirstMultipartFile {
  readonly part: MultipartFile;
  /**
   * Once the part's stream has ended: reads the rest of the body and says whether it held another file, which
   * the caller refuses rather than keep the first and drop the second without a word. Fields are ignored.
   */
  anotherFileFollows(): Promise<boolean>;
}

/**
 * The first file of a multipart request (fields before it are skipped), or undefined when it has none. The
 * multipart plugin must be registered with `limits.files: 1`: a second file then ends the body with its
 * files-limit error, which `anotherFileFollows` reports as a second file. Other errors are thrown as the plugin
 * raised them (file too large, a malformed body).
 */
export async function firstMultipartFile(request: FastifyRequest): Promise<FirstMultipartFile | undefined> {
  const parts = request.parts()[Symbol.asyncIterator]();
  for (;;) {
    const next = await parts.next();
    if (next.done) return undefined;
    if (next.value.type !== 'file') continue;
    return { part: next.value, anotherFileFollows: () => anotherFile(parts) };
  }
}

async function anotherFile(parts: AsyncIterator<Multipart>): Promise<boolean> {
  try {
    for (;;) {
      const next = await parts.next();
      if (next.done) return false;
      if (next.value.type === 'file') {
        next.value.file.resume();
        return true;
      }
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_FILES_LIMIT') return true;
    throw error;
  }
}
