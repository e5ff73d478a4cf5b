// /retention: the rules (editable with retention.manage), the oldest
// remaining rows against their limits (red when over), legal holds, and
// recent purge records (counts only). Plain data in, HTML out.
import type { Lang } from "../i18n.ts";
import { UTC } from "../format.ts";
import { Time, TimeIn } from "../time.tsx";
import { retentionCatalogue } from "./messages.ts";
import { RowsChart, type RowsHistory } from "./chart.tsx";

export interface RetentionPageProps {
  lang: Lang;
  /** The reader's time zone. */
  zone?: string;
  canManage: boolean;
  error?: "limit" | "invalid" | "unknown" | null;
  /** A refused legal hold: what was typed, and which fields were wrong. */
  holdForm?: Record<string, string>;
  holdErrors?: Record<string, "date" | "range" | "invalid">;
  notice?: boolean;
  nextPurge: Date | null;
  rules: {
    category: string;
    days: number;
    fallbackDays: number | null;
    reason: string;
    updatedAt: Date;
    purged: boolean;
    inert: string | null;
  }[];
  states: {
    category: string;
    days: number;
    oldest: Date | null;
    limit: Date;
    overdue: number;
  }[];
  /** May record Amazon's deletion requests (a link to their page). */
  canRequestDeletion?: boolean;
  history: RowsHistory;
  page: { n: number; of: number };
  holds: {
    id: string;
    storeId: string | null;
    category: string | null;
    /** The hold's days as they were entered (YYYY-MM-DD), either may be empty. */
    from: string;
    to: string;
    recordIds: string;
    reason: string;
    owner: string;
    reviewOn: string;
    released: boolean;
  }[];
  records: {
    storeId: string | null;
    category: string;
    table: string | null;
    ruleDays: number;
    dryRun: boolean;
    rowsDue: number;
    rowsDeleted: number;
    rowsHeld: number;
    status: string;
    startedAt: Date;
  }[];
}

/** Whether `v` is a real YYYY-MM-DD day (a date field may only hold one). */
function isoDay(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) &&
    d.getUTCDate() === Number(v.slice(8)) &&
    d.getUTCMonth() + 1 === Number(v.slice(5, 7));
}

export function RetentionPage(p: RetentionPageProps) {
  const t = retentionCatalogue.translator(p.lang);
  const zone = p.zone ?? UTC;
  const holdErrors = p.holdErrors ?? {};
  const typed = (k: string) => p.holdForm?.[k] ?? "";
  const holdError = (k: string) =>
    holdErrors[k]
      ? (
        <small id={`hold-${k}-error`} class="error">
          {t(`retention.error.hold.${holdErrors[k]}`)}
        </small>
      )
      : null;
  const holdField = (k: string) => ({
    "aria-invalid": holdErrors[k] ? "true" : undefined,
    "aria-describedby": holdErrors[k] ? `hold-${k}-error` : undefined,
  });
  // A date field: the browser's picker shows the reader's locale but sends
  // YYYY-MM-DD, which the server checks (lib/validation.ts calendarDate).
  const dateField = (k: string, required = false) => (
    <input
      type="date"
      name={k}
      value={isoDay(typed(k)) ? typed(k) : ""}
      required={required}
      {...holdField(k)}
    />
  );
  return (
    <>
      <hgroup>
        <h1>{t("retention.title")}</h1>
        <p>{t("retention.intro")}</p>
      </hgroup>
      {p.error && (
        <p role="alert" class="error">{t(`retention.error.${p.error}`)}</p>
      )}
      {p.notice && <p role="status">{t("retention.queued")}</p>}
      <p>
        <TimeIn
          text={(at) => t("retention.nextPurge", { at })}
          at={p.nextPurge}
          zone={zone}
        />
      </p>
      <p>
        <a href="/archives">{t("archives.link")}</a>
      </p>
      {p.canManage && (
        <form method="post" action="/retention/run">
          <button type="submit" name="dryRun" value="false">
            {t("retention.runNow")}
          </button>{" "}
          <button type="submit" name="dryRun" value="true" class="secondary">
            {t("retention.dryRun")}
          </button>
        </form>
      )}
      <h2>{t("retention.rules")}</h2>
      <table class="striped">
        <thead>
          <tr>
            <th>{t("retention.col.category")}</th>
            <th>{t("retention.col.days")}</th>
            <th>{t("retention.col.fallback")}</th>
            <th>{t("retention.col.reason")}</th>
            <th>{t("retention.col.purged")}</th>
            <th>{t("retention.col.updated")}</th>
          </tr>
        </thead>
        <tbody>
          {p.rules.map((r) => (
            <tr id={`rule-${r.category}`}>
              <td>
                <code>{r.category}</code>
              </td>
              {p.canManage
                ? (
                  <td colspan={3}>
                    <form method="post" action="/retention/rules" class="row">
                      <input type="hidden" name="category" value={r.category} />
                      <input
                        type="number"
                        name="days"
                        min="1"
                        value={String(r.days)}
                        aria-label={t("retention.col.days")}
                      />
                      <input
                        type="number"
                        name="fallbackDays"
                        min="1"
                        value={r.fallbackDays === null
                          ? ""
                          : String(r.fallbackDays)}
                        aria-label={t("retention.col.fallback")}
                      />
                      <input
                        type="text"
                        name="reason"
                        required
                        minlength={3}
                        value={r.reason}
                        aria-label={t("retention.col.reason")}
                      />
                      <button type="submit">{t("retention.save")}</button>
                    </form>
                  </td>
                )
                : (
                  <>
                    <td>{r.days}</td>
                    <td>{r.fallbackDays ?? "—"}</td>
                    <td>{r.reason}</td>
                  </>
                )}
              <td>
                {r.purged
                  ? t("retention.yes")
                  : r.inert
                  ? t("retention.inert", { why: r.inert })
                  : t("retention.no")}
              </td>
              <td>
                <Time at={r.updatedAt} zone={zone} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {p.canRequestDeletion && (
        <p>
          <a href="/retention/deletion-requests">
            {t("retention.deletion.link")}
          </a>
        </p>
      )}
      <h2 id="state">{t("retention.state")}</h2>
      <table class="striped">
        <thead>
          <tr>
            <th>{t("retention.col.category")}</th>
            <th>{t("retention.col.oldest")}</th>
            <th>{t("retention.col.limit")}</th>
            <th>{t("retention.col.overdue")}</th>
            <th>{t("retention.col.next")}</th>
          </tr>
        </thead>
        <tbody>
          {p.states.map((s) => (
            <tr
              id={`state-${s.category}`}
              class={s.overdue > 0 ? "over-limit" : undefined}
            >
              <td>
                <code>{s.category}</code>
              </td>
              <td>
                <Time at={s.oldest} zone={zone} precision="day" />
              </td>
              <td>
                <Time at={s.limit} zone={zone} precision="day" /> ({s.days})
              </td>
              <td>
                {s.overdue > 0
                  ? <strong>⚠ {t("retention.over", { n: s.overdue })}</strong>
                  : t("retention.within")}
              </td>
              <td>
                <Time at={p.nextPurge} zone={zone} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2 id="chart">{t("retention.chart")}</h2>
      <RowsChart
        history={p.history}
        title={t("retention.chart")}
        desc={t("retention.chart.desc")}
        tableLabel={t("retention.chart.table")}
        dayLabel={t("retention.chart.day")}
        none={t("retention.none")}
      />
      <h2>{t("retention.holds")}</h2>
      {p.holds.length === 0
        ? <p>{t("retention.none")}</p>
        : (
          <table class="striped">
            <thead>
              <tr>
                <th>{t("retention.col.scope")}</th>
                <th>{t("retention.col.reason")}</th>
                <th>{t("retention.col.owner")}</th>
                <th>{t("retention.col.review")}</th>
                <th>{t("retention.col.status")}</th>
              </tr>
            </thead>
            <tbody>
              {p.holds.map((h) => (
                <tr>
                  <td>
                    {h.storeId ?? t("retention.allStores")} ·{" "}
                    {h.category ?? t("retention.allCategories")}
                    {(h.from || h.to) && (
                      <>
                        · {h.from || "…"}–{h.to || "…"}
                      </>
                    )}
                    {h.recordIds && <>· {h.recordIds}</>}
                  </td>
                  <td>{h.reason}</td>
                  <td>{h.owner}</td>
                  <td>{h.reviewOn}</td>
                  <td>
                    {h.released ? t("retention.released") : (
                      <>
                        {t("retention.active")}
                        {p.canManage && (
                          <form
                            method="post"
                            action={`/retention/holds/${h.id}/release`}
                          >
                            <input
                              type="text"
                              name="reason"
                              required
                              minlength={3}
                              aria-label={t("retention.field.reason")}
                            />
                            <button type="submit" class="secondary">
                              {t("retention.release")}
                            </button>
                          </form>
                        )}
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      {p.canManage && (
        <details open={Object.keys(holdErrors).length > 0}>
          <summary>{t("retention.newHold")}</summary>
          <form method="post" action="/retention/holds" id="new-hold">
            <label>
              {t("retention.field.store")}
              <input
                type="text"
                name="storeId"
                value={typed("storeId")}
                {...holdField("storeId")}
              />
              {holdError("storeId")}
            </label>
            <label>
              {t("retention.field.category")}
              <input
                type="text"
                name="category"
                value={typed("category")}
                {...holdField("category")}
              />
              {holdError("category")}
            </label>
            <label>
              {t("retention.field.from")}
              {dateField("fromAt")}
              {holdError("fromAt")}
            </label>
            <label>
              {t("retention.field.to")}
              {dateField("toAt")}
              {holdError("toAt")}
            </label>
            <label>
              {t("retention.field.records")}
              <input
                type="text"
                name="recordIds"
                value={typed("recordIds")}
                {...holdField("recordIds")}
              />
              {holdError("recordIds")}
            </label>
            <label>
              {t("retention.field.reason")}
              <input
                type="text"
                name="reason"
                required
                minlength={3}
                value={typed("reason")}
                {...holdField("reason")}
              />
              {holdError("reason")}
            </label>
            <label>
              {t("retention.field.owner")}
              <input
                type="text"
                name="owner"
                required
                value={typed("owner")}
                {...holdField("owner")}
              />
              {holdError("owner")}
            </label>
            <label>
              {t("retention.field.review")}
              {dateField("reviewOn", true)}
              {holdError("reviewOn")}
            </label>
            <button type="submit">{t("retention.newHold")}</button>
          </form>
        </details>
      )}
      <h2 id="records">{t("retention.records")}</h2>
      {p.records.length === 0
        ? <p>{t("retention.none")}</p>
        : (
          <table class="striped">
            <thead>
              <tr>
                <th>{t("retention.col.started")}</th>
                <th>{t("retention.col.store")}</th>
                <th>{t("retention.col.category")}</th>
                <th>{t("retention.col.table")}</th>
                <th>{t("retention.col.rule")}</th>
                <th>{t("retention.col.due")}</th>
                <th>{t("retention.col.deleted")}</th>
                <th>{t("retention.col.held")}</th>
                <th>{t("retention.col.status")}</th>
              </tr>
            </thead>
            <tbody>
              {p.records.map((r) => (
                <tr>
                  <td>
                    <Time at={r.startedAt} zone={zone} />
                  </td>
                  <td>
                    {r.storeId ? <code>{r.storeId}</code> : "—"}
                  </td>
                  <td>{r.category}</td>
                  <td>{r.table ?? "—"}</td>
                  <td>{r.ruleDays}</td>
                  <td>{r.rowsDue}</td>
                  <td>{r.rowsDeleted}</td>
                  <td>{r.rowsHeld}</td>
                  <td>
                    {r.status}
                    {r.dryRun && <>({t("retention.dryRun")})</>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      {p.page.of > 1 && (
        <nav aria-label={t("retention.records")}>
          <ul>
            {p.page.n > 1 && (
              <li>
                <a href={`/retention?page=${p.page.n - 1}#records`}>
                  {t("retention.prev")}
                </a>
              </li>
            )}
            <li>{t("retention.page", { n: p.page.n, of: p.page.of })}</li>
            {p.page.n < p.page.of && (
              <li>
                <a href={`/retention?page=${p.page.n + 1}#records`}>
                  {t("retention.next")}
                </a>
              </li>
            )}
          </ul>
        </nav>
      )}
    </>
  );
}
