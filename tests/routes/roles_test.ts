// The roles page marks the permissions that gate no route yet ("not used
// yet — arrives with <feature>"), derived from the route-access table (which
// merges the per-feature tables), in both languages.
import assert from "node:assert/strict";
import {
  type Permission,
  PERMISSIONS,
  permissionsGating,
} from "../../lib/security/permissions.ts";
import { ROUTE_ACCESS } from "../../routes/route_access.ts";
import { openTestApp } from "../_helpers/app.ts";
import { testEngine } from "../_helpers/test_db.ts";
import { makeStaff } from "../_helpers/staff.ts";

const ALL = Object.keys(PERMISSIONS) as Permission[];

Deno.test("permissionsGating: the permissions some route requires, nothing else", () => {
  assert.deepEqual(
    [...permissionsGating(["public", "signed-in", "audit.read", "audit.read"])],
    ["audit.read"],
  );
  assert.deepEqual([...permissionsGating(["nonsense", "toString"])], []);
  const used = new Set(Object.values(ROUTE_ACCESS));
  const gating = permissionsGating(Object.values(ROUTE_ACCESS));
  for (const p of ALL) assert.equal(gating.has(p), used.has(p), p);
  // Today's screens: users, sync, stores, incidents and data requests gate
  // routes; the sales and search-term reports have no screen of their own
  // yet (the search terms of /ads check reports.read beside ads.read).
  assert.ok(gating.has("users.manage") && gating.has("sync.run"));
  assert.ok(gating.has("archives.download"), "a per-feature route counts");
  assert.ok(gating.has("incidents.manage") && gating.has("requests.manage"));
  assert.ok(!gating.has("reports.read"));
});

/** The matrix row of each permission, as HTML. */
function rows(html: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of html.matchAll(/<th scope="row">(.*?)<\/th>/gs)) {
    const code = /<code>([^<]+)<\/code>/.exec(m[1]);
    if (code) out.set(code[1], m[1]);
  }
  return out;
}

Deno.test(`roles page (${testEngine}): permissions no route requires are "not used yet", with the feature that brings them`, async () => {
  await using s = await openTestApp();
  const owner = await makeStaff(s, "owner");
  const gating = permissionsGating(Object.values(ROUTE_ACCESS));
  for (
    const [lang, note] of [
      ["en", /Not used yet — arrives with (.+?)\./],
      ["zh-CN", /尚未使用——将随(.+?)上线。/],
    ] as const
  ) {
    const res = await s.app.request("http://127.0.0.1:8000/admin/roles", {
      headers: { cookie: owner.cookie, "accept-language": lang },
    });
    assert.equal(res.status, 200);
    const byName = rows(await res.text());
    assert.deepEqual([...byName.keys()].sort(), [...ALL].sort());
    for (const p of ALL) {
      const marked = note.exec(byName.get(p)!);
      assert.equal(Boolean(marked), !gating.has(p), `${lang} ${p}`);
    }
    const reports = note.exec(byName.get("reports.read")!)!;
    assert.equal(
      reports[1],
      lang === "en" ? "the sales and search-term reports" : "销售与搜索词报告",
    );
  }
});

Deno.test(`roles page (${testEngine}): the matrix first, in words; the route table behind "Details for auditors"`, async () => {
  await using s = await openTestApp();
  const owner = await makeStaff(s, "owner");
  for (
    const [lang, words] of [
      ["en", ["Owner", "Customer support", "Details for auditors"]],
      ["zh-CN", ["所有者", "客户支持", "审计详情"]],
    ] as const
  ) {
    const res = await s.app.request("http://127.0.0.1:8000/admin/roles", {
      headers: { cookie: owner.cookie, "accept-language": lang },
    });
    const html = await res.text();
    for (const w of words) assert.ok(html.includes(w), `${lang}: ${w}`);
    const matrix = html.indexOf('class="striped matrix"');
    const details = html.indexOf('<details id="auditor-details">');
    const routes = html.indexOf("<code>GET /admin/roles</code>");
    assert.ok(matrix > 0 && matrix < details, "the matrix comes first");
    assert.ok(details < routes, "the route table is inside the disclosure");
    assert.ok(
      !/<details id="auditor-details" open/.test(html),
      "closed by default",
    );
  }
});
