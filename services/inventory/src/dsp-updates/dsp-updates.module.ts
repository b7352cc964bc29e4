import { Module } from '@nestjs/common';
import { DeviceWriterModule } from '../device-writer/device-writer.module';
import { SmiReadModelModule } from '../smi-read-model/smi-read-model.module';
import { DspUpdatesConsumer } from './dsp-updates.consumer';
import { DspUpdatesController } from './dsp-updates.controller';
import { DspUpdatesHandler } from './dsp-updates.handler';

@Module({
  imports: [DeviceWriterModule, SmiReadModelModule],
  controllers: [DspUpdatesController],
  providers: [DspUpdatesHandler, DspUpdatesConsumer],
})
export class DspUpdatesModule {}
