// The Users pages (Data Policy §5, §7): the list, the invitation form and
// one user's account with its role, store grants and sessions. Every button
// here posts to a route that first shows a confirmation page.
import type { Lang } from "../i18n.ts";
import {
  Day,
  Notice,
  StatusBadge,
  Time,
  type UserRowView,
  type UsersQuery,
  UsersTable,
  type UsersTableProps,
} from "./components.tsx";
import { roleName, word } from "../words.ts";
import { t, type UsersMessageKey } from "./messages.ts";

export interface UsersPageProps extends UsersTableProps {
  roles: string[];
  notice?: string | null;
}

const STATUSES = ["active", "invited", "disabled"] as const;

/** The list of staff users with filters, sorting and pages. */
export function UsersPage(p: UsersPageProps) {
  const q: UsersQuery = p.query;
  return (
    <>
      <hgroup>
        <h1>{t(p.lang, "users.title")}</h1>
        <p>{t(p.lang, "users.intro")}</p>
      </hgroup>
      <Notice text={p.notice ?? null} />
      <p>
        <a href="/users/invite" role="button">{t(p.lang, "users.invite")}</a>
      </p>
      <form
        method="get"
        action="/users"
        class="filters"
        aria-label={t(p.lang, "users.filter")}
        data-hx-get="/users"
        data-hx-target="#users-table"
        data-hx-swap="outerHTML"
        data-hx-push-url="true"
      >
        <input type="hidden" name="sort" value={q.sort} />
        <input type="hidden" name="dir" value={q.dir} />
        <fieldset class="grid">
          <label>
            {t(p.lang, "users.filter.search")}
            <input type="search" name="q" value={q.q ?? ""} maxlength={100} />
          </label>
          <label>
            {t(p.lang, "users.col.role")}
            <select name="role">
              <option value="">{t(p.lang, "users.filter.anyRole")}</option>
              {p.roles.map((r) => (
                <option value={r} selected={q.role === r}>
                  {roleName(p.lang, r)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t(p.lang, "users.col.status")}
            <select name="status">
              <option value="">{t(p.lang, "users.filter.anyStatus")}</option>
              {STATUSES.map((s) => (
                <option value={s} selected={q.status === s}>
                  {word(p.lang, "user", s)}
                </option>
              ))}
            </select>
          </label>
        </fieldset>
        <div class="actions">
          <button type="submit">{t(p.lang, "users.filter.apply")}</button>
          <a href="/users" role="button" class="secondary outline">
            {t(p.lang, "users.filter.clear")}
          </a>
        </div>
      </form>
      <UsersTable {...p} />
    </>
  );
}

export interface StoreOption {
  id: string;
  name: string;
}

export interface InvitePageProps {
  lang: Lang;
  roles: string[];
  stores: StoreOption[];
  values?: {
    email?: string;
    displayName?: string;
    role?: string;
    storeIds?: string[];
    kind?: string;
  };
  /** Owners may also create break-glass local accounts. */
  canCreateLocal?: boolean;
  /** The single sign-on providers configured (none: SSO cannot be chosen). */
  ssoProviders: { id: string; label: string }[];
  /** Why the last attempt was refused; nothing was changed. */
  error?: string | null;
}

/** The invitation form: a person's own address, a job role, stores. */
export function InvitePage(p: InvitePageProps) {
  const v = p.values ?? {};
  const sso = p.ssoProviders.length > 0;
  const providers = p.ssoProviders.map((x) => x.label).join(", ");
  // Without a provider an owner creates a local account; nobody else can
  // invite anyone who could sign in (said before they try).
  const kind = v.kind ?? (sso || !p.canCreateLocal ? "sso" : "local");
  return (
    <article class="narrow">
      <h1>{t(p.lang, "invite.title")}</h1>
      <p>{t(p.lang, "invite.intro")}</p>
      {!sso && (
        <p class="notice" id="no-sso">
          {t(
            p.lang,
            p.canCreateLocal ? "invite.sso.none.owner" : "invite.sso.none",
          )}
        </p>
      )}
      {p.error && <p role="alert" class="error">{p.error}</p>}
      <form method="post" action="/users/invite">
        <label>
          {t(p.lang, "invite.name")}
          <input
            name="displayName"
            required
            maxlength={120}
            autocomplete="off"
            value={v.displayName ?? ""}
          />
        </label>
        <label>
          {t(p.lang, "invite.email")}
          <input
            type="email"
            name="email"
            required
            maxlength={254}
            autocomplete="off"
            value={v.email ?? ""}
          />
        </label>
        <label>
          {t(p.lang, "invite.role")}
          <select name="role" aria-describedby="role-help">
            {p.roles.map((r) => (
              <option value={r} selected={(v.role ?? "viewer") === r}>
                {roleName(p.lang, r)}
              </option>
            ))}
          </select>
          <small id="role-help">{t(p.lang, "invite.roleHelp")}</small>
        </label>
        {p.canCreateLocal && (
          <fieldset aria-describedby="kind-help">
            <legend>{t(p.lang, "invite.kind")}</legend>
            <label>
              <input
                type="radio"
                name="kind"
                value="sso"
                checked={kind === "sso"}
                disabled={!sso}
              />
              {sso
                ? t(p.lang, "invite.kind.sso", { providers })
                : t(p.lang, "invite.kind.sso.none")}
            </label>
            <label>
              <input
                type="radio"
                name="kind"
                value="local"
                checked={kind === "local"}
              />
              {t(p.lang, "invite.kind.local")}
            </label>
            <small id="kind-help">{t(p.lang, "invite.kind.localHelp")}</small>
          </fieldset>
        )}
        <fieldset aria-describedby="stores-help">
          <legend>{t(p.lang, "invite.stores")}</legend>
          {p.stores.length === 0
            ? <p>{t(p.lang, "invite.noStores")}</p>
            : p.stores.map((s) => (
              <label>
                <input
                  type="checkbox"
                  name="storeIds"
                  value={s.id}
                  checked={v.storeIds?.includes(s.id)}
                />
                {s.name}
              </label>
            ))}
          <small id="stores-help">{t(p.lang, "invite.storesHelp")}</small>
        </fieldset>
        <div role="group">
          <button type="submit">{t(p.lang, "invite.submit")}</button>
          <a href="/users" role="button" class="secondary outline">
            {t(p.lang, "confirm.cancel")}
          </a>
        </div>
      </form>
    </article>
  );
}

export interface UserDetailProps {
  lang: Lang;
  /** The reader's time zone. */
  zone?: string;
  user: UserRowView & { disabledAt: Date | null };
  /** Roles the viewer may hand out. */
  roles: string[];
  /** Stores the viewer could still grant. */
  grantable: StoreOption[];
  /** The viewer is looking at their own account. */
  isSelf: boolean;
  notice?: string | null;
  /** A local account's sign-in lockout, when there is one. */
  signInLock?: {
    /** The per-account lock's end (null: only some addresses are locked). */
    until: Date | null;
    /** How many client addresses are locked out. */
    addresses: number;
    /** Whether the viewer (an owner) may lift it. */
    canUnlock: boolean;
  } | null;
}

/** One user: account, role, store grants and the access actions. */
export function UserDetailPage(p: UserDetailProps) {
  const u = p.user;
  const base = `/users/${u.id}`;
  return (
    <>
      <p>
        <a href="/users">← {t(p.lang, "user.back")}</a>
      </p>
      <hgroup>
        <h1>{u.displayName}</h1>
        <p>{u.email}</p>
      </hgroup>
      <Notice text={p.notice ?? null} />
      <section aria-labelledby="account-h">
        <h2 id="account-h">{t(p.lang, "user.details")}</h2>
        <table>
          <tbody>
            <tr>
              <th scope="row">{t(p.lang, "users.col.role")}</th>
              <td>{roleName(p.lang, u.role)}</td>
            </tr>
            <tr>
              <th scope="row">{t(p.lang, "users.col.status")}</th>
              <td>
                <StatusBadge lang={p.lang} status={u.status} />
                {u.disabledAt && (
                  <>
                    {" "}
                    <Time lang={p.lang} zone={p.zone} at={u.disabledAt} />
                  </>
                )}
              </td>
            </tr>
            <tr>
              <th scope="row">{t(p.lang, "users.col.kind")}</th>
              <td>{t(p.lang, `kind.${u.kind}` as UsersMessageKey)}</td>
            </tr>
            <tr>
              <th scope="row">{t(p.lang, "user.created")}</th>
              <td>
                <Time lang={p.lang} zone={p.zone} at={u.createdAt} />
              </td>
            </tr>
            <tr>
              <th scope="row">{t(p.lang, "users.col.lastSignIn")}</th>
              <td>
                <Time lang={p.lang} zone={p.zone} at={u.lastSignInAt} />
              </td>
            </tr>
            <tr>
              <th scope="row">{t(p.lang, "users.col.lastSeen")}</th>
              <td>
                <Day lang={p.lang} zone={p.zone} at={u.lastSeenAt} />
              </td>
            </tr>
          </tbody>
        </table>
      </section>

      <section aria-labelledby="role-h">
        <h2 id="role-h">{t(p.lang, "user.role.change")}</h2>
        <form method="post" action={`${base}/role`}>
          <label>
            {t(p.lang, "user.role.new")}
            <select name="role">
              {!p.roles.includes(u.role) && (
                <option value={u.role} selected disabled>
                  {roleName(p.lang, u.role)}
                </option>
              )}
              {p.roles.map((r) => (
                <option value={r} selected={r === u.role}>
                  {roleName(p.lang, r)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">{t(p.lang, "user.role.change")}</button>
        </form>
      </section>

      <section aria-labelledby="grants-h">
        <h2 id="grants-h">{t(p.lang, "user.grants")}</h2>
        <p>{t(p.lang, "user.grants.intro")}</p>
        {u.allStores && (
          <p class="notice">{t(p.lang, "user.grants.allStores")}</p>
        )}
        {u.grants.length === 0
          ? <p>{t(p.lang, "user.grants.none")}</p>
          : (
            <table class="striped">
              <thead>
                <tr>
                  <th scope="col">{t(p.lang, "user.grant.store")}</th>
                  <th scope="col">{t(p.lang, "user.grant.granted")}</th>
                  <th scope="col">{t(p.lang, "user.grant.lastUsed")}</th>
                  <th scope="col">{t(p.lang, "users.col.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {u.grants.map((g) => (
                  <tr>
                    <th scope="row">{g.name}</th>
                    <td>
                      <Time lang={p.lang} zone={p.zone} at={g.grantedAt} />
                    </td>
                    <td>
                      <Day lang={p.lang} zone={p.zone} at={g.lastUsedAt} />
                    </td>
                    <td>
                      <form method="post" action={`${base}/revoke`}>
                        <input type="hidden" name="storeId" value={g.id} />
                        <button
                          type="submit"
                          class="contrast outline"
                          aria-label={`${
                            t(p.lang, "user.grant.revoke")
                          }: ${g.name}`}
                        >
                          {t(p.lang, "user.grant.revoke")}
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        {!u.allStores && (p.grantable.length === 0
          ? <p>{t(p.lang, "user.grant.noneLeft")}</p>
          : (
            <form method="post" action={`${base}/grant`}>
              <label>
                {t(p.lang, "user.grant.store")}
                <select name="storeId">
                  {p.grantable.map((s) => (
                    <option value={s.id}>{s.name}</option>
                  ))}
                </select>
              </label>
              <button type="submit">{t(p.lang, "user.grant.add")}</button>
            </form>
          ))}
      </section>

      <section aria-labelledby="access-h">
        <h2 id="access-h">{t(p.lang, "user.access")}</h2>
        {p.signInLock && (
          <div class="notice" data-testid="signin-locked">
            <p>
              <strong>{t(p.lang, "user.locked")}</strong>
              {p.signInLock.until && (
                <>
                  {" "}
                  {t(p.lang, "user.locked.until")}{" "}
                  <Time lang={p.lang} zone={p.zone} at={p.signInLock.until} />
                </>
              )}
              {p.signInLock.addresses > 0 && (
                <>
                  {" "}
                  {t(p.lang, "user.locked.addresses", {
                    count: p.signInLock.addresses,
                  })}
                </>
              )}
            </p>
            {p.signInLock.canUnlock && (
              <form method="post" action={`${base}/unlock`}>
                <p>
                  <small>{t(p.lang, "user.unlock.help")}</small>
                </p>
                <button type="submit">{t(p.lang, "user.unlock")}</button>
              </form>
            )}
          </div>
        )}
        <form method="post" action={`${base}/signout`}>
          <p>
            <small>{t(p.lang, "user.signout.help")}</small>
          </p>
          <button type="submit" class="secondary">
            {t(p.lang, "user.signout")}
          </button>
        </form>
        {p.isSelf
          ? null
          : u.status === "disabled"
          ? (
            <form method="post" action={`${base}/enable`}>
              <button type="submit">{t(p.lang, "user.enable")}</button>
            </form>
          )
          : (
            <form method="post" action={`${base}/disable`}>
              <p>
                <small>{t(p.lang, "user.disable.help")}</small>
              </p>
              <button type="submit" class="contrast">
                {t(p.lang, "user.disable")}
              </button>
            </form>
          )}
      </section>
    </>
  );
}

/** Shown once to the owner who created a local account: its setup link. */
export function SetupLinkPage(
  p: { lang: Lang; name: string; link: string; userId: string },
) {
  return (
    <article class="narrow">
      <h1>{t(p.lang, "setup.title")}</h1>
      <p>{t(p.lang, "setup.intro", { name: p.name })}</p>
      <p>
        <code class="secret" data-testid="setup-link">{p.link}</code>
      </p>
      <a role="button" href={`/users/${p.userId}`}>
        {t(p.lang, "setup.done")}
      </a>
    </article>
  );
}
