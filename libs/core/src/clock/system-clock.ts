import { Clock } from './clock';

export interface SystemClockOptions {
  start?: string;
  speed?: number;
  anchor?: string;
}

/**
 * now = CLOCK_START + (real now − CLOCK_ANCHOR) × CLOCK_SPEED; without CLOCK_START,
 * real time scaled from the anchor (speed 1: plain real time).
 * Processes started with the same three values agree on the time, which is what
 * lets several API and worker processes replay one campaign together.
 */
export class SystemClock extends Clock {
  readonly speed: number;
  private readonly startMs: number;
  private readonly anchorMs: number;

  constructor(
    options: SystemClockOptions = {},
    private readonly realNow: () => number = Date.now,
  ) {
    super();
    this.speed = options.speed ?? 1;
    this.anchorMs = options.anchor ? Date.parse(options.anchor) : realNow();
    this.startMs = options.start ? Date.parse(options.start) : this.anchorMs;
  }

  now(): Date {
    return new Date(this.startMs + (this.realNow() - this.anchorMs) * this.speed);
  }
}
