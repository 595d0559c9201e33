/**
 * The service's one notion of "now". Every deadline, job delay, alert and figure
 * reads it, so a campaign can be replayed on simulated time (docs/api.md, "Time").
 */
export abstract class Clock {
  abstract now(): Date;
  /** Simulated milliseconds per real millisecond. */
  abstract readonly speed: number;

  /** Real milliseconds until the clock shows `instant` (0 if it already has): the delay BullMQ needs. */
  msUntil(instant: Date): number {
    return Math.max(0, Math.ceil((instant.getTime() - this.now().getTime()) / this.speed));
  }
}
