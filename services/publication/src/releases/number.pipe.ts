import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

/** A release number in a path (1, 2, 3 …), refused like every other field: 400 naming it. */
@Injectable()
export class ReleaseNumberPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^[1-9][0-9]{0,8}$/.test(value)) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'number must be a release number (1, 2, 3 …)',
        errors: [{ field: 'number', reason: 'must be a release number' }],
      });
    }
    return Number(value);
  }
}
