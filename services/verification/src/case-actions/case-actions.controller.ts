import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Actor, Authorize, AuthorizeOptions, CurrentActor } from '@smi/auth';
import { CorrelationId, uuidParam } from '@smi/service-runtime';
import {
  AgreementDto,
  AnswerDto,
  CaseActionResult,
  DisputeOutcomeDto,
  DuplicateDto,
  EmptyDto,
  FixConfirmationDto,
  NoteDto,
  QuestionDto,
  ReasonDto,
  ReleaseCaseDto,
  VerifyCaseDto,
} from './case-actions.dto';
import { CaseActionsHandler } from './case-actions.handler';
import { FixIdPipe } from './fix-id.pipe';

/** DCC actions: party type dcc with role verifier; other DCC users read only. */
const VERIFIER: AuthorizeOptions = { partyTypes: ['dcc'], roles: ['verifier'] };
/** The provider answers questions. */
const PROVIDER: AuthorizeOptions = { partyTypes: ['manufacturer', 'csp', 'supplier', 'network', 'dcc'] };
/** The accountable party (R3, R5) is a manufacturer or, for Comms Hubs, a CSP. */
const ACCOUNTABLE: AuthorizeOptions = { partyTypes: ['manufacturer', 'csp'] };

const CASE_ID = ApiParam({ name: 'caseId', format: 'uuid' });
const RESULT = ApiOkResponse({ type: CaseActionResult, description: 'The case’s state after the action and the events it recorded.' });

/**
 * Every action is one case command: the case rules answer 409 naming the state when the case is in the
 * wrong one, 403 when the caller may not act, and record nothing then. Each recorded event carries the
 * caller, the reason given and the request's correlation id.
 */
@ApiTags('cases')
@Controller()
export class CaseActionsController {
  constructor(private readonly actions: CaseActionsHandler) {}

  @Post('cases/:caseId/claim')
  @HttpCode(200)
  @Authorize(VERIFIER)
  @CASE_ID
  @RESULT
  @ApiOperation({ summary: 'Claim a queued case to work on it (DCC verifier); claiming your own claim again changes nothing' })
  claim(@Param('caseId', uuidParam('caseId')) caseId: string, @Body() _body: EmptyDto, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string) {
    return this.actions.act(caseId, { type: 'ClaimCase' }, { actor, correlationId });
  }

  @Post('cases/:caseId/release')
  @HttpCode(200)
  @Authorize(VERIFIER)
  @CASE_ID
  @RESULT
  @ApiOperation({ summary: 'Return a claimed case to the queue (any DCC verifier, so a case held by someone away does not stall)' })
  release(@Param('caseId', uuidParam('caseId')) caseId: string, @Body() body: ReleaseCaseDto, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string) {
    return this.actions.act(caseId, { type: 'ReleaseCase', reason: body.reason }, { actor, correlationId });
  }

  @Post('cases/:caseId/verification')
  @HttpCode(200)
  @Authorize(VERIFIER)
  @CASE_ID
  @RESULT
  @ApiOperation({
    summary:
      'Verify a claimed case: what was checked, and the canonical make and model (from the catalogue’s aliases, or mapped by `catalogue`); 422 when the make or model is not in the catalogue or a fix reference is unresolved',
  })
  verify(@Param('caseId', uuidParam('caseId')) caseId: string, @Body() body: VerifyCaseDto, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string) {
    return this.actions.verify(caseId, body, { actor, correlationId });
  }

  @Post('cases/:caseId/information-requests')
  @HttpCode(200)
  @Authorize(VERIFIER)
  @CASE_ID
  @RESULT
  @ApiOperation({ summary: 'Ask the provider a question; the case waits until it answers or revises the item' })
  requestInformation(@Param('caseId', uuidParam('caseId')) caseId: string, @Body() body: QuestionDto, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string) {
    return this.actions.act(caseId, { type: 'RequestInformation', question: body.question }, { actor, correlationId });
  }

  @Post('cases/:caseId/responses')
  @HttpCode(200)
  @Authorize(PROVIDER)
  @CASE_ID
  @RESULT
  @ApiOperation({ summary: 'The provider answers the question asked; the case returns to the queue' })
  respond(@Param('caseId', uuidParam('caseId')) caseId: string, @Body() body: AnswerDto, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string) {
    return this.actions.act(caseId, { type: 'ProvideInformation', answer: body.answer }, { actor, correlationId });
  }

  @Post('cases/:caseId/rejection')
  @HttpCode(200)
  @Authorize(VERIFIER)
  @CASE_ID
  @RESULT
  @ApiOperation({ summary: 'Reject with a reason the provider can read; a rejected revision returns the case to its last verified content' })
  reject(@Param('caseId', uuidParam('caseId')) caseId: string, @Body() body: ReasonDto, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string) {
    return this.actions.act(caseId, { type: 'RejectCase', reason: body.reason }, { actor, correlationId });
  }

  @Post('cases/:caseId/duplicate')
  @HttpCode(200)
  @Authorize(VERIFIER)
  @CASE_ID
  @RESULT
  @ApiOperation({ summary: 'Mark as a duplicate of another case, which keeps both sources; a duplicate is never published' })
  markDuplicate(@Param('caseId', uuidParam('caseId')) caseId: string, @Body() body: DuplicateDto, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string) {
    return this.actions.act(caseId, { type: 'MarkDuplicate', duplicateOf: body.duplicateOf.toLowerCase(), reason: body.reason }, { actor, correlationId });
  }

  @Post('cases/:caseId/dispute-outcome')
  @HttpCode(200)
  @Authorize(VERIFIER)
  @CASE_ID
  @RESULT
  @ApiOperation({ summary: 'After the accountable party disputed (R3): close as not included, or include with the dispute on the record' })
  settleDispute(@Param('caseId', uuidParam('caseId')) caseId: string, @Body() body: DisputeOutcomeDto, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string) {
    const type = body.outcome === 'included' ? 'IncludeDespiteDispute' : 'CloseNotIncluded';
    return this.actions.act(caseId, { type, reason: body.reason }, { actor, correlationId });
  }

  @Post('cases/:caseId/fix-reference')
  @HttpCode(200)
  @Authorize(VERIFIER)
  @CASE_ID
  @RESULT
  @ApiOperation({ summary: 'Settle a fix proposal that names an item never submitted, with a note on how (R5)' })
  resolveFixReference(@Param('caseId', uuidParam('caseId')) caseId: string, @Body() body: NoteDto, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string) {
    return this.actions.act(caseId, { type: 'ResolveFixReference', resolution: 'verifier', note: body.note }, { actor, correlationId });
  }

  @Post('cases/:caseId/withdrawal')
  @HttpCode(200)
  @Authorize(VERIFIER)
  @CASE_ID
  @RESULT
  @ApiOperation({ summary: 'Withdraw a published item, with a reason: publication stops showing it' })
  withdraw(@Param('caseId', uuidParam('caseId')) caseId: string, @Body() body: ReasonDto, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string) {
    return this.actions.act(caseId, { type: 'WithdrawItem', reason: body.reason }, { actor, correlationId });
  }

  @Post('cases/:caseId/agreement')
  @HttpCode(200)
  @Authorize(ACCOUNTABLE)
  @CASE_ID
  @RESULT
  @ApiOperation({ summary: 'R3: the accountable party agrees that the verified item is included, or disputes it with a reason' })
  agree(@Param('caseId', uuidParam('caseId')) caseId: string, @Body() body: AgreementDto, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string) {
    const action = body.agreed ? ({ type: 'AgreeInclusion', note: body.reason } as const) : ({ type: 'DisputeInclusion', reason: body.reason ?? '' } as const);
    return this.actions.act(caseId, action, { actor, correlationId });
  }

  @Post('cases/:caseId/fix-confirmation')
  @HttpCode(200)
  @Authorize(ACCOUNTABLE)
  @CASE_ID
  @RESULT
  @ApiOperation({ summary: 'R5: the accountable party confirms (or declines, with a note) the fix in another provider’s row, or one attached to the case' })
  confirmCaseFix(@Param('caseId', uuidParam('caseId')) caseId: string, @Body() body: FixConfirmationDto, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string) {
    return this.actions.act(caseId, { type: 'ConfirmFix', ...body }, { actor, correlationId });
  }

  @Post('fixes/:fixId/confirmation')
  @HttpCode(200)
  @Authorize(ACCOUNTABLE)
  @ApiParam({ name: 'fixId', example: 'F-000123' })
  @RESULT
  @ApiOperation({ summary: 'R5: the accountable party confirms (or declines, with a note) a proposed fix; a fix is publishable only once confirmed' })
  confirmFixProposal(@Param('fixId', FixIdPipe) fixId: string, @Body() body: FixConfirmationDto, @CurrentActor() actor: Actor, @CorrelationId() correlationId: string) {
    return this.actions.confirmFixProposal(fixId, { type: 'ConfirmFix', ...body }, { actor, correlationId });
  }
}
