import type { Lang } from "../i18n.ts";
import { translator } from "../i18n.ts";
import { formatNumber } from "../format.ts";
import { roleName } from "../words.ts";

export interface HomeProps {
  lang: Lang;
  engine: "pglite" | "postgres";
  displayName: string;
  role: string;
  storeCount: number;
  /** Stores whose seller revoked our authorization in Amazon. */
  revokedStores?: { id: string; name: string }[];
  /** Retention categories with rows past their limit (needs attention). */
  overLimit?: { category: string; overdue: number }[];
}

/** The dashboard: what Custodian is and what it enforces. */
export function HomePage(props: HomeProps) {
  const t = translator(props.lang);
  return (
    <>
      <hgroup>
        <h1>{t("home.title")}</h1>
        <p>{t("home.intro")}</p>
      </hgroup>
      <p>
        {t("home.signedInAs")} <strong>{props.displayName}</strong> ·{" "}
        {roleName(props.lang, props.role)} · {t("home.stores")}:{" "}
        {formatNumber(props.lang, props.storeCount)}
      </p>
      {props.storeCount === 0 && <p class="notice">{t("home.noStores")}</p>}
      {(props.revokedStores ?? []).length > 0 && (
        <article class="notice" role="alert">
          <header>{t("home.revoked")}</header>
          <ul>
            {props.revokedStores!.map((s) => (
              <li>
                <a href={`/stores/${s.id}`}>{s.name}</a>
              </li>
            ))}
          </ul>
        </article>
      )}
      {(props.overLimit ?? []).length > 0 && (
        <article class="notice" role="alert" id="over-limit">
          <header>⚠ {t("home.overLimit")}</header>
          <ul>
            {props.overLimit!.map((o) => (
              <li>
                {t("home.overLimit.row", {
                  category: o.category,
                  n: formatNumber(props.lang, o.overdue),
                })}
              </li>
            ))}
          </ul>
          <footer>
            <a href="/retention#state">{t("home.overLimit.link")}</a>
          </footer>
        </article>
      )}
      <article>
        <header>{t("home.policy")}</header>
        <ul>
          <li>{t("policy.isolation")}</li>
          <li>{t("policy.vault")}</li>
          <li>{t("policy.retention")}</li>
          <li>{t("policy.audit")}</li>
        </ul>
        <footer>
          <small>
            {t("home.engine")}:{" "}
            <code>{props.engine === "pglite" ? "PGlite" : "PostgreSQL"}</code>
          </small>
        </footer>
      </article>
    </>
  );
}
