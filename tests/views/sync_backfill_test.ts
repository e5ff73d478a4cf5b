// The running backfill's words (issue 13): how far it has come, about how
// long is left at the pace Amazon's limits allow, and why — in English and
// Simplified Chinese; and the demo's tuning (time-scaled plans, the first
// backfill clamped to the demo world's history).
import assert from "node:assert/strict";
import { demoSyncTuning } from "../../lib/demo.ts";
import { SP_USAGE_PLANS } from "../../lib/amazon/usage_plans.ts";
import {
  BackfillEstimate,
  etaMs,
  formatDuration,
} from "../../views/sync/backfill.tsx";

const run = {
  startedAt: new Date("2026-01-01T00:00:00Z"),
  heartbeatAt: new Date("2026-01-01T00:02:00Z"),
  progress: { done: 2, total: 5 },
};

Deno.test("backfill estimate: the pace so far times what is left", () => {
  const now = Date.parse("2026-01-01T00:02:01Z");
  assert.equal(etaMs(run, now), 3 * 60_000);
  assert.equal(etaMs({ ...run, progress: { done: 0, total: 5 } }, now), null);
  assert.equal(etaMs({ ...run, progress: { done: 5, total: 5 } }, now), null);
  assert.equal(etaMs({ ...run, progress: {} }, now), null);
  assert.equal(formatDuration("en", 3 * 60_000), "3 min");
  assert.match(formatDuration("en", 125 * 60_000), /2 hr 5 min/);
  assert.match(formatDuration("en", 20_000), /20 sec/);
});

Deno.test("backfill estimate: done of total, time left and why, en and zh-CN", () => {
  const en = String(BackfillEstimate({ lang: "en", run }));
  assert.match(en, /2 of 5 done/);
  assert.match(
    en,
    /left at Amazon&#39;s current rate limits|left at Amazon's current rate limits/,
  );
  assert.match(en, /not the portal/);
  const zh = String(BackfillEstimate({ lang: "zh-CN", run }));
  assert.match(zh, /已完成 2 \/ 5/);
  assert.match(zh, /速率限制/);
  assert.match(zh, /而非本门户/);
  assert.equal(
    BackfillEstimate({ lang: "en", run: { ...run, progress: {} } }),
    null,
  );
});

Deno.test("demo tuning: plans at the time scale, backfill clamped to the world", () => {
  const t = demoSyncTuning({ days: 120, timeScale: 300 }, 730);
  assert.equal(t.settings.backfillDays, 120);
  assert.equal(
    demoSyncTuning({ days: 120, timeScale: 300 }, 30).settings.backfillDays,
    30,
  );
  assert.equal(t.settings.reportPollMs, 50);
  assert.equal(t.usagePlans.createReport.rate, 5.01);
  assert.equal(
    t.usagePlans.createReport.burst,
    SP_USAGE_PLANS.createReport.burst,
  );
  assert.equal(t.usagePlans.searchOrders.rate, 1.68);
});
