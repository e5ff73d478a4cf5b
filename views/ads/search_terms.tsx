// /ads/search-terms: Brand Analytics terms where the store's own ASINs are
// among the most clicked, each with its search frequency rank, the own
// ASINs' click and conversion shares, and the keywords already bid on.
import { choice, OrderFields, StoreField } from "../list_controls.tsx";
import { formatMoney, formatNumber } from "../format.ts";
import type { Lang } from "../i18n.ts";
import { Pager, pct } from "./_parts.tsx";
import { adsCatalogue, type AdsKey } from "./messages.ts";

export interface TermRowView {
  key: string;
  storeName: string;
  countryCode: string;
  periodStart: string;
  periodEnd: string;
  searchTerm: string;
  searchFrequencyRank: number;
  asins: {
    asin: string;
    clickShareRank: number;
    clickShare: string;
    conversionShare: string;
  }[];
  clickShare: string;
  conversionShare: string;
  keywords: {
    text: string;
    matchType: string;
    state: string;
    bid: string | null;
    currency: string;
    href: string;
  }[];
}

export interface SearchTermsPageProps {
  lang: Lang;
  filter: {
    store: string;
    period: string;
    from: string;
    to: string;
    q: string;
    bid: string;
    sort: string;
    dir: string;
    size: number;
  };
  stores: { id: string; name: string }[];
  periods: readonly string[];
  sorts: readonly string[];
  sizes: readonly number[];
  rows: TermRowView[];
  nextQuery: string | null;
  prevQuery: string | null;
  filterQuery: string;
  badFilter: boolean;
}

export function SearchTermsPage(p: SearchTermsPageProps) {
  const t = adsCatalogue.translator(p.lang);
  const f = p.filter;
  const n = (v: number) => formatNumber(p.lang, v);
  return (
    <>
      <p>
        <a href="/ads">{t("ads.campaign.back")}</a>
      </p>
      <header class="page-header">
        <hgroup>
          <h1>{t("ads.terms.title")}</h1>
          <p>{t("ads.terms.intro")}</p>
        </hgroup>
      </header>
      {p.badFilter && <p class="error" role="alert">{t("ads.badFilter")}</p>}
      <form
        method="get"
        action="/ads/search-terms"
        class="filters"
        role="search"
      >
        <fieldset class="grid">
          <StoreField
            label={t("ads.field.store")}
            allLabel={t("ads.allStores")}
            stores={p.stores}
            current={f.store}
          />
          <label>
            {t("ads.terms.field.period")}
            <select name="period">
              {p.periods.map((s) =>
                choice(s, t(`ads.terms.period.${s}` as AdsKey), f.period)
              )}
            </select>
          </label>
          <label>
            {t("ads.terms.field.from")}
            <input type="date" name="from" value={f.from} />
          </label>
          <label>
            {t("ads.terms.field.to")}
            <input type="date" name="to" value={f.to} />
          </label>
        </fieldset>
        <fieldset class="grid">
          <label>
            {t("ads.terms.field.q")}
            <input
              type="search"
              name="q"
              value={f.q}
              maxlength={64}
              autocomplete="off"
            />
          </label>
          <label>
            {t("ads.terms.field.bid")}
            <select name="bid">
              {choice("", t("ads.any"), f.bid)}
              {choice("yes", t("ads.terms.bid.yes"), f.bid)}
              {choice("no", t("ads.terms.bid.no"), f.bid)}
            </select>
          </label>
          <OrderFields
            lang={p.lang}
            labels={{
              sort: t("ads.field.sort"),
              dir: t("ads.field.dir"),
              size: t("ads.field.size"),
              asc: t("ads.dir.asc"),
              desc: t("ads.dir.desc"),
            }}
            sorts={p.sorts.map((s) => ({
              value: s,
              label: t(`ads.terms.sort.${s}` as AdsKey),
            }))}
            sizes={p.sizes}
            current={f}
          />
        </fieldset>
        <div class="actions">
          <button type="submit">{t("ads.apply")}</button>
          <a href="/ads/search-terms" role="button" class="secondary outline">
            {t("ads.reset")}
          </a>
        </div>
        <p>
          <small>{t("ads.terms.latest")}</small>
        </p>
      </form>
      {p.rows.length === 0
        ? (
          <div class="empty-state">
            <p>{t("ads.terms.empty")}</p>
          </div>
        )
        : (
          <div class="table-wrap">
            <table class="striped index" id="ads-terms">
              <caption class="visually-hidden">
                {t("ads.terms.caption", { count: n(p.rows.length) })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("ads.terms.col.term")}</th>
                  <th scope="col">{t("ads.terms.col.period")}</th>
                  <th scope="col" class="num">{t("ads.terms.col.rank")}</th>
                  <th scope="col">{t("ads.terms.col.asins")}</th>
                  <th scope="col" class="num">
                    {t("ads.terms.col.clickShare")}
                  </th>
                  <th scope="col" class="num">
                    {t("ads.terms.col.conversionShare")}
                  </th>
                  <th scope="col">{t("ads.terms.col.keywords")}</th>
                </tr>
              </thead>
              <tbody>
                {p.rows.map((r) => (
                  <tr data-key={r.key}>
                    <th scope="row">
                      {r.searchTerm}
                      <br />
                      <small>{r.storeName} · {r.countryCode}</small>
                    </th>
                    <td>
                      <time datetime={r.periodStart}>{r.periodStart}</time>
                      {" – "}
                      <time datetime={r.periodEnd}>{r.periodEnd}</time>
                    </td>
                    <td class="num">{n(r.searchFrequencyRank)}</td>
                    <td>
                      {r.asins.map((a, i) => (
                        <>
                          {i > 0 && <br />}
                          {t("ads.terms.asin", {
                            asin: a.asin,
                            rank: a.clickShareRank,
                            click: pct(p.lang, a.clickShare),
                            conv: pct(p.lang, a.conversionShare),
                          })}
                        </>
                      ))}
                    </td>
                    <td class="num">{pct(p.lang, r.clickShare)}</td>
                    <td class="num">{pct(p.lang, r.conversionShare)}</td>
                    <td>
                      {r.keywords.length === 0
                        ? <em>{t("ads.terms.noKeyword")}</em>
                        : (
                          <ul class="plain">
                            {r.keywords.map((k) => (
                              <li>
                                <a href={k.href}>{k.text}</a>{" "}
                                ({t(`ads.match.${k.matchType}` as AdsKey)},{" "}
                                {t(`ads.state.${k.state}` as AdsKey)},{" "}
                                {k.bid === null
                                  ? "—"
                                  : formatMoney(p.lang, k.bid, k.currency)})
                              </li>
                            ))}
                          </ul>
                        )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      <Pager
        lang={p.lang}
        path="/ads/search-terms"
        filterQuery={p.filterQuery}
        prevQuery={p.prevQuery}
        nextQuery={p.nextQuery}
      />
    </>
  );
}
