import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { stringify } from 'csv-stringify/sync';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import {
  AppError,
  CommonErrors,
  KeysetCursor,
  coreValidation,
  langFrom,
  toVnIso,
  validationError,
} from '@phananh/core';
import { Auth, AuthUser, CurrentUser, Role, User, UsersService } from '@phananh/identity';
import { ClientAddress } from '../http/client-address';
import { readOff } from '../http/uploads';
import {
  CreateUserDto,
  CreatedUserView,
  ImportReportView,
  UpdateUserDto,
  UserListQueryDto,
  UserPageView,
  UserView,
} from './admin.dto';

const badId = () => validationError([coreValidation.fieldError('id', 'isUUID')]);
const uuid = () => new ParseUUIDPipe({ exceptionFactory: () => badId() });

/** The last lower-cased username seen: the users list is ordered by lower(username). */
const USER_CURSOR = new KeysetCursor(['text']);

/** An officials' CSV file: up to 5 MB (12,000 rows are about 1 MB). */
const CSV_LIMIT_BYTES = 5 * 1024 * 1024;

/** The content codings a CSV body may come in, as body-parser inflated them on Express. */
const INFLATE: Record<string, () => Transform> = {
  gzip: createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

const iso = (d: Date | null) => (d ? toVnIso(d) : null);

export const userView = (u: User): UserView => ({
  id: u.id,
  username: u.username,
  fullName: u.fullName,
  role: u.role,
  unitCode: u.unitCode,
  email: u.email,
  createdAt: toVnIso(u.createdAt),
  disabledAt: iso(u.disabledAt),
  passwordChangeRequired: u.passwordChangeRequired,
  lastLoginAt: iso(u.lastLoginAt),
  totpEnrolledAt: iso(u.totpEnrolledAt),
});

/**
 * A cell the spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) is written
 * behind an apostrophe: a name typed as `=HYPERLINK(…)` in the imported file must not act when the
 * admin opens the handout in Excel (OWASP "CSV injection").
 */
const inert = (cell: string) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell);

const NOT_FOUND = 'No such official, or outside your reach (indistinguishable)';

/** The CSV handed out after an import: one row per new official with the one-time password. */
const HANDOUT_COLUMNS = ['Tên đăng nhập', 'Họ và tên', 'Vai trò', 'Mã đơn vị', 'E-mail', 'Mật khẩu tạm thời'];

/**
 * Officials' accounts, for admins. Every route acts only inside the admin's reach (adminReach):
 * a national admin (no unit) everywhere, a provincial admin in its province; an official outside
 * it is 404, exactly as one that does not exist. Every change is audited.
 */
@ApiTags('admin')
@Controller('api/v1/admin')
@Auth(Role.Admin)
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post('users')
  @ApiOperation({
    summary: 'Create an official in your reach; they must choose a password at first login',
    description:
      'Without `password` a temporary one is made and answered once as `temporaryPassword`. Officers and ' +
      'supervisors belong to a unit; only a national admin creates an admin without one.',
  })
  @ApiCreatedResponse({ type: CreatedUserView })
  @ApiConflictResponse({ description: 'The username is taken (case-insensitively)' })
  async createUser(
    @CurrentUser() actor: AuthUser,
    @Body() body: CreateUserDto,
    @ClientAddress() clientAddress: string | null,
  ): Promise<CreatedUserView> {
    const user = await this.users.createManaged(actor, body, { clientAddress });
    return user.temporaryPassword === undefined
      ? userView(user)
      : { ...userView(user), temporaryPassword: user.temporaryPassword };
  }

  @Get('users')
  @ApiOperation({
    summary: 'Officials in your reach, by username; filters combine with AND; keyset pages',
  })
  @ApiOkResponse({ type: UserPageView })
  async listUsers(@CurrentUser() actor: AuthUser, @Query() q: UserListQueryDto): Promise<UserPageView> {
    const limit = q.limit ?? 100;
    const after = q.cursor === undefined ? undefined : USER_CURSOR.decode(q.cursor)[0];
    const bool = (v?: 'true' | 'false') => (v === undefined ? undefined : v === 'true');
    const rows = await this.users.list(actor, {
      role: q.role,
      unitCode: q.unitCode,
      enabled: bool(q.enabled),
      totpEnrolled: bool(q.totpEnrolled),
      lastLoginBefore: q.lastLoginBefore === undefined ? undefined : new Date(q.lastLoginBefore),
      lastLoginSince: q.lastLoginSince === undefined ? undefined : new Date(q.lastLoginSince),
      after,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      items: page.map(userView),
      nextCursor: rows.length > limit ? USER_CURSOR.encode([page[page.length - 1].username.toLowerCase()]) : null,
    };
  }

  @Post('users/import/dry-run')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Check an officials’ CSV file: every problem of every row; writes nothing',
    description:
      'The body is the file as Excel saves it ("CSV UTF-8", with or without BOM; comma or semicolon): a header ' +
      'row naming the columns username, full name, role, unit code, e-mail (English or Vietnamese: tên đăng nhập, ' +
      'họ và tên, vai trò, mã đơn vị, e-mail), then one official per row. At most 20,000 rows, 5 MB.',
  })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ type: ImportReportView })
  async importDryRun(@CurrentUser() actor: AuthUser, @Req() req: FastifyRequest): Promise<ImportReportView> {
    const file = await readCsvBody(req);
    const report = await this.users.checkImport(actor, file);
    const lang = langFrom(req.headers['accept-language']);
    return {
      rows: report.rows,
      valid: report.problems.length === 0,
      problems: report.problems.map((p) => ({ line: p.line, field: p.field, code: p.code, message: p.message[lang] })),
    };
  }

  @Post('users/import')
  @ApiOperation({
    summary: 'Import officials from a CSV file: all or nothing; answers their temporary passwords once, as CSV',
    description:
      'The same file as the dry run. With any problem in any row nothing is written: 400 with one error per ' +
      'problem, `field` = `rows[<line>].<column>`. Otherwise 201 with a CSV (UTF-8 with BOM) of the new officials ' +
      'and their one-time passwords, to hand out; the passwords are kept nowhere and cannot be shown again.',
  })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiProduces('text/csv')
  @ApiCreatedResponse({ description: 'text/csv; charset=utf-8' })
  async import(
    @CurrentUser() actor: AuthUser,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @ClientAddress() clientAddress: string | null,
  ): Promise<string> {
    const file = await readCsvBody(req);
    const created = await this.users.import(actor, file, { clientAddress });
    const csv = stringify(
      [
        HANDOUT_COLUMNS,
        ...created.map((o) => [
          inert(o.username),
          inert(o.fullName),
          o.role,
          o.unitCode ?? '',
          inert(o.email ?? ''),
          o.temporaryPassword,
        ]),
      ],
      { record_delimiter: 'windows' },
    );
    // Set only now: an error answer is problem+json, not a file to save.
    void reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', 'attachment; filename="mat-khau-tam-thoi.csv"');
    return `\uFEFF${csv}`;
  }

  @Get('users/:id')
  @ApiOperation({ summary: 'One official in your reach' })
  @ApiOkResponse({ type: UserView })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  async getUser(@CurrentUser() actor: AuthUser, @Param('id', uuid()) id: string): Promise<UserView> {
    return userView(await this.users.getManaged(actor, id));
  }

  @Patch('users/:id')
  @ApiOperation({
    summary: "Change an official's role, unit or e-mail (audited, before and after)",
    description:
      'A change of role or unit ends every session of the official at once. The new unit must be in your reach; ' +
      'you cannot change your own role or unit (409).',
  })
  @ApiOkResponse({ type: UserView })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  async updateUser(
    @CurrentUser() actor: AuthUser,
    @Param('id', uuid()) id: string,
    @Body() body: UpdateUserDto,
    @ClientAddress() clientAddress: string | null,
  ): Promise<UserView> {
    return userView(await this.users.update(actor, id, body, { clientAddress }));
  }

  @Post('users/:id/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable an official: no more logins, and every session ends at once (audited)' })
  @ApiOkResponse({ type: UserView })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  async disableUser(
    @CurrentUser() actor: AuthUser,
    @Param('id', uuid()) id: string,
    @ClientAddress() clientAddress: string | null,
  ): Promise<UserView> {
    return userView(await this.users.disable(actor, id, { clientAddress }));
  }

  @Post('users/:id/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable a disabled official again (audited)' })
  @ApiOkResponse({ type: UserView })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  async enableUser(
    @CurrentUser() actor: AuthUser,
    @Param('id', uuid()) id: string,
    @ClientAddress() clientAddress: string | null,
  ): Promise<UserView> {
    return userView(await this.users.enable(actor, id, { clientAddress }));
  }
}

/**
 * The request body as bytes, whatever its type (the body parsers leave it unread), read only
 * now: after the guard, so that nobody unauthenticated makes us buffer 5 MB. As body-parser read
 * it on Express: a compressed body inflated (another coding is 415), over 5 MB a 413 once the
 * rest of the body is read off, and a body a parser has read already (JSON) is no file.
 */
async function readCsvBody(req: FastifyRequest): Promise<Buffer> {
  const raw = req.raw;
  if (raw.readableEnded) return Buffer.alloc(0);
  const coding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  const inflate = Object.hasOwn(INFLATE, coding) ? INFLATE[coding] : undefined;
  if (coding !== 'identity' && !inflate) throw new AppError(CommonErrors.UNSUPPORTED_MEDIA_TYPE);
  try {
    if (!inflate && Number(req.headers['content-length']) > CSV_LIMIT_BYTES) {
      throw new AppError(CommonErrors.PAYLOAD_TOO_LARGE);
    }
    return await collect(raw, inflate?.(), CSV_LIMIT_BYTES);
  } catch (err) {
    await readOff(raw);
    throw err;
  }
}

/** The body's bytes, inflated by `decode` when given; 413 once they go past `limit` (the rest left unread). */
function collect(raw: IncomingMessage, decode: Transform | undefined, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const stream = decode ? raw.pipe(decode) : raw;
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      stream.off('data', onData).pause();
      reject(new AppError(CommonErrors.PAYLOAD_TOO_LARGE));
    };
    stream
      .on('data', onData)
      .once('end', () => resolve(Buffer.concat(chunks)))
      .once('error', reject);
    // The client gone: a decoder would never end.
    raw.once('error', reject);
  });
}
