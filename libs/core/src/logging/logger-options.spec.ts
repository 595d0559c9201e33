import { loggerOptions } from './logger-options';

describe('loggerOptions: the request line', () => {
  const res = loggerOptions('info').serializers!.res as (r: unknown) => { statusCode: number; headers: object };

  it('keeps a few response headers, not helmet’s dozen, and never a cookie', () => {
    const line = res({
      statusCode: 429,
      headers: {
        'content-type': 'application/problem+json; charset=utf-8',
        'content-length': '180',
        'retry-after': '60',
        'content-security-policy': "default-src 'self'",
        'strict-transport-security': 'max-age=31536000',
        'set-cookie': 'session=secret',
        'x-request-id': 'abc',
      },
    });
    expect(line).toEqual({
      statusCode: 429,
      headers: {
        'content-type': 'application/problem+json; charset=utf-8',
        'content-length': '180',
        'retry-after': '60',
      },
    });
  });

  it('logs the status alone for a response without headers', () => {
    expect(res({ statusCode: 204 })).toEqual({ statusCode: 204, headers: {} });
  });
});
