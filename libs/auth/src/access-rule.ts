import { applyDecorators, createParamDecorator, InternalServerErrorException, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Actor, PartyType } from './actor';

export interface AuthorizeOptions {
  /** The caller's party type must be one of these. Omit to allow any party type. */
  partyTypes?: PartyType[];
  /** The caller must hold at least one of these roles. Omit to allow any roles. */
  roles?: string[];
}

/** What the guard reads from a handler or controller. One key for both decorators so the nearest one wins. */
export type AccessRule = { public: true } | ({ public: false } & Readonly<AuthorizeOptions>);

export const ACCESS_RULE = 'smi:auth:access-rule';

/**
 * Declares who may call an endpoint (on a handler, or on a controller for all its handlers). Every
 * non-public endpoint must carry one: the guard denies endpoints that declare nothing.
 */
export function Authorize(options: AuthorizeOptions = {}): MethodDecorator & ClassDecorator {
  // An empty list most likely comes from a computed value gone wrong; reading it as "anyone" would fail open.
  for (const [field, list] of Object.entries(options)) {
    if (Array.isArray(list) && list.length === 0) {
      throw new Error(`@Authorize: ${field} is empty; omit it to allow any ${field === 'roles' ? 'role' : 'party type'}`);
    }
  }
  const rule: AccessRule = { public: false, ...options };
  return applyDecorators(
    SetMetadata(ACCESS_RULE, rule),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Bearer token missing or invalid.' }),
    ApiForbiddenResponse({ description: 'Caller party type or roles not allowed.' }),
  );
}

/** Opens an endpoint to anyone, token or not (health checks, API docs). */
export function Public(): MethodDecorator & ClassDecorator {
  return SetMetadata(ACCESS_RULE, { public: true } satisfies AccessRule);
}

/** Injects the verified caller into a handler parameter. */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<{ actor?: Actor }>().actor;
  // Only a @Public endpoint gets here without one: a programming error, not the caller's.
  if (!actor) throw new InternalServerErrorException('@CurrentActor() used on an endpoint that has no authenticated caller');
  return actor;
});
