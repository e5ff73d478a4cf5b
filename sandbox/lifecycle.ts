// Waiting without leaking: slow-response and hang faults park requests, and
// a test that closes the sandbox must not leave a timer or an open request
// behind (`deno test --sanitize-ops --sanitize-resources`). Every wait ends
// when its time is up on the sandbox's clock or when the sandbox closes,
// whichever comes first, so a test on a ManualClock releases a delayed
// answer by advancing the clock. A "hang" is a wait of ten minutes: far
// beyond any client timeout, and still bounded in a long-running sandbox.
// Tests wait for requests to be parked (`untilParked`) instead of sleeping.
// (Request abort signals are not used: Deno.serve fires them after every
// response in its legacy mode.)
import type { Clock } from "./clock.ts";

/** How long a hanging request is held at most. */
export const HANG_MS = 10 * 60_000;

/** Tracks the sandbox's pending waits. */
export class Lifecycle {
  readonly #clock: Clock;
  readonly #waiters = new Set<() => void>();
  readonly #watchers = new Set<{ n: number; resolve: () => void }>();
  #closed = false;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Requests parked in a wait right now. */
  get parked(): number {
    return this.#waiters.size;
  }

  /** Resolves once at least `n` requests are parked (at once if they are). */
  untilParked(n = 1): Promise<void> {
    if (this.#waiters.size >= n || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#watchers.add({ n, resolve }));
  }

  /** Resolves after `ms` on the clock, or early when the sandbox closes. */
  sleep(ms: number): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      let cancel = () => {};
      const done = () => {
        cancel();
        this.#waiters.delete(done);
        resolve();
      };
      this.#waiters.add(done);
      cancel = this.#clock.timer(ms, done);
      for (const w of [...this.#watchers]) {
        if (this.#waiters.size >= w.n) {
          this.#watchers.delete(w);
          w.resolve();
        }
      }
    });
  }

  /** Holds a request far beyond any client timeout (or until close). */
  hang(): Promise<void> {
    return this.sleep(HANG_MS);
  }

  /** Ends every pending wait; later waits end at once. */
  close(): void {
    this.#closed = true;
    for (const done of [...this.#waiters]) done();
    for (const w of [...this.#watchers]) w.resolve();
    this.#watchers.clear();
  }
}
