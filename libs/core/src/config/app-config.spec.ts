import { ConfigError, loadConfig } from './app-config';

const failing = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (e) {
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('applies the documented defaults (docs/api.md)', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/phananh',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PORT: 3000,
      CLOCK_SPEED: 1,
      ATTACHMENTS_DIR: './var/attachments',
      WEBHOOK_ALLOW_PRIVATE: false,
      RATE_LIMIT_FILINGS_PER_MINUTE: 100,
      RATE_LIMIT_LOOKUPS_PER_MINUTE: 20,
    });
    expect(c.PII_KEY).toBeTruthy();
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('converts numbers and booleans', () => {
    const c = loadConfig({ PORT: '8080', CLOCK_SPEED: '3600', WEBHOOK_ALLOW_PRIVATE: 'true' });
    expect(c).toMatchObject({ PORT: 8080, CLOCK_SPEED: 3600, WEBHOOK_ALLOW_PRIVATE: true });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['CLOCK_SPEED', '-1'],
    ['CLOCK_START', 'yesterday'],
    ['DATABASE_URL', 'mysql://x'],
    ['PII_KEY', 'too-short'],
    ['JWT_SECRET', 'short'],
    ['LOG_LEVEL', 'loud'],
  ])('names %s when it is %s, without echoing the value', (variable, value) => {
    const error = failing({ [variable]: value });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.variable).toBe(variable);
    expect(error.message).toBe(`Invalid or missing environment variable ${variable}`);
    expect(error.message).not.toContain(value);
  });

  it('requires the secrets in production', () => {
    expect(failing({ NODE_ENV: 'production' }).variable).toBe('PII_KEY');
    expect(failing({ NODE_ENV: 'production', PII_KEY: 'a'.repeat(64) }).variable).toBe('JWT_SECRET');
  });

  it('wants the admin username and password together', () => {
    expect(failing({ ADMIN_USERNAME: 'admin' }).variable).toBe('ADMIN_PASSWORD');
    expect(failing({ ADMIN_PASSWORD: 'long-enough-password' }).variable).toBe('ADMIN_USERNAME');
  });
});
