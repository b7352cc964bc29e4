import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Actor, Authorize, CurrentActor } from '@smi/auth';
import { DeviceHistoryView, DevicePageView, DeviceView, GetDeviceQuery, ListDevicesQuery } from './smi-devices.dto';
import { SmiDevicesQueries } from './smi-devices.queries';

const DEVICE_ID_PARAM = ApiParam({ name: 'deviceId', example: '00-DB-12-34-56-78-90-A0', description: 'EUI-64; dashes and case optional.' });

/** The Smart Metering Inventory as DCC, the DSP and suppliers read it; other parties are refused (403). */
@ApiTags('devices')
@Controller('devices')
@Authorize({ partyTypes: ['dcc', 'dsp', 'supplier'] })
export class SmiDevicesController {
  constructor(private readonly queries: SmiDevicesQueries) {}

  @Get()
  @ApiOperation({
    summary: 'List devices by status, type, manufacturer, model, firmware, ESME Variant or Responsible Supplier',
    description: 'Keyset pages in Device ID order. A supplier sees only the devices it is Responsible Supplier for; DCC and the DSP see all.',
  })
  @ApiOkResponse({ type: DevicePageView })
  @ApiBadRequestResponse({ description: 'A filter, limit or cursor is invalid: `{errors: [{field, reason}]}`.' })
  list(@Query() query: ListDevicesQuery, @CurrentActor() actor: Actor): Promise<DevicePageView> {
    return this.queries.list(query, actor);
  }

  @Get(':deviceId')
  @DEVICE_ID_PARAM
  @ApiOperation({ summary: 'One device: its current SMI record, or with ?asOf its state at that instant (events recorded up to it)' })
  @ApiOkResponse({ type: DeviceView })
  @ApiBadRequestResponse({ description: 'deviceId or asOf is malformed.' })
  @ApiNotFoundResponse({ description: 'Not in the SMI (at asOf), or not visible to the caller.' })
  get(@Param('deviceId') deviceId: string, @Query() query: GetDeviceQuery, @CurrentActor() actor: Actor): Promise<DeviceView> {
    return this.queries.get(deviceId, actor, query.asOf);
  }

  @Get(':deviceId/history')
  @DEVICE_ID_PARAM
  @ApiOperation({
    summary: 'Every recorded event of a device, refused attempts included, with actor, correlation id and time',
    description: 'Device events plus the ServiceRequestAnswered record of every Service Request for the device, in recording order.',
  })
  @ApiOkResponse({ type: DeviceHistoryView })
  @ApiNotFoundResponse({ description: 'Nothing recorded for the device, or not visible to the caller.' })
  history(@Param('deviceId') deviceId: string, @CurrentActor() actor: Actor): Promise<DeviceHistoryView> {
    return this.queries.history(deviceId, actor);
  }
}
