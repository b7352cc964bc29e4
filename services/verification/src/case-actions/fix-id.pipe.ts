import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

/** Intake numbers fix proposals F-000001 upwards (six digits at least). */
const FIX_ID = /^F-\d{6,12}$/;

/** A fix proposal's id in a path, refused like every other field: 400 naming it. */
@Injectable()
export class FixIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!FIX_ID.test(value)) {
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'fixId must be a fix proposal id such as F-000123', errors: [{ field: 'fixId', reason: 'must be F- and digits' }] });
    }
    return value;
  }
}
