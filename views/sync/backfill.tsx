// A running backfill in words: how far it has come (windows, reports or
// pages done of total), roughly how long is left at the pace so far (which
// Amazon's rate limits set), and why it takes that long (issue 13).
import type { Lang } from "../i18n.ts";
import { t } from "./messages.ts";

/** What the estimate reads of a running run. */
export interface BackfillRun {
  startedAt: Date;
  heartbeatAt?: Date | null;
  progress: unknown;
}

/**
 * Milliseconds left at the pace so far, or null when it cannot be told yet
 * (nothing done, no total, or done).
 *
 * @example
 * etaMs({ startedAt: new Date(0), heartbeatAt: new Date(60_000), progress: { done: 1, total: 4 } }); // 180000
 */
export function etaMs(run: BackfillRun, now = Date.now()): number | null {
  const p = (run.progress ?? {}) as { done?: unknown; total?: unknown };
  const done = typeof p.done === "number" ? p.done : 0;
  const total = typeof p.total === "number" ? p.total : 0;
  if (!(done > 0) || !(total > done)) return null;
  const until = Math.min(now, (run.heartbeatAt ?? new Date(now)).getTime());
  const spent = until - run.startedAt.getTime();
  if (!(spent > 0)) return null;
  return (spent / done) * (total - done);
}

/** "about 3 min", "under a minute", "about 2 h 10 min" in `lang`. */
export function formatDuration(lang: Lang, ms: number): string {
  const min = Math.round(ms / 60_000);
  const fmt = (value: number, unit: "hour" | "minute" | "second") =>
    new Intl.NumberFormat(lang, {
      style: "unit",
      unit,
      unitDisplay: "short",
      maximumFractionDigits: 0,
    }).format(value);
  if (ms < 60_000) return fmt(Math.max(1, Math.round(ms / 1000)), "second");
  if (min < 60) return fmt(min, "minute");
  const h = Math.floor(min / 60);
  return `${fmt(h, "hour")} ${fmt(min % 60, "minute")}`;
}

/** The sentence under a running run's progress bar. */
export function BackfillEstimate(p: { lang: Lang; run: BackfillRun }) {
  const pr = (p.run.progress ?? {}) as { done?: unknown; total?: unknown };
  if (typeof pr.done !== "number" || typeof pr.total !== "number") return null;
  if (!(pr.total > 0)) return null;
  const eta = etaMs(p.run);
  return (
    <small class="backfill-estimate" data-backfill>
      {t(p.lang, "sync.backfill.done", {
        done: new Intl.NumberFormat(p.lang).format(pr.done),
        total: new Intl.NumberFormat(p.lang).format(pr.total),
      })}
      {eta !== null && (
        <>
          {" · "}
          <span data-eta-ms={Math.round(eta)}>
            {t(p.lang, "sync.backfill.eta", {
              eta: formatDuration(p.lang, eta),
            })}
          </span>
        </>
      )}
      <br />
      {t(p.lang, "sync.backfill.why")}
    </small>
  );
}
