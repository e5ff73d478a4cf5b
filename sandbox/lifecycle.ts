// Waiting without leaking: slow-response and hang faults park requests, and
// a test that closes the sandbox must not leave a timer or an open request
// behind (`deno test --sanitize-ops --sanitize-resources`). Every wait ends
// when its time is up or when the sandbox closes, whichever comes first. A
// "hang" is a wait of ten minutes: far beyond any client timeout, and still
// bounded in a long-running sandbox. (Request abort signals are not used:
// Deno.serve fires them after every response in its legacy mode.)

/** How long a hanging request is held at most. */
export const HANG_MS = 10 * 60_000;

/** Tracks the sandbox's pending waits. */
export class Lifecycle {
  readonly #waiters = new Set<() => void>();
  #closed = false;

  get closed(): boolean {
    return this.#closed;
  }

  /** Resolves after `ms`, or early when the sandbox closes. */
  sleep(ms: number): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
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
  }
}
