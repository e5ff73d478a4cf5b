// Shared pieces of the Users and access review pages: times, badges, the
// users table (a full page and an HTMX swap draw the same component), the
// pager, the confirmation step and the refusal panel.
import type { Lang } from "../i18n.ts";
import { StateBadge } from "../badge.tsx";
import { formatDayInZone, formatInZone, formatNumber } from "../format.ts";
import { roleName } from "../words.ts";
import { t, type UsersMessageKey } from "./messages.ts";

/**
 * A time in the reader's zone (UTC by default), the UTC instant in
 * `datetime` and on hover; "Never" for null.
 */
export function Time(p: { lang: Lang; zone?: string; at: Date | null }) {
  if (!p.at) return <span>{t(p.lang, "users.never")}</span>;
  return (
    <time datetime={p.at.toISOString()} title={formatTime(p.at)}>
      {formatInZone(p.at, p.zone ?? "UTC")}
    </time>
  );
}

/** "2026-06-18 09:30 UTC". */
export function formatTime(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** The reader's day of `at`: "2026-06-18". */
export function formatDate(at: Date, zone = "UTC"): string {
  return formatDayInZone(at, zone);
}

/**
 * A day (UTC) for what is recorded once a day: "Last seen", "Last used".
 * Showing the minute would claim a precision the record does not have.
 */
export function Day(p: { lang: Lang; zone?: string; at: Date | null }) {
  if (!p.at) return <span>{t(p.lang, "users.never")}</span>;
  return (
    <time
      datetime={p.at.toISOString()}
      title={`${t(p.lang, "users.dayHelp")} (${formatTime(p.at)})`}
    >
      {formatDayInZone(p.at, p.zone ?? "UTC")}
    </time>
  );
}

export type UserStatus = "invited" | "active" | "disabled";

export function StatusBadge(p: { lang: Lang; status: UserStatus }) {
  return <StateBadge lang={p.lang} kind="user" state={p.status} />;
}

/** A success message after a confirmed change. */
export function Notice(p: { text: string | null }) {
  if (!p.text) return null;
  return <p role="status" class="notice">{p.text}</p>;
}

/** A store grant as the table shows it. */
export interface GrantCell {
  id: string;
  name: string;
  grantedAt: Date;
  lastUsedAt: Date | null;
}

/** One user as the Users table shows them (plain data, no domain types). */
export interface UserRowView {
  id: string;
  email: string;
  displayName: string;
  role: string;
  status: UserStatus;
  kind: "sso" | "local";
  lastSignInAt: Date | null;
  lastSeenAt: Date | null;
  createdAt: Date;
  /** Whether the role sees every store without grants. */
  allStores: boolean;
  grants: GrantCell[];
}

export interface UsersQuery {
  sort: "email" | "role" | "status" | "lastSignIn";
  dir: "asc" | "desc";
  role?: string;
  status?: string;
  q?: string;
  page: number;
}

export interface UsersTableProps {
  lang: Lang;
  /** The reader's time zone. */
  zone?: string;
  rows: UserRowView[];
  total: number;
  page: number;
  pages: number;
  query: UsersQuery;
  /** Whether any filter narrows the list (changes the empty message). */
  filtered: boolean;
  /** The viewer's own id: nobody is offered to disable themselves. */
  selfId?: string;
}

/** The address of the users list for a query, with `change` applied. */
export function usersHref(q: UsersQuery, change: Partial<UsersQuery>): string {
  const merged = { ...q, ...change };
  const params = new URLSearchParams();
  if (merged.sort !== "email") params.set("sort", merged.sort);
  if (merged.dir !== "asc") params.set("dir", merged.dir);
  if (merged.role) params.set("role", merged.role);
  if (merged.status) params.set("status", merged.status);
  if (merged.q) params.set("q", merged.q);
  if (merged.page > 1) params.set("page", String(merged.page));
  const s = params.toString();
  return s ? `/users?${s}` : "/users";
}

/** HTMX: swap the table in place and keep the address bar honest. */
function swap(href: string) {
  return {
    href,
    "data-hx-get": href,
    "data-hx-target": "#users-table",
    "data-hx-swap": "outerHTML",
    "data-hx-push-url": "true",
  };
}

function SortHeader(
  p: {
    lang: Lang;
    query: UsersQuery;
    sort: UsersQuery["sort"];
    label: UsersMessageKey;
  },
) {
  const active = p.query.sort === p.sort;
  const dir = active && p.query.dir === "asc" ? "desc" : "asc";
  return (
    <th
      scope="col"
      aria-sort={active
        ? (p.query.dir === "asc" ? "ascending" : "descending")
        : undefined}
    >
      <a {...swap(usersHref(p.query, { sort: p.sort, dir, page: 1 }))}>
        {t(p.lang, p.label)}
        {active && (
          <span aria-hidden="true">{p.query.dir === "asc" ? " ▲" : " ▼"}</span>
        )}
        {active && (
          <span class="visually-hidden">
            {" "}
            ({t(
              p.lang,
              p.query.dir === "asc" ? "users.sort.asc" : "users.sort.desc",
            )})
          </span>
        )}
      </a>
    </th>
  );
}

/** The users table with its pager; the HTMX swap target. */
export function UsersTable(p: UsersTableProps) {
  const q = p.query;
  return (
    <div id="users-table">
      {p.rows.length === 0
        ? (
          <p class="empty">
            {t(p.lang, p.filtered ? "users.empty" : "users.empty.none")}
          </p>
        )
        : (
          <div class="overflow-auto">
            <table class="striped">
              <thead>
                <tr>
                  <SortHeader
                    lang={p.lang}
                    query={q}
                    sort="email"
                    label="users.col.user"
                  />
                  <SortHeader
                    lang={p.lang}
                    query={q}
                    sort="role"
                    label="users.col.role"
                  />
                  <SortHeader
                    lang={p.lang}
                    query={q}
                    sort="status"
                    label="users.col.status"
                  />
                  <SortHeader
                    lang={p.lang}
                    query={q}
                    sort="lastSignIn"
                    label="users.col.lastSignIn"
                  />
                  <th scope="col">{t(p.lang, "users.col.lastSeen")}</th>
                  <th scope="col">{t(p.lang, "users.col.stores")}</th>
                  <th scope="col">{t(p.lang, "users.col.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {p.rows.map((u) => (
                  <UserRow
                    lang={p.lang}
                    zone={p.zone}
                    user={u}
                    self={u.id === p.selfId}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      {p.pages > 1 && (
        <nav aria-label={t(p.lang, "users.pager")}>
          <ul>
            <li>
              {p.page > 1
                ? (
                  <a
                    rel="prev"
                    {...swap(usersHref(q, { page: p.page - 1 }))}
                  >
                    {t(p.lang, "users.pager.prev")}
                  </a>
                )
                : (
                  <span aria-disabled="true">
                    {t(p.lang, "users.pager.prev")}
                  </span>
                )}
            </li>
            <li>
              {t(p.lang, "users.pager.of", {
                page: formatNumber(p.lang, p.page),
                pages: formatNumber(p.lang, p.pages),
                total: formatNumber(p.lang, p.total),
              })}
            </li>
            <li>
              {p.page < p.pages
                ? (
                  <a
                    rel="next"
                    {...swap(usersHref(q, { page: p.page + 1 }))}
                  >
                    {t(p.lang, "users.pager.next")}
                  </a>
                )
                : (
                  <span aria-disabled="true">
                    {t(p.lang, "users.pager.next")}
                  </span>
                )}
            </li>
          </ul>
        </nav>
      )}
      {p.pages <= 1 && p.total > 0 && (
        <p>
          <small>
            {t(p.lang, "users.pager.of", {
              page: formatNumber(p.lang, p.page),
              pages: formatNumber(p.lang, p.pages),
              total: formatNumber(p.lang, p.total),
            })}
          </small>
        </p>
      )}
    </div>
  );
}

function UserRow(
  p: { lang: Lang; zone?: string; user: UserRowView; self: boolean },
) {
  const u = p.user;
  return (
    <tr data-user-id={u.id}>
      <th scope="row">
        <a href={`/users/${u.id}`}>{u.displayName}</a>
        <br />
        <small>{u.email}</small>
      </th>
      <td>{roleName(p.lang, u.role)}</td>
      <td>
        <StatusBadge lang={p.lang} status={u.status} />
        <br />
        <small>{t(p.lang, `kind.${u.kind}` as UsersMessageKey)}</small>
      </td>
      <td>
        <Time lang={p.lang} zone={p.zone} at={u.lastSignInAt} />
      </td>
      <td>
        <Day lang={p.lang} zone={p.zone} at={u.lastSeenAt} />
      </td>
      <td>
        {u.allStores
          ? <small>{t(p.lang, "users.allStores")}</small>
          : u.grants.length === 0
          ? <small>{t(p.lang, "users.noStores")}</small>
          : (
            <ul class="compact">
              {u.grants.map((g) => (
                <li>
                  {g.name}{" "}
                  <small>
                    ({t(p.lang, "user.grant.lastUsed")}:{" "}
                    <Day lang={p.lang} zone={p.zone} at={g.lastUsedAt} />)
                  </small>
                </li>
              ))}
            </ul>
          )}
      </td>
      <td>
        <div role="group">
          <a
            href={`/users/${u.id}`}
            role="button"
            class="secondary outline"
            aria-label={`${t(p.lang, "users.open")}: ${u.displayName}`}
          >
            {t(p.lang, "users.open")}
          </a>
          {p.self
            ? null
            : u.status === "disabled"
            ? (
              <form method="post" action={`/users/${u.id}/enable`}>
                <button
                  type="submit"
                  class="secondary"
                  aria-label={`${t(p.lang, "user.enable")}: ${u.displayName}`}
                >
                  {t(p.lang, "user.enable")}
                </button>
              </form>
            )
            : (
              <form method="post" action={`/users/${u.id}/disable`}>
                <button
                  type="submit"
                  class="contrast outline"
                  aria-label={`${t(p.lang, "user.disable")}: ${u.displayName}`}
                >
                  {t(p.lang, "user.disable")}
                </button>
              </form>
            )}
        </div>
      </td>
    </tr>
  );
}

export interface ConfirmProps {
  lang: Lang;
  /** Exactly what will change, in one or two sentences. */
  question: string;
  notes?: string[];
  /** Where the confirmed form posts: the same address as the first post. */
  action: string;
  /** The fields of the first post, sent again with confirm=yes. */
  fields: [string, string][];
  cancelHref: string;
  /** Styles the confirm button as the dangerous choice. */
  danger?: boolean;
}

/**
 * The confirmation step before every change: what will happen, Confirm
 * (the same form again with confirm=yes) and Cancel. Works without JS.
 */
export function ConfirmPage(p: ConfirmProps) {
  return (
    <article class="narrow" aria-labelledby="confirm-title">
      <h1 id="confirm-title">{t(p.lang, "confirm.title")}</h1>
      <p data-testid="confirm-question">
        <strong>{p.question}</strong>
      </p>
      {p.notes?.map((n) => <p>{n}</p>)}
      <form method="post" action={p.action}>
        {p.fields.map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <input type="hidden" name="confirm" value="yes" />
        <div role="group">
          <button type="submit" class={p.danger ? "contrast" : undefined}>
            {t(p.lang, "confirm.yes")}
          </button>
          <a role="button" class="secondary outline" href={p.cancelHref}>
            {t(p.lang, "confirm.cancel")}
          </a>
        </div>
      </form>
    </article>
  );
}

/** A refused request: why, and the way back. Nothing was changed. */
export function RefusedPage(
  p: { lang: Lang; message: string; backHref: string },
) {
  return (
    <article class="narrow">
      <h1>{t(p.lang, "error.title")}</h1>
      <p role="alert" class="error">{p.message}</p>
      <p>
        <a href={p.backHref}>{t(p.lang, "error.back")}</a>
      </p>
    </article>
  );
}
