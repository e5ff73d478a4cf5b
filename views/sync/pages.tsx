// The sync pages: per dataset the last run and the current one (polled by
// htmx while anything is queued or running), run now / retry, the run
// history with filters and keyset pages, one run with its bad rows, and
// the admins' schedule editor.
import type { Lang } from "../i18n.ts";
import { StateBadge, statesOf } from "../badge.tsx";
import { formatNumber, UTC } from "../format.ts";
import { Time } from "../time.tsx";
import { word } from "../words.ts";
import { hasSyncMessage, type SyncMessageKey, t } from "./messages.ts";
import { stepInWords } from "./progress_words.ts";
import { scheduleInWords } from "./schedule_words.ts";
import { BackfillEstimate } from "./backfill.tsx";

/** What the pages show of a run (lib/sync/status.ts SyncRun fits). */
export interface SyncRun {
  id: string;
  dataset: string;
  trigger: string;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  pages: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsSkipped: number;
  apiCalls: number;
  throttles: number;
  emptyReason: string | null;
  error: string | null;
  progress: unknown;
  badRowCount: number;
  /** The running run's last write (the backfill estimate reads it). */
  heartbeatAt?: Date | null;
}

export interface DatasetStatus {
  dataset: string;
  api: string;
  last: SyncRun | null;
  active: SyncRun | null;
}

export interface BadRow {
  line: number;
  source: string;
  reason: string;
}

export interface JobSchedule {
  name: string;
  dataset: string;
  defaultSchedule: string;
  schedule: string;
  enabled: boolean;
  custom: boolean;
}

/** A dataset's name in `lang` ("Orders and items" for `orders`). */
export function datasetLabel(lang: Lang, name: string): string {
  const key = `dataset.${name}`;
  return hasSyncMessage(key) ? t(lang, key) : name;
}

function emptyText(lang: Lang, reason: string | null): string | null {
  if (!reason) return null;
  const [code, ...rest] = reason.split(": ");
  const key = `empty.${code}`;
  const base = hasSyncMessage(key) ? t(lang, key as SyncMessageKey) : code;
  return rest.length ? `${base}: ${rest.join(": ")}` : base;
}

function StatusBadge(p: { lang: Lang; status: string }) {
  return <StateBadge lang={p.lang} kind="run" state={p.status} />;
}

function Progress(p: { lang: Lang; run: SyncRun }) {
  const pr = (p.run.progress ?? {}) as {
    done?: number;
    total?: number;
    step?: string;
  };
  return (
    <div>
      {typeof pr.done === "number" && typeof pr.total === "number" &&
          pr.total > 0
        ? (
          <progress
            value={pr.done}
            max={pr.total}
            aria-label={t(p.lang, "sync.progress", {
              done: formatNumber(p.lang, pr.done),
              total: formatNumber(p.lang, pr.total),
            })}
          />
        )
        : <progress aria-label={t(p.lang, "sync.running")} />}
      <small>
        {pr.step ? `${stepInWords(p.lang, pr.step)} · ` : ""}
        {t(p.lang, "sync.progress.rows", {
          rows: formatNumber(p.lang, p.run.rowsInserted + p.run.rowsUpdated),
          calls: formatNumber(p.lang, p.run.apiCalls),
        })}
      </small>
      <br />
      <BackfillEstimate lang={p.lang} run={p.run} />
    </div>
  );
}

function Rows(p: { lang: Lang; run: SyncRun }) {
  const n = (v: number) => formatNumber(p.lang, v);
  return (
    <>
      {n(p.run.rowsInserted)} / {n(p.run.rowsUpdated)} /{" "}
      <abbr title={t(p.lang, "sync.rows.skippedHelp")}>
        {n(p.run.rowsSkipped)}
      </abbr>
    </>
  );
}

/** Calls and, in brackets, how many were throttled. */
function Calls(p: { lang: Lang; run: SyncRun }) {
  return (
    <>
      {formatNumber(p.lang, p.run.apiCalls)} (
      {formatNumber(p.lang, p.run.throttles)})
    </>
  );
}

export interface SyncStatusProps {
  lang: Lang;
  /** The reader's time zone. */
  zone?: string;
  storeId: string;
  statuses: DatasetStatus[];
  canRun: boolean;
  connected: boolean;
}

/** The per-dataset table; re-fetched every 2 s while a run is active. */
export function SyncStatusTable(p: SyncStatusProps) {
  const active = p.statuses.some((s) => s.active);
  return (
    <section
      id="sync-status"
      data-hx-get={active ? `/stores/${p.storeId}/sync/status` : undefined}
      data-hx-trigger={active ? "every 2s" : undefined}
      data-hx-swap="outerHTML"
      aria-live="polite"
    >
      <div class="overflow-auto">
        <table class="striped">
          <thead>
            <tr>
              <th scope="col">{t(p.lang, "sync.col.dataset")}</th>
              <th scope="col">{t(p.lang, "sync.col.last")}</th>
              <th scope="col">{t(p.lang, "sync.col.rows")}</th>
              <th scope="col">{t(p.lang, "sync.col.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {p.statuses.map((s) => (
              <tr data-dataset={s.dataset}>
                <th scope="row">
                  {datasetLabel(p.lang, s.dataset)}
                  <br />
                  <small>
                    {t(p.lang, "sync.api", {
                      api: word(p.lang, "api", s.api),
                    })}
                  </small>
                </th>
                <td>
                  {s.active
                    ? (
                      <>
                        <StatusBadge lang={p.lang} status={s.active.status} />
                        {s.active.status === "running" && (
                          <Progress lang={p.lang} run={s.active} />
                        )}
                      </>
                    )
                    : s.last
                    ? (
                      <>
                        <StatusBadge lang={p.lang} status={s.last.status} />
                        {" "}
                        <a href={`/stores/${p.storeId}/sync/runs/${s.last.id}`}>
                          <Time
                            at={s.last.finishedAt ?? s.last.startedAt}
                            zone={p.zone ?? UTC}
                            precision="seconds"
                          />
                        </a>
                        {s.last.status === "interrupted" && (
                          <>
                            <br />
                            <small>
                              {t(p.lang, "sync.interrupted.resumes")}
                            </small>
                          </>
                        )}
                        {s.last.error && (
                          <>
                            <br />
                            <small>{s.last.error}</small>
                          </>
                        )}
                        {s.last.emptyReason && (
                          <>
                            <br />
                            <small>
                              {emptyText(p.lang, s.last.emptyReason)}
                            </small>
                          </>
                        )}
                      </>
                    )
                    : <span class="empty">{t(p.lang, "sync.never")}</span>}
                </td>
                <td>{s.last ? <Rows lang={p.lang} run={s.last} /> : "—"}</td>
                <td>
                  {p.canRun && p.connected && !s.active && (
                    <form
                      method="post"
                      action={s.last?.status === "failed"
                        ? `/stores/${p.storeId}/sync/runs/${s.last.id}/retry`
                        : `/stores/${p.storeId}/sync/${s.dataset}/run`}
                    >
                      <button type="submit" class="outline">
                        {s.last?.status === "failed"
                          ? t(p.lang, "sync.retry")
                          : t(p.lang, "sync.runNow")}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        <small>{t(p.lang, "sync.rows.note")}</small>
      </p>
    </section>
  );
}

export interface SyncPageProps extends SyncStatusProps {
  storeName: string;
  storeStatus: string;
  notice?: string;
  error?: string;
  runs: SyncRun[];
  filter: { dataset?: string; status?: string };
  datasets: string[];
  nextHref: string | null;
}

/** /stores/:id/sync */
export function SyncPage(p: SyncPageProps) {
  return (
    <>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href={`/stores/${p.storeId}`}>{p.storeName}</a>
          </li>
          <li>{t(p.lang, "sync.title")}</li>
        </ul>
      </nav>
      <h1>{t(p.lang, "sync.title")}</h1>
      <p>
        {t(p.lang, "sync.intro")}{" "}
        <a href={`/stores/${p.storeId}/api-log`}>{t(p.lang, "apilog.link")}</a>
      </p>
      {!p.connected && (
        <p role="alert">
          {t(p.lang, "sync.notConnected", {
            status: word(p.lang, "store", p.storeStatus),
          })}
        </p>
      )}
      {p.notice && <p role="status">{p.notice}</p>}
      {p.error && <p role="alert">{p.error}</p>}
      <SyncStatusTable {...p} />
      <h2>{t(p.lang, "sync.history")}</h2>
      <form method="get" action={`/stores/${p.storeId}/sync`}>
        <fieldset role="group">
          <select name="dataset" aria-label={t(p.lang, "sync.filter.dataset")}>
            <option value="">{t(p.lang, "sync.filter.any")}</option>
            {p.datasets.map((d) => (
              <option value={d} selected={p.filter.dataset === d}>
                {datasetLabel(p.lang, d)}
              </option>
            ))}
          </select>
          <select name="status" aria-label={t(p.lang, "sync.filter.status")}>
            <option value="">{t(p.lang, "sync.filter.any")}</option>
            {statesOf("run").map((s) => (
              <option value={s} selected={p.filter.status === s}>
                {word(p.lang, "run", s)}
              </option>
            ))}
          </select>
          <button type="submit">{t(p.lang, "sync.filter.apply")}</button>
          <a role="button" class="secondary" href={`/stores/${p.storeId}/sync`}>
            {t(p.lang, "sync.filter.clear")}
          </a>
        </fieldset>
      </form>
      {p.runs.length === 0
        ? (
          <p class="empty">
            {p.filter.dataset || p.filter.status
              ? t(p.lang, "sync.empty")
              : t(p.lang, "sync.empty.none")}
          </p>
        )
        : (
          <div class="overflow-auto">
            <table class="striped" id="sync-runs">
              <thead>
                <tr>
                  <th scope="col">{t(p.lang, "sync.col.started")}</th>
                  <th scope="col">{t(p.lang, "sync.col.dataset")}</th>
                  <th scope="col">{t(p.lang, "sync.col.trigger")}</th>
                  <th scope="col">{t(p.lang, "sync.col.status")}</th>
                  <th scope="col">{t(p.lang, "sync.col.pages")}</th>
                  <th scope="col">{t(p.lang, "sync.col.rows")}</th>
                  <th scope="col">{t(p.lang, "sync.col.calls")}</th>
                </tr>
              </thead>
              <tbody>
                {p.runs.map((r) => (
                  <tr>
                    <td>
                      <a href={`/stores/${p.storeId}/sync/runs/${r.id}`}>
                        <Time
                          at={r.startedAt}
                          zone={p.zone ?? UTC}
                          precision="seconds"
                        />
                      </a>
                    </td>
                    <td>{datasetLabel(p.lang, r.dataset)}</td>
                    <td>{word(p.lang, "trigger", r.trigger)}</td>
                    <td>
                      <StatusBadge lang={p.lang} status={r.status} />
                    </td>
                    <td class="num">{formatNumber(p.lang, r.pages)}</td>
                    <td class="num">
                      <Rows lang={p.lang} run={r} />
                    </td>
                    <td class="num">
                      <Calls lang={p.lang} run={r} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      {p.nextHref && (
        <p>
          <a href={p.nextHref}>{t(p.lang, "sync.more")} →</a>
        </p>
      )}
    </>
  );
}

/** /stores/:id/sync/runs/:runId */
export function SyncRunPage(
  p: {
    lang: Lang;
    zone?: string;
    storeId: string;
    run: SyncRun & { badRowList: BadRow[] };
  },
) {
  const r = p.run;
  return (
    <>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href={`/stores/${p.storeId}/sync`}>{t(p.lang, "sync.title")}</a>
          </li>
          <li>{t(p.lang, "sync.run.title")}</li>
        </ul>
      </nav>
      <h1>
        {datasetLabel(p.lang, r.dataset)}{" "}
        <StatusBadge lang={p.lang} status={r.status} />
      </h1>
      <table>
        <tbody>
          <tr>
            <th scope="row">{t(p.lang, "sync.col.started")}</th>
            <td>
              <Time at={r.startedAt} zone={p.zone ?? UTC} precision="seconds" />
            </td>
          </tr>
          <tr>
            <th scope="row">{t(p.lang, "sync.col.finished")}</th>
            <td>
              <Time
                at={r.finishedAt}
                zone={p.zone ?? UTC}
                precision="seconds"
              />
            </td>
          </tr>
          <tr>
            <th scope="row">{t(p.lang, "sync.col.trigger")}</th>
            <td>{word(p.lang, "trigger", r.trigger)}</td>
          </tr>
          <tr>
            <th scope="row">{t(p.lang, "sync.col.pages")}</th>
            <td>{formatNumber(p.lang, r.pages)}</td>
          </tr>
          <tr>
            <th scope="row">{t(p.lang, "sync.col.rows")}</th>
            <td>
              <Rows lang={p.lang} run={r} />
            </td>
          </tr>
          <tr>
            <th scope="row">{t(p.lang, "sync.col.calls")}</th>
            <td>
              <Calls lang={p.lang} run={r} />
            </td>
          </tr>
          {r.error && (
            <tr>
              <th scope="row">{t(p.lang, "sync.run.error")}</th>
              <td>{r.error}</td>
            </tr>
          )}
          {r.emptyReason && (
            <tr>
              <th scope="row">{t(p.lang, "sync.run.empty")}</th>
              <td>{emptyText(p.lang, r.emptyReason)}</td>
            </tr>
          )}
        </tbody>
      </table>
      {r.status === "running" && <Progress lang={p.lang} run={r} />}
      <p>
        <small>{t(p.lang, "sync.rows.note")}</small>
      </p>
      {r.badRowCount > 0 && (
        <>
          <h2>{t(p.lang, "sync.run.badRows")}</h2>
          <p>
            {t(p.lang, "sync.run.badRows.note", {
              count: formatNumber(p.lang, r.badRowCount),
            })}
          </p>
          <table class="striped" id="bad-rows">
            <thead>
              <tr>
                <th scope="col">{t(p.lang, "sync.run.source")}</th>
                <th scope="col">{t(p.lang, "sync.run.line")}</th>
                <th scope="col">{t(p.lang, "sync.run.reason")}</th>
              </tr>
            </thead>
            <tbody>
              {r.badRowList.map((b) => (
                <tr>
                  <td>
                    <code>{b.source}</code>
                  </td>
                  <td class="num">{formatNumber(p.lang, b.line)}</td>
                  <td>{b.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <p>
        <a href={`/stores/${p.storeId}/sync`}>← {t(p.lang, "sync.run.back")}</a>
      </p>
    </>
  );
}

/** A schedule that was not saved: what was typed, and why. */
export interface InvalidSchedule {
  name: string;
  schedule: string;
  enabled: boolean;
  problem: string;
}

/** /admin/jobs */
export function JobsPage(
  p: {
    lang: Lang;
    zone?: string;
    jobs: (JobSchedule & { next: Date | null })[];
    /** Jobs with a fixed schedule (the retention purge), shown, not edited. */
    fixed?: { name: string; schedule: string; next: Date | null }[];
    /** Whether the reader may change schedules (and so sees the cron). */
    canEdit: boolean;
    /** The schedule just refused, shown beside its field. */
    invalid?: InvalidSchedule | null;
    notice?: string;
    error?: string;
  },
) {
  return (
    <>
      <h1>{t(p.lang, "jobs.title")}</h1>
      <p>{t(p.lang, "jobs.intro")}</p>
      {p.notice && <p role="status">{p.notice}</p>}
      {p.error && <p role="alert">{p.error}</p>}
      {p.canEdit && (
        <p>
          <small>{t(p.lang, "jobs.cron.help")}</small>
        </p>
      )}
      <div class="overflow-auto">
        <table class="striped" id="jobs">
          <thead>
            <tr>
              <th scope="col">{t(p.lang, "jobs.col.job")}</th>
              <th scope="col">{t(p.lang, "jobs.col.schedule")}</th>
              <th scope="col">{t(p.lang, "jobs.col.state")}</th>
              <th scope="col">{t(p.lang, "jobs.col.next")}</th>
            </tr>
          </thead>
          <tbody>
            {p.jobs.map((j) => (
              <JobRow
                lang={p.lang}
                zone={p.zone}
                job={j}
                canEdit={p.canEdit}
                invalid={p.invalid?.name === j.name ? p.invalid : null}
              />
            ))}
            {(p.fixed ?? []).map((j) => (
              <tr id="job-retention-purge" data-job={j.name}>
                <th scope="row">
                  <a href="/retention">{t(p.lang, "jobs.purge")}</a>
                </th>
                <td>
                  {scheduleInWords(p.lang, j.schedule)}
                  <br />
                  <small>{t(p.lang, "jobs.purge.note")}</small>
                </td>
                <td>
                  <StateBadge lang={p.lang} kind="job" state="enabled" />
                </td>
                <td>
                  <Time at={j.next} zone={p.zone ?? UTC} precision="seconds" />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function JobRow(
  p: {
    lang: Lang;
    zone?: string;
    job: JobSchedule & { next: Date | null };
    canEdit: boolean;
    invalid: InvalidSchedule | null;
  },
) {
  const j = p.job;
  const id = `job-${j.dataset}`;
  const label = datasetLabel(p.lang, j.dataset);
  const words = (cron: string) => (
    <span
      title={p.canEdit ? t(p.lang, "jobs.cron.title", { cron }) : undefined}
    >
      {scheduleInWords(p.lang, cron)}
    </span>
  );
  return (
    <tr id={id} data-job={j.name}>
      <th scope="row">{label}</th>
      <td>
        {words(j.schedule)}
        {p.canEdit && (
          <form method="post" action={`/admin/jobs/${j.name}`}>
            <fieldset role="group">
              <input
                name="schedule"
                value={p.invalid?.schedule ?? j.schedule}
                required
                maxlength={100}
                aria-label={`${t(p.lang, "jobs.col.cron")}: ${label}`}
                aria-invalid={p.invalid ? "true" : undefined}
                aria-describedby={p.invalid ? `${id}-error` : undefined}
              />
              <label>
                <input
                  type="checkbox"
                  role="switch"
                  name="enabled"
                  value="on"
                  checked={p.invalid ? p.invalid.enabled : j.enabled}
                />
                {t(p.lang, "jobs.col.enabled")}
              </label>
              <button type="submit">{t(p.lang, "jobs.save")}</button>
            </fieldset>
            {p.invalid && (
              <small id={`${id}-error`} class="field-error" role="alert">
                {t(p.lang, "jobs.notSaved", { problem: p.invalid.problem })}
              </small>
            )}
            <small>
              {t(p.lang, "jobs.col.default")}: {words(j.defaultSchedule)}
              {j.custom && (
                <>
                  {" "}
                  <button
                    type="submit"
                    name="reset"
                    value="1"
                    class="secondary outline"
                  >
                    {t(p.lang, "jobs.reset")}
                  </button>
                </>
              )}
            </small>
          </form>
        )}
      </td>
      <td>
        <StateBadge
          lang={p.lang}
          kind="job"
          state={j.enabled ? "enabled" : "paused"}
        />
      </td>
      <td>
        {j.enabled
          ? <Time at={j.next} zone={p.zone ?? UTC} precision="seconds" />
          : "—"}
      </td>
    </tr>
  );
}
