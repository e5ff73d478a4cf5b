// The account page (issue #13): one's own sessions with "sign out this
// one", the time zone, and for a local account the password, new recovery
// codes and a new authenticator. Plain data in, markup out.
import type { Lang } from "../i18n.ts";
import { Time } from "../time.tsx";
import { formatInZone } from "../format.ts";
import { RecoveryCodes, TotpCodeField, TotpSecret } from "../auth/pages.tsx";
import { accountMessages } from "./messages.ts";

export interface SessionRow {
  ref: string;
  createdAt: Date;
  lastSeenAt: Date;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

export interface AccountPageProps {
  lang: Lang;
  /** The reader's time zone (what the page's times are shown in). */
  zone: string;
  timeZone: {
    /** The chosen zone, or null for the default. */
    chosen: string | null;
    defaultZone: string;
    choices: string[];
    /** The refused value and its message, when the form was refused. */
    error?: { value: string; message: string };
  };
  sessions: SessionRow[];
  /** Whether the account is local with an authenticator (else SSO). */
  local: boolean;
  /** A confirmation to show at the top (after a redirect). */
  notice?: string | null;
  /** The refusal of the recovery-codes form, if it was just refused. */
  codesError?: string | null;
  /** The refusal of the authenticator form, if it was just refused. */
  mfaError?: string | null;
}

/** "Chrome on Windows", from a User-Agent header; null when unknown. */
export function userAgentSummary(ua: string | null): string | null {
  if (!ua) return null;
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /Firefox\//.test(ua)
    ? "Firefox"
    : /(Chrome|Chromium|HeadlessChrome)\//.test(ua)
    ? "Chrome"
    : /Safari\//.test(ua)
    ? "Safari"
    : null;
  const os = /Android/.test(ua)
    ? "Android"
    : /iPhone|iPad|iOS/.test(ua)
    ? "iOS"
    : /Windows/.test(ua)
    ? "Windows"
    : /Mac OS X|Macintosh/.test(ua)
    ? "macOS"
    : /Linux|X11/.test(ua)
    ? "Linux"
    : null;
  if (browser && os) return `${browser} · ${os}`;
  return browser ?? os ?? ua.slice(0, 40);
}

/** The account page. */
export function AccountPage(p: AccountPageProps) {
  const a = accountMessages.translator(p.lang);
  const others = p.sessions.filter((s) => !s.current);
  const tzError = p.timeZone.error;
  const selected = tzError ? tzError.value : p.timeZone.chosen ?? "";
  return (
    <article>
      <h1>{a("account.title")}</h1>
      <p>{a("account.intro")}</p>
      {p.notice && <p role="status" class="notice">{p.notice}</p>}

      <section aria-labelledby="tz-title">
        <h2 id="tz-title">{a("account.tz.title")}</h2>
        <form method="post" action="/account/time-zone" novalidate>
          <label for="time-zone">{a("account.tz.label")}</label>
          <select
            id="time-zone"
            name="timeZone"
            aria-describedby={tzError ? "tz-error tz-help" : "tz-help"}
            aria-invalid={tzError ? "true" : undefined}
          >
            <option value="" selected={selected === ""}>
              {a("account.tz.default", { zone: p.timeZone.defaultZone })}
            </option>
            {p.timeZone.choices.map((z) => (
              <option value={z} selected={z === selected}>{z}</option>
            ))}
          </select>
          {tzError && (
            <small id="tz-error" class="error" role="alert">
              {tzError.message}
            </small>
          )}
          <small id="tz-help">{a("account.tz.help")}</small>
          <button type="submit">{a("account.tz.submit")}</button>
        </form>
      </section>

      <section aria-labelledby="sessions-title">
        <h2 id="sessions-title">{a("account.sessions.title")}</h2>
        <p>{a("account.sessions.intro")}</p>
        <div class="overflow-auto">
          <table data-testid="own-sessions">
            <thead>
              <tr>
                <th scope="col">{a("account.sessions.client")}</th>
                <th scope="col">{a("account.sessions.address")}</th>
                <th scope="col">{a("account.sessions.created")}</th>
                <th scope="col">{a("account.sessions.lastSeen")}</th>
                <th scope="col">{a("account.sessions.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {p.sessions.map((s) => {
                const client = userAgentSummary(s.userAgent) ??
                  a("account.sessions.unknown");
                return (
                  <tr data-session={s.current ? "current" : "other"}>
                    <td>
                      {client}
                      {s.current && (
                        <>
                          {" "}
                          <mark>{a("account.sessions.this")}</mark>
                        </>
                      )}
                    </td>
                    <td>{s.ip ?? a("account.sessions.unknown")}</td>
                    <td>
                      <Time at={s.createdAt} zone={p.zone} />
                    </td>
                    <td>
                      <Time at={s.lastSeenAt} zone={p.zone} />
                    </td>
                    <td>
                      {!s.current && (
                        <form
                          method="post"
                          action={`/account/sessions/${s.ref}/signout`}
                          class="inline"
                        >
                          <button
                            type="submit"
                            class="secondary outline"
                            aria-label={a("account.sessions.signoutLabel", {
                              client,
                              at: formatInZone(s.createdAt, p.zone),
                            })}
                          >
                            {a("account.sessions.signout")}
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {others.length === 0
          ? <p>{a("account.sessions.none")}</p>
          : (
            <form method="post" action="/account/sessions/signout-others">
              <button type="submit" class="secondary">
                {a("account.sessions.signoutOthers")}
              </button>
            </form>
          )}
      </section>

      <section aria-labelledby="security-title">
        <h2 id="security-title">{a("account.security.title")}</h2>
        {!p.local ? <p>{a("account.security.sso")}</p> : (
          <>
            <p>
              <a href="/account/password">{a("account.password.link")}</a>
            </p>
            <h3 id="codes-title">{a("account.codes.title")}</h3>
            <p>{a("account.codes.intro")} {a("account.proof.or")}</p>
            <form
              method="post"
              action="/account/recovery-codes"
              aria-labelledby="codes-title"
              novalidate
            >
              {p.codesError && (
                <p role="alert" class="error" id="codes-error">
                  {p.codesError}
                </p>
              )}
              <label>
                {a("account.proof.password")}
                <input
                  type="password"
                  name="password"
                  autocomplete="current-password"
                  aria-invalid={p.codesError ? "true" : undefined}
                  aria-describedby={p.codesError ? "codes-error" : undefined}
                />
              </label>
              <label>
                {a("account.proof.code")}
                <input
                  name="code"
                  inputmode="numeric"
                  pattern="[0-9]{6}"
                  maxlength={6}
                  autocomplete="one-time-code"
                  aria-invalid={p.codesError ? "true" : undefined}
                  aria-describedby={p.codesError
                    ? "codes-error codes-code-help"
                    : "codes-code-help"}
                />
                <small id="codes-code-help">
                  {a("account.proof.codeHelp")}
                </small>
              </label>
              <button type="submit">{a("account.codes.submit")}</button>
            </form>

            <h3 id="mfa-title">{a("account.mfa.title")}</h3>
            <p>{a("account.mfa.intro")}</p>
            <form
              method="post"
              action="/account/authenticator"
              aria-labelledby="mfa-title"
              novalidate
            >
              {p.mfaError && (
                <p role="alert" class="error" id="mfa-error">{p.mfaError}</p>
              )}
              <label>
                {a("account.proof.password")}
                <input
                  type="password"
                  name="password"
                  required
                  autocomplete="current-password"
                  aria-invalid={p.mfaError ? "true" : undefined}
                  aria-describedby={p.mfaError ? "mfa-error" : undefined}
                />
              </label>
              <label>
                {a("account.proof.code")}
                <input
                  name="code"
                  required
                  inputmode="numeric"
                  pattern="[0-9]{6}"
                  maxlength={6}
                  autocomplete="one-time-code"
                  aria-invalid={p.mfaError ? "true" : undefined}
                  aria-describedby={p.mfaError
                    ? "mfa-error mfa-code-help"
                    : "mfa-code-help"}
                />
                <small id="mfa-code-help">{a("account.proof.codeHelp")}</small>
              </label>
              <button type="submit">{a("account.mfa.submit")}</button>
            </form>
          </>
        )}
      </section>
    </article>
  );
}

/** New recovery codes, shown once (after regenerating or a new authenticator). */
export function NewRecoveryCodesPage(
  p: { lang: Lang; codes: string[]; intro: string },
) {
  const a = accountMessages.translator(p.lang);
  return (
    <article class="narrow">
      <h1>{a("account.codes.title")}</h1>
      <p role="status">{p.intro}</p>
      <RecoveryCodes lang={p.lang} codes={p.codes} />
      <a role="button" href="/account">{a("account.back")}</a>
    </article>
  );
}

/** The new authenticator's secret and QR code, waiting for its first code. */
export function NewAuthenticatorPage(p: {
  lang: Lang;
  secret: string;
  uri: string;
  qrSvg: string;
  error?: string | null;
}) {
  const a = accountMessages.translator(p.lang);
  return (
    <article class="narrow">
      <h1>{a("account.mfa.new.title")}</h1>
      <p>{a("account.mfa.new.intro")}</p>
      <TotpSecret lang={p.lang} secret={p.secret} uri={p.uri} qrSvg={p.qrSvg} />
      {p.error && <p role="alert" class="error" id="code-error">{p.error}</p>}
      <form method="post" action="/account/authenticator/confirm">
        <TotpCodeField
          lang={p.lang}
          label={a("account.proof.code")}
          error={!!p.error}
        />
        <button type="submit">{a("account.mfa.new.submit")}</button>
      </form>
      <form method="post" action="/account/authenticator/cancel">
        <button type="submit" class="secondary outline">
          {a("account.mfa.new.cancel")}
        </button>
      </form>
    </article>
  );
}
