// Advertising datasets against the sandbox: entities and daily metrics for
// two stores equal the ground truth and a replay adds nothing; later runs
// re-read exactly the trailing window and pick up restated values; a burst
// of 429s, a 425 duplicate, a FAILED report and a store without an Ads
// authorization all end as they should.
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import {
  adBudgetBidChanges,
  adCampaigns,
  adGroups,
  adKeywords,
  adMetricsDaily,
  adProfiles,
  adTargets,
  storeCredentials,
  syncRuns,
} from "../../db/schema.ts";
import type { AdMetricsDailyRow } from "../../lib/ingest/ads.ts";
import { adsEntitiesDataset } from "../../lib/sync/datasets/ads_entities.ts";
import { adsMetricsDataset } from "../../lib/sync/datasets/ads_metrics.ts";
import { testEngine } from "../_helpers/test_db.ts";
import {
  canonicalRows,
  openSyncWorld,
  type SyncWorld,
  type SyncWorldOptions,
  truthKeys,
} from "../_helpers/sync.ts";
import { truthRows } from "../_helpers/truth.ts";
import type { AdsReportRow } from "../../sandbox/testing.ts";

const DAY = 86_400_000;
const TRAILING = 30;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface ReportAsked {
  profileId: string;
  reportTypeId: string;
  startDate: string;
  endDate: string;
}

/** A world whose fetch records report requests and 425 answers. */
async function world(
  opts: Partial<SyncWorldOptions> & {
    /** Asks for pages of this size, so every list pages with nextToken. */
    pageSize?: number;
  } = {},
) {
  const asked: ReportAsked[] = [];
  const statuses: { path: string; status: number }[] = [];
  const recording: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    if (url.pathname === "/reporting/reports" && init?.method === "POST") {
      const b = JSON.parse(String(init.body));
      asked.push({
        profileId: new Headers(init.headers).get(
          "amazon-advertising-api-scope",
        )!,
        reportTypeId: b.configuration.reportTypeId,
        startDate: b.startDate,
        endDate: b.endDate,
      });
    }
    if (opts.pageSize && /^\/sp\/\w+\/list$/.test(url.pathname)) {
      const body = JSON.parse(String(init!.body));
      init = {
        ...init,
        body: JSON.stringify({ ...body, maxResults: opts.pageSize }),
      };
    }
    const res = await fetch(input, init);
    statuses.push({ path: url.pathname, status: res.status });
    return res;
  };
  const { pageSize: _, ...rest } = opts;
  const w = await openSyncWorld({
    datasets: [adsEntitiesDataset, adsMetricsDataset],
    ...rest,
    settings: { adsTrailingDays: TRAILING, ...opts.settings },
    sandbox: { stores: 1, orders: 40, ...opts.sandbox },
    runner: { fetch: recording, ...opts.runner },
  });
  return { w, asked, statuses };
}

const readMetrics = (w: SyncWorld, storeId: string) =>
  w.db.asJob(storeId, (tx) =>
    tx.select().from(adMetricsDaily).where(
      eq(adMetricsDaily.storeId, storeId),
    ));

const runRow = async (w: SyncWorld, storeId: string, runId: string) =>
  (await w.db.asJob(
    storeId,
    (tx) => tx.select().from(syncRuns).where(eq(syncRuns.id, runId)),
  ))[0];

/** The generator's syncedAt is a simulated load time; ours is now(). */
const metricKeys = (truth: readonly AdMetricsDailyRow[]) =>
  truthKeys(truth, ["syncedAt"]);

Deno.test(`ads_entities sync (${testEngine}): two stores equal the sandbox truth, replay adds nothing`, async () => {
  const { w } = await world({ sandbox: { stores: 2 }, pageSize: 25 });
  try {
    const tables = {
      adProfiles,
      adCampaigns,
      adGroups,
      adKeywords,
      adTargets,
    } as const;
    for (const [i, storeId] of w.storeIds.entries()) {
      const runId = await w.runOk(i, "ads_entities");
      const truth = truthRows(w.sb.sandbox.sellers[i]);
      let total = 0;
      for (const [name, table] of Object.entries(tables)) {
        const expected = truth[name as keyof typeof tables];
        const rows = await w.db.asJob(
          storeId,
          (tx) => tx.select().from(table).where(eq(table.storeId, storeId)),
        );
        // Every field compared, updatedAt too (extendedData.lastUpdateDateTime).
        const keys = truthKeys(expected);
        assert.deepEqual(
          canonicalRows(rows, keys),
          canonicalRows(expected, keys),
          `${name} of store ${i}`,
        );
        total += expected.length;
      }
      assert.ok(truth.adKeywords.length + truth.adTargets.length > 0);
      // Every budget and bid is recorded once as first seen, with no old value.
      const firstSeen = [
        ...truth.adCampaigns.map((
          c,
        ) => ["campaign", c.campaignId, c.dailyBudget]),
        ...truth.adGroups.map((g) => ["ad_group", g.adGroupId, g.defaultBid]),
        ...truth.adKeywords.filter((k) => k.bid != null)
          .map((k) => ["keyword", k.keywordId, k.bid]),
        ...truth.adTargets.filter((t) => t.bid != null)
          .map((t) => ["target", t.targetId, t.bid]),
      ].map(([type, id, value]) => `${type} ${id} null→${Number(value)}`);
      assert.deepEqual((await history(w, storeId)).sort(), firstSeen.sort());
      const run = await runRow(w, storeId, runId);
      assert.equal(run.rowsInserted, total + firstSeen.length);
      // Pages of 25: lists longer than that were walked by nextToken.
      const pages = 1 + truth.adProfiles.reduce((n, p) => {
        const of = <T extends { campaignId: string }>(rows: T[]) =>
          Math.max(
            1,
            Math.ceil(
              rows.filter((x) =>
                truth.adCampaigns.some((c) =>
                  c.campaignId === x.campaignId && c.profileId === p.profileId
                )
              ).length / 25,
            ),
          );
        return n + of(truth.adCampaigns) + of(truth.adGroups) +
          of(truth.adKeywords) + of(truth.adTargets);
      }, 0);
      assert.equal(run.pages, pages);
      assert.equal(run.apiCalls, pages);
      if (i === 1) assert.ok(pages > 1 + 4 * truth.adProfiles.length);

      const again = await runRow(w, storeId, await w.runOk(i, "ads_entities"));
      assert.equal(again.rowsInserted, 0);
      assert.equal(again.rowsUpdated, total);
      assert.equal((await history(w, storeId)).length, firstSeen.length);
    }
  } finally {
    await w.close();
  }
});

/** The store's budget and bid history as "type id old→new" lines. */
async function history(w: SyncWorld, storeId: string): Promise<string[]> {
  const rows = await w.db.asJob(
    storeId,
    (tx) =>
      tx.select().from(adBudgetBidChanges).where(
        eq(adBudgetBidChanges.storeId, storeId),
      ),
  );
  return rows.map((r) =>
    `${r.entityType} ${r.entityId} ${
      r.oldValue === null ? "null" : Number(r.oldValue)
    }→${Number(r.newValue)}`
  );
}

Deno.test(`ads_entities sync (${testEngine}): a changed budget or bid is recorded once, when Amazon says it changed`, async () => {
  const { w } = await world();
  try {
    const storeId = w.storeIds[0];
    await w.runOk(0, "ads_entities");
    const before = await history(w, storeId);
    const served = w.sb.sandbox.sellers[0].world();
    const campaign = served.campaigns[0];
    const keyword = served.keywords[0];
    const changedAt = new Date(Date.now() - 3_600_000);
    changedAt.setUTCMilliseconds(0);
    const oldBudget = Number(campaign.budget.budget);
    const oldBid = Number(keyword.bid);
    const newBudget = Number((oldBudget + 5).toFixed(2));
    const newBid = Number((oldBid + 0.25).toFixed(2));
    campaign.budget.budget = newBudget.toFixed(2);
    campaign.lastUpdateDateTime = changedAt.toISOString();
    keyword.bid = newBid.toFixed(2);
    keyword.lastUpdateDateTime = changedAt.toISOString();
    // A name change is not a budget change.
    served.adGroups[0].name += " (renamed)";

    const runId = await w.runOk(0, "ads_entities");
    const after = await history(w, storeId);
    assert.deepEqual(
      after.filter((l) => !before.includes(l)).sort(),
      [
        `campaign ${campaign.campaignId} ${oldBudget}→${newBudget}`,
        `keyword ${keyword.keywordId} ${oldBid}→${newBid}`,
      ].sort(),
    );
    const rows = await w.db.asJob(
      storeId,
      (tx) =>
        tx.select().from(adBudgetBidChanges).where(and(
          eq(adBudgetBidChanges.storeId, storeId),
          eq(adBudgetBidChanges.entityId, campaign.campaignId),
        )),
    );
    const change = rows.find((r) => r.oldValue !== null)!;
    assert.equal(change.observedAt.getTime(), changedAt.getTime());
    assert.equal(change.field, "daily_budget");
    assert.equal((await runRow(w, storeId, runId)).rowsInserted, 2);
    // Read again: nothing new.
    await w.runOk(0, "ads_entities");
    assert.equal((await history(w, storeId)).length, after.length);
  } finally {
    await w.close();
  }
});

Deno.test(`ads_metrics sync (${testEngine}): two stores equal the truth; replay adds nothing and re-reads only the trailing window`, async () => {
  const { w, asked } = await world({ sandbox: { stores: 2 } });
  try {
    const today = Date.parse(`${isoDay(Date.now())}T00:00:00Z`);
    const yesterday = isoDay(today - DAY);
    for (const [i, storeId] of w.storeIds.entries()) {
      asked.length = 0;
      const runId = await w.runOk(i, "ads_metrics");
      const seller = w.sb.sandbox.sellers[i];
      const truth = truthRows(seller).adMetricsDaily;
      assert.ok(truth.some((m) => m.entityType === "campaign"));
      assert.ok(truth.some((m) => m.entityType !== "campaign"));
      const keys = metricKeys(truth);
      assert.deepEqual(
        canonicalRows(await readMetrics(w, storeId), keys),
        canonicalRows(truth, keys),
      );
      const run = await runRow(w, storeId, runId);
      assert.equal(run.rowsInserted, truth.length);
      // Backfill: windows of at most 31 days, oldest first, ending yesterday.
      const profiles = seller.adsProfiles.map((p) => p.profileId);
      for (const p of profiles) {
        for (const type of ["spCampaigns", "spTargeting"]) {
          const mine = asked.filter((a) =>
            a.profileId === p && a.reportTypeId === type
          );
          assert.ok(mine.length >= 2, "several windows");
          assert.equal(mine.at(-1)!.endDate, yesterday);
          for (const [k, a] of mine.entries()) {
            const span = (Date.parse(a.endDate) - Date.parse(a.startDate)) /
              DAY;
            assert.ok(span >= 0 && span <= 30, "at most 31 days");
            if (k > 0) {
              assert.equal(
                Date.parse(a.startDate) - Date.parse(mine[k - 1].endDate),
                DAY,
                "contiguous",
              );
            }
          }
          assert.ok(mine[0].startDate <= truth.map((m) => m.day).sort()[0]);
        }
      }

      asked.length = 0;
      const again = await runRow(w, storeId, await w.runOk(i, "ads_metrics"));
      assert.equal(again.rowsInserted, 0);
      assert.ok(again.rowsUpdated > 0);
      // Exactly the trailing window, once per profile and report type.
      const window = {
        startDate: isoDay(today - TRAILING * DAY),
        endDate: yesterday,
      };
      assert.deepEqual(
        asked.map((a) => JSON.stringify(a)).sort(),
        profiles.flatMap((profileId) =>
          ["spCampaigns", "spTargeting"].map((reportTypeId) =>
            JSON.stringify({ profileId, reportTypeId, ...window })
          )
        ).sort(),
      );
      assert.equal((await readMetrics(w, storeId)).length, truth.length);
    }
  } finally {
    await w.close();
  }
});

Deno.test(`ads_metrics sync (${testEngine}): a later run picks up restated values inside the trailing window only`, async () => {
  const { w } = await world();
  try {
    const storeId = w.storeIds[0];
    await w.runOk(0, "ads_metrics");
    const seller = w.sb.sandbox.sellers[0];
    const keywordIds = new Set(seller.world().keywords.map((k) => k.keywordId));
    const served = [...seller.world().adsRowsByProfile.values()].flat();
    const keywordRows = served.filter((m) =>
      m.keywordId !== undefined && keywordIds.has(m.keywordId)
    ).sort((a, b) => a.date < b.date ? -1 : 1);
    const latest = keywordRows.at(-1)!;
    const today = Date.parse(`${isoDay(Date.now())}T00:00:00Z`);
    const cutoff = isoDay(today - TRAILING * DAY);
    const old = keywordRows.find((m) => m.date < cutoff)!;
    assert.ok(latest.date >= cutoff && old, "rows inside and outside");
    // Amazon restates both days (attribution matured); only one is re-read.
    latest.impressions += 1000;
    old.impressions += 1000;
    await w.runOk(0, "ads_metrics");
    const rows = await readMetrics(w, storeId);
    const find = (m: AdsReportRow) =>
      rows.find((r) =>
        r.entityType === "keyword" && r.entityId === m.keywordId &&
        r.day === m.date
      )!;
    assert.equal(find(latest).impressions, latest.impressions);
    assert.equal(find(old).impressions, old.impressions - 1000);
  } finally {
    await w.close();
  }
});

Deno.test(`ads sync (${testEngine}): a burst of 429s still ends with the same rows`, async () => {
  const { w } = await world({ runner: { backoffBaseMs: 5 } });
  try {
    const storeId = w.storeIds[0];
    w.sb.sandbox.faults.inject([
      { kind: "throttle", operation: "listProfiles", count: 2, retryAfter: 0 },
      {
        kind: "throttle",
        operation: "listKeywords",
        count: 3,
        retryAfter: null,
      },
      {
        kind: "throttle",
        operation: "createAsyncReport",
        count: 4,
        retryAfter: null,
      },
      {
        kind: "throttle",
        operation: "getAsyncReport",
        count: 3,
        retryAfter: 0,
      },
    ]);
    const truth = truthRows(w.sb.sandbox.sellers[0]);
    const entities = await runRow(w, storeId, await w.runOk(0, "ads_entities"));
    const metrics = await runRow(w, storeId, await w.runOk(0, "ads_metrics"));
    assert.equal(w.sb.sandbox.faults.pending().length, 0, "every fault fired");
    assert.equal(entities.throttles + metrics.throttles, 12);
    const keys = metricKeys(truth.adMetricsDaily);
    assert.deepEqual(
      canonicalRows(await readMetrics(w, storeId), keys),
      canonicalRows(truth.adMetricsDaily, keys),
    );
    const kw = await w.db.asJob(
      storeId,
      (tx) =>
        tx.select().from(adKeywords).where(eq(adKeywords.storeId, storeId)),
    );
    const kwKeys = truthKeys(truth.adKeywords);
    assert.deepEqual(
      canonicalRows(kw, kwKeys),
      canonicalRows(truth.adKeywords, kwKeys),
    );
  } finally {
    await w.close();
  }
});

Deno.test(`ads_metrics sync (${testEngine}): a duplicate request answered 425 reuses Amazon's report`, async () => {
  const { w, statuses } = await world();
  try {
    const storeId = w.storeIds[0];
    await w.runOk(0, "ads_metrics");
    // Another worker's KV (or a lost one): Amazon still knows the reports.
    for await (const e of w.kv.list({ prefix: ["ads_report"] })) {
      await w.kv.delete(e.key);
    }
    w.deps.settings = { ...w.deps.settings, adsTrailingDays: 1000 };
    statuses.length = 0;
    const again = await runRow(w, storeId, await w.runOk(0, "ads_metrics"));
    const creates = statuses.filter((s) => s.path === "/reporting/reports");
    assert.ok(creates.length > 0);
    assert.ok(creates.every((s) => s.status === 425), "all duplicates");
    assert.equal(again.rowsInserted, 0);
    const truth = truthRows(w.sb.sandbox.sellers[0]).adMetricsDaily;
    assert.equal(again.rowsUpdated, truth.length);
  } finally {
    await w.close();
  }
});

Deno.test(`ads_metrics sync (${testEngine}): a run that dies mid-way is completed by the next, nothing lost or twice`, async () => {
  const { w, asked } = await world();
  try {
    const storeId = w.storeIds[0];
    // After the first window's two reports (two polls each to be done):
    // Amazon stops answering polls.
    w.sb.sandbox.faults.inject({
      kind: "serverError",
      operation: "getAsyncReport",
      after: 6,
      count: Infinity,
    });
    const first = await w.run(0, "ads_metrics");
    assert.equal(first.status, "failed");
    const partial = await readMetrics(w, storeId);
    assert.ok(partial.length > 0, "the windows read were kept");
    const requested = asked.length;
    w.sb.sandbox.faults.clear();
    const second = await runRow(w, storeId, await w.runOk(0, "ads_metrics"));
    assert.equal(asked.length, requested, "resumed reports, none requested");
    const truth = truthRows(w.sb.sandbox.sellers[0]).adMetricsDaily;
    const keys = metricKeys(truth);
    assert.deepEqual(
      canonicalRows(await readMetrics(w, storeId), keys),
      canonicalRows(truth, keys),
    );
    assert.equal(partial.length + second.rowsInserted, truth.length);
  } finally {
    await w.close();
  }
});

Deno.test(`ads_metrics sync (${testEngine}): a FAILED report fails the run, is requested again after the cooldown`, async () => {
  const { w } = await world({
    settings: { reportFatalCooldownMinutes: 30 },
  });
  try {
    const storeId = w.storeIds[0];
    // The first report asked for ends FAILED.
    w.sb.sandbox.faults.inject({
      kind: "reportFatal",
      operation: "createAsyncReport",
    });
    const first = await w.run(0, "ads_metrics");
    assert.equal(first.status, "failed");
    assert.match(String("error" in first && first.error), /FAILED/);
    assert.equal(w.sb.sandbox.faults.fired.length, 1);
    const cooling = await w.run(0, "ads_metrics");
    assert.match(String("error" in cooling && cooling.error), /cooldown/);
    w.deps.settings = { ...w.deps.settings, reportFatalCooldownMinutes: 0 };
    await w.runOk(0, "ads_metrics");
    const truth = truthRows(w.sb.sandbox.sellers[0]).adMetricsDaily;
    const keys = metricKeys(truth);
    assert.deepEqual(
      canonicalRows(await readMetrics(w, storeId), keys),
      canonicalRows(truth, keys),
    );
  } finally {
    await w.close();
  }
});

Deno.test(`ads sync (${testEngine}): a store without an Ads authorization is empty, not failed`, async () => {
  const { w } = await world();
  try {
    const storeId = w.storeIds[0];
    await w.db.asJob(storeId, (tx) =>
      tx.delete(storeCredentials).where(and(
        eq(storeCredentials.storeId, storeId),
        eq(storeCredentials.api, "ads"),
      )));
    for (const name of ["ads_entities", "ads_metrics"]) {
      const run = await runRow(w, storeId, await w.runOk(0, name));
      assert.match(run.emptyReason ?? "", /^no_ads_profile/);
      assert.equal(run.rowsInserted, 0);
    }
  } finally {
    await w.close();
  }
});
