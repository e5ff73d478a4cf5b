// A store's connection to Amazon: which authorizations exist (dates, roles
// and why), and the official ways to connect (Data Policy §2, §5, §7).
import type { Lang } from "../i18n.ts";
import { translator } from "../i18n.ts";
import { StateBadge } from "../badge.tsx";
import { word } from "../words.ts";
import { UTC } from "../format.ts";
import { Time } from "../time.tsx";

export interface ConnectionProps {
  lang: Lang;
  /** The reader's time zone. */
  zone?: string;
  storeId: string;
  status: string;
  canConnect: boolean;
  credentials: {
    api: string;
    method: string;
    issuedAt: Date;
    /** Recorded once a day at most: shown as the day. */
    lastUsedAt: Date | null;
    lastRotatedAt: Date | null;
    authorizationExpiresAt: Date | null;
    roles: string[];
    scopes?: string[];
  }[];
  roles: { role: string; why: string }[];
  apps: { id: string; name: string; hasApplicationId: boolean }[];
  adsApps?: { id: string; name: string }[];
}

export function ConnectionSection(p: ConnectionProps) {
  const t = translator(p.lang);
  const consentApps = p.apps.filter((a) => a.hasApplicationId);
  // A connected store is not offered the SP-API connection again (a revoked
  // one is, to reconnect); the Advertising API until it is authorized.
  const offerSpApi = p.canConnect && p.status !== "connected";
  const offerAds = p.canConnect &&
    !p.credentials.some((c) => c.api === "ads");
  return (
    <section id="connection">
      <h2>{t("connect.title")}</h2>
      <p>
        {t("connect.status")}:{" "}
        <StateBadge lang={p.lang} kind="store" state={p.status} />
      </p>
      {p.credentials.length === 0
        ? <p class="empty">{t("connect.none")}</p>
        : (
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">API</th>
                <th scope="col">{t("connect.method")}</th>
                <th scope="col">{t("connect.issued")}</th>
                <th scope="col">{t("connect.lastUsed")}</th>
                <th scope="col">{t("connect.rotated")}</th>
                <th scope="col">{t("connect.expires")}</th>
              </tr>
            </thead>
            <tbody>
              {p.credentials.map((c) => (
                <tr>
                  <td>{word(p.lang, "api", c.api)}</td>
                  <td>
                    {word(p.lang, "method", c.method)}
                    {(c.scopes ?? []).length > 0 && (
                      <>
                        <br />
                        <small>{c.scopes!.join(", ")}</small>
                      </>
                    )}
                  </td>
                  <td>
                    <Time at={c.issuedAt} zone={p.zone ?? UTC} />
                  </td>
                  <td>
                    <Time
                      at={c.lastUsedAt}
                      zone={p.zone ?? UTC}
                      precision="day"
                    />
                  </td>
                  <td>
                    <Time at={c.lastRotatedAt} zone={p.zone ?? UTC} />
                  </td>
                  <td>
                    <Time
                      at={c.authorizationExpiresAt}
                      zone={p.zone ?? UTC}
                      precision="day"
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      <details>
        <summary>{t("connect.roles")}</summary>
        <ul>
          {p.roles.map((r) => (
            <li>
              <strong>{r.role}</strong> — {r.why}
            </li>
          ))}
        </ul>
      </details>
      {offerAds && (p.adsApps ?? []).map((a) => (
        <p>
          <a
            role="button"
            class="secondary"
            href={`/stores/${p.storeId}/connect/ads?appId=${a.id}`}
          >
            {t("connect.ads")} ({a.name})
          </a>
        </p>
      ))}
      {offerSpApi && (
        <>
          {consentApps.length > 0 && (
            <form method="post" action={`/stores/${p.storeId}/connect/website`}>
              <fieldset role="group">
                <select name="appId" aria-label={t("connect.app")}>
                  {consentApps.map((a) => (
                    <option value={a.id}>{a.name}</option>
                  ))}
                </select>
                <button type="submit">{t("connect.website")}</button>
              </fieldset>
            </form>
          )}
          {p.apps.length > 0
            ? (
              <form method="post" action={`/stores/${p.storeId}/connect/self`}>
                <label>
                  {t("connect.self")}
                  <input
                    type="password"
                    name="refreshToken"
                    required
                    autocomplete="off"
                    placeholder="Atzr|…"
                    aria-describedby="self-help"
                  />
                  <small id="self-help">{t("connect.selfHelp")}</small>
                </label>
                <select name="appId" aria-label={t("connect.app")}>
                  {p.apps.map((a) => <option value={a.id}>{a.name}</option>)}
                </select>
                <button type="submit" class="secondary">
                  {t("connect.selfSubmit")}
                </button>
              </form>
            )
            : (
              <p>
                <a href="/admin/amazon-apps">{t("connect.registerApp")}</a>
              </p>
            )}
        </>
      )}
    </section>
  );
}

const REASONS: Record<string, string> = {
  bad_state: "connect.fail.bad_state",
  not_own_account: "connect.fail.not_own_account",
  wrong_account: "connect.fail.wrong_account",
  exchange_failed: "connect.fail.exchange_failed",
  token_refused: "connect.fail.token_refused",
  token_invalid: "connect.fail.token_invalid",
  amazon_error: "connect.fail.amazon_error",
  no_app: "connect.fail.no_app",
};

/** The outcome of a connection attempt, in words a person can act on. */
export function ConnectResult(
  p: { lang: Lang; ok: boolean; reason?: string; storeId?: string },
) {
  const t = translator(p.lang);
  return (
    <article class="narrow">
      <h1>{p.ok ? t("connect.ok") : t("connect.failed")}</h1>
      {!p.ok && p.reason && (
        <p role="alert">
          {t(
            (REASONS[p.reason] ??
              "connect.fail.amazon_error") as "connect.failed",
          )}
        </p>
      )}
      {p.storeId && (
        <a role="button" href={`/stores/${p.storeId}`}>{t("connect.back")}</a>
      )}
    </article>
  );
}
