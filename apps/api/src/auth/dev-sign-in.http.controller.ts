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
import { IsSlug } from '../commands/validators.js';
import { RequestValidationError } from '../infrastructure/problem.js';
import { Public } from './access.decorators.js';
import { AccessDeniedError } from './auth-errors.js';
import { DEFAULT_TOKEN_LIFETIME, defaultTokenLifetime, issueToken } from './token-issuer.js';

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

function assertLocal(request: Request): void {
  const address = request.socket.remoteAddress ?? '';
  if (!LOOPBACK.has(address)) {
    throw new AccessDeniedError(
      'Local sign-in is only open to a browser on the machine the service runs on. Elsewhere, paste a token (npm run --silent cli -- token --role …).',
    );
  }
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
