// Every expiry in the sandbox (access tokens, consent codes, pagination
// tokens, presigned document URLs, report progress, token-bucket refill)
// reads one injected clock, so a test can jump past Amazon's 5-minute URL
// or 24-hour paginationToken without waiting for it.

/** A source of "now" in epoch milliseconds. */
export interface Clock {
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that only moves when told to.
 *
 * @example
 * const clock = new ManualClock("2026-03-01T12:00:00Z");
 * clock.advance(5 * 60_000); // five minutes later
 */
export class ManualClock implements Clock {
  #t: number;

  constructor(start: Date | string | number = Date.now()) {
    this.#t = new Date(start).getTime();
    if (!Number.isFinite(this.#t)) throw new RangeError("invalid start time");
  }

  now(): number {
    return this.#t;
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.#t += ms;
  }

  /** Sets the clock to `at`. */
  set(at: Date | string | number): void {
    this.#t = new Date(at).getTime();
  }
}
