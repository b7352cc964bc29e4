import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

/** An item's id is its verification case's id, as verification's contract spells it (in practice a UUID). */
const CASE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** The item id in a path, refused like every other field: 400 naming it. */
@Injectable()
export class ItemIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!CASE_ID.test(value)) {
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'id must be an item id (a UUID)', errors: [{ field: 'id', reason: 'must be an item id' }] });
    }
    return value;
  }
}
