// Sign-in, first-owner and TOTP enrollment pages.
import { raw } from "hono/html";
import type { Lang } from "../i18n.ts";
import { translator } from "../i18n.ts";
import { accountMessages } from "../account/messages.ts";

export interface SignInProps {
  lang: Lang;
  providers: { id: string; label: string }[];
  next: string;
  error?: string | null;
  email?: string;
}

/** The sign-in page: single sign-on buttons and the break-glass local form. */
export function SignInPage(p: SignInProps) {
  const t = translator(p.lang);
  const nextQuery = p.next !== "/" ? `?next=${encodeURIComponent(p.next)}` : "";
  return (
    <article class="narrow">
      <h1>{t("auth.signin.title")}</h1>
      {p.error && <p role="alert" class="error">{p.error}</p>}
      {p.providers.length > 0 && (
        <section aria-label={t("auth.signin.sso")}>
          {p.providers.map((pr) => (
            <a
              role="button"
              class="secondary block"
              href={`/auth/${pr.id}${nextQuery}`}
            >
              {t("auth.signin.with")} {pr.label}
            </a>
          ))}
        </section>
      )}
      <details open={p.providers.length === 0}>
        <summary>{t("auth.signin.local")}</summary>
        <p>
          <small>{t("auth.signin.localHelp")}</small>
        </p>
        <form method="post" action="/auth/local">
          <input type="hidden" name="next" value={p.next} />
          <label>
            {t("auth.email")}
            <input
              type="email"
              name="email"
              required
              autocomplete="username"
              value={p.email ?? ""}
            />
          </label>
          <label>
            {t("auth.password")}
            <input
              type="password"
              name="password"
              required
              autocomplete="current-password"
            />
          </label>
          <label>
            {t("auth.code")}
            <input
              type="text"
              name="code"
              required
              autocomplete="one-time-code"
              inputmode="text"
              aria-describedby="code-help"
            />
            <small id="code-help">{t("auth.code.help")}</small>
          </label>
          <button type="submit">{t("auth.signin.submit")}</button>
        </form>
      </details>
    </article>
  );
}

export interface FirstOwnerProps {
  lang: Lang;
  token: string;
  errors?: string[];
  email?: string;
  displayName?: string;
}

/** Creates the first owner: who they are and a password meeting the policy. */
export function FirstOwnerPage(p: FirstOwnerProps) {
  const t = translator(p.lang);
  return (
    <article class="narrow">
      <h1>{t("auth.first.title")}</h1>
      <p>{t("auth.first.intro")}</p>
      {p.errors && p.errors.length > 0 && (
        <ul role="alert" class="error">
          {p.errors.map((e) => <li>{e}</li>)}
        </ul>
      )}
      <form method="post" action={`/auth/first-owner/${p.token}`}>
        <label>
          {t("auth.name")}
          <input
            name="displayName"
            required
            maxlength={120}
            autocomplete="name"
            value={p.displayName ?? ""}
          />
        </label>
        <label>
          {t("auth.email")}
          <input
            type="email"
            name="email"
            required
            autocomplete="username"
            value={p.email ?? ""}
          />
        </label>
        <NewPasswordFields lang={p.lang} label="auth.password" />
        <button type="submit">{t("auth.first.submit")}</button>
      </form>
    </article>
  );
}

export interface EnrollProps {
  lang: Lang;
  secret: string;
  uri: string;
  /** The otpauth:// URI as an SVG QR code, drawn on the server. */
  qrSvg: string;
  error?: string | null;
}

/** TOTP enrollment: the secret to add to an authenticator app, then a code. */
export function EnrollPage(p: EnrollProps) {
  const t = translator(p.lang);
  return (
    <article class="narrow">
      <h1>{t("auth.enroll.title")}</h1>
      <p>{t("auth.enroll.intro")}</p>
      <TotpSecret lang={p.lang} secret={p.secret} uri={p.uri} qrSvg={p.qrSvg} />
      {p.error && <p role="alert" class="error" id="code-error">{p.error}</p>}
      <form method="post" action="/auth/enroll">
        <TotpCodeField
          lang={p.lang}
          label={t("auth.enroll.code")}
          error={!!p.error}
        />
        <button type="submit">{t("auth.enroll.submit")}</button>
      </form>
    </article>
  );
}

/**
 * A new authenticator secret: its QR code (an SVG drawn on the server, a
 * labelled image) beside the secret in text and the otpauth:// link.
 */
export function TotpSecret(
  p: { lang: Lang; secret: string; uri: string; qrSvg: string },
) {
  const t = translator(p.lang);
  const a = accountMessages.translator(p.lang);
  return (
    <div class="totp-secret">
      <figure>
        <div
          class="qr"
          role="img"
          aria-label={a("auth.enroll.qr")}
          data-testid="totp-qr"
        >
          {raw(p.qrSvg)}
        </div>
        <figcaption>
          <small>{a("auth.enroll.qrHelp")}</small>
        </figcaption>
      </figure>
      <div>
        <p>
          {a("auth.enroll.secret")}:{" "}
          <code class="secret" data-testid="totp-secret">{p.secret}</code>
        </p>
        <p>
          <small>
            <a href={p.uri}>{t("auth.enroll.link")}</a>
          </small>
        </p>
      </div>
    </div>
  );
}

/** The six-digit code field, its error tied to it when there is one. */
export function TotpCodeField(
  p: { lang: Lang; label: string; error?: boolean; name?: string },
) {
  return (
    <label>
      {p.label}
      <input
        name={p.name ?? "code"}
        required
        inputmode="numeric"
        pattern="[0-9]{6}"
        maxlength={6}
        autocomplete="one-time-code"
        aria-invalid={p.error ? "true" : undefined}
        aria-describedby={p.error ? "code-error" : undefined}
      />
    </label>
  );
}

/** Shown once after enrollment: the recovery codes. */
export function RecoveryCodesPage(p: { lang: Lang; codes: string[] }) {
  const t = translator(p.lang);
  return (
    <article class="narrow">
      <h1>{t("auth.recovery.title")}</h1>
      <p>{t("auth.recovery.intro")}</p>
      <RecoveryCodes lang={p.lang} codes={p.codes} />
      <a role="button" href="/">{t("auth.recovery.continue")}</a>
    </article>
  );
}

/**
 * Recovery codes shown once: the list, a copy button (static/copy.js shows
 * it; without script the codes are there to select) and a download as a
 * text file (a form that posts them back: the server keeps no plain code).
 */
export function RecoveryCodes(p: { lang: Lang; codes: string[] }) {
  const a = accountMessages.translator(p.lang);
  return (
    <section class="recovery-codes">
      <ul class="codes" id="recovery-codes" data-testid="recovery-codes">
        {p.codes.map((c) => (
          <li>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <div class="actions">
        <button
          type="button"
          class="secondary"
          hidden
          data-copy="recovery-codes"
          data-copy-status="recovery-copy-status"
          data-copied={a("recovery.copied")}
          data-copy-failed={a("recovery.copyFailed")}
        >
          {a("recovery.copy")}
        </button>
        <form method="post" action="/account/recovery-codes.txt" class="inline">
          {p.codes.map((c) => <input type="hidden" name="code" value={c} />)}
          <button type="submit" class="secondary outline">
            {a("recovery.download")}
          </button>
        </form>
        <span role="status" id="recovery-copy-status"></span>
      </div>
    </section>
  );
}

/** The first-owner link cannot be used. */
export function InvalidLinkPage(p: { lang: Lang }) {
  const t = translator(p.lang);
  return (
    <article class="narrow">
      <h1>{t("auth.first.title")}</h1>
      <p>{t("auth.first.invalid")}</p>
    </article>
  );
}

/**
 * The enrollment cookie is missing or its 15 minutes are over, or (refused)
 * the account may no longer be set up.
 */
export function EnrollExpiredPage(p: { lang: Lang; refused?: boolean }) {
  const t = translator(p.lang);
  return (
    <article class="narrow">
      <h1>{t("auth.enroll.title")}</h1>
      <p>{t(p.refused ? "auth.enroll.refused" : "auth.enroll.expired")}</p>
    </article>
  );
}

export interface PasswordChangeProps {
  lang: Lang;
  expired: boolean;
  local: boolean;
  errors?: string[];
  done?: boolean;
}

/** Change a local account's password (at most daily, at least yearly). */
export function PasswordChangePage(p: PasswordChangeProps) {
  const t = translator(p.lang);
  if (!p.local) {
    return (
      <article class="narrow">
        <h1>{t("account.password.title")}</h1>
        <p>{t("account.password.sso")}</p>
      </article>
    );
  }
  return (
    <article class="narrow">
      <h1>{t("account.password.title")}</h1>
      {p.expired && (
        <p role="alert" class="error">{t("account.password.expired")}</p>
      )}
      {p.done && <p role="status">{t("account.password.done")}</p>}
      {p.errors && p.errors.length > 0 && (
        <ul role="alert" class="error">
          {p.errors.map((e) => <li>{e}</li>)}
        </ul>
      )}
      <form method="post" action="/account/password">
        <label>
          {t("account.password.current")}
          <input
            type="password"
            name="current"
            required
            autocomplete="current-password"
          />
        </label>
        <NewPasswordFields lang={p.lang} label="account.password.new" />
        <button type="submit">{t("account.password.submit")}</button>
      </form>
    </article>
  );
}

export interface LocalSetupProps {
  lang: Lang;
  token: string;
  email: string;
  displayName: string;
  errors?: string[];
}

/** A break-glass local account's first step: its password. */
export function LocalSetupPage(p: LocalSetupProps) {
  const t = translator(p.lang);
  return (
    <article class="narrow">
      <h1>{t("auth.setup.title")}</h1>
      <p>
        {p.displayName} · <code>{p.email}</code>
      </p>
      <p>{t("auth.setup.intro")}</p>
      {p.errors && p.errors.length > 0 && (
        <ul role="alert" class="error">
          {p.errors.map((e) => <li>{e}</li>)}
        </ul>
      )}
      <form method="post" action={`/auth/setup/${p.token}`}>
        <NewPasswordFields lang={p.lang} label="auth.password" />
        <button type="submit">{t("auth.first.submit")}</button>
      </form>
    </article>
  );
}

/** A new password and its confirmation, with the DPP rules beside them. */
function NewPasswordFields(
  p: { lang: Lang; label: "auth.password" | "account.password.new" },
) {
  const t = translator(p.lang);
  return (
    <>
      <label>
        {t(p.label)}
        <input
          type="password"
          name="password"
          required
          minlength={12}
          autocomplete="new-password"
          aria-describedby="pw-rules"
        />
        <small id="pw-rules">{t("auth.password.rules")}</small>
      </label>
      <label>
        {t("auth.password.confirm")}
        <input
          type="password"
          name="confirm"
          required
          minlength={12}
          autocomplete="new-password"
        />
      </label>
    </>
  );
}
