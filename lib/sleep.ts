// The one abortable timer of the domain and the jobs: report polls, backoff
// between attempts, rate-limiter waits and lease retries all wait through
// it, so a stopping run (lost lease, shutdown) stops waiting at once and
// leaves nothing behind — no timer, no listener on a long-lived signal.

/**
 * Resolves after `ms`, or rejects with `signal.reason` as soon as `signal`
 * aborts (at once when it already has). Either way the timer is cleared and
 * the abort listener removed.
 *
 * @example
 * await sleep(pollMs, run.signal); // throws the run's abort reason
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
