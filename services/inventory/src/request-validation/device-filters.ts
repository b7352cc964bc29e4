import { ApiPropertyOptional } from '@nestjs/swagger';
import { stackedPropertyDecorators } from '@smi/service-runtime';
import { IsOptional, IsString, Length } from 'class-validator';
import { IsHex } from './validators';

/*
 * Query filters on the device register that the device list and the variant outlier list share, so both
 * take a manufacturer, a model and a Responsible Supplier in the same form.
 */

/** Manufacturer ID: 4 hex digits. */
export function ManufacturerFilter(): PropertyDecorator {
  return stackedPropertyDecorators(ApiPropertyOptional({ example: '1063' }), IsOptional(), IsHex(4));
}

/** Model ID: 8 hex digits. */
export function ModelFilter(): PropertyDecorator {
  return stackedPropertyDecorators(ApiPropertyOptional({ example: '00050203' }), IsOptional(), IsHex(8));
}

/** A party id; `description` says what a supplier, who sees only its own devices, gets. */
export function ResponsibleSupplierFilter(description: string): PropertyDecorator {
  return stackedPropertyDecorators(ApiPropertyOptional({ example: 'SUPPLIER-A', description }), IsOptional(), IsString(), Length(1, 64));
}
