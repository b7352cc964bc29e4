import { Controller, Get, HttpCode, HttpException, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBody, ApiConsumes, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Actor, Authorize, CurrentActor } from '@smi/auth';
import { CorrelationId, SERVICE_SETTINGS, discardCap, discardRequestBody } from '@smi/service-runtime';
import { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { Readable } from 'node:stream';
import { InventorySettings } from '../settings';
import { BulkCorrectionListView, BulkCorrectionView } from './bulk-corrections.dto';
import { BulkCorrectionsHandler } from './bulk-corrections.handler';
import { BulkCorrectionsQueries } from './bulk-corrections.queries';
import { CorrectionFileProblem } from './correction-file';
import { CorrectionUpload, UploadRefused, openCorrectionUpload } from './correction-upload';

const JOB_ID_PARAM = ApiParam({ name: 'jobId', example: '3f0c2a4e-6a1b-4c1e-9a55-1f0d7c1e2b3a' });

/**
 * Bulk correction of ESME Variants (SECMP0125 backlog): a supplier uploads `Device ID,ESME Variant` rows, each of
 * which runs as an SR8.4 from the uploading user under the same rules, in the background.
 */
@ApiTags('bulk-corrections')
@Controller('bulk-corrections')
export class BulkCorrectionsController {
  constructor(
    private readonly handler: BulkCorrectionsHandler,
    private readonly queries: BulkCorrectionsQueries,
    @Inject(SERVICE_SETTINGS) private readonly settings: Pick<InventorySettings, 'INVENTORY_BULK_MAX_UPLOAD_BYTES'>,
  ) {}

  @Post()
  @HttpCode(202)
  @Authorize({ partyTypes: ['supplier'] })
  @ApiOperation({
    summary: 'Upload a bulk correction file: each row becomes an SR8.4 from the uploading user, run in the background',
    description:
      'CSV with the header `Device ID,ESME Variant` (UTF-8 byte order mark, CRLF, quoted cells and blank rows tolerated; Device IDs with or without dashes, any case). ' +
      'Send it as multipart/form-data in a field named `file`, or as the body with content type text/csv. Each row gets a RequestID derived from the file, ' +
      'so uploading the same file again changes nothing twice. A row that is not a correction is answered MALFORMED; the rest of the file goes on.',
  })
  @ApiConsumes('multipart/form-data', 'text/csv')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiAcceptedResponse({ type: BulkCorrectionView, description: 'Accepted and queued; follow `GET /bulk-corrections/{jobId}`.' })
  @ApiBadRequestResponse({ description: 'Not a correction file (NOT_CSV, FIELD_TOO_LONG, MISSING_HEADER, WRONG_HEADER, NO_ROWS), no file or more than one in the upload (MISSING_FILE, MORE_THAN_ONE_FILE); nothing recorded.' })
  @ApiResponse({ status: 413, description: 'FILE_TOO_LARGE: over INVENTORY_BULK_MAX_UPLOAD_BYTES; nothing recorded.' })
  @ApiResponse({ status: 415, description: 'UNSUPPORTED_MEDIA_TYPE: neither multipart/form-data nor text/csv (an .xlsx workbook too); the answer says what to send.' })
  async upload(
    @Req() request: FastifyRequest,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BulkCorrectionView> {
    let upload: CorrectionUpload | undefined;
    try {
      upload = await openCorrectionUpload(request, this.settings.INVENTORY_BULK_MAX_UPLOAD_BYTES);
      const job = await this.handler.accept(upload, actor, correlationId);
      reply.header('location', `/bulk-corrections/${job.jobId}`);
      return job;
    } catch (error) {
      // The client may still be sending: let it finish (up to a cap) so it reads the answer, or close the connection.
      if (!discardRequestBody(request.raw, discardCap(this.settings.INVENTORY_BULK_MAX_UPLOAD_BYTES), upload?.source)) reply.header('connection', 'close');
      throw asRefusal(error) ?? error;
    }
  }

  @Get()
  @Authorize({ partyTypes: ['supplier', 'dcc'] })
  @ApiOperation({ summary: 'Bulk corrections: a supplier’s own, or every one for DCC; newest first, at most 100' })
  @ApiOkResponse({ type: BulkCorrectionListView })
  async list(@CurrentActor() actor: Actor): Promise<BulkCorrectionListView> {
    return { items: await this.queries.list(actor) };
  }

  @Get(':jobId')
  @JOB_ID_PARAM
  @Authorize({ partyTypes: ['supplier', 'dcc'] })
  @ApiOperation({ summary: 'Progress of a bulk correction: rows processed, counts per response code, status, times' })
  @ApiOkResponse({ type: BulkCorrectionView })
  @ApiNotFoundResponse({ description: 'No such job, or another supplier’s.' })
  get(@Param('jobId') jobId: string, @CurrentActor() actor: Actor): Promise<BulkCorrectionView> {
    return this.queries.get(jobId, actor);
  }

  @Get(':jobId/results')
  @JOB_ID_PARAM
  @Authorize({ partyTypes: ['supplier', 'dcc'] })
  @ApiOperation({
    summary: 'The answer to every row as CSV: Row,Device ID,ESME Variant,Response Code,Message',
    description: 'Rows answered so far, in file order (every row once the job has completed). Cells that a spreadsheet would run as a formula start with an apostrophe.',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'text/csv' })
  @ApiNotFoundResponse({ description: 'No such job, or another supplier’s.' })
  async results(@Param('jobId') jobId: string, @CurrentActor() actor: Actor, @Res() reply: FastifyReply): Promise<void> {
    const lines = await this.queries.results(jobId, actor);
    await reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="bulk-correction-${jobId}-results.csv"`)
      .send(Readable.from(lines));
  }
}

function asRefusal(error: unknown): HttpException | undefined {
  if (error instanceof UploadRefused) return httpError(error.status, error.code, error.message);
  if (error instanceof CorrectionFileProblem) return httpError(400, error.code, error.message);
  return undefined;
}

function httpError(status: number, code: string, message: string): HttpException {
  return new HttpException({ statusCode: status, error: STATUS_CODES[status] ?? 'Error', code, message }, status);
}
