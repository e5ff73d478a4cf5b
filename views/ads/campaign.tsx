// The campaign page and the keyword (or product target) page: what it is,
// its figures for the period with the attribution window, the budget
// utilization, the spend chart with its table and, beside it, the budget
// and bid history, so a change can be read against the days that followed;
// the campaign's ad groups lead on to their keywords and targets.
import { formatMoney, formatNumber } from "../format.ts";
import type { Lang } from "../i18n.ts";
import {
  AdStateBadge,
  type DayView,
  FigureCells,
  FigureHeaders,
  type FiguresView,
  FreshnessNotice,
  type FreshnessView,
  HistoryTable,
  type HistoryView,
  pct,
  Presets,
  SpendChart,
} from "./_parts.tsx";
import { adsCatalogue, type AdsKey } from "./messages.ts";

export interface AdGroupView {
  name: string;
  state: string;
  defaultBid: string;
  keywords: number;
  targets: number;
  figures: FiguresView;
  href: string;
}

export interface CampaignPageProps {
  lang: Lang;
  zone: string;
  campaign: {
    name: string;
    state: string;
    campaignType: string;
    attributionDays: number;
    targetingType: string;
    countryCode: string;
    dailyBudget: string;
    storeName: string;
    figures: FiguresView;
    budget: {
      days: number;
      capped: number;
      budget: string;
      utilization: string | null;
    };
  };
  adGroups: AdGroupView[];
  days: DayView[];
  history: HistoryView[];
  fresh: FreshnessView;
  presets: { days: number; href: string; current: boolean }[];
  period: { from: string; to: string };
  back: string;
  keywordsHref: string;
}

/** The headline figures of one entity as a one-row table. */
function Headline(p: { lang: Lang; f: FiguresView; label: string }) {
  const t = adsCatalogue.translator(p.lang);
  return (
    <div class="table-wrap">
      <table class="index" id="ads-figures">
        <caption>{t("ads.campaign.figures")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("ads.col.currency")}</th>
            <FigureHeaders lang={p.lang} />
          </tr>
        </thead>
        <tbody>
          <tr data-currency={p.f.currency}>
            <th scope="row">{p.label}</th>
            <FigureCells lang={p.lang} f={p.f} />
          </tr>
        </tbody>
      </table>
    </div>
  );
}

/** Days (UTC) with an observed change, to mark on the chart. */
const changedDays = (h: HistoryView[]) =>
  new Set(h.map((x) => x.observedAt.toISOString().slice(0, 10)));

export function CampaignPage(p: CampaignPageProps) {
  const t = adsCatalogue.translator(p.lang);
  const c = p.campaign;
  const cur = c.figures.currency;
  const m = (v: string) => formatMoney(p.lang, v, cur);
  const n = (v: number) => formatNumber(p.lang, v);
  return (
    <>
      <p>
        <a href={p.back}>{t("ads.campaign.back")}</a>
      </p>
      <header class="page-header">
        <hgroup>
          <h1>{c.name}</h1>
          <p>
            <AdStateBadge lang={p.lang} state={c.state} /> {c.storeName} ·{" "}
            {t("ads.campaign.summary", {
              type: t(`ads.type.${c.campaignType}` as AdsKey),
              targeting: t(`ads.targeting.${c.targetingType}` as AdsKey),
              marketplace: c.countryCode,
              budget: m(c.dailyBudget),
            })} · {t("ads.attribution", { days: c.attributionDays })}
          </p>
        </hgroup>
      </header>
      <Presets lang={p.lang} presets={p.presets} />
      <p>{t("ads.intro", { from: p.period.from, to: p.period.to })}</p>
      <FreshnessNotice lang={p.lang} fresh={p.fresh} />
      <Headline lang={p.lang} f={c.figures} label={cur} />
      <section id="ads-budget" aria-labelledby="ads-budget-title">
        <h2 id="ads-budget-title">{t("ads.campaign.budget")}</h2>
        <p>
          {c.budget.days === 0
            ? t("ads.campaign.budget.none")
            : t("ads.campaign.budget.text", {
              spend: m(c.figures.spend),
              budget: m(c.budget.budget),
              days: n(c.budget.days),
              pct: pct(p.lang, c.budget.utilization),
              capped: n(c.budget.capped),
            })}
        </p>
      </section>
      <div class="grid ads-chart-history">
        <SpendChart
          lang={p.lang}
          id="campaign-spend"
          currency={cur}
          days={p.days}
          changed={changedDays(p.history)}
          withBudget
        />
        <HistoryTable lang={p.lang} zone={p.zone} history={p.history} />
      </div>
      <section id="ads-ad-groups" aria-labelledby="ads-ad-groups-title">
        <h2 id="ads-ad-groups-title">{t("ads.campaign.adGroups")}</h2>
        <p>
          <a href={p.keywordsHref}>{t("ads.keywords.link")}</a>
        </p>
        {p.adGroups.length === 0
          ? <p>{t("ads.campaign.adGroups.none")}</p>
          : (
            <div class="table-wrap">
              <table class="striped index">
                <caption>{t("ads.campaign.adGroups.caption")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("ads.col.adGroup")}</th>
                    <th scope="col">{t("ads.col.state")}</th>
                    <th scope="col" class="num">{t("ads.col.defaultBid")}</th>
                    <th scope="col" class="num">{t("ads.col.keywords")}</th>
                    <th scope="col" class="num">{t("ads.col.targets")}</th>
                    <FigureHeaders lang={p.lang} />
                  </tr>
                </thead>
                <tbody>
                  {p.adGroups.map((g) => (
                    <tr>
                      <th scope="row">
                        <a href={g.href} class="ad-group-link">{g.name}</a>
                      </th>
                      <td>
                        <AdStateBadge lang={p.lang} state={g.state} />
                      </td>
                      <td class="num">{m(g.defaultBid)}</td>
                      <td class="num">{n(g.keywords)}</td>
                      <td class="num">{n(g.targets)}</td>
                      <FigureCells lang={p.lang} f={g.figures} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
      </section>
    </>
  );
}

export interface KeywordPageProps {
  lang: Lang;
  zone: string;
  row: {
    kind: string;
    text: string;
    match: string;
    state: string;
    bid: string | null;
    defaultBid: boolean;
    campaignName: string;
    campaignHref: string;
    adGroupName: string;
    attributionDays: number;
    figures: FiguresView;
  };
  days: DayView[];
  history: HistoryView[];
  fresh: FreshnessView;
  presets: { days: number; href: string; current: boolean }[];
  period: { from: string; to: string };
  back: string;
}

export function KeywordPage(p: KeywordPageProps) {
  const t = adsCatalogue.translator(p.lang);
  const r = p.row;
  const cur = r.figures.currency;
  return (
    <>
      <p>
        <a href={p.back}>{t("ads.keyword.back")}</a>
      </p>
      <header class="page-header">
        <hgroup>
          <h1>{r.text}</h1>
          <p>
            <AdStateBadge lang={p.lang} state={r.state} />{" "}
            {t(`ads.kind.${r.kind}` as AdsKey)} ·{" "}
            {t(`ads.match.${r.match}` as AdsKey)} ·{" "}
            <a href={r.campaignHref}>{r.campaignName}</a> › {r.adGroupName} ·
            {" "}
            {t("ads.col.bid")}{" "}
            {r.bid === null ? "—" : formatMoney(p.lang, r.bid, cur)}
            {r.defaultBid && ` ${t("ads.defaultBid")}`} ·{" "}
            {t("ads.attribution", { days: r.attributionDays })}
          </p>
        </hgroup>
      </header>
      <Presets lang={p.lang} presets={p.presets} />
      <p>{t("ads.intro", { from: p.period.from, to: p.period.to })}</p>
      <FreshnessNotice lang={p.lang} fresh={p.fresh} />
      <Headline lang={p.lang} f={r.figures} label={cur} />
      <div class="grid ads-chart-history">
        <SpendChart
          lang={p.lang}
          id="keyword-spend"
          currency={cur}
          days={p.days}
          changed={changedDays(p.history)}
          withBudget={false}
        />
        <HistoryTable lang={p.lang} zone={p.zone} history={p.history} />
      </div>
    </>
  );
}
