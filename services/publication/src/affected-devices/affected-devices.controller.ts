import { BadRequestException, Controller, Get, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Actor, Authorize, CurrentActor, PartyType } from '@smi/auth';
import { Readable } from 'node:stream';
import { ItemIdPipe } from '../defects';
import { AffectedDevicesCsvQuery, AffectedDevicesQuery, AffectedItemsPage, ItemDevicesPage, ItemDevicesQuery } from './affected-devices.dto';
import { AFFECTED_DEVICES_CSV_HEADER, AffectedDevicesHandler } from './affected-devices.handler';

/** Suppliers hold devices; DCC sees every supplier's. Every other party type is refused (403) before anything is read. */
const DEVICE_HOLDERS: PartyType[] = ['dcc', 'supplier'];

@ApiTags('affected-devices')
@ApiExtraModels(AffectedItemsPage)
@Controller()
export class AffectedDevicesController {
  constructor(private readonly affected: AffectedDevicesHandler) {}

  @Get('affected-devices')
  @Authorize({ partyTypes: DEVICE_HOLDERS })
  @ApiOperation({
    summary:
      "The published items a supplier's devices in the inventory match (SMI manufacturer id, model id, firmware version), with how many of its devices in service each matches, in the neutral order. " +
      "A supplier: its own devices; DCC: one supplier's (?supplier=) or every supplier's. ?format=csv: the devices themselves, one line per device and item, as a download",
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ schema: { $ref: getSchemaPath(AffectedItemsPage) }, description: `JSON, or text/csv with the columns ${AFFECTED_DEVICES_CSV_HEADER.join(', ')}` })
  list(@Query() query: AffectedDevicesQuery, @CurrentActor() actor: Actor): Promise<AffectedItemsPage> | StreamableFile {
    if (query.format !== 'csv') return this.affected.items(actor, query);
    // The CSV is the whole list: paging it would make a download that silently stops at a page.
    for (const field of ['cursor', 'limit'] as const) {
      if (query[field] !== undefined) {
        throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `${field} pages the JSON answer; the CSV is the whole list`, errors: [{ field, reason: 'not with format=csv' }] });
      }
    }
    return this.download(actor, query);
  }

  @Get('affected-devices.csv')
  @Authorize({ partyTypes: DEVICE_HOLDERS })
  @ApiOperation({ summary: `GET /affected-devices?format=csv as a file: ${AFFECTED_DEVICES_CSV_HEADER.join(', ')}; cells a spreadsheet would run as a formula start with an apostrophe` })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'text/csv' })
  csv(@Query() query: AffectedDevicesCsvQuery, @CurrentActor() actor: Actor): StreamableFile {
    return this.download(actor, query);
  }

  @Get('affected-devices/:id')
  @Authorize({ partyTypes: DEVICE_HOLDERS })
  @ApiParam({ name: 'id', description: "A published item's id" })
  @ApiOperation({ summary: 'The devices in scope that one published item matches, by Device ID; an item that is not published is not found' })
  @ApiOkResponse({ type: ItemDevicesPage })
  itemDevices(@Param('id', ItemIdPipe) itemId: string, @Query() query: ItemDevicesQuery, @CurrentActor() actor: Actor): Promise<ItemDevicesPage> {
    return this.affected.itemDevices(actor, itemId, query);
  }

  private download(actor: Actor, query: { supplier?: string }): StreamableFile {
    const { supplier, lines } = this.affected.csv(actor, query);
    return new StreamableFile(Readable.from(lines), {
      type: 'text/csv; charset=utf-8',
      // A party id is letters, digits, ".", "_" and "-" (checked): safe in the header as it is.
      disposition: `attachment; filename="affected-devices-${supplier ?? 'all-suppliers'}.csv"`,
    });
  }
}
