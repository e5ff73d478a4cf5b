// Amazon app credentials: status only. Values go in, and never come out.
import type { Lang } from "../i18n.ts";
import { translator } from "../i18n.ts";
import { word } from "../words.ts";
import { formatDayInZone, UTC } from "../format.ts";
import { Time } from "../time.tsx";

export interface AppRowView {
  id: string;
  api: string;
  name: string;
  applicationId: string | null;
  draft: boolean;
  /** The day the secret was issued (entered as a day, stored at 00:00 UTC). */
  secretIssuedAt: Date;
  secretDueAt: Date;
  dueSoon: boolean;
  previousSecretKept: boolean;
}

export interface AppsPageProps {
  lang: Lang;
  /** The reader's time zone. */
  zone?: string;
  apps: AppRowView[];
  errors?: string[];
  values?: { api?: string; name?: string; applicationId?: string };
}

export function AppsPage(p: AppsPageProps) {
  const t = translator(p.lang);
  const zone = p.zone ?? UTC;
  // The date fields start at the reader's today.
  const today = () => formatDayInZone(new Date(), zone);
  return (
    <>
      <hgroup>
        <h1>{t("apps.title")}</h1>
        <p>{t("apps.intro")}</p>
      </hgroup>
      {p.errors && p.errors.length > 0 && (
        <ul role="alert" class="error">
          {p.errors.map((e) => <li>{e}</li>)}
        </ul>
      )}
      {p.apps.length === 0
        ? <p class="empty">{t("apps.empty")}</p>
        : (
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">{t("apps.name")}</th>
                <th scope="col">API</th>
                <th scope="col">{t("apps.issued")}</th>
                <th scope="col">{t("apps.due")}</th>
                <th scope="col">{t("apps.rotate")}</th>
              </tr>
            </thead>
            <tbody>
              {p.apps.map((a) => (
                <tr>
                  <td>
                    {a.name}
                    {a.draft && <small>(draft)</small>}
                    {a.applicationId && <br />}
                    {a.applicationId && <small>{a.applicationId}</small>}
                  </td>
                  <td>{word(p.lang, "api", a.api)}</td>
                  <td>
                    <Time at={a.secretIssuedAt} zone={zone} precision="day" />
                  </td>
                  <td class={a.dueSoon ? "error" : ""}>
                    <Time at={a.secretDueAt} zone={zone} precision="day" />
                    {a.previousSecretKept && (
                      <>
                        <br />
                        <small>{t("apps.previousKept")}</small>
                      </>
                    )}
                  </td>
                  <td>
                    <form
                      method="post"
                      action={`/admin/amazon-apps/${a.id}/rotate`}
                    >
                      <input
                        type="password"
                        name="clientSecret"
                        required
                        autocomplete="off"
                        aria-label={t("apps.newSecret")}
                        placeholder={t("apps.newSecret")}
                      />
                      <input
                        type="date"
                        name="secretIssuedAt"
                        required
                        value={today()}
                        aria-label={t("apps.issued")}
                      />
                      <button type="submit" class="secondary">
                        {t("apps.rotate")}
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      <h2>{t("apps.add")}</h2>
      <form method="post" action="/admin/amazon-apps">
        <div class="grid">
          <label>
            API
            <select name="api">
              <option value="sp-api" selected={p.values?.api !== "ads"}>
                {word(p.lang, "api", "sp-api")}
              </option>
              <option value="ads" selected={p.values?.api === "ads"}>
                {word(p.lang, "api", "ads")}
              </option>
            </select>
          </label>
          <label>
            {t("apps.name")}
            <input
              name="name"
              required
              maxlength={80}
              value={p.values?.name ?? ""}
            />
          </label>
        </div>
        <label>
          {t("apps.applicationId")}
          <input
            name="applicationId"
            value={p.values?.applicationId ?? ""}
            placeholder="amzn1.sp.solution.…"
          />
        </label>
        <div class="grid">
          <label>
            LWA client id
            <input name="clientId" required autocomplete="off" />
          </label>
          <label>
            LWA client secret
            <input
              type="password"
              name="clientSecret"
              required
              autocomplete="off"
            />
          </label>
          <label>
            {t("apps.issued")}
            <input type="date" name="secretIssuedAt" required value={today()} />
          </label>
        </div>
        <label>
          <input type="checkbox" name="draft" checked />
          {t("apps.draft")}
        </label>
        <button type="submit">{t("apps.add")}</button>
      </form>
    </>
  );
}

/** Dashboard notice: secrets and authorizations nearing their deadline. */
export function CredentialWarnings(
  p: {
    lang: Lang;
    /** The reader's time zone. */
    zone?: string;
    warnings: {
      kind: string;
      subject: string;
      dueAt: Date;
      overdue: boolean;
    }[];
  },
) {
  const t = translator(p.lang);
  if (p.warnings.length === 0) return null;
  return (
    <article class="notice" role="status">
      <header>{t("apps.warnings")}</header>
      <ul>
        {p.warnings.map((w) => (
          <li class={w.overdue ? "error" : ""}>
            {t(
              w.kind === "secret_expiry"
                ? "apps.warn.secret"
                : "apps.warn.authorization",
            )} <code>{w.subject}</code> —{" "}
            <Time at={w.dueAt} zone={p.zone ?? UTC} precision="day" />
          </li>
        ))}
      </ul>
      <footer>
        <a href="/admin/amazon-apps">{t("apps.title")}</a>
      </footer>
    </article>
  );
}
