import { sweepIntervalMs } from './schedules.service';

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
