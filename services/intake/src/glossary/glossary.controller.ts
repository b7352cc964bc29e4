import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@smi/auth';
import { GLOSSARY } from '@smi/contracts';
import { FastifyReply } from 'fastify';
import { matchesIfNoneMatch, representationOf } from './glossary-representation';

/** Changes only with a release of the contracts, so clients may keep it five minutes and then revalidate. */
export const GLOSSARY_CACHE_CONTROL = 'private, max-age=300, must-revalidate';

const GLOSSARY_REPRESENTATION = representationOf(GLOSSARY);

/**
 * Requirement 8: the published glossary, the very object submission and report validation use
 * (GLOSSARY from contracts), so what a provider reads is what it is checked against.
 */
@ApiTags('glossary')
@Controller('glossary')
export class GlossaryController {
  @Get()
  @Authorize({})
  @ApiOperation({ summary: 'The published glossary of terms, columns and allowed values (any authenticated party)' })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'ETag of a copy held; 304 when it is current' })
  @ApiOkResponse({ description: 'contracts/glossary/glossary.json, with ETag and Cache-Control' })
  @ApiResponse({ status: 304, description: 'The copy named by If-None-Match is current' })
  get(@Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply): void {
    const { body, etag } = GLOSSARY_REPRESENTATION;
    reply.header('etag', etag).header('cache-control', GLOSSARY_CACHE_CONTROL);
    if (matchesIfNoneMatch(ifNoneMatch, etag)) {
      reply.status(304).send();
      return;
    }
    reply.status(200).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
