import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { isIP } from 'node:net';
import { ENV_INFO, EnvDto } from './env.dto';

/** The validated, frozen configuration. Inject it with `@Inject(AppConfig)`. */
export abstract class AppConfig extends EnvDto {
  declare PII_KEY: string;
  declare BLIND_INDEX_KEY: string;
  declare JWT_SECRET: string;
}

export class ConfigError extends Error {
  constructor(readonly variable: string) {
    super(`Invalid or missing environment variable ${variable}`);
  }
}

/**
 * The development keys. They are published in this repository, so they protect nothing:
 * only `NODE_ENV=development` or `test` fills them in, and any other mode refuses them.
 */
export const DEVELOPMENT_KEYS = Object.freeze({
  PII_KEY: '7068616e616e682d646576656c6f706d656e742d6b65792d6e6f742d73656372',
  BLIND_INDEX_KEY: '7068616e616e682d626c696e642d696e6465782d6465762d6b65792d21212121',
  JWT_SECRET: 'phananh-development-jwt-secret-not-for-production',
});

/** Modes that may run on the development keys; every other mode (unset included) is production. */
const DEVELOPMENT_MODES: ReadonlySet<string> = new Set(['development', 'test']);

/** A 32-byte key as its bytes, whichever of hex or base64 spells it. */
function keyBytes(text: string): Buffer {
  return /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
}

const sameKey = (a: string, b: string) => keyBytes(a).equals(keyBytes(b));

/** Names Express's proxy-addr understands besides addresses and subnets. */
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: a hop count, or a list of names, addresses and subnets. `true` (believe any
 * X-Forwarded-For) only outside production, and never a /0 subnet, which means the same.
 */
function validTrustProxy(value: string, production: boolean): boolean {
  if (/^\d{1,2}$/.test(value)) return true;
  if (value === 'true' || value === 'false') return !production || value === 'false';
  return value.split(',').every((entry) => {
    const item = entry.trim();
    if (PROXY_NAMES.has(item)) return true;
    const [address, prefix, extra] = item.split('/');
    const family = isIP(address);
    if (!family || extra !== undefined) return false;
    if (prefix === undefined) return true;
    if (!/^\d{1,3}$/.test(prefix)) return false;
    const bits = Number(prefix);
    return bits >= 1 && bits <= (family === 4 ? 32 : 128);
  });
}

/**
 * Validates `env` into an AppConfig. Throws ConfigError naming the first bad variable (never
 * its value). Fails closed: unless NODE_ENV is `development` or `test`, the secrets must be
 * set and must not be the published development values, and the settings that are only safe
 * on a developer's machine (private webhook addresses, believing any proxy) are refused.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, string> = {};
  for (const key of ENV_INFO.keys()) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const dto = plainToInstance(EnvDto, raw);
  const errors = validateSync(dto, { forbidUnknownValues: true });
  if (errors.length > 0) throw new ConfigError(errors[0].property);
  const production = !DEVELOPMENT_MODES.has(dto.NODE_ENV);
  if (production) {
    for (const name of ['PII_KEY', 'BLIND_INDEX_KEY'] as const) {
      const value = dto[name];
      if (!value || sameKey(value, DEVELOPMENT_KEYS.PII_KEY) || sameKey(value, DEVELOPMENT_KEYS.BLIND_INDEX_KEY)) {
        throw new ConfigError(name);
      }
    }
    // Its own secret: a blind index under the encryption key would fall with it.
    if (sameKey(dto.BLIND_INDEX_KEY!, dto.PII_KEY!)) throw new ConfigError('BLIND_INDEX_KEY');
    if (!dto.JWT_SECRET || dto.JWT_SECRET === DEVELOPMENT_KEYS.JWT_SECRET) throw new ConfigError('JWT_SECRET');
    if (!dto.METRICS_TOKEN) throw new ConfigError('METRICS_TOKEN');
    if (dto.WEBHOOK_ALLOW_PRIVATE) throw new ConfigError('WEBHOOK_ALLOW_PRIVATE');
  }
  if (dto.TRUST_PROXY !== undefined && !validTrustProxy(dto.TRUST_PROXY, production)) {
    throw new ConfigError('TRUST_PROXY');
  }
  if (dto.CLOCK_ANCHOR && !dto.CLOCK_START) throw new ConfigError('CLOCK_START');
  if (Boolean(dto.ADMIN_USERNAME) !== Boolean(dto.ADMIN_PASSWORD)) {
    throw new ConfigError(dto.ADMIN_USERNAME ? 'ADMIN_PASSWORD' : 'ADMIN_USERNAME');
  }
  dto.PII_KEY ??= DEVELOPMENT_KEYS.PII_KEY;
  dto.BLIND_INDEX_KEY ??= DEVELOPMENT_KEYS.BLIND_INDEX_KEY;
  dto.JWT_SECRET ??= DEVELOPMENT_KEYS.JWT_SECRET;
  return Object.freeze(dto) as AppConfig;
}
