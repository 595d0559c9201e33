import { ConfigError, DEVELOPMENT_KEYS, loadConfig } from './app-config';

const failing = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (e) {
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
};

/** Everything production needs, none of it a development value. */
const PRODUCTION = {
  NODE_ENV: 'production',
  PII_KEY: 'a1'.repeat(32),
  BLIND_INDEX_KEY: Buffer.alloc(32, 0xb1).toString('base64'),
  JWT_SECRET: 'a-production-jwt-secret-of-forty-characters',
  METRICS_TOKEN: 'a-production-metrics-token-0123456789',
};
const { NODE_ENV: _mode, ...PRODUCTION_SECRETS } = PRODUCTION;

describe('loadConfig', () => {
  it('applies the documented defaults (docs/api.md)', () => {
    const c = loadConfig({ NODE_ENV: 'development' });
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
    const c = loadConfig({ NODE_ENV: 'test', PORT: '8080', CLOCK_SPEED: '3600', WEBHOOK_ALLOW_PRIVATE: 'true' });
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
    ['BLIND_INDEX_KEY', 'c2hvcnQ='],
    ['METRICS_TOKEN', 'short-token'],
    ['METRICS_TOKEN', `${'x'.repeat(32)} with spaces`],
    ['TRUST_PROXY', 'proxy.example.vn'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['TRUST_PROXY', '10.0.0.0/0'],
    ['TRUST_PROXY', '::/0'],
    ['TRUST_PROXY', 'loopback, 10.0.0.300'],
    ['NODE_ENV', 'staging'],
  ])('names %s when it is %s, without echoing the value', (variable, value) => {
    const error = failing({ NODE_ENV: 'test', [variable]: value });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.variable).toBe(variable);
    expect(error.message).toBe(`Invalid or missing environment variable ${variable}`);
    expect(error.message).not.toContain(value);
  });

  it('wants the admin username and password together', () => {
    expect(failing({ NODE_ENV: 'test', ADMIN_USERNAME: 'admin' }).variable).toBe('ADMIN_PASSWORD');
    expect(failing({ NODE_ENV: 'test', ADMIN_PASSWORD: 'long-enough-password' }).variable).toBe('ADMIN_USERNAME');
  });

  describe('fails closed', () => {
    it('treats an unset NODE_ENV as production: no keys, no start, and the first missing one named', () => {
      expect(failing({}).variable).toBe('PII_KEY');
      expect(loadConfig(PRODUCTION_SECRETS).NODE_ENV).toBe('production');
    });

    it('requires each secret in production, in this order', () => {
      const { PII_KEY, BLIND_INDEX_KEY, JWT_SECRET, METRICS_TOKEN } = PRODUCTION;
      expect(failing({ NODE_ENV: 'production' }).variable).toBe('PII_KEY');
      expect(failing({ NODE_ENV: 'production', PII_KEY }).variable).toBe('BLIND_INDEX_KEY');
      expect(failing({ NODE_ENV: 'production', PII_KEY, BLIND_INDEX_KEY }).variable).toBe('JWT_SECRET');
      expect(failing({ NODE_ENV: 'production', PII_KEY, BLIND_INDEX_KEY, JWT_SECRET }).variable).toBe('METRICS_TOKEN');
      expect(loadConfig({ NODE_ENV: 'production', PII_KEY, BLIND_INDEX_KEY, JWT_SECRET, METRICS_TOKEN })).toMatchObject(
        PRODUCTION,
      );
    });

    it.each([
      ['PII_KEY', DEVELOPMENT_KEYS.PII_KEY],
      ['PII_KEY', Buffer.from(DEVELOPMENT_KEYS.PII_KEY, 'hex').toString('base64')],
      ['PII_KEY', DEVELOPMENT_KEYS.PII_KEY.toUpperCase()],
      ['PII_KEY', DEVELOPMENT_KEYS.BLIND_INDEX_KEY],
      ['BLIND_INDEX_KEY', DEVELOPMENT_KEYS.BLIND_INDEX_KEY],
      ['BLIND_INDEX_KEY', Buffer.from(DEVELOPMENT_KEYS.BLIND_INDEX_KEY, 'hex').toString('base64')],
      ['BLIND_INDEX_KEY', DEVELOPMENT_KEYS.PII_KEY],
      ['BLIND_INDEX_KEY', PRODUCTION.PII_KEY],
      ['BLIND_INDEX_KEY', Buffer.from(PRODUCTION.PII_KEY, 'hex').toString('base64')],
      ['JWT_SECRET', DEVELOPMENT_KEYS.JWT_SECRET],
      ['WEBHOOK_ALLOW_PRIVATE', 'true'],
      ['TRUST_PROXY', 'true'],
    ])('refuses %s=%s in production, naming the variable and not the value', (variable, value) => {
      for (const mode of [{ NODE_ENV: 'production' }, {}] as Record<string, string>[]) {
        const error = failing({ ...PRODUCTION_SECRETS, ...mode, [variable]: value });
        expect(error.variable).toBe(variable);
        expect(error.message).toBe(`Invalid or missing environment variable ${variable}`);
        expect(error.message).not.toContain(value);
      }
    });

    it('accepts a previous PII key that was the development one, so that data written under it stays readable', () => {
      const c = loadConfig({ ...PRODUCTION, PII_KEY_ID: '2', PII_PREVIOUS_KEYS: `1=${DEVELOPMENT_KEYS.PII_KEY}` });
      expect(c.PII_PREVIOUS_KEYS).toBe(`1=${DEVELOPMENT_KEYS.PII_KEY}`);
    });

    it.each(['1', '2', 'loopback', 'loopback, 10.0.0.0/8', '10.1.2.3', 'fd00::/8,uniquelocal', 'false'])(
      'accepts TRUST_PROXY=%s (hop counts, named proxies and subnets) in production',
      (value) => {
        expect(loadConfig({ ...PRODUCTION, TRUST_PROXY: value }).TRUST_PROXY).toBe(value);
      },
    );

    it('fills in the development keys in development and tests only, and allows what is safe only there', () => {
      for (const NODE_ENV of ['development', 'test']) {
        const c = loadConfig({ NODE_ENV, WEBHOOK_ALLOW_PRIVATE: 'true', TRUST_PROXY: 'true' });
        expect(c).toMatchObject({ ...DEVELOPMENT_KEYS, WEBHOOK_ALLOW_PRIVATE: true, TRUST_PROXY: 'true' });
        expect(c.METRICS_TOKEN).toBeUndefined();
      }
    });
  });
});
