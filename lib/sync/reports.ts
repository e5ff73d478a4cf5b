// Report access for datasets: the Reports API dependencies of a sync run.
import type { ReportDeps } from "../amazon/reports.ts";
import type { SyncContext } from "./dataset.ts";

/** The ReportDeps of a run: its client, store, settings and abort signal. */
export function reportDepsOf(ctx: SyncContext): ReportDeps {
  return {
    sp: ctx.sp,
    db: ctx.db,
    kv: ctx.amazon.kv,
    storeId: ctx.store.storeId,
    region: ctx.store.region,
    fetch: ctx.amazon.fetch,
    now: ctx.amazon.now,
    sleep: ctx.amazon.sleep,
    signal: ctx.signal,
    onWarning: (w) => {
      ctx.log.warn("report document text not decodable", {
        storeId: ctx.store.storeId,
        reportDocumentId: w.source,
      });
      ctx.badRow(w);
    },
    freshnessMinutes: ctx.settings.reportFreshnessMinutes,
    fatalCooldownMinutes: ctx.settings.reportFatalCooldownMinutes,
    pollMs: ctx.settings.reportPollMs,
    timeoutMs: ctx.settings.reportTimeoutMs,
  };
}
