import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { stackedPropertyDecorators as stacked } from './stacked-property-decorators';
import { DigitsToNumber } from './strict-values';

/*
 * The `cursor` and `limit` query parameters every paged list takes. Property decorators rather than a base
 * class, so each query keeps its parameters in place: inherited properties would move to the front of the
 * OpenAPI parameters and change the order of the validation errors.
 */

/** The optional `cursor` of a paged list: the opaque nextCursor of a previous page, at most `maxLength` characters. */
export function PageCursor(options: { maxLength: number; description: string }): PropertyDecorator {
  return stacked(ApiPropertyOptional({ description: options.description }), IsOptional(), IsString(), MaxLength(options.maxLength));
}

/** The optional `limit` of a paged list: a whole number from 1 to `max` in plain digits, `default` when absent. */
export function PageLimit(options: { max: number; default: number }): PropertyDecorator {
  return stacked(ApiPropertyOptional({ minimum: 1, maximum: options.max, default: options.default }), IsOptional(), DigitsToNumber(), IsInt({ message: 'limit must be a whole number written in digits' }), Min(1), Max(options.max));
}
