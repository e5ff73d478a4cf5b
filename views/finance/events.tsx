// /finance/events: every financial event, filtered by store, event type,
// posting days (in the reader's zone), order id and currency, in keyset
// pages, with the totals per currency of the filtered set and a CSV export
// of the same filters. Amazon's text is rendered as text.
import { choice, ListActions, StoreField } from "../list_controls.tsx";
import type { Lang } from "../i18n.ts";
import { formatNumber } from "../format.ts";
import { formatMoney } from "../orders/_format.ts";
import { Time } from "../time.tsx";
import { CurrencyTotals, DateField, Pager } from "./_parts.tsx";
import { financeCatalogue } from "./messages.ts";

export interface EventRowView {
  storeId: string;
  storeName: string;
  eventId: string;
  eventType: string;
  postedAt: Date;
  amazonOrderId: string | null;
  sku: string | null;
  description: string | null;
  amount: string | null;
  currency: string | null;
  known: boolean;
  fees: number;
}

export interface EventsPageProps {
  lang: Lang;
  zone: string;
  filter: {
    store: string;
    type: string;
    from: string;
    to: string;
    order: string;
    currency: string;
    dir: string;
    size: number;
  };
  stores: { id: string; name: string }[];
  types: readonly string[];
  currencies: readonly string[];
  sizes: readonly number[];
  rows: EventRowView[];
  totals: { currency: string | null; count: number; total: string | null }[];
  nextQuery: string | null;
  prevQuery: string | null;
  filterQuery: string;
  filtered: boolean;
  badFilter: boolean;
  badDates: { from: boolean; to: boolean };
  canExport: boolean;
  canSeeOrders: boolean;
}

export function EventsPage(p: EventsPageProps) {
  const t = financeCatalogue.translator(p.lang);
  const f = p.filter;
  return (
    <>
      <hgroup>
        <h1>{t("ev.title")}</h1>
        <p>{t("ev.intro", { zone: p.zone })}</p>
      </hgroup>
      {p.badFilter && <p class="error" role="alert">{t("fin.badFilter")}</p>}
      <form method="get" action="/finance/events" class="filters" role="search">
        <fieldset class="grid">
          <StoreField
            label={t("fin.field.store")}
            allLabel={t("fin.allStores")}
            stores={p.stores}
            current={f.store}
          />
          <label>
            {t("ev.field.type")}
            <select name="type">
              {choice("", t("fin.any"), f.type)}
              {p.types.map((x) => choice(x, x, f.type))}
            </select>
          </label>
          <label>
            {t("fin.field.currency")}
            <select name="currency">
              {choice("", t("fin.any"), f.currency)}
              {p.currencies.map((c) => choice(c, c, f.currency))}
            </select>
          </label>
          <label>
            {t("ev.field.order")}
            <input
              type="search"
              name="order"
              value={f.order}
              maxlength={64}
              autocomplete="off"
            />
          </label>
        </fieldset>
        <fieldset class="grid">
          <DateField
            name="from"
            label={t("ev.field.from")}
            value={f.from}
            bad={p.badDates.from}
            error={t("fin.badDate")}
          />
          <DateField
            name="to"
            label={t("ev.field.to")}
            value={f.to}
            bad={p.badDates.to}
            error={t("fin.badDate")}
          />
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
          path="/finance/events"
          labels={{
            apply: t("fin.apply"),
            reset: t("fin.reset"),
            export: t("ev.export"),
          }}
          canExport={p.canExport}
          filterQuery={p.filterQuery}
        />
      </form>
      {p.rows.length === 0
        ? (
          <p class="empty">
            {t(p.filtered ? "ev.empty.filtered" : "ev.empty.none")}
          </p>
        )
        : (
          <div class="table-wrap">
            <table class="striped index" id="financial-events">
              <caption class="visually-hidden">
                {t("ev.caption", {
                  count: formatNumber(p.lang, p.rows.length),
                })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("ev.col.posted")}</th>
                  <th scope="col">{t("ev.col.type")}</th>
                  <th scope="col">{t("ev.col.store")}</th>
                  <th scope="col">{t("ev.col.order")}</th>
                  <th scope="col">{t("ev.col.sku")}</th>
                  <th scope="col">{t("ev.col.description")}</th>
                  <th scope="col" class="num">{t("ev.col.fees")}</th>
                  <th scope="col" class="num">{t("ev.col.amount")}</th>
                </tr>
              </thead>
              <tbody>
                {p.rows.map((r) => (
                  <tr data-event={r.eventId}>
                    <td>
                      <Time at={r.postedAt} zone={p.zone} />
                    </td>
                    <td>{r.eventType}</td>
                    <td>{r.storeName}</td>
                    <td>
                      {r.amazonOrderId && p.canSeeOrders
                        ? (
                          <a
                            href={`/orders/${r.storeId}/${
                              encodeURIComponent(r.amazonOrderId)
                            }`}
                          >
                            {r.amazonOrderId}
                          </a>
                        )
                        : r.amazonOrderId ?? "—"}
                    </td>
                    <td>{r.sku ?? "—"}</td>
                    <td>{r.known ? r.description ?? "—" : t("ev.unknown")}</td>
                    <td class="num">{formatNumber(p.lang, r.fees)}</td>
                    <td class="num">
                      {formatMoney(p.lang, r.amount, r.currency)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      <Pager
        lang={p.lang}
        path="/finance/events"
        filterQuery={p.filterQuery}
        prevQuery={p.prevQuery}
        nextQuery={p.nextQuery}
        descending={f.dir !== "asc"}
      />
      <CurrencyTotals
        lang={p.lang}
        id="event-totals"
        caption={t("ev.totals")}
        countLabel={t("ev.col.count")}
        noCurrency={t("ev.noCurrency")}
        totals={p.totals}
      />
    </>
  );
}
