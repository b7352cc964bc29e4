import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

export const PARTY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A party id in a path, refused like every other field: 400 naming it. */
@Injectable()
export class PartyIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!PARTY_ID.test(value)) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'partyId must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
        errors: [{ field: 'partyId', reason: 'must be a party id' }],
      });
    }
    return value;
  }
}
