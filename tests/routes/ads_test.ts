// The advertising screens (issue #16) on a small fixed data set written out
// in tests/_helpers/ads_fixture.ts, against figures computed by hand here:
// CTR, CPC, conversion rate, ACOS, ROAS, TACoS (against the store's own
// daily sales of the same days), budget utilization with a budget change
// and days capped; totals per currency, never two currencies summed;
// which days are final, not re-read or unread; the drill-down to a keyword
// and its bid history; another store's campaign a 404; the access matrix;
// the streamed, audited CSV exports; search terms with the keywords bid on;
// and markup in names, keywords and search terms rendered as text.
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { adMetricsDaily, auditEvents } from "../../db/schema.ts";
import { CAMPAIGN_SORTS, listCampaigns } from "../../lib/ads/campaigns.ts";
import { dayState } from "../../lib/ads/freshness.ts";
import { loadPrincipal } from "../../lib/security/principal.ts";
import { can, type RoleName } from "../../lib/security/permissions.ts";
import {
  C1_NAME,
  K1_TEXT,
  seedAdsWorld,
  TERM,
} from "../_helpers/ads_fixture.ts";
import { openTestApp, type TestApp } from "../_helpers/app.ts";
import { makeStaff, type TestStaff } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";

const ORIGIN = "http://127.0.0.1:8000";
const PERIOD = "from=2026-06-01&to=2026-06-03";

function get(s: TestApp, path: string, who: TestStaff, lang = "en") {
  return s.app.request(`${ORIGIN}${path}`, {
    headers: { cookie: who.cookie, "accept-language": lang },
  });
}

/** The cells of the table row whose data-key is `key`, as text. */
function rowCells(html: string, key: string): string[] {
  const row = new RegExp(`<tr data-key="${key}">(.*?)</tr>`, "s").exec(html);
  assert.ok(row, `row ${key}`);
  return [...row[1].matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((m) =>
    m[1].replace(/<[^>]+>/g, "").replace(/\s+/g, " ").trim()
  );
}

/** The figure of one `data-figure` cell in the row `key`. */
function figure(html: string, key: string, name: string): string {
  const row = new RegExp(`<tr data-key="${key}">(.*?)</tr>`, "s").exec(html);
  assert.ok(row, `row ${key}`);
  const cell = new RegExp(`data-figure="${name}"[^>]*>(.*?)</td>`, "s").exec(
    row[1],
  );
  assert.ok(cell, `${name} of ${key}`);
  return cell[1].replace(/<[^>]+>/g, "").trim();
}

Deno.test(`ads campaigns (${testEngine}): hand-computed ACOS, ROAS, TACoS, CTR, CPC, budget utilization; totals per currency`, async () => {
  await using s = await openTestApp();
  const w = await seedAdsWorld(s);
  const ads = await makeStaff(s, "advertising", { storeIds: [w.a, w.b] });
  const res = await get(s, `/ads?${PERIOD}`, ads);
  assert.equal(res.status, 200);
  const html = await res.text();

  // Campaign 11 (USD): 4,000 impressions, 200 clicks, $24.00 spend,
  // 10 orders, $120.00 sales over 06-01..03 (06-05-31 is outside).
  // CTR 200/4000 = 5%; CPC 24/200 = $0.12; conversion 10/200 = 5%;
  // ACOS 24/120 = 20%; ROAS 120/24 = 5; TACoS 24 / (200+300+100) = 4%.
  // Budget: 06-01 ended (Los Angeles) at 06-02 07:00Z, before the change
  // observed at 06-02 18:00Z, so it counts the old $8; 06-02 and 06-03
  // count $10: 24 / 28 = 85.71%. 06-01 ($8 of $8) and 06-03 ($10 of $10)
  // spent it all: 2 days capped.
  const c11 = `${w.a}/11`;
  assert.deepEqual(rowCells(html, c11).slice(2), [
    "$10.00",
    "85.71%",
    "2",
    "4,000",
    "200",
    "5%",
    "$0.12",
    "$24.00",
    "10",
    "$120.00",
    "5%",
    "20%",
    "5",
    "4%",
  ]);
  // Campaign 12 (SB, paused, $5 budget): $5 spend, $25 sales, 500
  // impressions, 10 clicks: CTR 2%, CPC $0.50, ACOS 20%, ROAS 5,
  // TACoS 5/600 = 0.83%, utilization 100% with 1 day capped.
  const c12 = `${w.a}/12`;
  assert.equal(figure(html, c12, "tacos"), "0.83%");
  assert.equal(figure(html, c12, "utilization"), "100%");
  assert.equal(figure(html, c12, "capped"), "1");
  assert.match(rowCells(html, c12).join(" "), /\$0\.50/);
  // Store B's campaign in euros: TACoS 12 / 240 = 5%; utilization 60%.
  const c21 = `${w.b}/21`;
  assert.equal(figure(html, c21, "spend"), "€12.00");
  assert.equal(figure(html, c21, "tacos"), "5%");
  assert.equal(figure(html, c21, "utilization"), "60%");
  // Attribution windows: 7 days for SP, 14 for SB.
  assert.match(
    html,
    /Sponsored Products · Manual · 7-day attribution/,
  );
  assert.match(html, /Sponsored Brands · Automatic · 14-day attribution/);

  // Totals per currency: USD $29.00 spend, $145.00 sales, TACoS 29/600 =
  // 4.83%; EUR €12.00. Never one sum of both ($41 / 41.00).
  const totals = html.match(/<section id="ads-totals".*?<\/section>/s)![0];
  assert.match(totals, /<tr data-currency="USD">.*?\$29\.00.*?\$145\.00/s);
  assert.match(totals, /<tr data-currency="USD">.*?4\.83%/s);
  assert.match(totals, /<tr data-currency="EUR">.*?€12\.00.*?€60\.00/s);
  assert.doesNotMatch(html, /41\.00/);

  // Markup in a campaign name is text.
  assert.ok(html.includes("Summer &lt;b&gt;Sale&lt;/b&gt;"));
  assert.ok(!html.includes(C1_NAME));

  // Which days are not final: 06-03 of store A is past the sync's cursor;
  // 06-01 was read only while provisional and never again.
  const fresh = html.match(/<section id="ads-freshness".*?<\/section>/s)![0];
  assert.match(fresh, /Not read by the ads sync yet.*2026-06-03/);
  assert.match(fresh, /not re-read by the ads sync since: 2026-06-01/);

  // Profiles: the first level, each profile's campaigns summed.
  const profiles = html.match(/<section id="ads-profiles".*?<\/section>/s)![0];
  assert.match(profiles, /Ads A · US.*?2<\/td>.*?\$29\.00/s);

  // Filters: by type, state, targeting and name; sorting by ACOS.
  const only = async (q: string) =>
    [
      ...(await (await get(s, `/ads?${PERIOD}&${q}`, ads)).text()).matchAll(
        /<tr data-key="([^"]+)">/g,
      ),
    ].map((m) => m[1]);
  assert.deepEqual(await only("type=SB"), [c12]);
  assert.deepEqual(await only("state=ENABLED&sort=name"), [c21, c11]);
  assert.deepEqual(await only("targeting=AUTO"), [c12]);
  assert.deepEqual(await only("q=summer"), [c11]);
  assert.deepEqual(await only(`store=${w.b}`), [c21]);
  assert.deepEqual(await only("sort=utilization"), [c12, c11, c21]);
  // Amounts sort within their currency (EUR before USD, descending).
  assert.deepEqual(await only("sort=spend&dir=asc"), [c21, c12, c11]);

  // Keyset pages: one row per page walks every campaign once, forward
  // and back, in every sort.
  const principal = (await loadPrincipal(s.t.db, ads.id, ads.sessionId))!;
  for (const sort of CAMPAIGN_SORTS) {
    const filter = {
      storeIds: [w.a, w.b],
      period: { from: "2026-06-01", to: "2026-06-03" },
      sort,
      dir: "desc" as const,
    };
    const seen: string[] = [];
    let page = await listCampaigns(s.t.db, principal, filter, { size: 1 });
    seen.push(...page.rows.map((r) => r.campaignId));
    while (page.next) {
      page = await listCampaigns(s.t.db, principal, filter, {
        size: 1,
        after: page.next,
      });
      seen.push(...page.rows.map((r) => r.campaignId));
    }
    assert.deepEqual([...seen].sort(), ["11", "12", "21"], sort);
    const back = await listCampaigns(s.t.db, principal, filter, {
      size: 1,
      before: page.prev!,
    });
    assert.deepEqual(back.rows.map((r) => r.campaignId), [seen[1]], sort);
  }

  // A bad date is refused with the filter ignored (400), in Chinese too.
  const bad = await get(s, "/ads?from=2026-02-31", ads);
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /Some filters were not understood/);
  const zh = await (await get(s, `/ads?${PERIOD}`, ads, "zh-CN")).text();
  assert.match(zh, /广告活动/);
  assert.match(zh, /7 天归因/);
});

Deno.test(`ads drill-down (${testEngine}): campaign page with budget history, ad groups, keywords, the keyword's bid history; another store's campaign is a 404`, async () => {
  await using s = await openTestApp();
  const w = await seedAdsWorld(s);
  const ads = await makeStaff(s, "advertising", { storeIds: [w.a] });
  const res = await get(s, `/ads/campaigns/${w.a}/11?${PERIOD}`, ads);
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /<h1>Summer &lt;b&gt;Sale&lt;\/b&gt;<\/h1>/);
  assert.match(
    html,
    /\$24\.00 spent of \$28\.00 budgeted over the 3 days it ran \(85\.71%\); 2 days spent the whole day&#39;s budget/,
  );
  // The history beside the chart: $8.00 → $10.00.
  const history = html.match(/<section id="ads-history".*?<\/section>/s)![0];
  assert.match(history, /Campaign daily budget.*?\$8\.00.*?\$10\.00/s);
  // The chart and its table: each day's budget and state.
  assert.match(html, /<svg class="sales-chart"[^>]*role="img"/);
  assert.match(
    html,
    /<time datetime="2026-06-01">2026-06-01<\/time><\/th><td class="num">1,000<\/td><td class="num">50<\/td><td class="num">\$8\.00<\/td><td class="num">\$8\.00<\/td><td class="num">4<\/td><td class="num">\$40\.00<\/td><td class="num">Not re-read<\/td>/,
  );
  assert.match(html, /2026-06-03<\/time><\/th>.*?Not read yet/s);
  // Ad group 111: its keywords and target summed: 1,400 impressions,
  // 65 clicks, $9.00 spend, 5 orders, $60.00 sales: ACOS 15%, ROAS 6.67.
  const groups = html.match(/<section id="ads-ad-groups".*?<\/section>/s)![0];
  assert.ok(groups.includes("Group &lt;i&gt;one&lt;/i&gt;"));
  assert.match(groups, /1,400.*?65.*?\$9\.00.*?\$60\.00.*?15%.*?6\.67/s);
  const adGroupHref = /href="(\/ads\/keywords\?[^"]+adGroup=111[^"]*)"/.exec(
    groups,
  )![1].replaceAll("&amp;", "&");

  // The ad group's keywords and target.
  const list = await (await get(s, adGroupHref, ads)).text();
  const k1 = `${w.a}/keyword/1111`;
  // K1: 1,000 impressions, 50 clicks, $7.50, 4 orders, $40.00: CTR 5%,
  // CPC $0.15, conversion 8%, ACOS 18.75%, ROAS 5.33, TACoS 7.5/600 = 1.25%.
  assert.deepEqual(rowCells(list, k1).slice(2), [
    "$0.75",
    "1,000",
    "50",
    "5%",
    "$0.15",
    "$7.50",
    "4",
    "$40.00",
    "8%",
    "18.75%",
    "5.33",
    "1.25%",
  ]);
  // K2 bids the ad group's default and sold nothing: ACOS "—", ROAS 0.
  const k2 = rowCells(list, `${w.a}/keyword/1112`);
  assert.match(k2[2], /\$0\.50 ?\(ad group default\)/);
  assert.equal(k2[11], "—");
  assert.equal(k2[12], "0");
  // The product target, its expression as text.
  assert.match(list, /asinSameAs=B000000001/);
  // Markup in a keyword is text.
  assert.ok(list.includes("red &lt;script&gt;alert(1)&lt;/script&gt; shoes"));
  assert.ok(!list.includes(K1_TEXT));
  const kwHref = new RegExp(
    `href="(/ads/keywords/${w.a}/1111[^"]*)"`,
  ).exec(list)![1].replaceAll("&amp;", "&");

  // The keyword page: its bid history beside its days.
  const kw = await (await get(s, kwHref, ads)).text();
  assert.match(
    kw,
    /<h1>red &lt;script&gt;alert\(1\)&lt;\/script&gt; shoes<\/h1>/,
  );
  const bids = kw.match(/<section id="ads-history".*?<\/section>/s)![0];
  assert.match(bids, /Bid.*?\$0\.50.*?\$0\.75/s);
  assert.match(kw, /budget or bid changed/);

  // Another store's campaign and keyword: not found, not forbidden.
  for (
    const path of [
      `/ads/campaigns/${w.b}/21`,
      `/ads/keywords/${w.b}/2111`,
      `/ads/campaigns/${w.a}/21`,
      `/ads/campaigns/${w.a}/nope`,
      `/ads/targets/${w.a}/1111`,
    ]
  ) {
    const r = await get(s, path, ads);
    assert.equal(r.status, 404, path);
    await r.body?.cancel();
  }
  const other = await get(s, `/ads?store=${w.b}`, ads);
  assert.equal(other.status, 404);
  await other.body?.cancel();
});

Deno.test(`ads access (${testEngine}): advertising sees /ads, finance does not; search terms need reports.read too`, async () => {
  await using s = await openTestApp();
  const w = await seedAdsWorld(s);
  const routes = [
    `/ads?${PERIOD}`,
    `/ads/keywords?${PERIOD}`,
    `/ads/campaigns/${w.a}/11`,
    `/ads/keywords/${w.a}/1111`,
    "/ads/search-terms",
    "/ads.csv",
    "/ads/keywords.csv",
  ];
  const allowed = (role: RoleName, path: string) => {
    if (path.includes(".csv")) {
      return can(role, "export.csv") && can(role, "ads.read");
    }
    if (path.startsWith("/ads/search-terms")) {
      return can(role, "ads.read") && can(role, "reports.read");
    }
    return can(role, "ads.read");
  };
  const roles: RoleName[] = [
    "advertising",
    "finance",
    "operations",
    "support",
    "viewer",
    "auditor",
    "admin",
    "owner",
  ];
  for (const role of roles) {
    const who = await makeStaff(s, role, { storeIds: [w.a] });
    for (const path of routes) {
      const res = await get(s, path, who);
      await res.body?.cancel();
      assert.equal(
        res.status,
        allowed(role, path) ? 200 : 403,
        `${role} ${path}`,
      );
    }
  }
  assert.ok(allowed("advertising", "/ads"));
  assert.ok(!allowed("finance", "/ads"));
  // The navigation offers the advertising group to advertising only.
  const adsStaff = await makeStaff(s, "advertising", { storeIds: [w.a] });
  const fin = await makeStaff(s, "finance", { storeIds: [w.a] });
  const nav = await (await get(s, "/", adsStaff)).text();
  assert.match(nav, /href="\/ads"/);
  assert.match(nav, /href="\/ads\/search-terms"/);
  assert.doesNotMatch(await (await get(s, "/", fin)).text(), /href="\/ads/);
});

Deno.test(`ads CSV (${testEngine}): campaigns and keywords streamed, per-currency columns, formula-safe, audited; refused without ads.read`, async () => {
  await using s = await openTestApp();
  const w = await seedAdsWorld(s);
  const ads = await makeStaff(s, "advertising", { storeIds: [w.a, w.b] });
  const res = await get(s, `/ads.csv?${PERIOD}&sort=name`, ads);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
  const csv = (await res.text()).trim().split("\r\n");
  assert.match(csv[0], /^store_id,marketplace_id,profile_id,campaign_id,/);
  const header = csv[0].split(",");
  const col = (line: string, name: string) =>
    line.split(",")[header.indexOf(name)];
  assert.equal(csv.length, 4);
  const c11 = csv.find((l) => l.includes(",11,"))!;
  assert.equal(col(c11, "currency"), "USD");
  assert.equal(col(c11, "spend"), "24.00");
  assert.equal(col(c11, "acos_pct"), "20.00");
  assert.equal(col(c11, "tacos_pct"), "4.00");
  assert.equal(col(c11, "budget_utilization_pct"), "85.71");
  assert.equal(col(c11, "days_capped"), "2");
  assert.equal(col(c11, "attribution_days"), "7");
  const c21 = csv.find((l) => l.includes(",21,"))!;
  assert.equal(col(c21, "currency"), "EUR");
  const kw = await (await get(s, `/ads/keywords.csv?${PERIOD}`, ads)).text();
  const lines = kw.trim().split("\r\n");
  assert.equal(lines.length, 5);
  assert.match(kw, /red <script>alert\(1\)<\/script> shoes/);
  const done = await ownerOf(s.t.db).select().from(auditEvents).where(
    eq(auditEvents.action, "export.csv"),
  );
  const targets = done.filter((e) => e.outcome === "success").map((e) =>
    `${e.target}:${(e.details as { rows: number }).rows}`
  );
  assert.deepEqual(targets.sort(), ["ads.campaigns:3", "ads.keywords:4"]);

  // A formula-looking name is neutralised.
  await ownerOf(s.t.db).execute(
    `update ad_campaigns set name = '=HYPERLINK("x")' where campaign_id = '12'`,
  );
  const evil = await (await get(s, `/ads.csv?${PERIOD}&type=SB`, ads)).text();
  assert.match(evil, /"'=HYPERLINK\(""x""\)"/);

  // Finance holds export.csv but not ads.read: refused, and audited.
  const fin = await makeStaff(s, "finance", { storeIds: [w.a] });
  const refused = await get(s, "/ads.csv", fin);
  assert.equal(refused.status, 403);
  await refused.body?.cancel();
});

Deno.test(`ads search terms (${testEngine}): the store's ASINs' terms with rank, shares and the keywords bid on; markup as text`, async () => {
  await using s = await openTestApp();
  const w = await seedAdsWorld(s);
  const ads = await makeStaff(s, "advertising", { storeIds: [w.a] });
  const html = await (await get(s, "/ads/search-terms", ads)).text();
  const keys = [...html.matchAll(/<tr data-key="([^"]+)">/g)].map((m) =>
    m[1].split("/").slice(3).join("/")
  );
  // "hats" is another brand's ASIN only: not shown. By rank: 45, then 120.
  assert.deepEqual(keys, [
    "running shoes",
    TERM.replaceAll("<", "&lt;").replaceAll(">", "&gt;"),
  ]);
  assert.ok(html.includes("red shoes &lt;img src=x&gt;"));
  assert.ok(!html.includes(TERM));
  // Own click share 21.5%, conversion share 30%; the keyword bid on (its
  // ad group's default bid, $0.50).
  assert.match(html, /B000000001 #1: 21\.5% \/ 30%/);
  assert.match(html, /\(Broad, Enabled, \$0\.50\)/);
  assert.match(html, /None yet/);
  const notBid = await (await get(s, "/ads/search-terms?bid=no", ads)).text();
  assert.match(notBid, /running shoes/);
  assert.doesNotMatch(notBid, /red shoes/);
});

Deno.test("ads day states: unread after the cursor, provisional for 72 hours, stale when not re-read after", () => {
  const end = new Date("2026-06-02T07:00:00Z"); // 06-01 ends in Los Angeles
  const now = new Date("2026-06-04T07:00:00Z"); // 48 hours later
  assert.equal(dayState(end, null, "2026-06-01", null, now), "unread");
  assert.equal(dayState(end, "2026-05-31", "2026-06-01", end, now), "unread");
  assert.equal(
    dayState(end, "2026-06-01", "2026-06-01", end, now),
    "provisional",
  );
  const later = new Date("2026-06-06T07:00:00Z");
  assert.equal(
    dayState(end, "2026-06-01", "2026-06-01", now, later),
    "stale",
  );
  assert.equal(
    dayState(
      end,
      "2026-06-01",
      "2026-06-01",
      new Date("2026-06-05T07:00:00Z"),
      later,
    ),
    "final",
  );
});

Deno.test(`ads on the dashboard (${testEngine}): enabled campaigns that spent their whole budget lately need attention, for ads.read only`, async () => {
  await using s = await openTestApp();
  const w = await seedAdsWorld(s);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(
    0,
    10,
  );
  const day = (
    storeId: string,
    profileId: string,
    id: string,
    spend: string,
    currency: string,
  ) => ({
    storeId,
    profileId,
    day: yesterday,
    entityType: "campaign" as const,
    entityId: id,
    campaignId: id,
    impressions: 100,
    clicks: 10,
    spend,
    orders: 1,
    sales: "20.00",
    currency,
  });
  await ownerOf(s.t.db).insert(adMetricsDaily).values([
    day(w.a, "1001", "11", "10.00", "USD"), // $10 of $10: capped
    day(w.a, "1001", "12", "9.00", "USD"), // paused: not listed
    day(w.b, "2001", "21", "5.00", "EUR"), // €5 of €20
  ]);
  const ads = await makeStaff(s, "advertising", { storeIds: [w.a, w.b] });
  const html = await (await get(s, "/", ads)).text();
  const notice =
    html.match(/<article class="notice" id="ads-capped">.*?<\/article>/s)![0];
  assert.match(
    notice,
    /^.*1 enabled campaigns spent their whole daily budget/s,
  );
  assert.ok(
    notice.includes("Summer &lt;b&gt;Sale&lt;/b&gt;</a> (1 of 1 days)"),
  );
  assert.doesNotMatch(notice, /Brand defense|Sommer/);
  const fin = await makeStaff(s, "finance", { storeIds: [w.a] });
  assert.doesNotMatch(await (await get(s, "/", fin)).text(), /ads-capped/);
});
