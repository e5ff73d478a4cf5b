// The load generator of bench/load.ts, in a process of its own so that it
// never shares an event loop with the portal it measures. It reads a plan
// (JSON) on stdin, keeps `connections` requests in flight against each page
// in turn for `seconds` (or `requests` in all), and prints per page the
// status counts and latency percentiles as one JSON line on stdout.
//
//   echo '{"base":"http://127.0.0.1:8000","cookie":"…","connections":20,
//          "seconds":10,"pages":[{"name":"dashboard","urls":["/"]}]}' |
//     deno run --allow-net bench/load_client.ts

export interface LoadPlan {
  base: string;
  cookie: string;
  connections: number;
  /** How long each page is driven, in seconds. */
  seconds: number;
  /** Or: stop a page after this many requests (whichever comes first). */
  requests?: number;
  /** Requests per page before measuring (not counted). */
  warmup?: number;
  /** Each page's own session cookie, when not `cookie`. */
  pages: { name: string; urls: string[]; cookie?: string }[];
}

export interface PageResult {
  name: string;
  requests: number;
  /** Responses other than 200, by status ("error" when the fetch failed). */
  failures: Record<string, number>;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Mean response body size in bytes. */
  bytes: number;
}

/** The `q` quantile (0..1) of sorted `values` (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

async function drive(
  plan: LoadPlan,
  page: { name: string; urls: string[]; cookie?: string },
): Promise<PageResult> {
  const headers = { cookie: page.cookie ?? plan.cookie };
  let next = 0;
  const one = async (): Promise<[number, string, number]> => {
    const url = plan.base + page.urls[next++ % page.urls.length];
    const t0 = performance.now();
    try {
      const res = await fetch(url, { headers, redirect: "manual" });
      const body = await res.arrayBuffer();
      return [performance.now() - t0, String(res.status), body.byteLength];
    } catch {
      return [performance.now() - t0, "error", 0];
    }
  };
  for (let i = 0; i < (plan.warmup ?? 0); i++) await one();
  const times: number[] = [];
  const failures: Record<string, number> = {};
  let bytes = 0;
  const started = performance.now();
  const deadline = started + plan.seconds * 1000;
  const limit = plan.requests ?? Infinity;
  let issued = 0;
  const worker = async () => {
    while (performance.now() < deadline && issued < limit) {
      issued++;
      const [ms, status, size] = await one();
      times.push(ms);
      bytes += size;
      if (status !== "200") failures[status] = (failures[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: plan.connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const r2 = (v: number) => Math.round(v * 100) / 100;
  return {
    name: page.name,
    requests: times.length,
    failures,
    rps: r2(times.length / elapsed),
    p50: r2(quantile(times, 0.5)),
    p95: r2(quantile(times, 0.95)),
    p99: r2(quantile(times, 0.99)),
    max: r2(times.at(-1) ?? NaN),
    bytes: Math.round(bytes / Math.max(1, times.length)),
  };
}

if (import.meta.main) {
  const plan = JSON.parse(
    await new Response(Deno.stdin.readable).text(),
  ) as LoadPlan;
  const results: PageResult[] = [];
  for (const page of plan.pages) results.push(await drive(plan, page));
  console.log(JSON.stringify(results));
}
