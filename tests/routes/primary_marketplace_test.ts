// Issue #12, the primary marketplace over HTTP: the registration form's
// select refuses a marketplace that is not among the ticked ones (400, the
// problem at the field, nothing created) and stores a valid one; the store
// page's form (`POST /stores/:id/primary-marketplace`) needs stores.manage
// (every persona asked), refuses a marketplace outside the store at the
// field, and changes and audits a valid one.
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { registerStore } from "../../db/maintenance.ts";
import { auditEvents, stores } from "../../db/schema.ts";
import { can, ROLES } from "../../lib/security/permissions.ts";
import { openTestApp, type TestApp } from "../_helpers/app.ts";
import { makeStaff } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";

const ORIGIN = "http://127.0.0.1:8000";
const US = "ATVPDKIKX0DER";
const CA = "A2EUQ1WTGCTBG2";
const MX = "A1AM78C64UM0Y8";

function post(s: TestApp, path: string, cookie: string | null, body: string) {
  return s.app.request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: {
      ...(cookie ? { cookie } : {}),
      origin: ORIGIN,
      "content-type": "application/x-www-form-urlencoded",
    },
    body,
  });
}

/** A US + CA store whose primary marketplace is US. */
function usCaStore(s: TestApp) {
  return registerStore(s.t.db, {
    sellerId: "AFAKEPRIMARY01",
    region: "NA",
    name: "US and CA",
    primaryMarketplaceId: US,
    marketplaces: [
      {
        marketplaceId: US,
        countryCode: "US",
        defaultCurrency: "USD",
        domain: "amazon.com",
      },
      {
        marketplaceId: CA,
        countryCode: "CA",
        defaultCurrency: "CAD",
        domain: "amazon.ca",
      },
    ],
  });
}

const primaryOf = async (s: TestApp, id: string) =>
  (await ownerOf(s.t.db).select({ p: stores.primaryMarketplaceId }).from(
    stores,
  ).where(eq(stores.id, id)))[0].p;

const audited = (s: TestApp, action: string) =>
  ownerOf(s.t.db).select().from(auditEvents).where(
    eq(auditEvents.action, action),
  );

Deno.test(`primary marketplace at registration (${testEngine}): one not ticked is refused at the field, nothing created; a ticked one is stored`, async () => {
  await using s = await openTestApp();
  const admin = await makeStaff(s, "admin");
  const form = (primary: string) => {
    const f = new URLSearchParams({
      sellerId: "AFAKEREGISTER1",
      region: "NA",
      name: "Registered here",
      brand: "",
      primaryMarketplaceId: primary,
    });
    f.append("marketplaceIds", US);
    f.append("marketplaceIds", CA);
    return f.toString();
  };
  const bySeller = () =>
    ownerOf(s.t.db).select().from(stores).where(
      eq(stores.sellerId, "AFAKEREGISTER1"),
    );

  const refused = await post(s, "/stores", admin.cookie, form(MX));
  assert.equal(refused.status, 400);
  const html = await refused.text();
  // At the field: the select is marked invalid and described by the problem.
  const select = /<select[^>]*name="primaryMarketplaceId"[^>]*>/.exec(html)
    ?.[0] ?? "";
  assert.match(select, /aria-invalid="true"/);
  assert.match(select, /aria-describedby="[^"]*primary-error/);
  assert.match(
    html,
    /<small id="primary-error" class="error">Primary marketplace: choose one of the marketplaces ticked/,
  );
  assert.deepEqual(await bySeller(), []);
  assert.deepEqual(await audited(s, "store.register"), []);

  const created = await post(s, "/stores", admin.cookie, form(CA));
  assert.equal(created.status, 303);
  const [store] = await bySeller();
  assert.equal(created.headers.get("location"), `/stores/${store.id}`);
  assert.equal(store.primaryMarketplaceId, CA);
  const [event] = await audited(s, "store.register");
  assert.equal(event.storeId, store.id);
  assert.equal(
    (event.details as { primaryMarketplace?: string }).primaryMarketplace,
    CA,
  );
});

Deno.test(`primary marketplace on the store page (${testEngine}): stores.manage only, for every persona`, async () => {
  await using s = await openTestApp();
  const id = await usCaStore(s);
  const path = `/stores/${id}/primary-marketplace`;
  // Anonymous: nothing changes.
  const anonymous = await post(s, path, null, `marketplaceId=${CA}`);
  await anonymous.body?.cancel();
  assert.ok(anonymous.status >= 300 && anonymous.status < 500);
  assert.notEqual(anonymous.status, 303);
  assert.equal(await primaryOf(s, id), US);
  for (const role of ROLES) {
    const who = await makeStaff(s, role.name, { storeIds: [id] });
    const before = await primaryOf(s, id);
    const to = before === US ? CA : US;
    const res = await post(s, path, who.cookie, `marketplaceId=${to}`);
    await res.body?.cancel();
    if (can(role.name, "stores.manage")) {
      assert.equal(res.status, 303, role.name);
      assert.equal(res.headers.get("location"), `/stores/${id}`);
      assert.equal(await primaryOf(s, id), to, role.name);
    } else {
      assert.equal(res.status, 403, role.name);
      assert.equal(await primaryOf(s, id), before, role.name);
    }
  }
  // Only the personas allowed changed it, each change audited.
  const allowed = ROLES.filter((r) => can(r.name, "stores.manage")).length;
  assert.ok(allowed >= 2);
  assert.equal(
    (await audited(s, "store.primary_marketplace")).length,
    allowed,
  );
});

Deno.test(`primary marketplace on the store page (${testEngine}): a marketplace outside the store is refused at the field; a valid one is changed and audited`, async () => {
  await using s = await openTestApp();
  const id = await usCaStore(s);
  const admin = await makeStaff(s, "admin");
  const path = `/stores/${id}/primary-marketplace`;

  for (const bad of [MX, ""]) {
    const refused = await post(s, path, admin.cookie, `marketplaceId=${bad}`);
    assert.equal(refused.status, 400, bad);
    const html = await refused.text();
    const form = /<form[^>]*id="primary-marketplace"[\s\S]*?<\/form>/.exec(
      html,
    )?.[0] ?? "";
    assert.match(
      form,
      /<select[^>]*name="marketplaceId"[^>]*aria-invalid="true"/,
    );
    assert.match(
      form,
      /<ul role="alert" class="error"><li>Primary marketplace: /,
    );
    assert.equal(await primaryOf(s, id), US);
  }
  assert.deepEqual(await audited(s, "store.primary_marketplace"), []);

  const saved = await post(s, path, admin.cookie, `marketplaceId=${CA}`);
  assert.equal(saved.status, 303);
  assert.equal(await primaryOf(s, id), CA);
  const events = await ownerOf(s.t.db).select().from(auditEvents).where(and(
    eq(auditEvents.action, "store.primary_marketplace"),
    eq(auditEvents.storeId, id),
  ));
  assert.equal(events.length, 1);
  assert.equal(events[0].actorId, admin.id);
  assert.deepEqual(events[0].details, { from: US, to: CA });
  // The store page shows CA as primary.
  const page = await s.app.request(`${ORIGIN}/stores/${id}`, {
    headers: { cookie: admin.cookie },
  });
  const html = await page.text();
  assert.match(html, new RegExp(`<option value="${CA}" selected`));
});
