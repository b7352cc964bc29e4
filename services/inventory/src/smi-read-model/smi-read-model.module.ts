import { Module } from '@nestjs/common';
import { SmiDevicesController } from './smi-devices.controller';
import { SmiDevicesQueries } from './smi-devices.queries';

/** The SMI as it is read: GET /devices, /devices/{id} (?asOf) and /devices/{id}/history, from smi_devices and the streams. */
@Module({ controllers: [SmiDevicesController], providers: [SmiDevicesQueries], exports: [SmiDevicesQueries] })
export class SmiReadModelModule {}
