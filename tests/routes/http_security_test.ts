// Issue #11, the HTTP layer: no-store on every signed-in response, no secret
// path segment in the logs, 4xx (never 5xx) for bad input, no open
// redirect, a referrer policy that keeps the Origin, the anonymous rate
// limit with aggregated denials, and the client address behind proxies.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import type { Hono } from "hono";
import { rowsOf } from "../../db/client.ts";
import { syncRuns } from "../../db/schema.ts";
import { createJobQueue } from "../../jobs/queue.ts";
import { loadConfig } from "../../lib/config.ts";
import { createLogger } from "../../lib/log.ts";
import { DenialAggregator } from "../../lib/security/denials.ts";
import { issueFirstOwnerToken } from "../../lib/security/staff.ts";
import { createVault, generateVaultKey } from "../../lib/security/vault.ts";
import { prepareDatabase } from "../../lib/setup.ts";
import { ROUTE_ACCESS } from "../../routes/route_access.ts";
import { createApp } from "../../routes/app.ts";
import { openTestApp, type TestApp } from "../_helpers/app.ts";
import { makeStaff, makeStore } from "../_helpers/staff.ts";
import { openTestDatabase, ownerOf, testEngine } from "../_helpers/test_db.ts";

const ORIGIN = "http://127.0.0.1:8000";
const PROVIDERS = {
  GOOGLE_CLIENT_ID: "fake-google-client",
  GOOGLE_CLIENT_SECRET: "fake-google-secret",
  MSENTRA_CLIENT_ID: "fake-entra-client",
  MSENTRA_CLIENT_SECRET: "fake-entra-secret",
  MSENTRA_TENANT_ID: "fake-tenant",
  GITHUB_CLIENT_ID: "fake-github-client",
  GITHUB_CLIENT_SECRET: "fake-github-secret",
};
const from = (ip: string) => ({
  remoteAddr: { hostname: ip, port: 40000, transport: "tcp" },
});
const formPost = (
  cookie: string | null,
  body: string | URLSearchParams,
  extra: Record<string, string> = {},
): RequestInit => ({
  method: "POST",
  headers: {
    origin: ORIGIN,
    "content-type": "application/x-www-form-urlencoded",
    ...(cookie ? { cookie } : {}),
    ...extra,
  },
  body: body.toString(),
});

async function auditRows(s: TestApp, where = sql`true`) {
  return rowsOf<
    {
      action: string;
      target: string | null;
      ip: string | null;
      details: Record<string, unknown>;
    }
  >(
    await ownerOf(s.t.db).execute(
      sql`select action, target, ip, details from audit_events where ${where} order by id`,
    ),
  );
}

// ── 1. Cache-Control: no-store ─────────────────────────────────────────────

Deno.test(`every GET route answers a signed-in owner with Cache-Control: no-store (${testEngine})`, async () => {
  await using s = await openTestApp(PROVIDERS);
  const store = await makeStore(s, "Store A");
  const run = await s.t.db.asJob(store, async (tx) => {
    const [row] = await tx.insert(syncRuns).values({
      storeId: store,
      dataset: "inventory",
      trigger: "schedule",
      status: "failed",
      error: "sample",
    }).returning({ id: syncRuns.id });
    return row.id;
  });
  const owner = await makeStaff(s, "owner");
  const gets = Object.keys(ROUTE_ACCESS).filter((r) => r.startsWith("GET "));
  assert.ok(gets.length > 20, "the route table has GET routes");
  const missing: string[] = [];
  for (const route of gets) {
    const path = route.slice(4).replace(":token", "0".repeat(64))
      .replace(":id", store).replace(":runId", run)
      .replace(":dataset", "inventory");
    const query = /\/connect\/(website|ads)$/.test(path)
      ? "?appId=00000000-0000-4000-8000-000000000000"
      : "";
    for (const hx of [false, true]) {
      const res = await s.app.request(`${ORIGIN}${path}${query}`, {
        headers: {
          cookie: owner.cookie,
          ...(hx ? { "hx-request": "true", "hx-target": "users-table" } : {}),
        },
      });
      await res.body?.cancel();
      if (res.headers.get("cache-control") !== "no-store") {
        missing.push(
          `${route}${hx ? " (htmx)" : ""}: ${res.status} ${
            res.headers.get("cache-control")
          }`,
        );
      }
    }
  }
  // HTMX fragments, errors and redirects of a signed-in person too.
  for (
    const path of [
      `/stores/${store}/sync/status`,
      `/stores/${store}/disconnections`,
      `/stores/${crypto.randomUUID()}`,
      "/no/such/page",
      "/stores/not-a-uuid",
    ]
  ) {
    const res = await s.app.request(`${ORIGIN}${path}`, {
      headers: { cookie: owner.cookie, "hx-request": "true" },
    });
    await res.body?.cancel();
    if (res.headers.get("cache-control") !== "no-store") {
      missing.push(`${path}: ${res.status}`);
    }
  }
  const posted = await s.app.request(
    `${ORIGIN}/lang`,
    formPost(owner.cookie, "lang=en&next=%2Fusers"),
  );
  assert.equal(posted.status, 303);
  assert.equal(posted.headers.get("cache-control"), "no-store");
  assert.deepEqual(missing, []);
  // Static assets stay cacheable.
  const css = await s.app.request(`${ORIGIN}/static/app.css`);
  await css.body?.cancel();
  assert.match(css.headers.get("cache-control") ?? "", /max-age=/);
});

// ── 2. No secret path segment or query in the logs ─────────────────────────

Deno.test(`one-time link tokens and OAuth codes never reach the logs or the audit trail (${testEngine})`, async () => {
  await using s = await openTestApp();
  const owner = await makeStaff(s, "owner");
  // A local invitation: its setup link is shown once to the owner.
  const invited = await s.app.request(
    `${ORIGIN}/users/invite`,
    formPost(
      owner.cookie,
      new URLSearchParams({
        displayName: "Break Glass",
        email: "break.glass@example.test",
        role: "admin",
        kind: "local",
        confirm: "yes",
      }),
    ),
  );
  assert.equal(invited.status, 200);
  const setupToken = /\/auth\/setup\/([0-9a-f]{64})/.exec(
    await invited.text(),
  )![1];
  const firstOwnerToken = await issueFirstOwnerToken(s.kv);
  const secrets = [setupToken, firstOwnerToken, "codecanary", "statecanary"];

  const setup = await s.app.request(`${ORIGIN}/auth/setup/${setupToken}`);
  assert.equal(setup.status, 200);
  await setup.body?.cancel();
  // A mistyped confirmation keeps the link valid: the case the issue names.
  const typo = await s.app.request(
    `${ORIGIN}/auth/setup/${setupToken}`,
    formPost(null, "password=Correct-Horse-42&confirm=Correct-Horse-43"),
  );
  assert.equal(typo.status, 400);
  await typo.body?.cancel();
  // A cross-site post to the link is refused and audited, without the token.
  const csrf = await s.app.request(`${ORIGIN}/auth/setup/${setupToken}`, {
    ...formPost(null, "password=x&confirm=x"),
    headers: {
      origin: "https://evil.example",
      "content-type": "application/x-www-form-urlencoded",
    },
  });
  assert.equal(csrf.status, 403);
  await csrf.body?.cancel();
  for (const path of [`/auth/first-owner/${firstOwnerToken}`]) {
    const get = await s.app.request(`${ORIGIN}${path}`);
    assert.equal(get.status, 200);
    await get.body?.cancel();
    const bad = await s.app.request(
      `${ORIGIN}${path}`,
      formPost(null, "displayName=A&email=nope&password=x&confirm=y"),
    );
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
  }
  // Unmatched paths that carry a token, and an OAuth callback's query.
  for (
    const path of [
      `/auth/setup/${setupToken}/extra`,
      `/auth/first-owner/${firstOwnerToken}/x`,
      `/connect/sp-api/callback?spapi_oauth_code=codecanary&state=statecanary&selling_partner_id=A1`,
    ]
  ) {
    const res = await s.app.request(`${ORIGIN}${path}`, {
      headers: { cookie: owner.cookie },
    });
    await res.body?.cancel();
  }
  assert.ok(s.logs.length >= 8);
  const leaks = s.logs.filter((l) => secrets.some((t) => l.includes(t)));
  assert.deepEqual(leaks, []);
  const lines = s.logs.map((l) => JSON.parse(l)).filter((l) =>
    l.event === "http.request"
  );
  assert.ok(lines.some((l) => l.path === "/auth/setup/:token"));
  assert.ok(lines.some((l) => l.path === "/auth/first-owner/:token"));
  assert.ok(lines.some((l) => l.path === "/auth/setup/:redacted/extra"));
  const trail = JSON.stringify(await auditRows(s));
  for (const t of secrets) assert.ok(!trail.includes(t), "audit trail");
  assert.match(trail, /POST \/auth\/setup\/:token/);
});

// ── 3. Bad input is a 4xx with a message, never a 5xx ──────────────────────

Deno.test(`bad input from the issue gets a 4xx with a clear message (${testEngine})`, async () => {
  await using s = await openTestApp();
  const owner = await makeStaff(s, "owner");
  const store = await makeStore(s, "Store N");
  const problems: string[] = [];
  const expect4xx = async (
    label: string,
    res: Response,
    message: RegExp,
  ) => {
    const text = await res.text();
    if (res.status < 400 || res.status >= 500 || !message.test(text)) {
      problems.push(`${label}: ${res.status}`);
    }
  };

  // Multipart bodies without a boundary, anonymous.
  for (const path of ["/auth/local", "/lang"]) {
    await expect4xx(
      `multipart ${path}`,
      await s.app.request(`${ORIGIN}${path}`, {
        method: "POST",
        headers: { origin: ORIGIN, "content-type": "multipart/form-data" },
        body: "lang=en",
      }),
      /form data could not be read/,
    );
  }
  // NUL bytes in text fields.
  await expect4xx(
    "store name",
    await s.app.request(
      `${ORIGIN}/stores`,
      formPost(
        owner.cookie,
        new URLSearchParams({
          sellerId: "A1B2C3D4E5F6G7",
          region: "NA",
          name: "Acme\u0000",
          marketplaceIds: "ATVPDKIKX0DER",
        }),
      ),
    ),
    /control characters/,
  );
  await expect4xx(
    "store brand",
    await s.app.request(
      `${ORIGIN}/stores`,
      formPost(
        owner.cookie,
        new URLSearchParams({
          sellerId: "A1B2C3D4E5F6G8",
          region: "NA",
          name: "Acme",
          brand: "B\u0000",
          marketplaceIds: "ATVPDKIKX0DER",
        }),
      ),
    ),
    /control characters/,
  );
  await expect4xx(
    "invite display name",
    await s.app.request(
      `${ORIGIN}/users/invite`,
      formPost(
        owner.cookie,
        new URLSearchParams({
          displayName: "Ann\u0000",
          email: "ann@example.test",
          role: "viewer",
          confirm: "yes",
        }),
      ),
    ),
    /displayName/,
  );
  const app = (fields: Record<string, string>) =>
    s.app.request(
      `${ORIGIN}/admin/amazon-apps`,
      formPost(
        owner.cookie,
        new URLSearchParams({
          api: "sp-api",
          name: "Main app",
          clientId: "amzn1.application-oa2-client.abc123",
          clientSecret: "amzn1.oa2-cs.v1.abc123",
          secretIssuedAt: "2026-01-15",
          ...fields,
        }),
      ),
    );
  await expect4xx(
    "app name",
    await app({ name: "App\u0000" }),
    /Name: 2 to 80 characters, without control characters/,
  );
  for (const day of ["0000-01-01", "9999-99-99", "2026-02-31"]) {
    await expect4xx(
      `app date ${day}`,
      await app({ secretIssuedAt: day }),
      /Secret issued: a real calendar date/,
    );
  }
  await expect4xx(
    "users q",
    await s.app.request(`${ORIGIN}/users?q=a%00b`, {
      headers: { cookie: owner.cookie },
    }),
    /q/,
  );
  for (
    const q of [
      "actor=a%00b",
      "from=0000-01-01",
      "to=9999-99-99",
      "from=2026-02-31",
    ]
  ) {
    await expect4xx(
      `audit ${q}`,
      await s.app.request(`${ORIGIN}/audit?${q}`, {
        headers: { cookie: owner.cookie },
      }),
      /filter/i,
    );
  }
  // The disconnection reason is multi-line text: NUL refused, newlines kept.
  await expect4xx(
    "disconnect reason",
    await s.app.request(
      `${ORIGIN}/stores/${store}/disconnect`,
      formPost(
        owner.cookie,
        new URLSearchParams({
          catalog: "delete",
          inventory: "delete",
          orders: "delete",
          buyer_pii: "delete",
          sales_traffic: "delete",
          advertising: "delete",
          finance: "delete",
          brand_analytics: "delete",
          sync: "delete",
          api_logs: "keep",
          reason: "Closing\u0000 down",
          confirm: "yes",
        }),
      ),
    ),
    /control characters/,
  );
  assert.deepEqual(problems, []);

  // Anonymous POST /%00 from another origin: 403, audited like any CSRF.
  const nul = await s.app.request(`${ORIGIN}/%00`, {
    method: "POST",
    headers: {
      origin: "https://evil.example",
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "a=1",
  });
  assert.equal(nul.status, 403);
  await nul.body?.cancel();
  const csrf = await auditRows(s, sql`action = 'access.denied.csrf'`);
  assert.equal(csrf.length, 1);
  assert.equal(csrf[0].target, "POST /:redacted");
  assert.ok(
    s.logs.every((l) => !l.includes('"level":"error"')),
    "no error logged",
  );
});

// ── 4. Open redirect ────────────────────────────────────────────────────────

Deno.test("next must be a path on this site: POST /lang and the sign-in form", async () => {
  await using s = await openTestApp();
  for (
    const next of [
      "/\\evil.example",
      "//evil.example",
      "/\t/evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "/%0d%0aLocation:x\u0000",
      "evil.example",
    ]
  ) {
    const res = await s.app.request(
      `${ORIGIN}/lang`,
      formPost(null, new URLSearchParams({ lang: "en", next })),
    );
    await res.body?.cancel();
    assert.equal(res.status, 400, JSON.stringify(next));
    assert.equal(res.headers.get("location"), null);
    const signin = await s.app.request(
      `${ORIGIN}/auth/signin?next=${encodeURIComponent(next)}`,
    );
    assert.match(await signin.text(), /name="next" value="\/"/, next);
  }
  const ok = await s.app.request(
    `${ORIGIN}/lang`,
    formPost(null, new URLSearchParams({ lang: "en", next: "/users?q=a" })),
  );
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get("location"), "/users?q=a");
});

// ── 5. Referrer policy ──────────────────────────────────────────────────────

Deno.test("Referrer-Policy keeps the Origin on same-origin posts; OAuth callbacks send none", async () => {
  await using s = await openTestApp();
  const page = await s.app.request(`${ORIGIN}/auth/signin`);
  await page.body?.cancel();
  assert.equal(page.headers.get("referrer-policy"), "same-origin");
  const admin = await makeStaff(s, "admin");
  const callback = await s.app.request(
    `${ORIGIN}/connect/sp-api/callback?state=x`,
    { headers: { cookie: admin.cookie } },
  );
  await callback.body?.cancel();
  assert.equal(callback.headers.get("referrer-policy"), "no-referrer");
});

// ── 7. Anonymous floods ─────────────────────────────────────────────────────

/** An app like openTestApp's, with a denial aggregator on a test clock. */
async function openFloodApp(env: Record<string, string> = {}) {
  const config = loadConfig({ BODY_LIMIT_BYTES: "4096", ...env });
  const t = await openTestDatabase();
  await prepareDatabase(t.db);
  const kv = await Deno.openKv(":memory:");
  const queue = createJobQueue(kv);
  const clock = { now: Date.now() };
  const denials = new DenialAggregator({ db: t.db, now: () => clock.now });
  const app: Hono = createApp({
    config,
    db: t.db,
    kv,
    log: createLogger({ sink: () => {} }),
    vault: createVault([{ kid: "test", key: generateVaultKey() }]),
    enqueue: (message) => queue.enqueue(message),
    denials,
  });
  const s = {
    app,
    queue,
    t,
    kv,
    logs: [],
    messages: [],
    vault: createVault([{ kid: "test", key: generateVaultKey() }]),
    async [Symbol.asyncDispose]() {
      kv.close();
      await t[Symbol.asyncDispose]();
    },
  } satisfies TestApp;
  return { s, clock, denials };
}

Deno.test(`500 anonymous requests from one address write a handful of audit rows; staff still get in (${testEngine})`, async () => {
  const { s, clock, denials } = await openFloodApp();
  await using _ = s;
  const owner = await makeStaff(s, "owner");
  const statuses = new Map<number, number>();
  let retryAfter: string | null = null;
  let ownerStatus = 0;
  for (let i = 0; i < 500; i++) {
    const res = await s.app.request(
      `${ORIGIN}/users`,
      { headers: { "user-agent": "flood" } },
      from("203.0.113.7"),
    );
    await res.body?.cancel();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (res.status === 429) retryAfter ??= res.headers.get("retry-after");
    if (i === 250) {
      // The owner, from the same address in the middle of the flood.
      const page = await s.app.request(
        `${ORIGIN}/`,
        { headers: { cookie: owner.cookie } },
        from("203.0.113.7"),
      );
      ownerStatus = page.status;
      await page.body?.cancel();
    }
  }
  assert.equal(ownerStatus, 200);
  assert.ok((statuses.get(429) ?? 0) >= 400, JSON.stringify([...statuses]));
  assert.ok((statuses.get(303) ?? 0) >= 50, "the first minute's burst passes");
  assert.match(retryAfter ?? "", /^\d+$/);
  // Another address is not affected.
  const other = await s.app.request(
    `${ORIGIN}/auth/signin`,
    {},
    from("198.51.100.2"),
  );
  assert.equal(other.status, 200);
  await other.body?.cancel();

  clock.now += 60_000;
  await denials.flush();
  const rows = await auditRows(s, sql`ip = '203.0.113.7'`);
  assert.ok(rows.length <= 3, `${rows.length} rows: ${JSON.stringify(rows)}`);
  assert.equal(rows[0].action, "access.denied.anonymous");
  const summary = rows.find((r) => r.action === "access.denied.repeated")!;
  assert.equal(summary.details.count, 499);
  assert.deepEqual(
    Object.keys(summary.details.actions as object).sort(),
    ["access.denied.anonymous", "access.denied.rate_limited"],
  );
});

Deno.test(`repeated denials are summarised per address and minute, flushed by the next request (${testEngine})`, async () => {
  const { s, clock } = await openFloodApp({
    ANON_REQUESTS_PER_MINUTE: "1000",
  });
  await using _ = s;
  for (let i = 0; i < 5; i++) {
    const res = await s.app.request(`${ORIGIN}/audit`, {}, from("192.0.2.1"));
    assert.equal(res.status, 303);
    await res.body?.cancel();
  }
  assert.equal((await auditRows(s, sql`ip = '192.0.2.1'`)).length, 1);
  clock.now += 61_000;
  const next = await s.app.request(`${ORIGIN}/healthz`);
  await next.body?.cancel();
  const rows = await auditRows(s, sql`ip = '192.0.2.1'`);
  assert.deepEqual(rows.map((r) => r.action), [
    "access.denied.anonymous",
    "access.denied.repeated",
  ]);
  assert.equal(rows[1].details.count, 4);
  assert.deepEqual(rows[1].details.targets, { "GET /audit": 4 });
});

// ── 8. Behind a proxy ───────────────────────────────────────────────────────

Deno.test(`TRUSTED_PROXIES: X-Forwarded-For counts only from trusted proxies (${testEngine})`, async () => {
  for (const trusted of ["10.0.0.0/8", "1"]) {
    await using s = await openTestApp({
      TRUSTED_PROXIES: trusted,
      STAFF_IP_ALLOWLIST: "203.0.113.0/24",
    });
    const owner = await makeStaff(s, "owner");
    const get = (peer: string, xff?: string) =>
      s.app.request(`${ORIGIN}/`, {
        headers: {
          cookie: owner.cookie,
          ...(xff ? { "x-forwarded-for": xff } : {}),
        },
      }, from(peer));
    const viaProxy = await get("10.0.0.2", "198.51.100.9, 203.0.113.5");
    assert.equal(viaProxy.status, 200, trusted);
    await viaProxy.body?.cancel();
    if (trusted !== "1") {
      // Anyone else's header is ignored: the peer is the client.
      const direct = await get("198.51.100.1", "203.0.113.5");
      assert.equal(direct.status, 403, trusted);
      await direct.body?.cancel();
    }
    const refused = await get("10.0.0.2", "198.51.100.7");
    assert.equal(refused.status, 403, trusted);
    await refused.body?.cancel();
    const ips = (await auditRows(s, sql`action = 'access.denied.network'`))
      .map((r) => r.ip);
    assert.ok(ips.includes("198.51.100.7"), `${trusted}: ${ips}`);
  }
  // Without the setting, X-Forwarded-For is nobody's word.
  await using s = await openTestApp({ STAFF_IP_ALLOWLIST: "203.0.113.0/24" });
  const owner = await makeStaff(s, "owner");
  const res = await s.app.request(`${ORIGIN}/`, {
    headers: { cookie: owner.cookie, "x-forwarded-for": "203.0.113.5" },
  }, from("10.0.0.2"));
  assert.equal(res.status, 403);
  await res.body?.cancel();
});

// ── 11. Job schedules ───────────────────────────────────────────────────────

Deno.test(`job schedules that never fire, or fire too often for the dataset, are refused (${testEngine})`, async () => {
  await using s = await openTestApp();
  const admin = await makeStaff(s, "admin");
  const save = (job: string, schedule: string) =>
    s.app.request(
      `${ORIGIN}/admin/jobs/${job}`,
      formPost(admin.cookie, new URLSearchParams({ schedule, enabled: "on" })),
    );
  for (
    const [job, schedule, message] of [
      ["sync.sales_traffic", "0 0 31 2 *", /never fires/],
      ["sync.sales_traffic", "* * * * *", /at least 60 minutes/],
      ["sync.returns", "*/15 * * * *", /at least 60 minutes/],
      ["sync.orders", "* * * * *", /at least 5 minutes/],
      ["sync.orders", "0,1 3 * * *", /runs every (1 )?minute/],
    ] as const
  ) {
    // Refused: back to the jobs page, the typed value kept, the problem
    // beside the field (Post/Redirect/Get).
    const res = await save(job, schedule);
    assert.equal(res.status, 303, `${job} ${schedule}`);
    const location = res.headers.get("location") ?? "";
    assert.match(location, /^\/admin\/jobs\?invalid=/);
    const page = await s.app.request(`${ORIGIN}${location}`, {
      headers: { cookie: admin.cookie },
    });
    assert.match(await page.text(), message, `${job} ${schedule}`);
  }
  for (
    const [job, schedule] of [
      ["sync.orders", "*/5 * * * *"],
      ["sync.sales_traffic", "15 */2 * * *"],
    ]
  ) {
    const res = await save(job, schedule);
    assert.equal(res.status, 303, `${job} ${schedule}`);
    assert.equal(res.headers.get("location"), "/admin/jobs?saved=1");
    await res.body?.cancel();
  }
});
