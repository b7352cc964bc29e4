import { ApiProperty } from '@nestjs/swagger';
import { stackedPropertyDecorators } from '@smi/service-runtime';
import { IsString, Length } from 'class-validator';
import { maxLengthOf } from './device-fields';

/*
 * Request fields of the device description that reports and fix proposals share (see device-fields.ts),
 * so both routes take a make, a model and a firmware version under the same glossary limits.
 */

export function MakeField(): PropertyDecorator {
  return stackedPropertyDecorators(ApiProperty({ example: 'Northwind Metering' }), IsString(), Length(1, maxLengthOf('Make')));
}

export function ModelField(): PropertyDecorator {
  return stackedPropertyDecorators(ApiProperty({ example: 'NW-E1' }), IsString(), Length(1, maxLengthOf('Model')));
}

/** A firmware version; `description` says which one (the affected, the fixing) or how it is stored. */
export function FirmwareVersionField(documentation: { example: string; description: string }): PropertyDecorator {
  return stackedPropertyDecorators(ApiProperty(documentation), IsString(), Length(1, maxLengthOf('Firmware Version')));
}
