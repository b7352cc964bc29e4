import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DEVICE_ERRORS, DspCommand } from '../device-aggregate';
import { DeviceWriter } from '../device-writer/device-writer';
import { SmiDevicesQueries } from '../smi-read-model/smi-devices.queries';
import { validationFailed } from '../request-validation/validators';
import { DspUpdateView } from './dsp-updates.dto';

/** Status changes and Changes of Supplier the DSP sends over HTTP, answered with the device as it now is. */
@Injectable()
export class DspUpdatesHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: DeviceWriter,
    private readonly queries: SmiDevicesQueries,
  ) {}

  async update(command: DspCommand, correlationId: string): Promise<DspUpdateView> {
    const [result] = await this.writer.write(this.dataSource, [{ kind: 'report', command, channel: 'http', correlationId }]);
    if (result.kind === 'refused') {
      const { error } = result;
      if (error.code === DEVICE_ERRORS.MALFORMED) {
        throw validationFailed([{ field: typeof error.details.field === 'string' ? error.details.field : '', reason: error.message }]);
      }
      // TRANSITION_NOT_ALLOWED (422, naming from and to), DEVICE_NOT_FOUND (404), STATUS_INCOMPATIBLE (409).
      throw error;
    }
    if (result.kind !== 'reported') throw new Error(`a DSP update produced a ${result.kind} result`);
    const device = await this.queries.find(result.device.deviceId);
    if (!device) throw new Error(`device ${result.device.deviceId} has no read model row after a DSP update`);
    return { recorded: result.events.length > 0, device };
  }
}
