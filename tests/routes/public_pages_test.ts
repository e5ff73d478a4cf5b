// Issue #17 (public pages) and issue #18 (§11 register): /policy, /privacy
// and /terms for anonymous visitors in both languages, with their versions;
// an owner's edit → preview → publish, refused field by field, audited; the
// company details; the service-provider register with its review dates and
// its list on /privacy; markup typed by staff rendered as text; who may do
// what; anonymous and cross-site posts refused.
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { auditEvents, documents, serviceProviders } from "../../db/schema.ts";
import { documentBlocks } from "../../lib/documents/blocks.ts";
import { providerReviewStatus } from "../../lib/providers/review.ts";
import { openTestApp, type TestApp } from "../_helpers/app.ts";
import { makeStaff, type TestStaff } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";

const ORIGIN = "http://127.0.0.1:8000";

function get(s: TestApp, path: string, who: TestStaff | null, lang = "en") {
  return s.app.request(`${ORIGIN}${path}`, {
    headers: {
      ...(who ? { cookie: who.cookie } : {}),
      "accept-language": lang,
    },
    redirect: "manual",
  });
}

function post(
  s: TestApp,
  path: string,
  who: TestStaff | null,
  form: Record<string, string | string[]>,
  origin = ORIGIN,
) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) {
    for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  }
  return s.app.request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: {
      ...(who ? { cookie: who.cookie } : {}),
      origin,
      "accept-language": "en",
      "content-type": "application/x-www-form-urlencoded",
    },
    body: body.toString(),
    redirect: "manual",
  });
}

/** The hidden fields of the preview's publish form. */
function publishForm(html: string): Record<string, string> {
  const form = html.match(
    /<form method="post" action="\/documents\/\w+\/publish">(.*?)<\/form>/s,
  )![1];
  const fields: Record<string, string> = {};
  for (
    const m of form.matchAll(
      /<input type="hidden" name="(\w+)" value="([^"]*)"/g,
    )
  ) {
    fields[m[1]] = unescape(m[2]);
  }
  const body = /<textarea name="body"[^>]*>(.*?)<\/textarea>/s.exec(form)![1];
  fields.body = unescape(body);
  return fields;
}

function unescape(v: string): string {
  return v.replaceAll("&lt;", "<").replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"').replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&");
}

const auditOf = (s: TestApp, action: string) =>
  ownerOf(s.t.db).select().from(auditEvents).where(
    eq(auditEvents.action, action),
  );

Deno.test(`public pages (${testEngine}): anonymous visitors read the three documents with their date, versions and company, in both languages`, async () => {
  await using s = await openTestApp();
  for (
    const [path, title] of [
      ["/policy", "Data Policy"],
      ["/privacy", "Privacy Policy"],
      ["/terms", "Terms of Service"],
    ]
  ) {
    const res = await get(s, path, null);
    assert.equal(res.status, 200, path);
    const html = await res.text();
    assert.match(html, new RegExp(`<h1>${title}</h1>`));
    assert.match(
      html,
      /Last updated: <time datetime="2026-06-18T00:00:00.000Z"/,
    );
    assert.match(html, /Version 1/);
    assert.match(html, /穹蒙\(厦门\)贸易有限公司/);
    assert.match(html, /href="mailto:13960312085@163.com"/);
    // Footer links on a signed-out page.
    for (const link of ["/policy", "/privacy", "/terms"]) {
      assert.match(html, new RegExp(`<a href="${link}">`));
    }
    // No sign-in chrome: no navigation, no user menu.
    assert.doesNotMatch(html, /class="sidenav"|user-menu/);
  }
  // The Data Policy: numbered sections are headings, §13 links the form.
  const policy = await (await get(s, "/policy", null)).text();
  assert.match(
    policy,
    /<h2 id="section-1">1\. Scope of This Data Policy<\/h2>/,
  );
  assert.match(
    policy,
    /<h2 id="section-13">13\. Data Requests and Contact<\/h2>\s*<p>Questions about Amazon API data.*?<\/p>\s*<p class="request-link" id="data-request" lang="en">.*?<a href="\/request">Open the data request form<\/a>/s,
  );
  assert.match(policy, /<h2 id="part-\d+">Policy Updates<\/h2>/);
  // The header artifact and the "Last updated" line of the text file are
  // the page's own, not the body's.
  assert.doesNotMatch(policy, /qiongmengxiamen|Last updated: 2026-06-18/);
  // Bullet lists in the privacy policy.
  const privacy = await (await get(s, "/privacy", null)).text();
  assert.match(privacy, /<ul><li>Internal users: name/);
  // Chinese chrome, English text.
  const zh = await (await get(s, "/privacy", null, "zh-CN")).text();
  assert.match(zh, /<html lang="zh-CN">/);
  assert.match(zh, /最后更新：<time/);
  assert.match(zh, /本文件以英文发布。/);
  assert.match(zh, /<article class="public-document" lang="en">/);
  assert.match(zh, /<a href="\/policy">数据政策<\/a>/);
  assert.match(zh, /目前没有登记的服务提供方。/);
  // The sign-in page links the documents too.
  const signin = await (await get(s, "/auth/signin", null)).text();
  assert.match(signin, /<a href="\/privacy">Privacy Policy<\/a>/);
});

Deno.test(`public pages (${testEngine}): the seeded Data Policy is docs/data-policy.txt, paragraph for paragraph`, async () => {
  await using s = await openTestApp();
  const [v1] = await ownerOf(s.t.db).select().from(documents).where(
    and(eq(documents.kind, "policy"), eq(documents.version, 1)),
  );
  const file = await Deno.readTextFile(
    new URL("../../docs/data-policy.txt", import.meta.url),
  );
  const paragraphs = file.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  // Without the page header, the title and the date line (the page's own).
  assert.equal(paragraphs[1], "Data Policy");
  assert.match(paragraphs[4], /^Last updated: 2026-06-18$/);
  const expected = paragraphs.filter((_, i) => ![0, 1, 4].includes(i));
  assert.deepEqual(v1.body.split("\n\n"), expected);
  assert.equal(v1.title, "Data Policy");
  assert.equal(v1.publishedAt.toISOString(), "2026-06-18T00:00:00.000Z");
  // Every numbered section 1-13 is a heading.
  const numbers = documentBlocks(v1.body).flatMap((b) =>
    b.type === "heading" && b.number !== null ? [b.number] : []
  );
  assert.deepEqual(numbers, Array.from({ length: 13 }, (_, i) => i + 1));
});

Deno.test(`publishing (${testEngine}): edit → preview → publish makes version 2 public, version 1 stays at its address, audited`, async () => {
  await using s = await openTestApp();
  const owner = await makeStaff(s, "owner");
  const edit = await get(s, "/documents/terms/edit", owner);
  assert.equal(edit.status, 200);
  const editor = await edit.text();
  assert.match(editor, /<input type="hidden" name="base" value="1"/);
  assert.match(editor, /Service scope and responsibility boundaries/);

  const body =
    "Service scope\n\n1. What This Portal Is\n\nAn internal system.\n\n2. <script>alert(1)</script> Rules\n\n- Keep <b>accounts</b> private\n- Report misuse";
  const preview = await post(s, "/documents/terms/preview", owner, {
    base: "1",
    title: "Terms of Service <i>2</i>",
    body,
    changeNote: "Shorter terms",
  });
  assert.equal(preview.status, 200);
  const shown = await preview.text();
  assert.match(shown, /Preview: Terms of Service, version 2/);
  assert.match(shown, /<h3 id="section-1">1\. What This Portal Is<\/h3>/);
  // Markup typed into the document is shown as text, never run.
  assert.doesNotMatch(shown, /<script>alert|<b>accounts|<i>2<\/i>/);
  assert.match(shown, /&lt;script&gt;alert\(1\)&lt;\/script&gt; Rules/);
  assert.match(shown, /<li>Keep &lt;b&gt;accounts&lt;\/b&gt; private<\/li>/);
  // Nothing is published by a preview.
  assert.equal((await get(s, "/terms/versions/2", null)).status, 404);

  const fields = publishForm(shown);
  assert.equal(fields.body, body);
  const published = await post(s, "/documents/terms/publish", owner, fields);
  assert.equal(published.status, 303);
  assert.equal(published.headers.get("location"), "/terms");

  const now = await (await get(s, "/terms", null)).text();
  assert.match(now, /<h1>Terms of Service &lt;i&gt;2&lt;\/i&gt;<\/h1>/);
  assert.match(now, /Version 2/);
  assert.match(now, /<a href="\/terms\/versions\/1">Version 1<\/a>/);
  assert.match(now, /Shorter terms/);
  const old = await get(s, "/terms/versions/1", null);
  assert.equal(old.status, 200);
  const oldHtml = await old.text();
  assert.match(oldHtml, /You are reading version 1, which has been replaced/);
  assert.match(oldHtml, /Service scope and responsibility boundaries/);
  assert.match(
    oldHtml,
    /<a href="\/terms\/versions\/2">|<a href="\/terms">Read the current version<\/a>/,
  );
  assert.equal((await get(s, "/terms/versions/3", null)).status, 404);
  assert.equal((await get(s, "/terms/versions/0", null)).status, 404);
  assert.equal((await get(s, "/terms/versions/x", null)).status, 404);

  const [event] = await auditOf(s, "document.publish");
  assert.equal(event.actorId, owner.id);
  assert.equal(event.target, "terms/2");
  assert.equal(event.outcome, "success");
  assert.equal(
    (event.details as { changeNote: string }).changeNote,
    "Shorter terms",
  );
  const [row] = await ownerOf(s.t.db).select().from(documents).where(
    and(eq(documents.kind, "terms"), eq(documents.version, 2)),
  );
  assert.equal(row.publishedBy, owner.id);
  assert.match(row.publishedByName ?? "", /^Test owner/);
});

Deno.test(`publishing (${testEngine}): refused fields are marked one by one; a changed text, a stale base and a replayed publish publish nothing`, async () => {
  await using s = await openTestApp();
  const owner = await makeStaff(s, "owner");
  const other = await makeStaff(s, "owner");
  const count = async () =>
    (await ownerOf(s.t.db).select().from(documents).where(
      eq(documents.kind, "privacy"),
    )).length;

  const bad = await post(s, "/documents/privacy/preview", owner, {
    base: "1",
    title: "",
    body: "   ",
    changeNote: "x".repeat(501),
  });
  assert.equal(bad.status, 400);
  const html = await bad.text();
  assert.match(html, /Nothing was published/);
  assert.match(
    html,
    /<small id="title-error" class="field-error">Required\.<\/small>/,
  );
  assert.match(
    html,
    /<small id="body-error" class="field-error">Required\.<\/small>/,
  );
  assert.match(
    html,
    /<small id="changeNote-error" class="field-error">Too long: at most 500 characters\.<\/small>/,
  );
  assert.match(html, /name="title"[^>]*aria-invalid="true"/);
  const nul = await post(s, "/documents/privacy/preview", owner, {
    base: "1",
    title: "Privacy\u0000",
    body: "Text",
    changeNote: "Note",
  });
  assert.equal(nul.status, 400);
  assert.match(
    await nul.text(),
    /id="title-error" class="field-error">Contains characters/,
  );

  // A preview, then the text changed before publishing: previewed again.
  const preview = await post(s, "/documents/privacy/preview", owner, {
    base: "1",
    title: "Privacy Policy",
    body: "1. Who We Are\n\nThe Company.",
    changeNote: "Short",
  });
  const fields = publishForm(await preview.text());
  const changed = await post(s, "/documents/privacy/publish", owner, {
    ...fields,
    body: "1. Who We Are\n\nSomeone else.",
  });
  assert.equal(changed.status, 409);
  assert.match(await changed.text(), /The text changed after the preview/);
  assert.equal(await count(), 1);

  // Another owner publishes meanwhile: this one's publish is refused, the
  // text kept, and the editor now starts from the newer version.
  const theirs = publishForm(
    await (await post(s, "/documents/privacy/preview", other, {
      base: "1",
      title: "Privacy Policy",
      body: "Their text.",
      changeNote: "Theirs",
    })).text(),
  );
  assert.equal(
    (await post(s, "/documents/privacy/publish", other, theirs)).status,
    303,
  );
  const stale = await post(s, "/documents/privacy/publish", owner, fields);
  assert.equal(stale.status, 409);
  const staleHtml = await stale.text();
  assert.match(staleHtml, /Version 2 was published while you were editing/);
  assert.match(staleHtml, /<input type="hidden" name="base" value="2"/);
  assert.match(staleHtml, /The Company\./);
  assert.equal(await count(), 2);
  // The same publish sent twice makes one version.
  assert.equal(
    (await post(s, "/documents/privacy/publish", other, theirs)).status,
    409,
  );
  assert.equal(await count(), 2);
  assert.equal((await auditOf(s, "document.publish")).length, 1);
  // An unknown kind is not a page.
  assert.equal((await get(s, "/documents/cookies/edit", owner)).status, 404);
});

Deno.test(`company details (${testEngine}): owners change them, audited; a bad e-mail is refused beside its field and changes nothing`, async () => {
  await using s = await openTestApp();
  const owner = await makeStaff(s, "owner");
  const bad = await post(s, "/documents/company", owner, {
    name: "",
    email: "not-an-address",
    address: "",
  });
  assert.equal(bad.status, 400);
  const html = await bad.text();
  assert.match(html, /id="name-error" class="field-error">Required\./);
  assert.match(
    html,
    /id="email-error" class="field-error">Enter an e-mail address/,
  );
  assert.match(html, /value="not-an-address"/);
  assert.equal((await auditOf(s, "company.details")).length, 0);
  assert.match(await (await get(s, "/policy", null)).text(), /穹蒙/);

  const ok = await post(s, "/documents/company", owner, {
    name: "Harbor <Trading> Co.",
    email: "privacy@harbor.example",
    address: "1 Quay Road\nXiamen",
  });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get("location"), "/documents?saved=company");
  const page = await (await get(s, "/privacy", null)).text();
  assert.match(page, /<dd>Harbor &lt;Trading&gt; Co\.<\/dd>/);
  assert.match(page, /href="mailto:privacy@harbor.example"/);
  assert.match(page, /1 Quay Road<br\/?>Xiamen/);
  const [event] = await auditOf(s, "company.details");
  assert.equal(event.actorId, owner.id);
  assert.deepEqual((event.details as { changed: string[] }).changed, [
    "name",
    "email",
    "address",
  ]);
});

const PROVIDER = {
  name: "Cloud <b>Host</b>",
  service: "hosting",
  purpose: "Runs the portal's servers",
  dataCategories: ["orders", "logs"],
  region: "China (Hangzhou)",
  safeguards: ["encrypted_transmission", "china_standard_contract"],
  hasAgreement: "yes",
  agreementSignedOn: "2025-01-10",
  reviewDueOn: "2030-01-10",
};

Deno.test(`providers (${testEngine}): owners add, edit and retire; review dates past are red; /privacy lists the active ones; audited`, async () => {
  await using s = await openTestApp();
  const owner = await makeStaff(s, "owner");
  const auditor = await makeStaff(s, "auditor");

  const empty = await (await get(s, "/providers", auditor)).text();
  assert.match(empty, /No provider is registered yet/);
  assert.doesNotMatch(empty, /Add a provider/);

  assert.equal((await post(s, "/providers", owner, PROVIDER)).status, 303);
  assert.equal(
    (await post(s, "/providers", owner, {
      ...PROVIDER,
      name: "Old Mail",
      service: "email",
      hasAgreement: "no",
      agreementSignedOn: "",
      reviewDueOn: "2020-05-01",
    })).status,
    303,
  );
  const [host, mail] = await ownerOf(s.t.db).select().from(serviceProviders)
    .orderBy(serviceProviders.name);
  assert.equal(host.name, "Cloud <b>Host</b>");
  assert.deepEqual(host.dataCategories, ["orders", "logs"]);

  const list = await (await get(s, "/providers", auditor)).text();
  assert.match(list, /Cloud &lt;b&gt;Host&lt;\/b&gt;/);
  assert.doesNotMatch(list, /<b>Host<\/b>/);
  const mailRow =
    list.match(new RegExp(`<tr id="provider-${mail.id}">.*?</tr>`, "s"))![0];
  assert.match(mailRow, /<td class="review-overdue">/);
  assert.match(mailRow, /badge-red/);
  assert.match(mailRow, /Overdue by [\d,]+ days/);
  assert.match(list, /1 reviews are overdue/);
  const hostRow =
    list.match(new RegExp(`<tr id="provider-${host.id}">.*?</tr>`, "s"))![0];
  assert.match(hostRow, /Signed 2025-01-10/);
  assert.match(hostRow, /In order/);
  assert.doesNotMatch(hostRow, /review-overdue/);

  // /privacy lists both, markup as text, with their safeguards in words.
  let privacy = await (await get(s, "/privacy", null)).text();
  assert.match(privacy, /<h2 id="service-providers">Service providers<\/h2>/);
  assert.match(privacy, /Cloud &lt;b&gt;Host&lt;\/b&gt;/);
  assert.match(privacy, /China \(Hangzhou\)/);
  assert.match(
    privacy,
    /Encrypted transmission \(TLS\); China&#39;s standard contract|Encrypted transmission \(TLS\); China's standard contract/,
  );
  assert.match(privacy, /Old Mail/);

  // Edit: the changed fields audited before and after.
  const edited = await post(s, `/providers/${mail.id}`, owner, {
    ...PROVIDER,
    name: "Old Mail",
    service: "email",
    hasAgreement: "yes",
    agreementSignedOn: "2026-01-05",
    reviewDueOn: "2031-01-05",
  });
  assert.equal(edited.status, 303);
  const [editEvent] = await auditOf(s, "provider.edit");
  assert.equal(editEvent.target, mail.id);
  const details = editEvent.details as {
    from: Record<string, unknown>;
    to: Record<string, unknown>;
  };
  assert.equal(details.from.reviewDueOn, "2020-05-01");
  assert.equal(details.to.reviewDueOn, "2031-01-05");
  assert.equal(details.to.hasAgreement, true);

  // Retire: asked first, then gone from /privacy, kept in the register.
  const ask = await get(s, `/providers/${mail.id}/retire`, owner);
  assert.equal(ask.status, 200);
  assert.match(await ask.text(), /Retire Old Mail\?/);
  assert.equal(
    (await post(s, `/providers/${mail.id}/retire`, owner, {})).status,
    303,
  );
  assert.equal(
    (await post(s, `/providers/${mail.id}/retire`, owner, {})).status,
    404,
  );
  privacy = await (await get(s, "/privacy", null)).text();
  assert.doesNotMatch(privacy, /Old Mail/);
  const retired = await (await get(s, "/providers?status=retired", auditor))
    .text();
  assert.match(retired, /Old Mail/);
  assert.match(retired, /Retired/);
  assert.equal((await get(s, `/providers/${mail.id}/edit`, owner)).status, 404);

  assert.deepEqual(
    (await auditOf(s, "provider.add")).map((e) => e.actorId),
    [owner.id, owner.id],
  );
  assert.equal((await auditOf(s, "provider.retire")).length, 1);
});

Deno.test(`providers (${testEngine}): refused input is marked beside each field and stores nothing`, async () => {
  await using s = await openTestApp();
  const owner = await makeStaff(s, "owner");
  const res = await post(s, "/providers", owner, {
    name: "",
    service: "telepathy",
    purpose: "p",
    region: "  ",
    hasAgreement: "yes",
    agreementSignedOn: "2026-02-31",
    reviewDueOn: "tomorrow",
  });
  assert.equal(res.status, 400);
  const html = await res.text();
  assert.match(html, /Nothing was saved/);
  for (
    const [field, text] of [
      ["name", "Required."],
      ["service", "Choose one of the options."],
      ["dataCategories", "Required."],
      ["region", "Required."],
      ["safeguards", "Required."],
      ["agreementSignedOn", "A real date, written YYYY-MM-DD."],
      ["reviewDueOn", "A real date, written YYYY-MM-DD."],
    ]
  ) {
    assert.match(
      html,
      new RegExp(
        `<small id="${field}-error" class="field-error">${
          text.replace(".", "\\.")
        }</small>`,
      ),
      field,
    );
  }
  const future = await post(s, "/providers", owner, {
    ...PROVIDER,
    agreementSignedOn: "2999-01-01",
  });
  assert.equal(future.status, 400);
  assert.match(
    await future.text(),
    /An agreement signed in the future is not signed yet/,
  );
  const bogusCategory = await post(s, "/providers", owner, {
    ...PROVIDER,
    dataCategories: ["orders", "everything"],
  });
  assert.equal(bogusCategory.status, 400);
  assert.equal(
    (await ownerOf(s.t.db).select().from(serviceProviders)).length,
    0,
  );
  assert.equal((await auditOf(s, "provider.add")).length, 0);
  // A bad filter is reset, said so.
  const badFilter = await get(s, "/providers?sort=nope", owner);
  assert.equal(badFilter.status, 400);
  assert.match(await badFilter.text(), /These filters are not valid/);
});

Deno.test(`providers (${testEngine}): the register pages by keyset, in the order chosen`, async () => {
  await using s = await openTestApp();
  const owner = await makeStaff(s, "owner");
  for (let i = 0; i < 27; i++) {
    const res = await post(s, "/providers", owner, {
      ...PROVIDER,
      name: `Provider ${String(i).padStart(2, "0")}`,
      reviewDueOn: `2030-01-${String(28 - i).padStart(2, "0")}`,
    });
    assert.equal(res.status, 303);
  }
  const names = (html: string) =>
    [...html.matchAll(/<th scope="row">\s*(Provider \d\d)/g)].map((m) => m[1]);
  const first = await (await get(s, "/providers", owner)).text();
  assert.equal(names(first).length, 25);
  assert.equal(names(first)[0], "Provider 00");
  const next = /<a href="\/providers\?([^"]+)" rel="next">/.exec(first)![1];
  const second = await (await get(s, `/providers?${unescape(next)}`, owner))
    .text();
  assert.deepEqual(names(second), ["Provider 25", "Provider 26"]);
  assert.match(second, /First page/);
  const byReview =
    await (await get(s, "/providers?sort=review&dir=asc&size=50", owner))
      .text();
  assert.equal(names(byReview)[0], "Provider 26");
  assert.equal(names(byReview).length, 27);
});

Deno.test(`access (${testEngine}): documents and the register need their permissions; anonymous and cross-site posts are refused and change nothing`, async () => {
  await using s = await openTestApp();
  const admin = await makeStaff(s, "admin");
  const auditor = await makeStaff(s, "auditor");
  const owner = await makeStaff(s, "owner");
  // Admins neither publish nor manage the register; auditors read it.
  assert.equal((await get(s, "/documents", admin)).status, 403);
  assert.equal((await get(s, "/providers", auditor)).status, 200);
  assert.equal((await get(s, "/providers/new", auditor)).status, 403);
  assert.equal((await post(s, "/providers", admin, PROVIDER)).status, 403);
  const anonymous = await post(s, "/documents/terms/publish", null, {
    base: "1",
    title: "Hijacked",
    body: "Hijacked",
    changeNote: "x",
    digest: "0",
  });
  assert.equal(anonymous.status, 401);
  assert.equal((await post(s, "/providers", null, PROVIDER)).status, 401);
  // A cross-site form post, even with an owner's cookie.
  const crossSite = await post(
    s,
    "/documents/company",
    owner,
    { name: "Evil", email: "evil@example.com", address: "" },
    "https://evil.example",
  );
  assert.equal(crossSite.status, 403);
  assert.equal((await ownerOf(s.t.db).select().from(documents)).length, 3);
  assert.match(await (await get(s, "/policy", null)).text(), /穹蒙/);
  // The database refuses a publish by anyone without documents.publish.
  await assert.rejects(
    s.t.db.asUser({ userId: admin.id, storeIds: [] }, (tx) =>
      tx.execute(
        `select document_publish('terms', 1, 'X', 'X', 'X', now())` as never,
      )),
  );
});

Deno.test("providerReviewStatus: overdue, due soon, no agreement, in order, retired", () => {
  const p = { reviewDueOn: "2026-03-01", hasAgreement: true, retiredAt: null };
  assert.deepEqual(providerReviewStatus(p, "2026-03-02"), {
    state: "overdue",
    daysLeft: -1,
  });
  assert.deepEqual(providerReviewStatus(p, "2026-03-01"), {
    state: "due_soon",
    daysLeft: 0,
  });
  assert.equal(providerReviewStatus(p, "2026-01-30").state, "due_soon");
  assert.equal(providerReviewStatus(p, "2026-01-29").state, "ok");
  assert.equal(
    providerReviewStatus({ ...p, hasAgreement: false }, "2026-01-01").state,
    "no_agreement",
  );
  assert.equal(
    providerReviewStatus({ ...p, retiredAt: new Date() }, "2027-01-01").state,
    "retired",
  );
});

Deno.test(`dashboard (${testEngine}): overdue provider reviews need attention, for those who read the register`, async () => {
  await using s = await openTestApp();
  const owner = await makeStaff(s, "owner");
  const viewer = await makeStaff(s, "viewer");
  let html = await (await get(s, "/", owner)).text();
  assert.doesNotMatch(html, /id="provider-reviews"/);
  await ownerOf(s.t.db).insert(serviceProviders).values({
    name: "Late Review",
    service: "backups",
    purpose: "Keeps backups",
    dataCategories: ["logs"],
    region: "Singapore",
    safeguards: ["encrypted_at_rest"],
    hasAgreement: true,
    agreementSignedOn: "2024-01-01",
    reviewDueOn: "2025-01-01",
  });
  html = await (await get(s, "/", owner)).text();
  assert.match(
    html,
    /id="provider-reviews"><p>Service providers: 1 confidentiality agreement reviews are overdue\.<\/p>/,
  );
  assert.match(html, /<a href="\/providers\?sort=review">/);
  html = await (await get(s, "/", viewer)).text();
  assert.doesNotMatch(html, /provider-reviews/);
});
