import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeviceReportCommand, DeviceWriter } from '../device-store/device-writer';
import { DevicesQueries } from '../devices/devices.queries';
import { DEVICE_ERRORS } from '../device/device.decider';
import { validationFailed } from '../shared/validators';
import { DeviceReportView } from './device-reports.dto';

/** Status changes and Changes of Supplier reported by the DSP over HTTP. */
@Injectable()
export class DeviceReportsHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: DeviceWriter,
    private readonly queries: DevicesQueries,
  ) {}

  async report(command: DeviceReportCommand, correlationId: string): Promise<DeviceReportView> {
    const [result] = await this.writer.write(this.dataSource, [{ kind: 'report', command, channel: 'http', correlationId }]);
    if (result.kind === 'refused') {
      const { error } = result;
      if (error.code === DEVICE_ERRORS.MALFORMED) {
        throw validationFailed([{ field: typeof error.details.field === 'string' ? error.details.field : '', reason: error.message }]);
      }
      // TRANSITION_NOT_ALLOWED (422, naming from and to), DEVICE_NOT_FOUND (404), STATUS_INCOMPATIBLE (409).
      throw error;
    }
    if (result.kind !== 'reported') throw new Error(`a device report produced a ${result.kind} result`);
    const device = await this.queries.find(result.device.deviceId);
    if (!device) throw new Error(`device ${result.device.deviceId} has no read model row after a report`);
    return { recorded: result.events.length > 0, device };
  }
}
