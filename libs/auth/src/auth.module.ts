import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { JwtVerifier, type JwtVerifierOptions } from './jwt-verifier';

/** The settings AuthModule needs, as named in CommonSettings (structural, so this lib need not import config). */
export interface AuthSettings {
  AUTH_JWKS_URL?: string;
  AUTH_LOCAL_SECRET: string;
  AUTH_ISSUER: string;
  AUTH_AUDIENCE: string;
  NODE_ENV: string;
}

export function jwtVerifierOptionsFrom(settings: AuthSettings): JwtVerifierOptions {
  return {
    jwksUrl: settings.AUTH_JWKS_URL,
    localSecret: settings.AUTH_LOCAL_SECRET,
    issuer: settings.AUTH_ISSUER,
    audience: settings.AUTH_AUDIENCE,
    nodeEnv: settings.NODE_ENV,
  };
}

@Module({})
export class AuthModule {
  /** Import once in a service's root module: every endpoint of the service is then guarded. */
  static forRoot(options: JwtVerifierOptions): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        // A factory so a refused configuration (local secret in production) fails the service at start-up.
        { provide: JwtVerifier, useFactory: () => new JwtVerifier(options) },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [JwtVerifier],
    };
  }
}
