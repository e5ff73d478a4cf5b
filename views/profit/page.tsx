// /profit: filters in a GET form (stores, marketplace days, grain, optional
// conversion; all in the URL), the rows of one grain with profit at order
// time and at settlement time side by side and the gap between them, the
// per-currency totals with the gap by component, the SKUs without a cost
// (left out, counted), ad spend that could not be allocated, and the totals
// converted at one day's rates when asked.
import { Badge } from "../badge.tsx";
import { formatNumber } from "../format.ts";
import type { Lang } from "../i18n.ts";
import { choice, StoreField } from "../list_controls.tsx";
import { money } from "./_money.ts";
import { profitCatalogue, type ProfitKey } from "./messages.ts";

export interface SettledView {
  sales: number;
  fees: number;
  refunds: number;
  reimbursements: number;
  other: number;
}

/** One row of a grain (amounts in minor units of `currency`). */
export interface ProfitRowView {
  key: string;
  storeId: string;
  storeName: string;
  currency: string;
  lines: number;
  units: number;
  sales: number;
  missingCost: number;
  estimated: number;
  noFees: number;
  cogs: number;
  ads: number;
  fees: number;
  orderProfit: number | null;
  settledLines: number;
  settled: SettledView;
  settlementProfit: number | null;
  gap: SettledView & { profit: number };
}

export interface ProfitFilterView {
  store: string;
  from: string;
  to: string;
  by: string;
  in: string;
  rateDay: string;
  size: number;
}

export interface ProfitPageProps {
  lang: Lang;
  filter: ProfitFilterView;
  stores: { id: string; name: string }[];
  grains: readonly string[];
  sizes: readonly number[];
  /** Currencies offered for the conversion. */
  currencies: readonly string[];
  feeRateDays: number;
  maxDays: number;
  badFilter: boolean;
  badDates: { from: boolean; to: boolean };
  rows: ProfitRowView[];
  totals: ProfitRowView[];
  unallocatedAds: { currency: string; amount: number }[];
  skusWithoutCost: { storeName: string; sku: string; currency: string }[];
  conversion: {
    into: string;
    day: string;
    parts: {
      currency: string;
      rate: string | null;
      sales: number | null;
      orderProfit: number | null;
      settlementProfit: number | null;
    }[];
    sales: number;
    orderProfit: number;
    settlementProfit: number;
    missing: string[];
  } | null;
  nextQuery: string | null;
  /** The filters without the page, for "first page" and the export. */
  filterQuery: string;
  paged: boolean;
  canExport: boolean;
  canManageCosts: boolean;
}

const COMPONENTS = [
  "sales",
  "fees",
  "refunds",
  "reimbursements",
  "other",
] as const;

function RuleList(p: { lang: Lang; days: number }) {
  const t = profitCatalogue.translator(p.lang);
  return (
    <details>
      <summary>{t("profit.rules")}</summary>
      <ul>
        <li>{t("profit.rule.sales")}</li>
        <li>{t("profit.rule.fees", { days: p.days })}</li>
        <li>{t("profit.rule.settled")}</li>
        <li>{t("profit.rule.ads")}</li>
        <li>{t("profit.rule.cost")}</li>
      </ul>
    </details>
  );
}

function Filters(p: ProfitPageProps) {
  const t = profitCatalogue.translator(p.lang);
  const f = p.filter;
  return (
    <form method="get" action="/profit" class="filters" role="search">
      <fieldset class="grid">
        <StoreField
          label={t("profit.field.store")}
          allLabel={t("profit.allStores")}
          stores={p.stores}
          current={f.store}
        />
        <label>
          {t("profit.field.from")}
          <input
            type="date"
            name="from"
            value={f.from}
            required
            aria-invalid={p.badDates.from ? "true" : undefined}
            aria-describedby={p.badDates.from ? "from-error" : undefined}
          />
          {p.badDates.from && (
            <small id="from-error" class="error">{t("profit.badDate")}</small>
          )}
        </label>
        <label>
          {t("profit.field.to")}
          <input
            type="date"
            name="to"
            value={f.to}
            required
            aria-invalid={p.badDates.to ? "true" : undefined}
            aria-describedby={p.badDates.to ? "to-error" : undefined}
          />
          {p.badDates.to && (
            <small id="to-error" class="error">{t("profit.badDate")}</small>
          )}
        </label>
        <label>
          {t("profit.field.by")}
          <select name="by">
            {p.grains.map((g) =>
              choice(g, t(`profit.by.${g}` as ProfitKey), f.by)
            )}
          </select>
        </label>
      </fieldset>
      <fieldset class="grid">
        <label>
          {t("profit.field.in")}
          <select name="in">
            {choice("", t("profit.in.none"), f.in)}
            {p.currencies.map((c) => choice(c, c, f.in))}
          </select>
        </label>
        <label>
          {t("profit.field.rateDay")}
          <input type="date" name="rate_day" value={f.rateDay} />
        </label>
        <label>
          {t("profit.field.size")}
          <select name="size">
            {p.sizes.map((s) =>
              choice(String(s), formatNumber(p.lang, s), String(f.size))
            )}
          </select>
        </label>
      </fieldset>
      <div class="actions">
        <button type="submit">{t("profit.apply")}</button>
        <a href="/profit" role="button" class="secondary outline">
          {t("profit.reset")}
        </a>
        {p.canExport && (
          <a
            href={`/profit.csv?${p.filterQuery}`}
            role="button"
            class="secondary"
            download
          >
            {t("profit.export")}
          </a>
        )}
      </div>
    </form>
  );
}

/** Profit or "—", with the reason it is unknown. */
function ProfitCell(
  p: { lang: Lang; value: number | null; currency: string; why?: string },
) {
  return (
    <td class="num">
      {money(p.lang, p.value, p.currency)}
      {p.value === null && p.why && (
        <>
          {" "}
          <small>({p.why})</small>
        </>
      )}
    </td>
  );
}

function Flags(p: { lang: Lang; r: ProfitRowView }) {
  const t = profitCatalogue.translator(p.lang);
  const r = p.r;
  return (
    <>
      {r.missingCost > 0 && (
        <Badge
          tone="red"
          icon="!"
          label={r.missingCost === r.lines
            ? t("profit.noCost")
            : t("profit.missingCost", { count: r.missingCost })}
          state="no-cost"
        />
      )}
      {r.estimated > 0 && (
        <Badge
          tone="amber"
          icon="≈"
          label={r.estimated === r.lines
            ? t("profit.estimate")
            : t("profit.estimated", { count: r.estimated, lines: r.lines })}
          state="estimate"
        />
      )}
      {r.noFees > 0 && (
        <Badge
          tone="grey"
          icon="?"
          label={t("profit.noFees", { count: r.noFees })}
          state="no-fees"
        />
      )}
    </>
  );
}

function keyCell(by: string, r: ProfitRowView) {
  if (by === "order") {
    return (
      <a href={`/orders/${r.storeId}/${encodeURIComponent(r.key)}`}>
        {r.key}
      </a>
    );
  }
  if (by === "store") return r.storeName;
  return r.key;
}

function RowsTable(p: ProfitPageProps) {
  const t = profitCatalogue.translator(p.lang);
  const grain = t(`profit.by.${p.filter.by}` as ProfitKey);
  return (
    <div class="table-wrap">
      <table class="striped index" id="profit-rows">
        <caption>{t("profit.caption", { grain })}</caption>
        <thead>
          <tr>
            <th scope="col" rowspan={2}>{t("profit.col.key", { grain })}</th>
            {p.filter.by !== "store" && (
              <th scope="col" rowspan={2}>{t("profit.col.store")}</th>
            )}
            <th scope="col" rowspan={2}>{t("profit.col.currency")}</th>
            <th scope="col" rowspan={2} class="num">
              {t("profit.col.units")}
            </th>
            <th scope="col" rowspan={2} class="num">
              {t("profit.col.cogs")}
            </th>
            <th scope="col" rowspan={2} class="num">{t("profit.col.ads")}</th>
            <th scope="colgroup" colspan={3}>
              {t("profit.group.orderTime")}
            </th>
            <th scope="colgroup" colspan={3}>
              {t("profit.group.settlement")}
            </th>
            <th scope="col" rowspan={2} class="num">{t("profit.col.gap")}</th>
          </tr>
          <tr>
            <th scope="col" class="num">{t("profit.col.sales")}</th>
            <th scope="col" class="num">{t("profit.col.fees")}</th>
            <th scope="col" class="num">{t("profit.col.orderProfit")}</th>
            <th scope="col" class="num">{t("profit.col.sales")}</th>
            <th scope="col" class="num">{t("profit.col.fees")}</th>
            <th scope="col" class="num">
              {t("profit.col.settlementProfit")}
            </th>
          </tr>
        </thead>
        <tbody>
          {p.rows.map((r) => {
            const known = r.lines > r.missingCost;
            const settledKnown = r.settlementProfit !== null;
            return (
              <tr data-key={r.key} data-currency={r.currency}>
                <th scope="row">
                  {keyCell(p.filter.by, r)} <Flags lang={p.lang} r={r} />
                </th>
                {p.filter.by !== "store" && <td>{r.storeName}</td>}
                <td>{r.currency}</td>
                <td class="num">{formatNumber(p.lang, r.units)}</td>
                <td class="num">
                  {known ? money(p.lang, r.cogs, r.currency) : "—"}
                </td>
                <td class="num">
                  {known ? money(p.lang, r.ads, r.currency) : "—"}
                </td>
                <td class="num">{money(p.lang, r.sales, r.currency)}</td>
                <td class="num">
                  {r.orderProfit === null
                    ? "—"
                    : money(p.lang, r.fees, r.currency)}
                </td>
                <ProfitCell
                  lang={p.lang}
                  value={r.orderProfit}
                  currency={r.currency}
                  why={known ? undefined : t("profit.noCost")}
                />
                <td class="num">
                  {settledKnown
                    ? money(p.lang, r.settled.sales, r.currency)
                    : "—"}
                </td>
                <td class="num">
                  {settledKnown
                    ? money(p.lang, r.settled.fees, r.currency)
                    : "—"}
                </td>
                <ProfitCell
                  lang={p.lang}
                  value={r.settlementProfit}
                  currency={r.currency}
                  why={!known
                    ? t("profit.noCost")
                    : r.settledLines === 0
                    ? t("profit.notSettled")
                    : undefined}
                />
                <td class="num">
                  {settledKnown && r.orderProfit !== null
                    ? (
                      <span
                        title={t("profit.gapDetail", {
                          sales: money(p.lang, r.gap.sales, r.currency),
                          fees: money(p.lang, r.gap.fees, r.currency),
                          refunds: money(p.lang, r.gap.refunds, r.currency),
                          reimbursements: money(
                            p.lang,
                            r.gap.reimbursements,
                            r.currency,
                          ),
                          other: money(p.lang, r.gap.other, r.currency),
                        })}
                      >
                        {money(p.lang, r.gap.profit, r.currency)}
                      </span>
                    )
                    : "—"}
                  {r.settledLines > 0 && r.settledLines < r.lines && (
                    <>
                      {" "}
                      <small>
                        {t("profit.partlySettled", {
                          count: r.settledLines,
                          lines: r.lines,
                        })}
                      </small>
                    </>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Totals(p: ProfitPageProps) {
  const t = profitCatalogue.translator(p.lang);
  if (p.totals.length === 0) return null;
  return (
    <section aria-labelledby="totals-title">
      <h2 id="totals-title">{t("profit.totals")}</h2>
      <div class="table-wrap">
        <table class="striped" id="profit-totals">
          <caption class="visually-hidden">
            {t("profit.totals.caption")}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t("profit.col.currency")}</th>
              <th scope="col" class="num">{t("profit.total.lines")}</th>
              <th scope="col" class="num">{t("profit.col.sales")}</th>
              <th scope="col" class="num">{t("profit.col.cogs")}</th>
              <th scope="col" class="num">{t("profit.col.ads")}</th>
              <th scope="col" class="num">{t("profit.col.orderProfit")}</th>
              <th scope="col" class="num">
                {t("profit.col.settlementProfit")}
              </th>
            </tr>
          </thead>
          <tbody>
            {p.totals.map((r) => (
              <tr data-currency={r.currency}>
                <th scope="row">
                  {r.currency} <Flags lang={p.lang} r={r} />
                </th>
                <td class="num">{formatNumber(p.lang, r.lines)}</td>
                <td class="num">{money(p.lang, r.sales, r.currency)}</td>
                <td class="num">{money(p.lang, r.cogs, r.currency)}</td>
                <td class="num">{money(p.lang, r.ads, r.currency)}</td>
                <td class="num" data-total="order">
                  {money(p.lang, r.orderProfit, r.currency)}
                </td>
                <td class="num" data-total="settlement">
                  {money(p.lang, r.settlementProfit, r.currency)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>{t("profit.gapTitle")}</h3>
      <div class="table-wrap">
        <table class="striped" id="profit-gap">
          <caption class="visually-hidden">{t("profit.gap.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("profit.gap.component")}</th>
              {p.totals.map((r) => <th scope="col" class="num">{r.currency}
              </th>)}
            </tr>
          </thead>
          <tbody>
            {[...COMPONENTS, "profit" as const].map((c) => (
              <tr data-component={c}>
                <th scope="row">{t(`profit.gap.${c}`)}</th>
                {p.totals.map((r) => (
                  <td class="num">{money(p.lang, r.gap[c], r.currency)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {p.unallocatedAds.length > 0 && (
        <p id="profit-unallocated">
          {t("profit.unallocated")}:{" "}
          {p.unallocatedAds.map((u) => money(p.lang, u.amount, u.currency))
            .join(", ")}
        </p>
      )}
    </section>
  );
}

function Converted(p: ProfitPageProps) {
  const t = profitCatalogue.translator(p.lang);
  const c = p.conversion;
  if (!c) return null;
  return (
    <section aria-labelledby="converted-title" id="profit-converted">
      <h2 id="converted-title">
        {t("profit.converted", { currency: c.into })}
      </h2>
      <p>{t("profit.converted.intro", { day: c.day })}</p>
      {c.missing.length > 0 && (
        <p class="error" role="status">
          {t("profit.converted.missingList", {
            currency: c.into,
            day: c.day,
            list: c.missing.join(", "),
          })}
        </p>
      )}
      <div class="table-wrap">
        <table class="striped">
          <caption class="visually-hidden">
            {t("profit.converted.caption", { currency: c.into, day: c.day })}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t("profit.col.currency")}</th>
              <th scope="col" class="num">{t("profit.converted.rate")}</th>
              <th scope="col" class="num">{t("profit.col.sales")}</th>
              <th scope="col" class="num">{t("profit.col.orderProfit")}</th>
              <th scope="col" class="num">
                {t("profit.col.settlementProfit")}
              </th>
            </tr>
          </thead>
          <tbody>
            {c.parts.map((x) => (
              <tr data-currency={x.currency}>
                <th scope="row">{x.currency}</th>
                <td class="num">
                  {x.rate ?? t("profit.converted.missing")}
                </td>
                <td class="num">{money(p.lang, x.sales, c.into)}</td>
                <td class="num">{money(p.lang, x.orderProfit, c.into)}</td>
                <td class="num">
                  {money(p.lang, x.settlementProfit, c.into)}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colspan={2}>
                {t("profit.converted.total")}
              </th>
              <td class="num">{money(p.lang, c.sales, c.into)}</td>
              <td class="num" data-total="order">
                {money(p.lang, c.orderProfit, c.into)}
              </td>
              <td class="num" data-total="settlement">
                {money(p.lang, c.settlementProfit, c.into)}
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}

export function ProfitPage(p: ProfitPageProps) {
  const t = profitCatalogue.translator(p.lang);
  return (
    <>
      <hgroup>
        <h1>{t("profit.title")}</h1>
        <p>{t("profit.intro")}</p>
      </hgroup>
      <nav aria-label={t("profit.links")}>
        <ul>
          <li>
            <a href="/profit/costs">{t("profit.link.costs")}</a>
          </li>
          <li>
            <a href="/profit/rates">{t("profit.link.rates")}</a>
          </li>
        </ul>
      </nav>
      <RuleList lang={p.lang} days={p.feeRateDays} />
      {p.badFilter && (
        <p class="error" role="alert">
          {t("profit.badFilter", { days: p.maxDays })}
        </p>
      )}
      <Filters {...p} />
      {p.skusWithoutCost.length > 0 && (
        <section aria-labelledby="no-cost-title" id="profit-no-cost">
          <h2 id="no-cost-title">{t("profit.withoutCost")}</h2>
          <p>
            {t("profit.withoutCost.intro")}{" "}
            <a href="/profit/costs">{t("profit.withoutCost.add")}</a>
          </p>
          <ul>
            {p.skusWithoutCost.map((s) => (
              <li>
                <code>{s.sku}</code> ({s.currency}, {s.storeName})
              </li>
            ))}
          </ul>
        </section>
      )}
      <Totals {...p} />
      <Converted {...p} />
      {p.rows.length === 0
        ? <p class="empty">{t("profit.empty")}</p>
        : <RowsTable {...p} />}
      {(p.nextQuery || p.paged) && (
        <nav class="pager" aria-label={t("profit.next")}>
          {p.paged && (
            <a href={`/profit?${p.filterQuery}`}>{t("profit.first")}</a>
          )}
          {p.nextQuery && (
            <a href={`/profit?${p.nextQuery}`} rel="next">
              {t("profit.next")}
            </a>
          )}
        </nav>
      )}
    </>
  );
}

export function ExportRefused(
  p: { lang: Lang; code: string; minutes: number; back: string },
) {
  const t = profitCatalogue.translator(p.lang);
  return (
    <>
      <h1>{t("profit.title")}</h1>
      <p class="error" role="alert">
        {t(`export.error.${p.code}` as ProfitKey, { minutes: p.minutes })}
      </p>
      <p>
        <a href={p.back}>{t("export.back")}</a>
      </p>
    </>
  );
}
