// /ads/keywords: the drill-down's last level, the keywords and product
// targets of the stores (or of one campaign or ad group), with their bids
// and figures for the period; filters, sort and page in the URL.
import { ListActions, StoreField } from "../list_controls.tsx";
import { formatMoney, formatNumber } from "../format.ts";
import type { Lang } from "../i18n.ts";
import {
  AdStateBadge,
  FigureCells,
  FigureHeaders,
  type FiguresView,
  FreshnessNotice,
  type FreshnessView,
  Pager,
  Presets,
} from "./_parts.tsx";
import { adsCatalogue, type AdsKey } from "./messages.ts";
import { CodeSelect, SearchPeriodOrder } from "./filters.tsx";

export interface TargetingRowView {
  key: string;
  kind: string;
  text: string;
  match: string;
  state: string;
  bid: string | null;
  defaultBid: boolean;
  campaignName: string;
  campaignHref: string;
  adGroupName: string;
  storeName: string;
  attributionDays: number;
  figures: FiguresView;
  href: string;
}

export interface KeywordsPageProps {
  lang: Lang;
  filter: {
    store: string;
    campaign: string;
    adGroup: string;
    kind: string;
    state: string;
    match: string;
    from: string;
    to: string;
    q: string;
    sort: string;
    dir: string;
    size: number;
  };
  stores: { id: string; name: string }[];
  kinds: readonly string[];
  states: readonly string[];
  matches: readonly string[];
  sorts: readonly string[];
  sizes: readonly number[];
  presets: { days: number; href: string; current: boolean }[];
  rows: TargetingRowView[];
  fresh: FreshnessView;
  nextQuery: string | null;
  prevQuery: string | null;
  filterQuery: string;
  filtered: boolean;
  badFilter: boolean;
  canExport: boolean;
  frozen: boolean;
}

export function KeywordsPage(p: KeywordsPageProps) {
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
          <h1>{t("ads.keywords.title")}</h1>
          <p>{t("ads.keywords.intro", { from: f.from, to: f.to })}</p>
        </hgroup>
      </header>
      {p.badFilter && <p class="error" role="alert">{t("ads.badFilter")}</p>}
      {p.frozen && p.canExport && (
        <p class="notice" role="status">{t("ads.frozen")}</p>
      )}
      <FreshnessNotice lang={p.lang} fresh={p.fresh} />
      <Presets lang={p.lang} presets={p.presets} />
      <form method="get" action="/ads/keywords" class="filters" role="search">
        <fieldset class="grid">
          <StoreField
            label={t("ads.field.store")}
            allLabel={t("ads.allStores")}
            stores={p.stores}
            current={f.store}
          />
          <label>
            {t("ads.field.campaign")}
            <input
              type="text"
              name="campaign"
              value={f.campaign}
              inputmode="numeric"
              pattern="[0-9]{1,20}"
              maxlength={20}
              autocomplete="off"
            />
          </label>
          <label>
            {t("ads.field.adGroup")}
            <input
              type="text"
              name="adGroup"
              value={f.adGroup}
              inputmode="numeric"
              pattern="[0-9]{1,20}"
              maxlength={20}
              autocomplete="off"
            />
          </label>
          <CodeSelect
            lang={p.lang}
            name="kind"
            label="ads.field.kind"
            words="kind"
            codes={p.kinds}
            current={f.kind}
          />
          <CodeSelect
            lang={p.lang}
            name="state"
            label="ads.field.state"
            words="state"
            codes={p.states}
            current={f.state}
          />
          <CodeSelect
            lang={p.lang}
            name="match"
            label="ads.field.match"
            words="match"
            codes={p.matches}
            current={f.match}
          />
        </fieldset>
        <SearchPeriodOrder
          lang={p.lang}
          searchLabel="ads.field.qKeyword"
          sorts={p.sorts}
          sizes={p.sizes}
          current={f}
        />
        <ListActions
          path="/ads/keywords"
          labels={{
            apply: t("ads.apply"),
            reset: t("ads.reset"),
            export: t("ads.export"),
          }}
          canExport={p.canExport && !p.frozen}
          filterQuery={p.filterQuery}
        />
      </form>
      {p.rows.length === 0
        ? (
          <div class="empty-state">
            <p>
              {t(
                p.filtered
                  ? "ads.keywords.empty.filtered"
                  : "ads.keywords.empty.none",
              )}
            </p>
          </div>
        )
        : (
          <div class="table-wrap">
            <table class="striped index" id="ads-keywords">
              <caption class="visually-hidden">
                {t("ads.keywords.caption", { count: n(p.rows.length) })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("ads.col.keyword")}</th>
                  <th scope="col">{t("ads.col.state")}</th>
                  <th scope="col" class="num">{t("ads.col.bid")}</th>
                  <FigureHeaders lang={p.lang} />
                </tr>
              </thead>
              <tbody>
                {p.rows.map((r) => (
                  <tr data-key={r.key}>
                    <td>
                      <a href={r.href} class="keyword-link">{r.text}</a>
                      <br />
                      <small>
                        {t(`ads.kind.${r.kind}` as AdsKey)} ·{" "}
                        {t(`ads.match.${r.match}` as AdsKey)} ·{" "}
                        <a href={r.campaignHref}>{r.campaignName}</a> ›{" "}
                        {r.adGroupName} · {r.storeName} ·{" "}
                        {t("ads.attribution", { days: r.attributionDays })}
                      </small>
                    </td>
                    <td>
                      <AdStateBadge lang={p.lang} state={r.state} />
                    </td>
                    <td class="num">
                      {r.bid === null
                        ? "—"
                        : formatMoney(p.lang, r.bid, r.figures.currency)}
                      {r.defaultBid && (
                        <>
                          <br />
                          <small>{t("ads.defaultBid")}</small>
                        </>
                      )}
                    </td>
                    <FigureCells lang={p.lang} f={r.figures} />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      <Pager
        lang={p.lang}
        path="/ads/keywords"
        filterQuery={p.filterQuery}
        prevQuery={p.prevQuery}
        nextQuery={p.nextQuery}
      />
    </>
  );
}
