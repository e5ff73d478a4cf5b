// A minimal SP-API GET (facts §3): x-amz-access-token, the typed error body
// `{errors:[{code,message,details}]}`, x-amzn-RequestId and the rate-limit
// header captured. The full client (retries, token buckets, pagination) is
// the sync engine's; this is what authorization checks need.
export class SpApiError extends Error {
  override name = "SpApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    readonly requestId: string | null,
    message: string,
  ) {
    super(message);
  }
}

export interface SpResponse<T> {
  body: T;
  status: number;
  requestId: string | null;
  rateLimit: number | null;
}

/** GET `path` with `query` on an SP-API host. */
export async function spGet<T>(opts: {
  baseUrl: string;
  accessToken: string;
  path: string;
  query?: Record<string, string | string[]>;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): Promise<SpResponse<T>> {
  const url = new URL(opts.path, `${opts.baseUrl}/`);
  for (const [k, v] of Object.entries(opts.query ?? {})) {
    url.searchParams.set(k, Array.isArray(v) ? v.join(",") : v);
  }
  const res = await (opts.fetch ?? fetch)(url, {
    headers: {
      "x-amz-access-token": opts.accessToken,
      "user-agent": "Custodian/1.0 (Language=TypeScript; Platform=Deno)",
      accept: "application/json",
    },
    signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
  });
  const requestId = res.headers.get("x-amzn-requestid");
  const limit = res.headers.get("x-amzn-ratelimit-limit");
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch { /* not JSON */ }
  if (!res.ok) {
    const first = (body as { errors?: { code?: string; message?: string }[] })
      ?.errors?.[0];
    throw new SpApiError(
      res.status,
      first?.code ?? "HttpError",
      requestId,
      `SP-API ${opts.path.split("?")[0]} answered ${res.status} ${
        first?.code ?? ""
      }`.trim(),
    );
  }
  return {
    body: body as T,
    status: res.status,
    requestId,
    rateLimit: limit ? Number(limit) : null,
  };
}
