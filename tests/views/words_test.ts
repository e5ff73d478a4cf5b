// Words for people (issue #13): states told apart by colour, icon and word;
// schedules and progress in words in both languages; numbers by Intl; a
// title that names the portal once.
import assert from "node:assert/strict";
import { StateBadge, statesOf } from "../../views/badge.tsx";
import { formatNumber } from "../../views/format.ts";
import { documentTitle } from "../../views/layout.tsx";
import { stepInWords } from "../../views/sync/progress_words.ts";
import {
  scheduleInWords,
  scheduleProblemText,
} from "../../views/sync/schedule_words.ts";
import { DATASETS } from "../../lib/sync/datasets/mod.ts";
import { scheduleProblem } from "../../lib/sync/schedules.ts";

Deno.test("run states: six badges, each its own colour, icon and word, in both languages", () => {
  const states = statesOf("run");
  assert.deepEqual(states.sort(), [
    "cancelled",
    "failed",
    "interrupted",
    "queued",
    "running",
    "succeeded",
  ]);
  for (const lang of ["en", "zh-CN"] as const) {
    const seen = { tone: new Set(), icon: new Set(), word: new Set() };
    for (const state of states) {
      const html = String(StateBadge({ lang, kind: "run", state }));
      const m =
        /class="badge badge-(\w+)" data-state="(\w+)"[^>]*><span class="badge-icon" aria-hidden="true">(.+?)<\/span>(.+?)<\/span>/
          .exec(html);
      assert.ok(m, html);
      assert.equal(m[2], state);
      seen.tone.add(m[1]);
      seen.icon.add(m[3]);
      seen.word.add(m[4]);
    }
    assert.equal(seen.tone.size, 6, `${lang}: six colours`);
    assert.equal(seen.icon.size, 6, `${lang}: six icons`);
    assert.equal(seen.word.size, 6, `${lang}: six words`);
  }
  const unknown = String(StateBadge({ lang: "en", kind: "run", state: "new" }));
  assert.match(unknown, /badge-grey.*new/, "a later state still shows");
});

Deno.test("schedules in words: every default schedule, in both languages", () => {
  const cases: [string, string, string][] = [
    ["*/15 * * * *", "Every 15 minutes", "每 15 分钟"],
    ["* * * * *", "Every minute", "每分钟"],
    ["7 * * * *", "Every hour at minute 07", "每小时第 07 分钟"],
    ["5 */6 * * *", "Every 6 hours at minute 05", "每 6 小时（第 05 分钟）"],
    ["20 2 * * *", "Every day at 02:20 UTC", "每天 02:20（UTC）"],
    ["30 7 * * 1", "Every Monday at 07:30 UTC", "每周一 07:30（UTC）"],
    [
      "0 6 * * 1,4",
      "Every Monday and Thursday at 06:00 UTC",
      "每周一和周四 06:00（UTC）",
    ],
    [
      "0 3 1 * *",
      "On day 1 of every month at 03:00 UTC",
      "每月 1 日 03:00（UTC）",
    ],
    ["0 0 1 1 *", "A custom schedule", "自定义计划"],
  ];
  for (const [cron, en, zh] of cases) {
    assert.equal(scheduleInWords("en", cron), en, cron);
    assert.equal(scheduleInWords("zh-CN", cron), zh, cron);
  }
  for (const d of DATASETS) {
    assert.notEqual(
      scheduleInWords("en", d.schedule),
      "A custom schedule",
      `${d.name}: ${d.schedule}`,
    );
  }
});

Deno.test("schedule problems from lib/ read in both languages", () => {
  const label = (name: string) => name === "orders" ? "Orders" : name;
  const often = scheduleProblem("orders", "* * * * *")!;
  assert.equal(
    scheduleProblemText("en", often, label),
    "This schedule runs every minute; Orders needs at least 5 minutes between runs.",
  );
  assert.equal(
    scheduleProblemText(
      "zh-CN",
      scheduleProblem("orders", "0 0 31 2 *")!,
      label,
    ),
    "此计划永远不会触发（没有这样的日期）。",
  );
  assert.equal(
    scheduleProblemText("en", "something else", label),
    "This is not a valid cron expression.",
  );
});

Deno.test("progress steps in words; an unknown step shows as it is", () => {
  assert.equal(
    stepInWords("en", "marketplace ATVPDKIKX0DER"),
    "Marketplace ATVPDKIKX0DER",
  );
  assert.equal(
    stepInWords("zh-CN", "returns 2026-01-01 to 2026-01-31"),
    "2026-01-01 至 2026-01-31 的退货",
  );
  assert.equal(
    stepInWords("zh-CN", "buyer data skipped: restricted role missing"),
    "因缺少受限角色，已跳过买家数据",
  );
  assert.equal(stepInWords("en", "something new"), "something new");
});

Deno.test("numbers through Intl; the portal's name once in a title", () => {
  assert.equal(formatNumber("en", 1234567), "1,234,567");
  assert.equal(formatNumber("zh-CN", 1234567), "1,234,567");
  assert.equal(formatNumber("en", null), "—");
  assert.equal(documentTitle("Sync", "Custodian"), "Sync · Custodian");
  assert.equal(documentTitle("Custodian", "Custodian"), "Custodian");
  assert.equal(documentTitle("", "Custodian"), "Custodian");
});
