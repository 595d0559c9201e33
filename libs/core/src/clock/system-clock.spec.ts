import { FakeClock } from './fake-clock';
import { SystemClock } from './system-clock';
import { isCalendarDate, toVnIso, vnDate } from './time';

describe('SystemClock', () => {
  let real: number;
  const realNow = () => real;

  beforeEach(() => {
    real = Date.parse('2026-01-01T00:00:00Z');
  });

  it('is real time without CLOCK_START', () => {
    const clock = new SystemClock({}, realNow);
    real += 1234;
    expect(clock.now().getTime()).toBe(Date.parse('2026-01-01T00:00:01.234Z'));
  });

  it('starts at CLOCK_START at the anchor and runs CLOCK_SPEED times faster', () => {
    const clock = new SystemClock({ start: '2021-11-03T08:00:00+07:00', speed: 3600 }, realNow);
    expect(toVnIso(clock.now())).toBe('2021-11-03T08:00:00.000+07:00');
    real += 1000; // one real second is one simulated hour
    expect(toVnIso(clock.now())).toBe('2021-11-03T09:00:00.000+07:00');
  });

  it('measures from CLOCK_ANCHOR when it is given, so processes started at different times agree', () => {
    const options = { start: '2021-11-03T00:00:00+07:00', speed: 60, anchor: '2026-01-01T00:00:00Z' };
    const early = new SystemClock(options, realNow);
    real += 5000;
    const late = new SystemClock(options, realNow);
    expect(late.now().getTime()).toBe(early.now().getTime());
    expect(toVnIso(late.now())).toBe('2021-11-03T00:05:00.000+07:00');
  });

  it('replays a whole simulated day in 24 real seconds at speed 3600', () => {
    const clock = new SystemClock({ start: '2021-11-10T00:00:00+07:00', speed: 3600 }, realNow);
    const seen: string[] = [];
    for (let hour = 0; hour <= 24; hour += 6) {
      seen.push(toVnIso(clock.now()));
      real += 6000;
    }
    expect(seen).toEqual([
      '2021-11-10T00:00:00.000+07:00',
      '2021-11-10T06:00:00.000+07:00',
      '2021-11-10T12:00:00.000+07:00',
      '2021-11-10T18:00:00.000+07:00',
      '2021-11-11T00:00:00.000+07:00',
    ]);
  });

  it('converts a future instant into the real delay BullMQ needs', () => {
    const clock = new SystemClock({ start: '2021-11-03T08:00:00+07:00', speed: 3600 }, realNow);
    expect(clock.msUntil(new Date('2021-11-05T08:00:00+07:00'))).toBe(48_000); // 48 h at 1 h/s
    expect(clock.msUntil(new Date('2021-11-03T07:00:00+07:00'))).toBe(0); // past: now
    expect(new SystemClock({}, realNow).msUntil(new Date(real + 1500))).toBe(1500);
  });
});

describe('FakeClock', () => {
  it('moves only when told to', () => {
    const clock = new FakeClock('2021-11-03T08:00:00+07:00');
    expect(clock.now().toISOString()).toBe('2021-11-03T01:00:00.000Z');
    clock.advance(3600_000);
    expect(toVnIso(clock.now())).toBe('2021-11-03T09:00:00.000+07:00');
    clock.set('2021-11-13T00:00:00+07:00');
    expect(clock.msUntil(new Date('2021-11-13T00:00:01+07:00'))).toBe(1000);
  });
});

describe('time helpers', () => {
  it('gives the Viet Nam calendar date of an instant', () => {
    expect(vnDate(new Date('2021-11-10T16:59:59Z'))).toBe('2021-11-10');
    expect(vnDate(new Date('2021-11-10T17:00:00Z'))).toBe('2021-11-11');
  });

  it('accepts only real calendar dates', () => {
    expect(isCalendarDate('2020-02-29')).toBe(true);
    expect(isCalendarDate('2021-02-29')).toBe(false);
    expect(isCalendarDate('2021-13-01')).toBe(false);
    expect(isCalendarDate('2021-1-01')).toBe(false);
  });
});
