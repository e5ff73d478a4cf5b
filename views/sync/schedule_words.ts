// Schedules in words ("Every 15 minutes", "Every day at 02:20 UTC") for the
// pages; the five-field cron expression stays the admins' editing form and
// a tooltip. Also the schedule problems lib/sync/schedules.ts reports, in
// the reader's language.
import type { Lang } from "../i18n.ts";
import { hasSyncMessage, t } from "./messages.ts";

const NUMBER = /^\d+$/;
const STEP = /^\*\/(\d+)$/;

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * A five-field UTC cron expression in words; a form these words do not
 * cover is "A custom schedule" (the expression is in the tooltip).
 *
 * @example
 * scheduleInWords("en", "*\/15 * * * *"); // "Every 15 minutes"
 * scheduleInWords("zh-CN", "30 7 * * 1"); // "每周一 07:30（UTC）"
 */
export function scheduleInWords(lang: Lang, cron: string): string {
  const f = cron.trim().split(/\s+/);
  if (f.length !== 5) return t(lang, "cron.custom");
  const [min, hour, dom, month, dow] = f;
  const everyDay = dom === "*" && month === "*" && dow === "*";
  if (everyDay && hour === "*") {
    if (min === "*") return t(lang, "cron.everyMinute");
    const step = STEP.exec(min);
    if (step) {
      const n = Number(step[1]);
      return n === 1
        ? t(lang, "cron.everyMinute")
        : t(lang, "cron.everyMinutes", { n });
    }
    if (NUMBER.test(min)) return t(lang, "cron.hourly", { m: pad(+min) });
    return t(lang, "cron.custom");
  }
  if (!NUMBER.test(min)) return t(lang, "cron.custom");
  const hourStep = STEP.exec(hour);
  if (everyDay && hourStep) {
    return t(lang, "cron.everyHours", {
      n: Number(hourStep[1]),
      m: pad(+min),
    });
  }
  if (!NUMBER.test(hour) || +hour > 23 || +min > 59) {
    return t(lang, "cron.custom");
  }
  const time = `${pad(+hour)}:${pad(+min)}`;
  if (everyDay) return t(lang, "cron.daily", { time });
  if (dom === "*" && month === "*" && /^[0-7](,[0-7])*$/.test(dow)) {
    const days = [...new Set(dow.split(",").map((d) => Number(d) % 7))]
      .map((d) => t(lang, `cron.day.${d}` as "cron.day.0"))
      .join(t(lang, "cron.and"));
    return t(lang, "cron.weekly", { days, time });
  }
  if (NUMBER.test(dom) && month === "*" && dow === "*") {
    return t(lang, "cron.monthly", { day: Number(dom), time });
  }
  return t(lang, "cron.custom");
}

const RUNS_TOO_OFTEN =
  /^runs every (\d+) minutes?; (\w+) needs at least (\d+) minutes between runs$/;
const PROBLEMS: Record<string, string> = {
  "is not a valid cron expression": "schedule.problem.invalid",
  "must have five fields: minute hour day-of-month month day-of-week":
    "schedule.problem.fields",
  "never fires (no such date)": "schedule.problem.never",
  "does not fire within the next year": "schedule.problem.notThisYear",
};

/**
 * What is wrong with a schedule, from the problem lib/ reported (English,
 * "is not a valid cron expression"), in the reader's language.
 */
export function scheduleProblemText(
  lang: Lang,
  problem: string,
  datasetLabel: (name: string) => string,
): string {
  const often = RUNS_TOO_OFTEN.exec(problem);
  if (often) {
    const n = Number(often[1]);
    return t(
      lang,
      n === 1 ? "schedule.problem.everyMinute" : "schedule.problem.tooOften",
      {
        n,
        dataset: datasetLabel(often[2]),
        min: Number(often[3]),
      },
    );
  }
  const key = PROBLEMS[problem];
  return key && hasSyncMessage(key)
    ? t(lang, key)
    : t(lang, "schedule.problem.invalid");
}
