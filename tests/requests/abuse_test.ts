// Issue #17, the public form under attack, on both engines: property-based
// bad input over every field (always a 4xx with the field's own message,
// never a 5xx, nothing stored), markup rendered as text for staff, the
// honeypot and the body-size limit, the same neutral answer whether or not
// anything matches, token replay, expiry and tampering refused, and the
// rate limits holding under a flood from one address while staff pages
// keep answering.
import assert from "node:assert/strict";
import fc from "fast-check";
import { verifyIdentity } from "../../lib/requests/requester.ts";
import { signStatusToken } from "../../lib/requests/tokens.ts";
import { testEngine } from "../_helpers/test_db.ts";
import {
  form,
  get,
  openWorld,
  outbox,
  pathOf,
  requestCount,
  submission,
} from "./_world.ts";

const text = (min: number, max: number) =>
  fc.string({ minLength: min, maxLength: max });
const control = fc.constantFrom("\u0000", "\u0007", "\u001b", "\u007f");
const withControl = fc.tuple(text(0, 10), control, text(0, 10)).map((
  [a, c, b],
) => `${a}${c}${b}`);

/** Bad values for each field, and the relationship that makes it count. */
const BAD: Record<string, {
  values: fc.Arbitrary<string>;
  over?: Record<string, string>;
}> = {
  type: {
    values: text(0, 20).filter((v) =>
      !["delete", "revoke", "question", "security", "other"].includes(v)
    ),
  },
  name: {
    values: fc.oneof(
      fc.constant(""),
      fc.constant(" "),
      text(201, 260).filter((v) => v.trim().length > 200),
      withControl,
    ),
  },
  email: {
    values: fc.oneof(
      text(0, 30).filter((v) => !v.includes("@")),
      fc.constant("a@"),
      fc.constant("@b.example"),
      fc.constant(`${"x".repeat(250)}@example.test`),
    ),
  },
  relationship: {
    values: text(0, 20).filter((v) =>
      !["seller", "buyer", "business", "other"].includes(v)
    ),
  },
  sellerId: {
    values: fc.oneof(
      fc.constant(""),
      fc.stringMatching(/^[a-z0-9]{1,30}$/),
      withControl,
    ),
    over: { relationship: "seller", orderId: "", marketplace: "" },
  },
  orderId: {
    values: fc.oneof(
      fc.constant(""),
      text(1, 30).filter((v) => !/^\s*\d{3}-\d{7}-\d{7}\s*$/.test(v)),
    ),
  },
  marketplace: {
    values: fc.oneof(fc.constant(""), fc.stringMatching(/^[A-Z0-9]{1,20}$/)),
  },
  categories: {
    values: text(1, 30).filter((v) =>
      ![
        "buyer_pii",
        "orders",
        "catalog",
        "inventory",
        "advertising",
        "finance",
        "sales_traffic",
        "brand_analytics",
      ].includes(v)
    ),
  },
  stores: {
    values: fc.oneof(
      text(501, 560).filter((v) => v.trim().length > 500),
      withControl,
    ),
  },
  from: {
    values: fc.oneof(
      fc.constant("2026-02-31"),
      fc.constant("31/12/2026"),
      fc.constant("0000-01-01"),
      // Blank is "not given" (an optional date), so not among the bad.
      text(1, 12).filter((v) =>
        v.trim() !== "" && !/^\d{4}-\d{2}-\d{2}$/.test(v.trim())
      ),
    ),
  },
  to: {
    values: fc.oneof(
      fc.constant("2026-13-01"),
      fc.constant("1899-12-31"),
      // Blank is "not given" (an optional date), so not among the bad.
      text(1, 12).filter((v) =>
        v.trim() !== "" && !/^\d{4}-\d{2}-\d{2}$/.test(v.trim())
      ),
    ),
    over: { from: "" },
  },
  description: {
    values: fc.oneof(
      fc.constant("a\u0000b"),
      fc.constant(`${"word ".repeat(1001)}`),
    ),
  },
};

Deno.test(`intake (${testEngine}): any bad value in any field is a 400 with that field's message, never a 5xx, and nothing is stored`, async () => {
  const w = await openWorld();
  try {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(BAD)).chain((field) =>
          BAD[field].values.map((value) => ({ field, value }))
        ),
        async ({ field, value }) => {
          const fields = submission({ ...BAD[field].over, [field]: value });
          const res = await form(w.s, "/request", fields, {
            ip: `198.51.100.${(n++ % 250) + 1}`,
          });
          const html = await res.text();
          // Past the app's body limit (4 KiB in tests) the body is not
          // read at all: a 413, still nothing stored.
          const size = new URLSearchParams(
            Object.entries(fields).flatMap(([k, v]) =>
              (Array.isArray(v) ? v : [v]).map((x) => [k, x])
            ),
          ).toString().length;
          if (size > 4096) {
            assert.equal(res.status, 413);
            return;
          }
          assert.equal(res.status, 400, `${field}=${JSON.stringify(value)}`);
          assert.match(html, new RegExp(`id="${field}-error"`), field);
          assert.match(html, /Some fields need attention/);
        },
      ),
      { numRuns: 120 },
    );
    // A comparison of dates: the end before the start.
    const range = await form(
      w.s,
      "/request",
      submission({ from: "2026-03-01", to: "2026-02-01" }),
    );
    assert.equal(range.status, 400);
    assert.match(
      await range.text(),
      /id="to-error" class="error">The end must not be before the start/,
    );
    // A description is required for a question, in Chinese too.
    const zh = await form(
      w.s,
      "/request",
      submission({ type: "question", description: "" }),
      { lang: "zh-CN" },
    );
    assert.equal(zh.status, 400);
    assert.match(
      await zh.text(),
      /id="description-error" class="error">请填写此字段/,
    );
    assert.equal(await requestCount(w), 0, "nothing stored");
    assert.equal((await outbox(w)).length, 0, "nothing sent");
  } finally {
    await w.s[Symbol.asyncDispose]();
  }
});

Deno.test(`intake (${testEngine}): the honeypot and the body limit store nothing; a match or none, the answer is the same`, async () => {
  const w = await openWorld();
  try {
    const trap = await form(
      w.s,
      "/request",
      submission({ website: "http://spam.example" }),
    );
    assert.equal(trap.status, 303);
    assert.equal(trap.headers.get("location"), "/request/thanks");
    assert.equal(await requestCount(w), 0);
    const big = await form(
      w.s,
      "/request",
      submission({
        description: "x".repeat(40_000),
      }),
    );
    assert.equal(big.status, 413);
    assert.equal(await requestCount(w), 0);
    // An order we hold and one we do not: the same redirect, no URL data.
    const known = await form(w.s, "/request", submission(), {
      ip: "192.0.2.81",
    });
    const unknown = await form(
      w.s,
      "/request",
      submission({
        orderId: "999-9999999-9999999",
        email: "nobody@example.test",
      }),
      { ip: "192.0.2.82" },
    );
    assert.equal(known.status, unknown.status);
    assert.equal(
      known.headers.get("location"),
      unknown.headers.get("location"),
    );
    assert.equal(known.headers.get("location"), "/request/thanks");
    const thanks = await (await get(w.s, "/request/thanks")).text();
    assert.doesNotMatch(thanks, /jane|buyer@|111-2223334/i);
  } finally {
    await w.s[Symbol.asyncDispose]();
  }
});

Deno.test(`staff pages (${testEngine}): markup in any field is text`, async () => {
  const w = await openWorld();
  try {
    const x = `<script>alert(1)</script><img src=x onerror=alert(2)>`;
    const res = await form(
      w.s,
      "/request",
      submission({
        type: "other",
        relationship: "business",
        orderId: "",
        marketplace: "",
        name: `Eve ${x}`,
        stores: `Store ${x}`,
        description: `Hello ${x}\nSecond line`,
      }),
    );
    assert.equal(res.status, 303);
    const [mail] = await outbox(w);
    for (
      const path of [
        `/requests/${mail.requestId}`,
        "/requests",
        "/requests/outbox",
      ]
    ) {
      const html = await (await get(w.s, path, { cookie: w.owner.cookie }))
        .text();
      assert.doesNotMatch(html, /<script>alert|<img src=x/, path);
      assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, path);
    }
  } finally {
    await w.s[Symbol.asyncDispose]();
  }
});

Deno.test(`links (${testEngine}): a verification link works once, not after 24 hours, not altered; a status link cannot be forged`, async () => {
  const w = await openWorld();
  try {
    await form(w.s, "/request", submission(), { ip: "192.0.2.91" });
    await form(w.s, "/request", submission({ email: "second@example.test" }), {
      ip: "192.0.2.92",
    });
    const [first, second] = (await outbox(w)).filter((m) =>
      m.template === "verify"
    );
    const link = pathOf(first.params.link);
    const token = link.split("/").at(-1)!;
    // Altered: one character changed.
    const altered = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    assert.equal(
      (await form(w.s, `/request/verify/${altered}`, {})).status,
      410,
    );
    // Not a token at all: refused unread.
    assert.equal((await get(w.s, "/request/verify/short")).status, 404);
    const ok = await form(w.s, link, {});
    assert.equal(ok.status, 200);
    // Replay.
    assert.equal((await form(w.s, link, {})).status, 410);
    // Expired: 24 hours and a minute later.
    const token2 = pathOf(second.params.link).split("/").at(-1)!;
    const late = await verifyIdentity(
      {
        db: w.s.t.db,
        vault: w.s.vault,
        publicUrl: "http://127.0.0.1:8000",
        now: () => new Date(Date.now() + 24 * 3_600_000 + 60_000),
      },
      token2,
      {},
    );
    assert.equal(late.outcome, "invalid");

    // The status link: the real one works; altered or for another request
    // under another key, it does not.
    const status =
      /href="(\/request\/status\/[^"]+)"/.exec(await ok.text())![1];
    assert.equal((await get(w.s, status)).status, 200);
    const jwt = status.split("/").at(-1)!;
    const [h, p, sig] = jwt.split(".");
    const body = JSON.parse(atob(p.replaceAll("-", "+").replaceAll("_", "/")));
    body.sub = second.requestId;
    const forged = `${h}.${
      btoa(JSON.stringify(body)).replaceAll("+", "-").replaceAll("/", "_")
        .replace(/=+$/, "")
    }.${sig}`;
    assert.equal((await get(w.s, `/request/status/${forged}`)).status, 404);
    assert.equal(
      (await get(w.s, `/request/status/${forged}/json`)).status,
      404,
    );
    const { createVault, generateVaultKey } = await import(
      "../../lib/security/vault.ts"
    );
    const otherKey = await signStatusToken(
      createVault([{ kid: "other", key: generateVaultKey() }]),
      second.requestId,
    );
    assert.equal((await get(w.s, `/request/status/${otherKey}`)).status, 404);
    const expired = await signStatusToken(
      w.s.vault,
      first.requestId,
      new Date(Date.now() - 200 * 86_400_000),
    );
    assert.equal((await get(w.s, `/request/status/${expired}`)).status, 404);
    assert.equal(
      (await form(w.s, `/request/status/${forged}/withdraw`, {
        confirm: "yes",
      }))
        .status,
      409,
    );
  } finally {
    await w.s[Symbol.asyncDispose]();
  }
});

Deno.test(`rate limits (${testEngine}): a flood from one address is held at 5 an hour, one e-mail at 3 a day, while staff pages keep answering`, async () => {
  const w = await openWorld();
  try {
    const statuses: number[] = [];
    const staff: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await form(
        w.s,
        "/request",
        submission({ email: `flood${i}@example.test` }),
        { ip: "203.0.113.7" },
      );
      statuses.push(res.status);
      if (res.status === 429) {
        assert.ok(Number(res.headers.get("retry-after")) > 0);
      }
      await res.body?.cancel();
      const page = await get(w.s, "/requests", { cookie: w.owner.cookie });
      staff.push(page.status);
      await page.body?.cancel();
    }
    assert.deepEqual(statuses.slice(0, 5), [303, 303, 303, 303, 303]);
    assert.ok(statuses.slice(5).every((s) => s === 429), String(statuses));
    assert.ok(staff.every((s) => s === 200));
    // One e-mail from many addresses: three a day.
    const perEmail: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await form(
        w.s,
        "/request",
        submission({ email: "same.person@example.test" }),
        { ip: `203.0.113.${20 + i}` },
      );
      perEmail.push(res.status);
      await res.body?.cancel();
    }
    assert.deepEqual(perEmail, [303, 303, 303, 429, 429]);
    assert.equal(await requestCount(w), 8);
  } finally {
    await w.s[Symbol.asyncDispose]();
  }
});
