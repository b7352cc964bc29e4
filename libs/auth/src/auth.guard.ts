import {
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  Optional,
  ServiceUnavailableException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Actor } from './actor';
import { ACCESS_RULE, type AccessRule } from './access-rule';
import { JwtVerifier, TokenRejectedError } from './jwt-verifier';
import { PARTY_DIRECTORY, type PartyDirectory } from './party-directory';

interface HttpRequest {
  headers: Record<string, string | string[] | undefined>;
  actor?: Actor;
}

/** Both Fastify's reply and Express's response have `header(name, value)`. */
interface HttpResponse {
  header(name: string, value: string): unknown;
}

/**
 * Registered globally by AuthModule, so an endpoint is protected whether or not its author remembered:
 * a valid bearer token is required unless the endpoint is @Public, and an endpoint that declares no
 * rule is denied to everyone.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger(AuthGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: JwtVerifier,
    // Present in the services that hold the party registry.
    @Optional() @Inject(PARTY_DIRECTORY) private readonly directory?: PartyDirectory,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Bearer tokens arrive only over HTTP; Kafka messages are authenticated by the broker.
    if (context.getType() !== 'http') return true;
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [context.getHandler(), context.getClass()]);
    if (rule?.public) return true;

    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const actor = await this.authenticate(request, http.getResponse<HttpResponse>());
    request.actor = actor;

    if (!rule) throw new ForbiddenException('endpoint declares no access rule');
    const refusal = refusalFor(rule, actor);
    if (refusal) throw new ForbiddenException(refusal);
    return true;
  }

  private async authenticate(request: HttpRequest, response: HttpResponse): Promise<Actor> {
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
    if (!token) {
      response.header('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException(header ? 'authorization header must be "Bearer <token>"' : 'missing bearer token');
    }
    let actor: Actor;
    try {
      actor = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof TokenRejectedError) {
        response.header('WWW-Authenticate', 'Bearer error="invalid_token"');
        throw new UnauthorizedException(error.reason);
      }
      // The identity provider's keys are out of reach: a 401 would wrongly tell the caller to get a new token.
      this.logger.error(`cannot verify bearer tokens: ${error instanceof Error ? error.message : String(error)}`);
      throw new ServiceUnavailableException('cannot verify bearer tokens right now');
    }
    const registered = await this.directory?.registeredTypeOf(actor.partyId);
    if (registered !== undefined && registered !== actor.partyType) {
      response.header('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new UnauthorizedException(`the token's party ${actor.partyId} is registered as ${registered}, not ${actor.partyType}`);
    }
    return actor;
  }
}

function refusalFor(rule: Exclude<AccessRule, { public: true }>, actor: Actor): string | undefined {
  if (rule.partyTypes && !rule.partyTypes.includes(actor.partyType)) {
    return `requires party type ${rule.partyTypes.join(' or ')}; caller is ${actor.partyType}`;
  }
  if (rule.roles && !rule.roles.some((role) => actor.roles.includes(role))) {
    return `requires role ${rule.roles.join(' or ')}`;
  }
  return undefined;
}
