import { Clock } from './clock';

/** A clock that moves only when a test moves it. */
export class FakeClock extends Clock {
  private current: number;

  constructor(
    start: Date | string = '2021-11-03T08:00:00+07:00',
    readonly speed = 1,
  ) {
    super();
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(instant: Date | string): void {
    this.current = new Date(instant).getTime();
  }

  advance(ms: number): Date {
    this.current += ms;
    return this.now();
  }
}
