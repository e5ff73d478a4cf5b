// The Advertising API on the sandbox: profiles (ids as exact JSON numbers),
// Sponsored Products v3 list operations with vendor media types and
// nextToken paging, reporting v3 (PENDING → COMPLETED → gzip JSON rows),
// and 429s with and without Retry-After.
import assert from "node:assert/strict";
import {
  accessToken,
  ads,
  download,
  type Json,
  testClock,
  withSandbox,
} from "../../sandbox/testing.ts";
import { truthRows } from "../_helpers/truth.ts";

const CAMPAIGN = "application/vnd.spCampaign.v3+json";
const KEYWORD = "application/vnd.spKeyword.v3+json";
const REPORT = "application/vnd.createasyncreportrequest.v3+json";

Deno.test("ads: /v2/profiles lists one profile per marketplace, ids written exactly", async () => {
  await withSandbox({ clock: testClock(), orders: 50 }, async (sb) => {
    const seller = sb.sandbox.sellers[0];
    const token = await accessToken(sb);
    const r = await ads(sb, token, "/v2/profiles");
    assert.equal(r.status, 200);
    const ids = seller.adsProfiles.map((p) => p.profileId);
    for (const id of ids) {
      assert.ok(
        r.text.includes(`"profileId":${id}`),
        "bare number, every digit",
      );
    }
    assert.deepEqual(
      r.body.map((p: Json) => p.profileId).sort(),
      [...ids].sort(),
    );
    const p = r.body[0];
    assert.equal(p.accountInfo.type, "seller");
    assert.equal(p.accountInfo.id, seller.sellerId);
    assert.ok(
      seller.marketplaceIds.includes(p.accountInfo.marketplaceStringId),
    );

    const noClient = await fetch(`${sb.url}/v2/profiles`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(noClient.status, 401);
    await noClient.body?.cancel();
  });
});

Deno.test("ads: SP campaigns list pages with nextToken in the body and equals the ground truth", async () => {
  await withSandbox({ clock: testClock(), orders: 50 }, async (sb) => {
    const seller = sb.sandbox.sellers[0];
    const token = await accessToken(sb);
    const truth = truthRows(seller);
    const profileId = sb.sandbox.credentials(0).adsProfileId;
    const expected = truth.adCampaigns.filter((c) => c.profileId === profileId);
    assert.ok(expected.length >= 3);
    const got: Json[] = [];
    let nextToken: string | undefined;
    do {
      const r = await ads(sb, token, "/sp/campaigns/list", {
        method: "POST",
        profileId,
        mediaType: CAMPAIGN,
        body: JSON.stringify({
          maxResults: 2,
          nextToken,
          includeExtendedDataFields: true,
        }),
      });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.totalResults, expected.length);
      got.push(...r.body.campaigns);
      nextToken = r.body.nextToken;
    } while (nextToken);
    assert.equal(got.length, expected.length);
    for (const c of expected) {
      const g = got.find((x) => x.campaignId === c.campaignId);
      assert.equal(g.name, c.name);
      assert.equal(g.state, c.state);
      assert.equal(g.targetingType, c.targetingType);
      assert.equal(g.budget.budget, Number(c.dailyBudget));
      assert.equal(g.dynamicBidding.strategy, c.biddingStrategy);
      assert.equal(g.startDate, c.startDate);
      assert.ok(g.extendedData.lastUpdateDateTime);
    }

    const enabled = await ads(sb, token, "/sp/campaigns/list", {
      method: "POST",
      profileId,
      mediaType: CAMPAIGN,
      body: JSON.stringify({ stateFilter: { include: ["ENABLED"] } }),
    });
    assert.equal(
      enabled.body.campaigns.length,
      expected.filter((c) => c.state === "ENABLED").length,
    );

    const wrongType = await ads(sb, token, "/sp/campaigns/list", {
      method: "POST",
      profileId,
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(wrongType.status, 415);

    const noScope = await ads(sb, token, "/sp/campaigns/list", {
      method: "POST",
      mediaType: CAMPAIGN,
      body: "{}",
    });
    assert.equal(noScope.status, 401);

    const unknownField = await ads(sb, token, "/sp/campaigns/list", {
      method: "POST",
      profileId,
      mediaType: CAMPAIGN,
      body: JSON.stringify({ campaignStateFilter: "x" }),
    });
    assert.equal(unknownField.status, 400);
  });
});

Deno.test("ads: keywords, ad groups and targets lists cover the profile's entities", async () => {
  await withSandbox({ clock: testClock(), orders: 50 }, async (sb) => {
    const seller = sb.sandbox.sellers[0];
    const token = await accessToken(sb);
    const truth = truthRows(seller);
    const profileId = sb.sandbox.credentials(0).adsProfileId;
    const campaigns = new Set(
      truth.adCampaigns.filter((c) => c.profileId === profileId).map((c) =>
        c.campaignId
      ),
    );
    const list = async (path: string, media: string, key: string) => {
      const r = await ads(sb, token, path, {
        method: "POST",
        profileId,
        mediaType: media,
        body: "{}",
      });
      assert.equal(r.status, 200, r.text);
      return r.body[key] as Json[];
    };
    const kw = await list("/sp/keywords/list", KEYWORD, "keywords");
    assert.deepEqual(
      kw.map((k) => k.keywordId).sort(),
      truth.adKeywords.filter((k) => campaigns.has(k.campaignId)).map((k) =>
        k.keywordId
      ).sort(),
    );
    const groups = await list(
      "/sp/adGroups/list",
      "application/vnd.spAdGroup.v3+json",
      "adGroups",
    );
    assert.equal(
      groups.length,
      truth.adGroups.filter((g) => campaigns.has(g.campaignId)).length,
    );
    const targets = await list(
      "/sp/targets/list",
      "application/vnd.spTargetingClause.v3+json",
      "targetingClauses",
    );
    assert.equal(
      targets.length,
      truth.adTargets.filter((t) => campaigns.has(t.campaignId)).length,
    );
  });
});

Deno.test("ads: reporting v3 goes PENDING → COMPLETED with a gzip JSON of the requested columns", async () => {
  const clock = testClock();
  await withSandbox({ clock, orders: 50 }, async (sb) => {
    const seller = sb.sandbox.sellers[0];
    const token = await accessToken(sb);
    const profileId = sb.sandbox.credentials(0).adsProfileId;
    const truth = truthRows(seller).adMetricsDaily.filter((m) =>
      m.profileId === profileId && m.entityType === "campaign"
    );
    const days = [...new Set(truth.map((m) => m.day as string))].sort();
    const endDate = days[days.length - 1];
    const startDate = days[Math.max(0, days.length - 7)];
    const body = {
      name: "SP campaigns daily",
      startDate,
      endDate,
      configuration: {
        adProduct: "SPONSORED_PRODUCTS",
        groupBy: ["campaign"],
        columns: [
          "date",
          "campaignId",
          "impressions",
          "clicks",
          "cost",
          "purchases7d",
          "sales7d",
        ],
        reportTypeId: "spCampaigns",
        timeUnit: "DAILY",
        format: "GZIP_JSON",
      },
    };
    const created = await ads(sb, token, "/reporting/reports", {
      method: "POST",
      profileId,
      headers: { "content-type": REPORT },
      body: JSON.stringify(body),
    });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.body.status, "PENDING");
    assert.equal(created.body.url, null);
    const id = created.body.reportId;

    const dup = await ads(sb, token, "/reporting/reports", {
      method: "POST",
      profileId,
      headers: { "content-type": REPORT },
      body: JSON.stringify(body),
    });
    assert.equal(dup.status, 425);
    assert.match(dup.text, new RegExp(id));

    const statuses: string[] = [];
    let last: Json;
    for (let i = 0; i < 5; i++) {
      last =
        (await ads(sb, token, `/reporting/reports/${id}`, { profileId })).body;
      statuses.push(last.status);
      if (last.status === "COMPLETED") break;
    }
    assert.deepEqual(statuses, ["PENDING", "PROCESSING", "COMPLETED"]);
    assert.ok(last.url && last.urlExpiresAt && last.fileSize > 0);
    const rows = JSON.parse(await download(last.url));
    assert.ok(Array.isArray(rows));
    const expected = truth.filter((m) =>
      m.day >= startDate && m.day <= endDate
    );
    assert.equal(rows.length, expected.length);
    for (const row of rows) {
      assert.deepEqual(Object.keys(row), body.configuration.columns);
      const t = expected.find((m) =>
        m.day === row.date && m.entityId === String(row.campaignId)
      )!;
      assert.ok(t, `${row.date} ${row.campaignId}`);
      assert.equal(row.impressions, t.impressions);
      assert.equal(row.clicks, t.clicks);
      assert.equal(row.cost, Number(t.spend));
      assert.equal(row.purchases7d, t.orders);
      assert.equal(row.sales7d, Number(t.sales));
    }

    const summaryWithDate = await ads(sb, token, "/reporting/reports", {
      method: "POST",
      profileId,
      headers: { "content-type": REPORT },
      body: JSON.stringify({
        ...body,
        configuration: { ...body.configuration, timeUnit: "SUMMARY" },
      }),
    });
    assert.equal(summaryWithDate.status, 400);
  });
});

Deno.test("ads: 429 carries Retry-After, except on report creation", async () => {
  await withSandbox({
    clock: testClock(),
    orders: 50,
    adsRate: { rate: 1, burst: 2 },
  }, async (sb) => {
    const token = await accessToken(sb);
    const statuses: number[] = [];
    let throttled: Headers | undefined;
    for (let i = 0; i < 3; i++) {
      const r = await ads(sb, token, "/v2/profiles");
      statuses.push(r.status);
      if (r.status === 429) throttled = r.headers;
    }
    assert.deepEqual(statuses, [200, 200, 429]);
    assert.equal(throttled!.get("retry-after"), "1");

    const profileId = sb.sandbox.credentials(0).adsProfileId;
    sb.sandbox.faults.inject({
      kind: "throttle",
      operation: "createAsyncReport",
    });
    const create = await ads(sb, token, "/reporting/reports", {
      method: "POST",
      profileId,
      headers: { "content-type": REPORT },
      body: "{}",
    });
    assert.equal(create.status, 429);
    assert.equal(create.headers.get("retry-after"), null);

    sb.sandbox.faults.inject({
      kind: "throttle",
      operation: "listCampaigns",
      retryAfter: 7,
    });
    const list = await ads(sb, token, "/sp/campaigns/list", {
      method: "POST",
      profileId,
      mediaType: CAMPAIGN,
      body: "{}",
    });
    assert.equal(list.status, 429);
    assert.equal(list.headers.get("retry-after"), "7");
  });
});
