// The auditor's page: filter the trail, page through it, verify the chain,
// export what is shown as CSV.
import type { Lang } from "../i18n.ts";
import { translator } from "../i18n.ts";

export interface AuditRowView {
  id: number;
  at: string;
  actorType: string;
  actorId: string | null;
  action: string;
  target: string | null;
  storeName: string | null;
  outcome: string;
  ip: string | null;
  requestId: string | null;
  details: string;
}

export interface AuditPageProps {
  lang: Lang;
  filter: {
    actor?: string;
    action?: string;
    store?: string;
    from?: string;
    to?: string;
  };
  stores: { id: string; name: string }[];
  rows: AuditRowView[];
  /** Query string for the next (older) page, or null at the end. */
  nextQuery: string | null;
  exportQuery: string;
  error?: string | null;
}

export function AuditPage(p: AuditPageProps) {
  const t = translator(p.lang);
  return (
    <>
      <hgroup>
        <h1>{t("audit.title")}</h1>
        <p>{t("audit.intro")}</p>
      </hgroup>
      <form method="get" action="/audit" class="filters">
        <fieldset class="grid">
          <label>
            {t("audit.actor")}
            <input name="actor" value={p.filter.actor ?? ""} maxlength={64} />
          </label>
          <label>
            {t("audit.action")}
            <input
              name="action"
              value={p.filter.action ?? ""}
              placeholder="auth."
              maxlength={64}
            />
          </label>
          <label>
            {t("audit.store")}
            <select name="store">
              <option value="">{t("audit.anyStore")}</option>
              {p.stores.map((s) => (
                <option value={s.id} selected={p.filter.store === s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("audit.from")}
            <input type="date" name="from" value={p.filter.from ?? ""} />
          </label>
          <label>
            {t("audit.to")}
            <input type="date" name="to" value={p.filter.to ?? ""} />
          </label>
        </fieldset>
        <div class="actions">
          <button type="submit">{t("audit.filter")}</button>
          <a role="button" class="secondary" href="/audit">
            {t("audit.reset")}
          </a>
          <a
            role="button"
            class="outline"
            href={`/audit/export.csv?${p.exportQuery}`}
          >
            {t("audit.export")}
          </a>
        </div>
      </form>
      {p.error && <p role="alert" class="error">{p.error}</p>}
      <section>
        <form
          method="post"
          action="/audit/verify"
          hx-post="/audit/verify"
          hx-target="#verify-result"
          hx-swap="innerHTML"
        >
          <button type="submit" class="secondary">
            {t("audit.verify")}
            <span class="htmx-indicator" aria-hidden="true">…</span>
          </button>
        </form>
        <div id="verify-result" aria-live="polite"></div>
      </section>
      {p.rows.length === 0
        ? <p class="empty">{t("audit.empty")}</p>
        : (
          <div class="overflow-auto">
            <table class="striped">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">{t("audit.time")}</th>
                  <th scope="col">{t("audit.actor")}</th>
                  <th scope="col">{t("audit.action")}</th>
                  <th scope="col">{t("audit.target")}</th>
                  <th scope="col">{t("audit.store")}</th>
                  <th scope="col">{t("audit.outcome")}</th>
                  <th scope="col">IP</th>
                  <th scope="col">{t("audit.details")}</th>
                </tr>
              </thead>
              <tbody>
                {p.rows.map((r) => (
                  <tr>
                    <td>{r.id}</td>
                    <td>
                      <time datetime={r.at}>
                        {r.at.replace("T", " ").slice(0, 19)}
                      </time>
                    </td>
                    <td>
                      {r.actorType}
                      {r.actorId && <br />}
                      {r.actorId && <small>{r.actorId}</small>}
                    </td>
                    <td>
                      <code>{r.action}</code>
                    </td>
                    <td>{r.target ?? ""}</td>
                    <td>{r.storeName ?? ""}</td>
                    <td>
                      <span class={`badge ${r.outcome}`}>{r.outcome}</span>
                    </td>
                    <td>{r.ip ?? ""}</td>
                    <td>
                      <small>
                        <code>{r.details}</code>
                      </small>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      {p.nextQuery && (
        <nav aria-label={t("audit.pages")}>
          <a role="button" class="secondary" href={`/audit?${p.nextQuery}`}>
            {t("audit.older")}
          </a>
        </nav>
      )}
    </>
  );
}

/** The result of recomputing the chain (an HTMX fragment or part of a page). */
export function VerifyResult(
  p: {
    lang: Lang;
    checked: number;
    firstBrokenId: number | null;
    reason: string | null;
    /** The last checkpoint kept outside the database; null when none yet. */
    checkpoint?: { at: string; problem: string | null } | null;
  },
) {
  const t = translator(p.lang);
  if (p.firstBrokenId !== null) {
    return (
      <p class="error" role="alert">
        {t("audit.verify.broken")} #{p.firstBrokenId} ({p.reason})
      </p>
    );
  }
  const c = p.checkpoint;
  if (c?.problem) {
    return (
      <p class="error" role="alert">
        {t("audit.verify.checkpoint.mismatch")} {c.at}: {c.problem}
      </p>
    );
  }
  return (
    <p class="ok" role="status">
      {t("audit.verify.ok")} ({p.checked})
      {c === undefined
        ? ""
        : c === null
        ? ` ${t("audit.verify.checkpoint.none")}`
        : ` ${t("audit.verify.checkpoint.ok")} ${c.at}.`}
    </p>
  );
}
