import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Actor, Authorize, AuthorizeOptions, CurrentActor } from '@smi/auth';
import { CorrelationId } from '@smi/service-runtime';
import { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { ReleaseNumberPipe } from './number.pipe';
import { ReleaseCutHandler } from './release-cut.handler';
import { ReleaseExports } from './release-exports';
import { assertEdition, RELEASE_READER_PARTY_TYPES, ReleasesQueries, viewFor } from './releases.queries';
import { CutReleaseDto, DownloadReleaseQuery, ReleaseDiffQuery, ReleaseList, ReleaseView } from './releases.dto';

/** Cutting a release changes what DCC hands SECAS: DCC's administrators, as for the other changes publication records (role registry.admin). */
const CUT: AuthorizeOptions = { partyTypes: ['dcc'], roles: ['registry.admin'] };
const READ: AuthorizeOptions = { partyTypes: [...RELEASE_READER_PARTY_TYPES] };

const NUMBER = ApiParam({ name: 'number', type: String, example: '2', description: 'The release number (1, 2, 3 …)' });

@ApiTags('releases')
@Controller('releases')
export class ReleasesController {
  constructor(
    private readonly cutter: ReleaseCutHandler,
    private readonly queries: ReleasesQueries,
    private readonly exports: ReleaseExports,
  ) {}

  @Post()
  @HttpCode(201)
  @Authorize(CUT)
  @ApiOperation({
    summary: 'Cut the release of a quarter: an immutable, numbered copy of both editions as the catalogue stands, counted against the previous release (DCC, role registry.admin)',
    description:
      'Refused 409 for a quarter released already or before the last release, 422 for a quarter not started, 503 when the read models are still applying recorded events (nothing is cut; try again).',
  })
  @ApiCreatedResponse({ type: ReleaseView })
  async cut(@Body() body: CutReleaseDto, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string): Promise<ReleaseView> {
    const number = await this.cutter.cut(body.label, { actor, correlationId });
    return viewFor(actor, await this.queries.record(number, 'number'));
  }

  @Get()
  @Authorize(READ)
  @ApiOperation({ summary: 'Every release, oldest first, and the quarters left without one by their due date (DCC; SECAS sees the public edition of each)' })
  @ApiOkResponse({ type: ReleaseList })
  list(@CurrentActor() actor: Actor): Promise<ReleaseList> {
    return this.queries.list(actor);
  }

  @Get(':number')
  @Authorize(READ)
  @NUMBER
  @ApiOperation({ summary: 'One release: its quarter, when it was cut, its counts and the providers that did not supply data (DCC; SECAS the public edition)' })
  @ApiOkResponse({ type: ReleaseView })
  get(@Param('number', ReleaseNumberPipe) number: number, @CurrentActor() actor: Actor): Promise<ReleaseView> {
    return this.queries.get(actor, number);
  }

  @Get(':number/download')
  @Authorize(READ)
  @NUMBER
  @ApiOperation({
    summary: 'Download an edition, streamed: csv (the submission file’s columns), xlsx (a cover sheet, then the items) or json. SECAS: the public edition; DCC: both',
    description: 'Cells that a spreadsheet would read as a formula (starting with =, +, -, @, a tab or a carriage return) start with an apostrophe in csv and xlsx.',
  })
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/json')
  @ApiOkResponse({ description: 'The file, as an attachment' })
  async download(@Param('number', ReleaseNumberPipe) number: number, @Query() query: DownloadReleaseQuery, @CurrentActor() actor: Actor, @Res() reply: FastifyReply): Promise<void> {
    assertEdition(actor, query.edition);
    const release = await this.queries.record(number, 'number');
    const file = this.exports.file(release, query.edition, query.format);
    await reply.header('content-type', file.contentType).header('content-disposition', `attachment; filename="${file.fileName}"`).send(file.body);
  }

  @Get(':number/diff')
  @Authorize(READ)
  @NUMBER
  @ApiOperation({ summary: 'What changed from another release (by default the one before) in an edition: items added, changed (each field old → new) and removed (DCC; SECAS the public edition)' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: {
        from: { type: 'integer', nullable: true },
        to: { type: 'integer' },
        edition: { type: 'string', enum: ['dcc', 'public'] },
        added: { type: 'array', items: { type: 'object' } },
        changed: {
          type: 'array',
          items: {
            type: 'object',
            properties: { id: { type: 'string' }, item: { type: 'object' }, changes: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, from: {}, to: {} } } } },
          },
        },
        removed: { type: 'array', items: { type: 'object' } },
      },
    },
  })
  async diff(@Param('number', ReleaseNumberPipe) number: number, @Query() query: ReleaseDiffQuery, @CurrentActor() actor: Actor, @Res() reply: FastifyReply): Promise<void> {
    const edition = query.edition ?? 'public';
    assertEdition(actor, edition);
    const to = await this.queries.record(number, 'number');
    const fromNumber = query.from === undefined ? to.previousRelease : Number(query.from);
    const from = fromNumber === null ? null : await this.queries.record(fromNumber, 'from');
    await reply.header('content-type', 'application/json; charset=utf-8').send(Readable.from(this.queries.diff(to, from, edition)));
  }
}
