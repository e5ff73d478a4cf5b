// The API log page: filters (API, outcome, operation), newest first in
// strict (time, id) order, keyset pages. What a row holds is what the log
// may hold: no token, no body.
import type { Lang } from "../i18n.ts";
import { formatNumber, UTC } from "../format.ts";
import { Time } from "../time.tsx";
import { word } from "../words.ts";
import { type SyncMessageKey, t } from "./messages.ts";

export interface ApiLogRowView {
  id: number;
  at: Date;
  api: string;
  operation: string;
  httpStatus: number | null;
  latencyMs: number;
  attempts: number;
  requestId: string | null;
  rateLimit: string | null;
  errorCode: string | null;
}

const APIS = ["sp-api", "ads-api", "lwa", "report-document"];
const OUTCOMES = ["ok", "client", "throttled", "server", "failed"];

export function ApiLogPage(p: {
  lang: Lang;
  /** The reader's time zone. */
  zone?: string;
  storeId: string;
  storeName: string;
  rows: ApiLogRowView[];
  filter: { api?: string; outcome?: string; operation?: string };
  nextHref: string | null;
}) {
  const filtered = Boolean(
    p.filter.api || p.filter.outcome || p.filter.operation,
  );
  return (
    <>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href={`/stores/${p.storeId}`}>{p.storeName}</a>
          </li>
          <li>
            <a href={`/stores/${p.storeId}/sync`}>{t(p.lang, "sync.title")}</a>
          </li>
          <li>{t(p.lang, "apilog.title")}</li>
        </ul>
      </nav>
      <h1>{t(p.lang, "apilog.title")}</h1>
      <p>{t(p.lang, "apilog.intro")}</p>
      <form method="get" action={`/stores/${p.storeId}/api-log`}>
        <fieldset role="group">
          <select name="api" aria-label={t(p.lang, "apilog.filter.api")}>
            <option value="">{t(p.lang, "sync.filter.any")}</option>
            {APIS.map((a) => (
              <option value={a} selected={p.filter.api === a}>
                {word(p.lang, "api", a)}
              </option>
            ))}
          </select>
          <select
            name="outcome"
            aria-label={t(p.lang, "apilog.filter.outcome")}
          >
            <option value="">{t(p.lang, "sync.filter.any")}</option>
            {OUTCOMES.map((o) => (
              <option value={o} selected={p.filter.outcome === o}>
                {t(p.lang, `apilog.outcome.${o}` as SyncMessageKey)}
              </option>
            ))}
          </select>
          <input
            name="operation"
            value={p.filter.operation ?? ""}
            placeholder={t(p.lang, "apilog.filter.operation")}
            aria-label={t(p.lang, "apilog.filter.operation")}
            maxlength={80}
          />
          <button type="submit">{t(p.lang, "sync.filter.apply")}</button>
          <a
            role="button"
            class="secondary"
            href={`/stores/${p.storeId}/api-log`}
          >
            {t(p.lang, "sync.filter.clear")}
          </a>
        </fieldset>
      </form>
      {p.rows.length === 0
        ? (
          <p class="empty">
            {filtered
              ? t(p.lang, "apilog.empty")
              : t(p.lang, "apilog.empty.none")}
          </p>
        )
        : (
          <div class="overflow-auto">
            <table class="striped" id="api-log">
              <thead>
                <tr>
                  <th scope="col">{t(p.lang, "apilog.col.at")}</th>
                  <th scope="col">{t(p.lang, "apilog.col.api")}</th>
                  <th scope="col">{t(p.lang, "apilog.col.operation")}</th>
                  <th scope="col">{t(p.lang, "apilog.col.status")}</th>
                  <th scope="col">{t(p.lang, "apilog.col.latency")}</th>
                  <th scope="col">{t(p.lang, "apilog.col.attempts")}</th>
                  <th scope="col">{t(p.lang, "apilog.col.rateLimit")}</th>
                  <th scope="col">{t(p.lang, "apilog.col.requestId")}</th>
                  <th scope="col">{t(p.lang, "apilog.col.error")}</th>
                </tr>
              </thead>
              <tbody>
                {p.rows.map((r) => (
                  <tr>
                    <td>
                      <Time
                        at={r.at}
                        zone={p.zone ?? UTC}
                        precision="milliseconds"
                      />
                    </td>
                    <td>{word(p.lang, "api", r.api)}</td>
                    <td>
                      <code>{r.operation}</code>
                    </td>
                    <td class="num">{r.httpStatus ?? "—"}</td>
                    <td class="num">{formatNumber(p.lang, r.latencyMs)}</td>
                    <td class="num">{formatNumber(p.lang, r.attempts)}</td>
                    <td class="num">
                      {r.rateLimit === null
                        ? ""
                        : formatNumber(p.lang, Number(r.rateLimit))}
                    </td>
                    <td>
                      <small>
                        <code>{r.requestId ?? ""}</code>
                      </small>
                    </td>
                    <td>{r.errorCode ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      {p.nextHref && (
        <p>
          <a href={p.nextHref} rel="next">{t(p.lang, "apilog.more")} →</a>
        </p>
      )}
    </>
  );
}
