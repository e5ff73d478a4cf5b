// /finance: the settlements list. Filters in a GET form (all in the URL), a
// compact table with amounts right-aligned in their own currency, a keyset
// pager, the totals per currency of the filtered set, and the export of
// the filtered settlements' lines.
import { choice, ListActions, StoreField } from "../list_controls.tsx";
import type { Lang } from "../i18n.ts";
import { formatNumber } from "../format.ts";
import { formatMoney } from "../orders/_format.ts";
import { Time } from "../time.tsx";
import { CurrencyTotals, DateField, Pager } from "./_parts.tsx";
import { financeCatalogue } from "./messages.ts";

export interface SettlementRowView {
  storeId: string;
  storeName: string;
  settlementId: string;
  startsAt: Date;
  endsAt: Date;
  depositAt: Date | null;
  totalAmount: string;
  currency: string;
  lines: number;
}

export interface SettlementsPageProps {
  lang: Lang;
  zone: string;
  filter: {
    store: string;
    currency: string;
    from: string;
    to: string;
    dir: string;
    size: number;
  };
  stores: { id: string; name: string }[];
  currencies: string[];
  sizes: readonly number[];
  rows: SettlementRowView[];
  totals: { currency: string; count: number; total: string }[];
  nextQuery: string | null;
  prevQuery: string | null;
  filterQuery: string;
  filtered: boolean;
  badFilter: boolean;
  badDates: { from: boolean; to: boolean };
  canExport: boolean;
}

export const settlementHref = (storeId: string, settlementId: string) =>
  `/finance/settlements/${storeId}/${encodeURIComponent(settlementId)}`;

export function SettlementsPage(p: SettlementsPageProps) {
  const t = financeCatalogue.translator(p.lang);
  const f = p.filter;
  return (
    <>
      <hgroup>
        <h1>{t("fin.title")}</h1>
        <p>{t("fin.intro", { zone: p.zone })}</p>
      </hgroup>
      {p.badFilter && <p class="error" role="alert">{t("fin.badFilter")}</p>}
      <form method="get" action="/finance" class="filters" role="search">
        <fieldset class="grid">
          <StoreField
            label={t("fin.field.store")}
            allLabel={t("fin.allStores")}
            stores={p.stores}
            current={f.store}
          />
          <label>
            {t("fin.field.currency")}
            <select name="currency">
              {choice("", t("fin.any"), f.currency)}
              {p.currencies.map((c) => choice(c, c, f.currency))}
            </select>
          </label>
          <DateField
            name="from"
            label={t("fin.field.from")}
            value={f.from}
            bad={p.badDates.from}
            error={t("fin.badDate")}
          />
          <DateField
            name="to"
            label={t("fin.field.to")}
            value={f.to}
            bad={p.badDates.to}
            error={t("fin.badDate")}
          />
        </fieldset>
        <fieldset class="grid">
          <label>
            {t("fin.field.dir")}
            <select name="dir">
              {choice("desc", t("fin.dir.desc"), f.dir)}
              {choice("asc", t("fin.dir.asc"), f.dir)}
            </select>
          </label>
          <label>
            {t("fin.field.size")}
            <select name="size">
              {p.sizes.map((s) =>
                choice(String(s), formatNumber(p.lang, s), String(f.size))
              )}
            </select>
          </label>
        </fieldset>
        <ListActions
          path="/finance"
          labels={{
            apply: t("fin.apply"),
            reset: t("fin.reset"),
            export: t("fin.export"),
          }}
          canExport={p.canExport}
          filterQuery={p.filterQuery}
        />
      </form>
      {p.rows.length === 0
        ? (
          <p class="empty">
            {t(p.filtered ? "fin.empty.filtered" : "fin.empty.none")}
          </p>
        )
        : (
          <div class="table-wrap">
            <table class="striped index" id="settlements">
              <caption class="visually-hidden">
                {t("fin.caption", {
                  count: formatNumber(p.lang, p.rows.length),
                })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("fin.col.settlement")}</th>
                  <th scope="col">{t("fin.col.store")}</th>
                  <th scope="col">{t("fin.col.period")}</th>
                  <th scope="col">{t("fin.col.deposit")}</th>
                  <th scope="col" class="num">{t("fin.col.lines")}</th>
                  <th scope="col" class="num">{t("fin.col.total")}</th>
                </tr>
              </thead>
              <tbody>
                {p.rows.map((r) => (
                  <tr>
                    <td>
                      <a href={settlementHref(r.storeId, r.settlementId)}>
                        {r.settlementId}
                      </a>
                    </td>
                    <td>{r.storeName}</td>
                    <td>
                      <Time at={r.startsAt} zone={p.zone} precision="day" />
                      {" – "}
                      <Time at={r.endsAt} zone={p.zone} precision="day" />
                    </td>
                    <td>
                      {r.depositAt
                        ? <Time at={r.depositAt} zone={p.zone} />
                        : t("fin.notDeposited")}
                    </td>
                    <td class="num">{formatNumber(p.lang, r.lines)}</td>
                    <td class="num">
                      {formatMoney(p.lang, r.totalAmount, r.currency)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      <Pager
        lang={p.lang}
        path="/finance"
        filterQuery={p.filterQuery}
        prevQuery={p.prevQuery}
        nextQuery={p.nextQuery}
        descending={f.dir !== "asc"}
      />
      <CurrencyTotals
        lang={p.lang}
        id="settlement-totals"
        caption={t("fin.totals")}
        countLabel={t("fin.col.count")}
        totals={p.totals}
      />
    </>
  );
}
