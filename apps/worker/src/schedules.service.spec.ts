import { retentionIntervalMs, sweepIntervalMs } from './schedules.service';

describe('sweepIntervalMs', () => {
  it('keeps the configured interval on the real clock', () => {
    expect(sweepIntervalMs(1000, 1)).toBe(1000);
    expect(sweepIntervalMs(100, 1)).toBe(100);
  });

  it('sweeps at least every 6 simulated minutes on an accelerated clock, never more often than every 50 ms', () => {
    expect(sweepIntervalMs(1000, 3600)).toBe(100);
    expect(sweepIntervalMs(1000, 60)).toBe(1000);
    expect(sweepIntervalMs(1000, 14_400)).toBe(50);
    expect(sweepIntervalMs(50, 3600)).toBe(50);
  });
});

describe('retentionIntervalMs', () => {
  it('keeps the configured interval on the real clock', () => {
    expect(retentionIntervalMs(60_000, 1)).toBe(60_000);
    expect(retentionIntervalMs(3_600_000, 1)).toBe(3_600_000);
  });

  it('runs at least once a simulated day on an accelerated clock, never more often than every 100 ms', () => {
    expect(retentionIntervalMs(60_000, 3600)).toBe(24_000);
    expect(retentionIntervalMs(60_000, 7200)).toBe(12_000);
    expect(retentionIntervalMs(60_000, 1_000_000)).toBe(100);
    expect(retentionIntervalMs(200, 3600)).toBe(200);
  });
});
