import { Body, Controller, Get, HttpCode, Inject, Module, Post, Req, type DynamicModule } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import type { Request } from 'express';
import { AUTH_ROLES, type AuthConfig, type AuthRole } from '#config';
import { REFERENCE_BODIES } from '#domain';
import { IsSlug } from '#application';
import {
  AccessDeniedError,
  DEFAULT_TOKEN_LIFETIME,
  defaultTokenLifetime,
  issueToken,
  Public,
  RequestValidationError,
} from '#platform';

const DEV_AUTH = Symbol('dev-auth');
/** Only this machine may mint tokens: HOST defaults to 0.0.0.0, and a token here can be an administrator's. */
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export class DevTokenRequest {
  @ApiProperty({ type: [String], enum: AUTH_ROLES, example: ['officer'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @IsIn(AUTH_ROLES, { each: true, message: `each value in roles must be one of ${AUTH_ROLES.join(', ')}.` })
  roles!: AuthRole[];

  @ApiPropertyOptional({
    example: 'thames-valley',
    description: 'The body an officer acts for (required for officers).',
  })
  @IsOptional()
  @IsSlug()
  force?: string;

  @ApiPropertyOptional({ example: 'jane.doe', description: 'Who you are (default: local-user).', maxLength: 200 })
  @IsOptional()
  @IsString()
  @Matches(/^[^\p{Cc}]{1,200}$/u, { message: 'sub must be 1 to 200 characters without control characters.' })
  sub?: string;
}

export class DevTokenResponse {
  @ApiProperty({ description: 'A bearer token signed with the embedded secret (DATA_DIR/auth-secret).' })
  token!: string;
  @ApiProperty() sub!: string;
  @ApiProperty({ type: [String], enum: AUTH_ROLES }) roles!: AuthRole[];
  @ApiProperty({ nullable: true, type: String }) force!: string | null;
  @ApiProperty({ example: DEFAULT_TOKEN_LIFETIME }) expiresIn!: string;
}

/** Headers a proxy, load balancer or CDN adds on the way in (RFC 7239, RFC 9110 §7.6.3, and the de facto ones). */
const FORWARDING_HEADERS = new Set([
  'forwarded',
  'via',
  'x-real-ip',
  'x-client-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'fastly-client-ip',
  'x-cluster-client-ip',
  'x-original-forwarded-for',
]);
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

const hostnameOf = (url: string): string | null => {
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
};

/**
 * Why this request may not use the local sign-in, or null when it may. A loopback socket alone
 * proves nothing behind a reverse proxy on the same host (every request then comes from
 * 127.0.0.1), so a request that carries any forwarding header, names a host other than this
 * machine, or comes from a page of another origin is refused. A proxy that adds none of these
 * and rewrites Host still gets through: never put one in front of the embedded default.
 */
export function localSignInRefusal(remoteAddress: string | undefined, headers: Request['headers']): string | null {
  if (!LOOPBACK.has(remoteAddress ?? '')) {
    return 'Local sign-in is only open to a browser on the machine the service runs on. Elsewhere, paste a token (npm run --silent cli -- token --role …).';
  }
  const forwarded = Object.keys(headers).filter(
    (name) => FORWARDING_HEADERS.has(name) || name.startsWith('x-forwarded-'),
  );
  if (forwarded.length > 0) {
    return (
      `Local sign-in is refused through a proxy (the request carries ${forwarded.sort().join(', ')}): it would hand an administrator's token to whoever reaches the proxy. ` +
      'Configure AUTH_JWT_SECRET or AUTH_JWKS_URL for a service behind a proxy.'
    );
  }
  const host = headers.host === undefined ? null : hostnameOf(`http://${headers.host}`);
  if (host === null || !LOOPBACK_HOSTS.has(host)) {
    return 'Local sign-in is only open at http://localhost (or 127.0.0.1): this request names another host.';
  }
  const origin = headers.origin;
  if (origin !== undefined && !LOOPBACK_HOSTS.has(hostnameOf(origin) ?? '')) {
    return 'Local sign-in is only open to the page this service serves on this machine, not to a page of another origin.';
  }
  return null;
}

function assertLocal(request: Request): void {
  const refusal = localSignInRefusal(request.socket.remoteAddress, request.headers);
  if (refusal !== null) throw new AccessDeniedError(refusal);
}

/**
 * Local sign-in for the embedded default: with no AUTH_JWT_SECRET or AUTH_JWKS_URL the service
 * signs with a secret it generated itself, the CLI's `token` command already mints tokens with it,
 * and this lets the web page do the same for a person at this machine. It is not mounted at all
 * when a real secret or identity provider is configured (the route is then a 404).
 */
@ApiTags('auth')
@Controller('auth')
export class DevSignInController {
  constructor(@Inject(DEV_AUTH) private readonly auth: AuthConfig) {}

  @Get('dev-sign-in')
  @Public()
  @ApiOperation({ summary: 'Embedded default only: the roles and reference bodies the local sign-in offers.' })
  @ApiOkResponse({ description: '{ roles: [...], bodies: [{ id, name }], expiresIn }' })
  @ApiForbiddenResponse({ description: 'Not called from this machine.' })
  options(@Req() request: Request) {
    assertLocal(request);
    return {
      roles: [...AUTH_ROLES],
      bodies: REFERENCE_BODIES.map((b) => ({ id: b.id, name: b.name })),
      expiresIn: defaultTokenLifetime(this.auth),
    };
  }

  @Post('dev-token')
  @Public()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Embedded default only: mint a token for a chosen role and force (local sign-in of the web page).',
    description:
      'Exists only when the service signs tokens with its generated secret (no AUTH_JWT_SECRET, no AUTH_JWKS_URL), and only for callers on the loopback interface.',
  })
  @ApiCreatedResponse({ type: DevTokenResponse })
  @ApiForbiddenResponse({ description: 'Not called from this machine.' })
  async token(@Req() request: Request, @Body() body: DevTokenRequest): Promise<DevTokenResponse> {
    assertLocal(request);
    const roles = [...new Set(body.roles)];
    if (roles.includes('officer') && body.force === undefined) {
      throw new RequestValidationError([
        {
          field: 'force',
          rule: 'requiredForOfficer',
          message: 'An officer acts for a body: choose the force (e.g. thames-valley).',
        },
      ]);
    }
    const sub = body.sub ?? 'local-user';
    const force = body.force ?? null;
    const expiresIn = defaultTokenLifetime(this.auth);
    const token = await issueToken(this.auth, { sub, roles, force, expiresIn });
    return { token, sub, roles, force, expiresIn };
  }
}

@Module({})
export class DevSignInModule {
  /** Mounted only in the `generated` mode (the embedded default, or AUTH_DEV_SECRET_FILE). */
  static forRoot(auth: AuthConfig): DynamicModule {
    if (auth.mode !== 'generated') return { module: DevSignInModule };
    return {
      module: DevSignInModule,
      controllers: [DevSignInController],
      providers: [{ provide: DEV_AUTH, useValue: auth }],
    };
  }
}
