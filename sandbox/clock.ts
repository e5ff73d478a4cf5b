// Every expiry in the sandbox (access tokens, consent codes, pagination
// tokens, presigned document URLs, report progress, token-bucket refill)
// and every wait of a slow-response fault reads one injected clock, so a
// test can jump past Amazon's 5-minute URL or 24-hour paginationToken, or
// release a delayed answer, without waiting for it.

/** A source of "now" in epoch milliseconds, and of timers on that time. */
export interface Clock {
  now(): number;
  /** Calls `fire` once `ms` have passed on this clock; returns a cancel. */
  timer(ms: number, fire: () => void): () => void;
}

/** The wall clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  timer(ms, fire) {
    const id = setTimeout(fire, ms);
    return () => clearTimeout(id);
  },
};

/**
 * A clock that only moves when told to; its timers fire as it passes them.
 *
 * @example
 * const clock = new ManualClock("2026-03-01T12:00:00Z");
 * clock.advance(5 * 60_000); // five minutes later
 */
export class ManualClock implements Clock {
  #t: number;
  readonly #timers = new Set<{ at: number; fire: () => void }>();

  constructor(start: Date | string | number = Date.now()) {
    this.#t = new Date(start).getTime();
    if (!Number.isFinite(this.#t)) throw new RangeError("invalid start time");
  }

  now(): number {
    return this.#t;
  }

  timer(ms: number, fire: () => void): () => void {
    const t = { at: this.#t + Math.max(0, ms), fire };
    this.#timers.add(t);
    if (ms <= 0) this.#due();
    return () => void this.#timers.delete(t);
  }

  /** Moves the clock forward by `ms` milliseconds (firing due timers). */
  advance(ms: number): void {
    this.#t += ms;
    this.#due();
  }

  /** Sets the clock to `at` (firing due timers). */
  set(at: Date | string | number): void {
    this.#t = new Date(at).getTime();
    this.#due();
  }

  #due(): void {
    const due = [...this.#timers].filter((t) => t.at <= this.#t)
      .sort((a, b) => a.at - b.at);
    for (const t of due) {
      this.#timers.delete(t);
      t.fire();
    }
  }
}
