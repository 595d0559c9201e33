import { AppError } from '../errors/app-error';
import { KeysetCursor } from './keyset-cursor';

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** The field errors of what `fn` throws (it must throw an AppError). */
function refusal(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return { status: (err as AppError).def.status, errors: (err as AppError).fieldErrors };
  }
  throw new Error('expected the cursor to be refused');
}

const CURSOR_INVALID = {
  status: 400,
  errors: [
    {
      field: 'cursor',
      code: 'CURSOR_INVALID',
      message: { vi: 'Con trỏ trang không hợp lệ', en: 'Invalid page cursor' },
    },
  ],
};

describe('KeysetCursor', () => {
  const queue = new KeysetCursor(['instant', 'bigint']);
  const alerts = new KeysetCursor(['instant', 'uuid']);
  const users = new KeysetCursor(['text']);
  const at = new Date('2021-11-03T01:02:03.456Z');
  const uuid = '0b7d5c1e-3f2a-4c1b-9d8e-7a6b5c4d3e2f';

  it('round-trips every kind of part, and its text is URL-safe', () => {
    const text = queue.encode([at, '9007199254740993']);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(queue.decode(text)).toEqual([at, '9007199254740993']);
    expect(alerts.decode(alerts.encode([at, uuid]))).toEqual([at, uuid]);
    expect(users.decode(users.encode(['nguyen.van.an']))).toEqual(['nguyen.van.an']);
    expect(users.decode(users.encode(['đặng thị "x"']))).toEqual(['đặng thị "x"']);
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor'],
    ['empty', ''],
    ['a JSON object', b64({ d: at.toISOString(), i: '1' })],
    ['a bare string', b64('"2021-11-03T01:02:03.456Z"')],
    ['SQL in the id', b64([at.toISOString(), "1'; DROP TABLE tickets; --"])],
    ['a number for the id', b64([at.toISOString(), 1])],
    ['null parts', b64([null, null])],
    ['a date that does not exist', b64(['2021-02-30T00:00:00.000Z', '1'])],
    ['another spelling of the instant', b64(['2021-11-03T08:02:03.456+07:00', '1'])],
    ['an id too long for bigint', b64([at.toISOString(), '1'.repeat(20)])],
    ['stray characters around valid base64', `${queue.encode([at, '1'])}!!`],
  ])('refuses %s with 400 CURSOR_INVALID', (_, text) => {
    expect(refusal(() => queue.decode(text))).toEqual(CURSOR_INVALID);
  });

  it('refuses the wrong number of parts', () => {
    expect(refusal(() => queue.decode(b64([at.toISOString()])))).toEqual(CURSOR_INVALID);
    expect(refusal(() => queue.decode(b64([at.toISOString(), '1', '2'])))).toEqual(CURSOR_INVALID);
    expect(refusal(() => users.decode(b64([])))).toEqual(CURSOR_INVALID);
  });

  it('refuses a cursor of another list whose parts have other types', () => {
    expect(refusal(() => alerts.decode(queue.encode([at, '42'])))).toEqual(CURSOR_INVALID);
    expect(refusal(() => queue.decode(alerts.encode([at, uuid])))).toEqual(CURSOR_INVALID);
    expect(refusal(() => users.decode(b64([''])))).toEqual(CURSOR_INVALID);
    expect(refusal(() => users.decode(b64([7])))).toEqual(CURSOR_INVALID);
  });
});
