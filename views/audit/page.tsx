// The auditor's page: filter the trail, page through it, verify the chain,
// export what is shown as CSV.
import type { Lang } from "../i18n.ts";
import { translator } from "../i18n.ts";
import { StateBadge } from "../badge.tsx";
import { formatNumber, UTC } from "../format.ts";
import { Time } from "../time.tsx";
import { word } from "../words.ts";

/** A staff member, as the page names them. */
export interface AuditPersonView {
  id: string;
  displayName: string;
  email: string;
}

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

/** The filter as typed (the days are the reader's days). */
export interface AuditPageFilter {
  actor?: string;
  action?: string;
  store?: string;
  from?: string;
  to?: string;
}

export interface AuditPageProps {
  lang: Lang;
  /** The reader's time zone. */
  zone?: string;
  filter: AuditPageFilter;
  /** Date fields that are not real YYYY-MM-DD dates. */
  dateErrors?: { from?: boolean; to?: boolean };
  stores: { id: string; name: string }[];
  /** Every staff member: names for ids, and the actor filter's choices. */
  people: AuditPersonView[];
  rows: AuditRowView[];
  /** Query string for the next (older) page, or null at the end. */
  nextQuery: string | null;
  exportQuery: string;
  error?: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * A day filter: the browser's date picker (which sends YYYY-MM-DD whatever
 * its locale); a refused value is cleared and marked.
 */
function DateField(p: { name: string; value?: string; bad?: boolean }) {
  const v = p.value ?? "";
  const real = /^\d{4}-\d{2}-\d{2}$/.test(v) &&
    !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) &&
    new Date(`${v}T00:00:00Z`).getUTCDate() === Number(v.slice(8));
  return (
    <input
      type="date"
      name={p.name}
      value={real && !p.bad ? v : ""}
      aria-invalid={p.bad ? "true" : undefined}
      aria-describedby={p.bad ? `${p.name}-error` : undefined}
    />
  );
}

export function AuditPage(p: AuditPageProps) {
  const t = translator(p.lang);
  const bad = p.dateErrors ?? {};
  const people = new Map(p.people.map((x) => [x.id, x]));
  const stores = new Map(p.stores.map((x) => [x.id, x.name]));
  /** An id as a person or a store names it; anything else as it is. */
  const named = (text: string) =>
    text.replace(UUIDS, (id) => {
      const person = people.get(id.toLowerCase());
      if (person) return `${person.displayName} <${person.email}>`;
      return stores.get(id.toLowerCase()) ?? id;
    });
  const actorKnown = !p.filter.actor || people.has(p.filter.actor);
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
            <select name="actor">
              <option value="">{t("audit.anyActor")}</option>
              {p.people.map((x) => (
                <option value={x.id} selected={p.filter.actor === x.id}>
                  {x.displayName} &lt;{x.email}&gt;
                </option>
              ))}
              {!actorKnown && (
                <option value={p.filter.actor} selected>
                  {p.filter.actor}
                </option>
              )}
            </select>
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
            <DateField name="from" value={p.filter.from} bad={bad.from} />
            {bad.from && (
              <small id="from-error" class="error">{t("audit.badDate")}</small>
            )}
          </label>
          <label>
            {t("audit.to")}
            <DateField name="to" value={p.filter.to} bad={bad.to} />
            {bad.to && (
              <small id="to-error" class="error">{t("audit.badDate")}</small>
            )}
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
          data-hx-post="/audit/verify"
          data-hx-target="#verify-result"
          data-hx-swap="innerHTML"
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
                    <td class="num">{formatNumber(p.lang, r.id)}</td>
                    <td>
                      <Time
                        at={new Date(r.at)}
                        zone={p.zone ?? UTC}
                        precision="seconds"
                      />
                    </td>
                    <td>
                      <Actor
                        lang={p.lang}
                        row={r}
                        person={r.actorId ? people.get(r.actorId) : undefined}
                      />
                    </td>
                    <td>
                      <code>{r.action}</code>
                    </td>
                    <td>
                      {r.target && UUID.test(r.target)
                        ? named(r.target)
                        : r.target ?? ""}
                    </td>
                    <td>{r.storeName ?? ""}</td>
                    <td>
                      <StateBadge
                        lang={p.lang}
                        kind="outcome"
                        state={r.outcome}
                      />
                    </td>
                    <td>{r.ip ?? ""}</td>
                    <td>
                      <small>
                        <code>{named(r.details)}</code>
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

/** Who acted: a staff member by name and e-mail, or what kind of actor. */
function Actor(
  p: { lang: Lang; row: AuditRowView; person?: AuditPersonView },
) {
  const r = p.row;
  if (r.actorType === "staff") {
    return p.person
      ? (
        <>
          {p.person.displayName}
          <br />
          <small>{p.person.email}</small>
        </>
      )
      : <>{word(p.lang, "actor", "unknown")}</>;
  }
  return (
    <>
      {word(p.lang, "actor", r.actorType)}
      {r.actorId && r.actorType === "system" && (
        <>
          <br />
          <small>{r.actorId}</small>
        </>
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
      {t("audit.verify.ok")} ({formatNumber(p.lang, p.checked)})
      {c === undefined
        ? ""
        : c === null
        ? ` ${t("audit.verify.checkpoint.none")}`
        : ` ${t("audit.verify.checkpoint.ok")} ${c.at}.`}
    </p>
  );
}
