import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ENV_INFO, EnvDto } from './env.dto';

/** The validated, frozen configuration. Inject it with `@Inject(AppConfig)`. */
export abstract class AppConfig extends EnvDto {}

export class ConfigError extends Error {
  constructor(readonly variable: string) {
    super(`Invalid or missing environment variable ${variable}`);
  }
}

const DEVELOPMENT_PII_KEY = '7068616e616e682d646576656c6f706d656e742d6b65792d6e6f742d73656372';
const DEVELOPMENT_JWT_SECRET = 'phananh-development-jwt-secret-not-for-production';

/** Validates `env` into an AppConfig. Throws ConfigError naming the first bad variable (never its value). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, string> = {};
  for (const key of ENV_INFO.keys()) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const dto = plainToInstance(EnvDto, raw);
  const errors = validateSync(dto, { forbidUnknownValues: true });
  if (errors.length > 0) throw new ConfigError(errors[0].property);
  if (dto.NODE_ENV === 'production') {
    if (!dto.PII_KEY) throw new ConfigError('PII_KEY');
    if (!dto.JWT_SECRET) throw new ConfigError('JWT_SECRET');
  }
  if (dto.CLOCK_ANCHOR && !dto.CLOCK_START) throw new ConfigError('CLOCK_START');
  if (Boolean(dto.ADMIN_USERNAME) !== Boolean(dto.ADMIN_PASSWORD)) {
    throw new ConfigError(dto.ADMIN_USERNAME ? 'ADMIN_PASSWORD' : 'ADMIN_USERNAME');
  }
  dto.PII_KEY ??= DEVELOPMENT_PII_KEY;
  dto.JWT_SECRET ??= DEVELOPMENT_JWT_SECRET;
  return Object.freeze(dto) as AppConfig;
}
