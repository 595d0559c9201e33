import { availableParallelism } from 'node:os';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
} from 'class-validator';

/** Metadata that documents a variable (README table) and tells whether its value is a secret. */
export interface EnvVarInfo {
  description: string;
  sensitive?: boolean;
  /** The default as the README shows it, where the value depends on the machine. */
  shownDefault?: string;
}
export const ENV_INFO = new Map<string, EnvVarInfo>();
function Env(info: EnvVarInfo): PropertyDecorator {
  return (_target, key) => {
    ENV_INFO.set(String(key), info);
  };
}

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;

/**
 * Every environment variable the service reads. Validated once at start-up
 * (see loadConfig); a failure names the variable, never its value.
 */
export class EnvDto {
  @Env({
    description:
      'Runtime mode. Unset is `production`: it refuses to start without PII_KEY, BLIND_INDEX_KEY, JWT_SECRET and METRICS_TOKEN or with their published development values, with WEBHOOK_ALLOW_PRIVATE=true or TRUST_PROXY=true. `development` and `test` fill in development keys (never for real data)',
  })
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'production';

  @Env({ description: 'PostgreSQL URL; the database is created if missing', sensitive: true })
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/phananh';

  @Env({ description: 'Redis URL, for BullMQ, rate limits and caches', sensitive: true })
  @IsUrl({ protocols: ['redis', 'rediss'], require_tld: false, require_protocol: true })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @Env({ description: 'Prefix of every Redis key this deployment writes (BullMQ queues, rate limits)' })
  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  REDIS_PREFIX = 'phananh';

  @Env({ description: 'HTTP port' })
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @Env({
    description:
      'Address the HTTP API listens on (`::` for IPv6 too where the host has it; `127.0.0.1` for this machine only)',
  })
  @MinLength(1)
  HOST = '0.0.0.0';

  @Env({ description: 'Username of the first admin, created at start-up if no admin exists' })
  @IsOptional()
  @Matches(/^[a-z0-9._-]{3,64}$/i)
  ADMIN_USERNAME?: string;

  @Env({ description: 'Password of the first admin (at least 12 characters)', sensitive: true })
  @IsOptional()
  @IsString()
  @MinLength(12)
  ADMIN_PASSWORD?: string;

  @Env({ description: 'Simulated clock: the instant (ISO 8601 with offset) the clock shows at CLOCK_ANCHOR' })
  @IsOptional()
  @IsISO8601({ strict: true })
  CLOCK_START?: string;

  @Env({ description: 'Simulated clock: simulated milliseconds per real millisecond' })
  @Transform(toNumber)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  @Max(1_000_000)
  CLOCK_SPEED = 1;

  @Env({
    description: 'Simulated clock: the real instant at which the clock shows CLOCK_START (default: process start)',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  CLOCK_ANCHOR?: string;

  @Env({
    description: 'Key protecting identity and phone numbers at rest: 32 bytes, base64 or hex. Required in production',
    sensitive: true,
  })
  @IsOptional()
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/)
  PII_KEY?: string;

  @Env({ description: 'Id (1–255) stored with each encrypted value, so that keys can be rotated' })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(255)
  PII_KEY_ID = 1;

  @Env({ description: 'Earlier keys still needed to decrypt: `id=key,id=key`', sensitive: true })
  @IsOptional()
  @Matches(/^\d{1,3}=[^,=]+=*(,\d{1,3}=[^,=]+=*)*$/)
  PII_PREVIOUS_KEYS?: string;

  @Env({
    description:
      'Key of the blind index (keyed HMAC) that matches identity numbers without storing them: 32 bytes, base64 or hex, not PII_KEY. Required in production; after changing it run `npm run blind-index:rebuild`',
    sensitive: true,
  })
  @IsOptional()
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/)
  BLIND_INDEX_KEY?: string;

  @Env({
    description: "Secret signing officials' access tokens (HS256, at least 32 bytes). Required in production",
    sensitive: true,
  })
  @IsOptional()
  @IsString()
  @MinLength(32)
  JWT_SECRET?: string;

  @Env({
    description:
      'Lifetime of an access token, in seconds: short, since the pages renew it silently with the refresh token',
  })
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(86_400)
  JWT_TTL_SECONDS = 900;

  @Env({
    description:
      'Lifetime of a sign-in session (its refresh token), in hours from the sign-in: one shift without the password again',
  })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(720)
  SESSION_TTL_HOURS = 12;

  @Env({
    description:
      'Roles that must enrol a second factor (TOTP) before they can do anything else, comma-separated; `NONE`: none (an empty variable counts as unset, like every other)',
  })
  @IsString()
  @Matches(/^(NONE|(OFFICER|SUPERVISOR|ADMIN)(,(OFFICER|SUPERVISOR|ADMIN))*)$/)
  REQUIRE_2FA_ROLES = 'ADMIN,SUPERVISOR';

  @Env({ description: 'SMTP URL for alert e-mail (unset: no e-mail)', sensitive: true })
  @IsOptional()
  @IsUrl({ protocols: ['smtp', 'smtps'], require_tld: false, require_protocol: true })
  SMTP_URL?: string;

  @Env({ description: 'Sender of alert e-mail and of messages to citizens' })
  @IsString()
  SMTP_FROM = 'phananh <no-reply@phananh.local>';

  @Env({
    description:
      'URL of the SMS gateway (a generic JSON gateway: POST `{ to, text, reference }`, see docs/api.md "Messages to citizens"); unset: no SMS',
  })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  SMS_GATEWAY_URL?: string;

  @Env({ description: 'Bearer token sent to the SMS gateway (`Authorization: Bearer …`)', sensitive: true })
  @IsOptional()
  @IsString()
  SMS_GATEWAY_TOKEN?: string;

  @Env({
    description:
      'Secret signing each SMS gateway request: `X-Signature: sha256=<hex HMAC-SHA256 of "<X-Timestamp>.<body>">`',
    sensitive: true,
  })
  @IsOptional()
  @IsString()
  SMS_GATEWAY_SECRET?: string;

  @Env({ description: 'Real milliseconds the SMS gateway has to answer one request' })
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  SMS_GATEWAY_TIMEOUT_MS = 10_000;

  @Env({
    description:
      'Attempts per message to a citizen (SMS or e-mail) before it is kept as DEAD (exponential back-off from DELIVERY_BACKOFF_MS)',
  })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(30)
  MESSAGE_ATTEMPTS = 6;

  @Env({ description: "The service's public address, for the links in messages to citizens (status page, opt-out)" })
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  PUBLIC_BASE_URL = 'http://localhost:3000';

  @Env({ description: 'Directory of the local attachment store' })
  @IsString()
  ATTACHMENTS_DIR = './var/attachments';

  @Env({
    description:
      'Bytes of multipart filings one API process receives at once (by their Content-Length; 15.2 MiB for one without); ' +
      'past it a filing with files is answered 503 `uploads-busy` with Retry-After',
  })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  UPLOAD_MAX_CONCURRENT_BYTES = 64 * 1024 * 1024;

  @Env({
    description:
      'The proxies whose X-Forwarded-For is believed, as a hop count (`1`) or comma-separated names and subnets (`loopback`, `10.0.0.0/8`, `fd00::/8`); `true` (believe anyone) is refused in production',
  })
  @IsOptional()
  @IsString()
  TRUST_PROXY?: string;

  @Env({
    description: 'Allow webhook URLs on loopback or private addresses (development and tests; refused in production)',
  })
  @Transform(toBool)
  @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE = false;

  @Env({ description: 'Attempts per webhook delivery before it is kept as DEAD (exponential back-off between them)' })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(30)
  WEBHOOK_ATTEMPTS = 8;

  @Env({ description: 'Real milliseconds a webhook receiver has to answer one delivery attempt' })
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS = 10_000;

  @Env({
    description:
      'Real milliseconds before the first retry of an alert e-mail or webhook delivery; each later retry waits twice as long',
  })
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  DELIVERY_BACKOFF_MS = 10_000;

  @Env({ description: 'Comma-separated origins allowed by CORS (unset: no cross-origin access)' })
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @Env({
    description:
      '`/metrics` answers only to `Authorization: Bearer <METRICS_TOKEN>` (at least 32 characters). Required in production; unset in development and tests: open',
    sensitive: true,
  })
  @IsOptional()
  @IsString()
  @MinLength(32)
  @Matches(/^[\x21-\x7e]+$/)
  METRICS_TOKEN?: string;

  @Env({ description: 'Report filings allowed per client address per minute' })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_FILINGS_PER_MINUTE = 100;

  @Env({ description: 'Status lookups allowed per client address per minute' })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_LOOKUPS_PER_MINUTE = 20;

  @Env({
    description:
      'Open311 reads (`GET /open311/v2/requests…` and `tokens/…`) allowed per client address per minute; a list may be 1,000 reports',
  })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_OPEN311_READS_PER_MINUTE = 60;

  @Env({
    description:
      'Lost-code requests (`POST /api/v1/reports/resend-code`) allowed per client address and, separately, per identity number per hour',
  })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_RESEND_CODES_PER_HOUR = 5;

  @Env({
    description:
      'Open reports one identity number may have at once: the next filing is refused (409 `too-many-open-reports`) until one is closed or withdrawn',
  })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  OPEN_REPORTS_PER_CITIZEN = 5;

  @Env({
    description:
      'Login attempts (passwords and codes) allowed per client address per minute; per account, failures grow a delay instead',
  })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_LOGINS_PER_MINUTE = 10;

  @Env({
    description:
      'On SIGTERM, milliseconds to keep serving while `/health/ready` answers 503, so that a load balancer stops sending new connections before the port closes (0: close at once)',
  })
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60_000)
  SHUTDOWN_DRAIN_MS = 0;

  @Env({
    description:
      "HTTP processes of `npm start` and `npm run start:api`, sharing PORT (Node's cluster; `npm start` adds one process for the job worker). 1: one process, no cluster (one per container behind an orchestrator)",
    shownDefault: 'the cores available (`os.availableParallelism()`)',
  })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(256)
  API_PROCESSES = availableParallelism();

  @Env({
    description:
      'Real milliseconds between two SLA sweeps (each flags every deadline that has passed): an alert comes up to this long after its deadline; an idle sweep costs PostgreSQL ~4 ms',
  })
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60_000)
  SLA_SWEEP_INTERVAL_MS = 250;

  @Env({
    description:
      'Real milliseconds between two runs of the ticket-event relay (`ticket-event-relay`), which hands new ticket events to their consumers (citizen messages, webhooks): a message leaves up to this long after its event; an idle run is one index probe',
  })
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60_000)
  RELAY_INTERVAL_MS = 500;

  @Env({
    description:
      "Real milliseconds a job's lock lasts unless its worker renews it: a worker that dies mid-job hands the job to another after about twice this",
  })
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  JOB_LOCK_MS = 30_000;

  @Env({
    description:
      "Days a ticket's personal data is kept after its campaign's cutoff (outside a campaign: after it is closed); then the identity number, phone, name, date of birth, free texts, history notes and proof files are erased, and counts, dates, units and outcomes stay. A ticket still open then is erased once closed",
  })
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(36_500)
  RETENTION_DAYS = 180;

  @Env({
    description:
      'Real milliseconds between two runs of the retention job (`pii-retention`), shortened on an accelerated clock to at most one simulated day; an idle run is two index probes',
  })
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(86_400_000)
  RETENTION_SWEEP_INTERVAL_MS = 60_000;

  @Env({ description: 'Log level (fatal, error, warn, info, debug, trace, silent)' })
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';
}
