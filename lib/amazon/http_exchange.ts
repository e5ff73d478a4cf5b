// One HTTP exchange with an Amazon API, shared by the SP-API and Ads API
// clients: a timeout per attempt (and the run's abort signal), network
// failures and cut-off bodies told apart from answers, and the body read
// and parsed once. What an answer means (errors, retries) stays with each
// client.

/** What came back, or why nothing usable did. */
export type Exchange =
  | {
    kind: "answer";
    res: Response;
    /** The parsed JSON body (null for an empty body). */
    parsed: unknown;
    /** False when the body is not valid JSON (parsed is then null). */
    parsedOk: boolean;
    text: string;
  }
  | {
    /** No answer at all: a timeout, a refused connection, a cut-off body. */
    kind: "failed";
    /** "Timeout", "NetworkError" (the answer was cut off or never came). */
    code: "Timeout" | "NetworkError";
    message: string;
    /** The status line, when one arrived before the body broke. */
    status: number | null;
    res: Response | null;
  };

/**
 * Sends one request and reads its body as JSON with `parse`.
 *
 * @example
 * const x = await exchange(fetch, url, { method: "GET", headers }, {
 *   timeoutMs: 30_000, parse: JSON.parse,
 * });
 */
export async function exchange(
  doFetch: typeof fetch,
  url: URL | string,
  init: RequestInit,
  opts: {
    timeoutMs: number;
    signal?: AbortSignal;
    parse: (text: string) => unknown;
  },
): Promise<Exchange> {
  let res: Response;
  try {
    res = await doFetch(url, {
      ...init,
      signal: opts.signal
        ? AbortSignal.any([AbortSignal.timeout(opts.timeoutMs), opts.signal])
        : AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (err) {
    opts.signal?.throwIfAborted();
    const timeout = err instanceof DOMException &&
      (err.name === "TimeoutError" || err.name === "AbortError");
    return {
      kind: "failed",
      code: timeout ? "Timeout" : "NetworkError",
      message: timeout
        ? `no answer within ${opts.timeoutMs} ms`
        : String((err as Error)?.name ?? "network error").slice(0, 100),
      status: null,
      res: null,
    };
  }
  let text: string;
  try {
    text = await res.text();
  } catch {
    opts.signal?.throwIfAborted();
    return {
      kind: "failed",
      code: "NetworkError",
      message: "the answer was cut off",
      status: res.status,
      res,
    };
  }
  try {
    return {
      kind: "answer",
      res,
      parsed: text ? opts.parse(text) : null,
      parsedOk: true,
      text,
    };
  } catch {
    return { kind: "answer", res, parsed: null, parsedOk: false, text };
  }
}
