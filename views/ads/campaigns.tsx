// /ads: the drill-down's first two levels — the marketplace profiles, then
// the campaigns — for a period, with the filters in a GET form (every
// filter, sort and page lives in the URL), which days are not final yet,
// each campaign's budget utilization, a keyset pager and the totals per
// currency (never two currencies summed).
import { choice, ListActions, StoreField } from "../list_controls.tsx";
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
  pct,
  Presets,
} from "./_parts.tsx";
import { adsCatalogue, type AdsKey } from "./messages.ts";
import { CodeSelect, SearchPeriodOrder } from "./filters.tsx";

export interface CampaignRowView {
  storeName: string;
  countryCode: string;
  name: string;
  state: string;
  campaignType: string;
  attributionDays: number;
  targetingType: string;
  dailyBudget: string;
  figures: FiguresView;
  budget: {
    days: number;
    capped: number;
    budget: string;
    utilization: string | null;
  };
  href: string;
  key: string;
}

export interface ProfileRowView {
  storeName: string;
  countryCode: string;
  accountName: string | null;
  campaigns: number;
  figures: FiguresView;
  href: string;
}

export interface CampaignsPageProps {
  lang: Lang;
  filter: {
    store: string;
    profile: string;
    state: string;
    type: string;
    targeting: string;
    from: string;
    to: string;
    q: string;
    sort: string;
    dir: string;
    size: number;
  };
  stores: { id: string; name: string }[];
  profileChoices: { id: string; label: string }[];
  states: readonly string[];
  types: readonly string[];
  targetings: readonly string[];
  sorts: readonly string[];
  sizes: readonly number[];
  presets: { days: number; href: string; current: boolean }[];
  profiles: ProfileRowView[];
  rows: CampaignRowView[];
  totals: (FiguresView & {
    campaigns: number;
    budget: string;
    capped: number;
    utilization: string | null;
  })[];
  fresh: FreshnessView;
  nextQuery: string | null;
  prevQuery: string | null;
  filterQuery: string;
  filtered: boolean;
  badFilter: boolean;
  canExport: boolean;
  frozen: boolean;
  canSearchTerms: boolean;
}

/** "85.71% · 2 days capped", titled with the sums. */
export function Utilization(p: {
  lang: Lang;
  currency: string;
  spend: string;
  budget: {
    days: number;
    capped: number;
    budget: string;
    utilization: string | null;
  };
}) {
  const t = adsCatalogue.translator(p.lang);
  const b = p.budget;
  if (b.days === 0) return <>—</>;
  return (
    <span
      title={t("ads.utilization.title", {
        spend: formatMoney(p.lang, p.spend, p.currency),
        budget: formatMoney(p.lang, b.budget, p.currency),
        days: formatNumber(p.lang, b.days),
        capped: formatNumber(p.lang, b.capped),
      })}
    >
      {pct(p.lang, b.utilization)}
    </span>
  );
}

export function CampaignsPage(p: CampaignsPageProps) {
  const t = adsCatalogue.translator(p.lang);
  const f = p.filter;
  const n = (v: number) => formatNumber(p.lang, v);
  return (
    <>
      <header class="page-header">
        <hgroup>
          <h1>{t("ads.title")}</h1>
          <p>{t("ads.intro", { from: f.from, to: f.to })}</p>
        </hgroup>
        {p.canSearchTerms && (
          <p>
            <a href="/ads/search-terms">{t("ads.terms.title")}</a>
          </p>
        )}
      </header>
      {p.badFilter && <p class="error" role="alert">{t("ads.badFilter")}</p>}
      {p.frozen && p.canExport && (
        <p class="notice" role="status">{t("ads.frozen")}</p>
      )}
      <FreshnessNotice lang={p.lang} fresh={p.fresh} />
      <Presets lang={p.lang} presets={p.presets} />
      <form method="get" action="/ads" class="filters" role="search">
        <fieldset class="grid">
          <StoreField
            label={t("ads.field.store")}
            allLabel={t("ads.allStores")}
            stores={p.stores}
            current={f.store}
          />
          <label>
            {t("ads.field.profile")}
            <select name="profile">
              {choice("", t("ads.any"), f.profile)}
              {p.profileChoices.map((x) => choice(x.id, x.label, f.profile))}
            </select>
          </label>
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
            name="type"
            label="ads.field.type"
            words="type"
            codes={p.types}
            current={f.type}
          />
          <CodeSelect
            lang={p.lang}
            name="targeting"
            label="ads.field.targeting"
            words="targeting"
            codes={p.targetings}
            current={f.targeting}
          />
        </fieldset>
        <SearchPeriodOrder
          lang={p.lang}
          searchLabel="ads.field.q"
          sorts={p.sorts}
          sizes={p.sizes}
          current={f}
        />
        <ListActions
          path="/ads"
          labels={{
            apply: t("ads.apply"),
            reset: t("ads.reset"),
            export: t("ads.export"),
          }}
          canExport={p.canExport && !p.frozen}
          filterQuery={p.filterQuery}
        />
      </form>
      {p.profiles.length > 0 && (
        <section id="ads-profiles" aria-labelledby="ads-profiles-title">
          <h2 id="ads-profiles-title">{t("ads.profiles")}</h2>
          <div class="table-wrap">
            <table class="striped index">
              <caption class="visually-hidden">
                {t("ads.profiles.caption")}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("ads.col.profile")}</th>
                  <th scope="col" class="num">{t("ads.col.campaigns")}</th>
                  <FigureHeaders lang={p.lang} />
                </tr>
              </thead>
              <tbody>
                {p.profiles.map((r) => (
                  <tr>
                    <th scope="row">
                      <a href={r.href}>
                        {r.storeName} · {r.countryCode}
                      </a>
                      {r.accountName && (
                        <>
                          <br />
                          <small>{r.accountName}</small>
                        </>
                      )}
                    </th>
                    <td class="num">{n(r.campaigns)}</td>
                    <FigureCells lang={p.lang} f={r.figures} />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      <h2 id="ads-campaigns-title">{t("ads.campaigns")}</h2>
      {p.rows.length === 0
        ? (
          <div class="empty-state">
            <p>{t(p.filtered ? "ads.empty.filtered" : "ads.empty.none")}</p>
          </div>
        )
        : (
          <div class="table-wrap">
            <table class="striped index ads-campaigns" id="ads-campaigns">
              <caption class="visually-hidden">
                {t("ads.caption", { count: n(p.rows.length) })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("ads.col.campaign")}</th>
                  <th scope="col">{t("ads.col.state")}</th>
                  <th scope="col" class="num">{t("ads.col.budget")}</th>
                  <th scope="col" class="num">{t("ads.col.utilization")}</th>
                  <th scope="col" class="num">{t("ads.col.capped")}</th>
                  <FigureHeaders lang={p.lang} />
                </tr>
              </thead>
              <tbody>
                {p.rows.map((r) => (
                  <tr data-key={r.key}>
                    <td>
                      <a href={r.href} class="campaign-link">{r.name}</a>
                      <br />
                      <small>
                        {r.storeName} · {r.countryCode} ·{" "}
                        {t(`ads.type.${r.campaignType}` as AdsKey)} ·{" "}
                        {t(`ads.targeting.${r.targetingType}` as AdsKey)} ·{" "}
                        {t("ads.attribution", { days: r.attributionDays })}
                      </small>
                    </td>
                    <td>
                      <AdStateBadge lang={p.lang} state={r.state} />
                    </td>
                    <td class="num">
                      {formatMoney(p.lang, r.dailyBudget, r.figures.currency)}
                    </td>
                    <td class="num" data-figure="utilization">
                      <Utilization
                        lang={p.lang}
                        currency={r.figures.currency}
                        spend={r.figures.spend}
                        budget={r.budget}
                      />
                    </td>
                    <td class="num" data-figure="capped">
                      {n(r.budget.capped)}
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
        path="/ads"
        filterQuery={p.filterQuery}
        prevQuery={p.prevQuery}
        nextQuery={p.nextQuery}
      />
      {p.totals.length > 0 && (
        <section id="ads-totals" aria-labelledby="ads-totals-title">
          <h2 id="ads-totals-title">{t("ads.totals")}</h2>
          <div class="table-wrap">
            <table class="totals">
              <thead>
                <tr>
                  <th scope="col">{t("ads.col.currency")}</th>
                  <th scope="col" class="num">{t("ads.col.campaigns")}</th>
                  <th scope="col" class="num">{t("ads.col.utilization")}</th>
                  <FigureHeaders lang={p.lang} />
                </tr>
              </thead>
              <tbody>
                {p.totals.map((x) => (
                  <tr data-currency={x.currency}>
                    <th scope="row">{x.currency}</th>
                    <td class="num">{n(x.campaigns)}</td>
                    <td class="num">{pct(p.lang, x.utilization)}</td>
                    <FigureCells lang={p.lang} f={x} />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </>
  );
}
