import { Controller, Get, HttpException, HttpStatus, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiPayloadTooLargeResponse, ApiTags, ApiUnsupportedMediaTypeResponse } from '@nestjs/swagger';
import { Actor, Authorize, CurrentActor } from '@smi/auth';
import { CorrelationId, SERVICE_SETTINGS, discardCap, discardRequestBody, uuidParam } from '@smi/service-runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { IntakeSettings } from '../../settings';
import { SubmissionFileError } from '../submission-errors';
import { SubmissionReport } from '../record/submission-report';
import { CSV_MEDIA_TYPES, FILE_FIELD, Upload, UploadError, XLSX_MEDIA_TYPE, errorBody, openUpload } from './submission-upload';
import {
  FileErrorView,
  ListSubmissionsQuery,
  RecordedSubmissionView,
  RejectionPageView,
  RejectionsQuery,
  SubmissionListView,
  SubmissionReportView,
  SubmitFileQuery,
} from './submissions.dto';
import { SubmissionsHandler } from './submissions.handler';

/** A whole-file problem or an upload problem as the HTTP answer a client can act on. */
function httpErrorFor(error: unknown): unknown {
  if (error instanceof SubmissionFileError) {
    // Too large when unpacked is a size limit, like FILE_TOO_LARGE; everything else is a file that cannot be used.
    const status = error.code === 'WORKBOOK_TOO_LARGE_UNPACKED' ? HttpStatus.PAYLOAD_TOO_LARGE : HttpStatus.BAD_REQUEST;
    return new HttpException(
      {
        statusCode: status,
        error: STATUS_CODES[status],
        code: error.code,
        message: error.message,
        details: { row: error.row, line: error.line, column: error.column, byteOffset: error.byteOffset, problems: error.problems, problemsTotal: error.problemsTotal },
      },
      status,
    );
  }
  if (error instanceof UploadError) {
    return new HttpException(errorBody(error), error.status);
  }
  return error;
}

@ApiTags('submissions')
@Controller('submissions')
export class SubmissionsController {
  constructor(
    private readonly submissions: SubmissionsHandler,
    @Inject(SERVICE_SETTINGS) private readonly settings: IntakeSettings,
  ) {}

  @Post()
  @Authorize({ partyTypes: ['manufacturer', 'csp'] })
  @ApiOperation({
    summary: 'Submit a file of defects, issues and fixes (manufacturers and CSPs registered by DCC)',
    description:
      `Multipart (field "${FILE_FIELD}", .csv or .xlsx) or a raw body (text/csv, or ${XLSX_MEDIA_TYPE}), streamed. Every row is validated; ` +
      'valid rows are recorded even when others are rejected, all in one transaction committed once the file has been read to its end. ' +
      'A file-level problem (400), an upload over INTAKE_MAX_UPLOAD_BYTES or a workbook too large when unpacked (413), or an unsupported media type (415) records nothing; so does ?dryRun=true.',
  })
  @ApiConsumes('multipart/form-data', ...CSV_MEDIA_TYPES, XLSX_MEDIA_TYPE)
  @ApiBody({ schema: { type: 'object', properties: { [FILE_FIELD]: { type: 'string', format: 'binary' } } } })
  @ApiCreatedResponse({ type: SubmissionReportView, description: 'Recorded; the validation report' })
  @ApiOkResponse({ type: SubmissionReportView, description: 'Dry run: the validation report, nothing recorded' })
  @ApiBadRequestResponse({ type: FileErrorView, description: 'The file as a whole cannot be used; nothing recorded' })
  @ApiPayloadTooLargeResponse({ type: FileErrorView })
  @ApiUnsupportedMediaTypeResponse({ type: FileErrorView })
  async submit(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query() query: SubmitFileQuery,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
  ): Promise<SubmissionReport> {
    const dryRun = query.dryRun === 'true';
    let upload: Upload | undefined;
    try {
      const submitter = await this.submissions.submitter(actor);
      upload = await openUpload(request, { maxBytes: this.settings.INTAKE_MAX_UPLOAD_BYTES, fileName: query.fileName });
      const report = await this.submissions.submit(submitter, upload, dryRun, actor, correlationId);
      reply.status(dryRun ? HttpStatus.OK : HttpStatus.CREATED);
      return report;
    } catch (error) {
      // Refused before the client finished sending: drop the rest of its body (up to a limit) so the answer
      // reaches it, instead of resetting the connection under a client that is still writing.
      const cap = discardCap(this.settings.INTAKE_MAX_UPLOAD_BYTES);
      const draining = upload !== undefined ? upload.discardRest(cap) : discardRequestBody(request.raw, cap);
      if (!draining) reply.header('connection', 'close');
      throw httpErrorFor(error);
    }
  }

  @Get()
  @Authorize({ partyTypes: ['manufacturer', 'csp', 'dcc'] })
  @ApiOperation({ summary: 'Upload history, newest first: a provider sees its own, DCC everyone’s' })
  @ApiOkResponse({ type: SubmissionListView })
  list(@Query() query: ListSubmissionsQuery, @CurrentActor() actor: Actor) {
    return this.submissions.list(actor, query.provider, query.cursor, query.limit ?? 100);
  }

  @Get(':submissionId')
  @Authorize({ partyTypes: ['manufacturer', 'csp', 'dcc'] })
  @ApiOperation({ summary: 'The validation report of a recorded submission (another provider’s answers 404)' })
  @ApiOkResponse({ type: RecordedSubmissionView })
  get(@Param('submissionId', uuidParam('submissionId')) submissionId: string, @CurrentActor() actor: Actor) {
    return this.submissions.get(submissionId, actor);
  }

  @Get(':submissionId/rejections')
  @Authorize({ partyTypes: ['manufacturer', 'csp', 'dcc'] })
  @ApiOperation({ summary: 'Every problem of the rejected rows, in row order, paged by cursor' })
  @ApiOkResponse({ type: RejectionPageView })
  rejections(@Param('submissionId', uuidParam('submissionId')) submissionId: string, @Query() query: RejectionsQuery, @CurrentActor() actor: Actor) {
    return this.submissions.rejections(submissionId, actor, query.cursor, query.limit ?? 1000);
  }
}
