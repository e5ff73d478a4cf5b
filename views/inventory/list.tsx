// /inventory: filters in a GET form (every filter, sort and page lives in the
// URL), a compact index table with numbers right-aligned, a keyset pager,
// the export, and each selected store's restock settings.
import { Badge } from "../badge.tsx";
import {
  choice,
  ListActions,
  MarketplaceField,
  OrderFields,
  StoreField,
} from "../list_controls.tsx";
import type { Lang } from "../i18n.ts";
import { formatNumber } from "../format.ts";
import { inventoryCatalogue, type InventoryKey } from "./messages.ts";

export interface StockRowView {
  storeId: string;
  storeName: string;
  marketplaceId: string;
  /** The marketplace as shown (its country code). */
  marketplace: string;
  sku: string;
  asin: string;
  title: string | null;
  snapshotDate: string;
  fulfillable: number;
  inboundWorking: number;
  inboundShipped: number;
  inboundReceiving: number;
  inbound: number;
  reserved: number;
  unfulfillable: number;
  units30: number;
  velocity: number;
  daysOfCover: number | null;
  suggestion: number;
  alertDays: number;
  alerts: ("low_cover" | "unfulfillable" | "stranded")[];
}

export interface InventoryFilterView {
  store: string;
  marketplace: string;
  alert: string;
  q: string;
  sort: string;
  dir: string;
  size: number;
}

export interface RestockSettingsView {
  storeId: string;
  storeName: string;
  leadTimeDays: number;
  coverDays: number;
  alertDays: number;
}

export interface InventoryPageProps {
  lang: Lang;
  filter: InventoryFilterView;
  stores: { id: string; name: string }[];
  marketplaces: { id: string; countryCode: string }[];
  alerts: readonly string[];
  sorts: readonly string[];
  sizes: readonly number[];
  rows: StockRowView[];
  nextQuery: string | null;
  prevQuery: string | null;
  /** The filters alone (no page), for the export and "first page". */
  filterQuery: string;
  filtered: boolean;
  badFilter: boolean;
  canExport: boolean;
  frozen: boolean;
  settings: RestockSettingsView[];
  canEditSettings: boolean;
}

export const ALERT_TONE = {
  low_cover: ["amber", "◔"],
  unfulfillable: ["red", "✕"],
  stranded: ["purple", "⚓"],
} as const;

export function InventoryPage(p: InventoryPageProps) {
  const t = inventoryCatalogue.translator(p.lang);
  const f = p.filter;
  const option = choice;
  const n = (v: number | null) => formatNumber(p.lang, v);
  return (
    <>
      <hgroup>
        <h1>{t("inventory.title")}</h1>
        <p>{t("inventory.intro")}</p>
      </hgroup>
      {p.badFilter && (
        <p class="error" role="alert">{t("inventory.badFilter")}</p>
      )}
      <form method="get" action="/inventory" class="filters" role="search">
        <fieldset class="grid">
          <StoreField
            label={t("inventory.field.store")}
            allLabel={t("inventory.allStores")}
            stores={p.stores}
            current={f.store}
          />
          <MarketplaceField
            label={t("inventory.field.marketplace")}
            anyLabel={t("inventory.any")}
            marketplaces={p.marketplaces}
            current={f.marketplace}
          />
          <label>
            {t("inventory.field.alert")}
            <select name="alert">
              {option("", t("inventory.any"), f.alert)}
              {p.alerts.map((a) =>
                option(a, t(`inventory.alert.${a}` as InventoryKey), f.alert)
              )}
            </select>
          </label>
          <label>
            {t("inventory.field.q")}
            <input
              type="search"
              name="q"
              value={f.q}
              maxlength={100}
              autocomplete="off"
            />
          </label>
        </fieldset>
        <fieldset class="grid">
          <OrderFields
            lang={p.lang}
            labels={{
              sort: t("inventory.field.sort"),
              dir: t("inventory.field.dir"),
              size: t("inventory.field.size"),
              asc: t("inventory.dir.asc"),
              desc: t("inventory.dir.desc"),
            }}
            sorts={p.sorts.map((s) => ({
              value: s,
              label: t(`inventory.sort.${s}` as InventoryKey),
            }))}
            sizes={p.sizes}
            current={f}
          />
        </fieldset>
        <ListActions
          path="/inventory"
          labels={{
            apply: t("inventory.apply"),
            reset: t("inventory.reset"),
            export: t("inventory.export"),
          }}
          canExport={p.canExport && !p.frozen}
          filterQuery={p.filterQuery}
        />
      </form>
      <p class="section-caption">
        <small>{t("inventory.method")}</small>
      </p>
      {p.rows.length === 0
        ? (
          <p class="empty">
            {t(
              p.filtered ? "inventory.empty.filtered" : "inventory.empty.none",
            )}
          </p>
        )
        : (
          <div class="table-wrap" tabindex={0}>
            <table class="striped index" id="inventory-table">
              <caption class="visually-hidden">
                {t("inventory.caption", { count: n(p.rows.length) })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("inventory.col.sku")}</th>
                  <th scope="col">{t("inventory.col.store")}</th>
                  <th scope="col" class="num">
                    {t("inventory.col.fulfillable")}
                  </th>
                  <th scope="col" class="num">{t("inventory.col.inbound")}</th>
                  <th scope="col" class="num">
                    {t("inventory.col.reserved")}
                  </th>
                  <th scope="col" class="num">
                    {t("inventory.col.unfulfillable")}
                  </th>
                  <th scope="col" class="num">
                    {t("inventory.col.velocity")}
                  </th>
                  <th scope="col" class="num">{t("inventory.col.cover")}</th>
                  <th scope="col" class="num">
                    {t("inventory.col.suggestion")}
                  </th>
                  <th scope="col">{t("inventory.col.alerts")}</th>
                </tr>
              </thead>
              <tbody>
                {p.rows.map((r) => (
                  <tr
                    data-sku={r.sku}
                    data-store={r.storeId}
                    data-marketplace={r.marketplaceId}
                  >
                    <th scope="row">
                      <code>{r.sku}</code>
                      <br />
                      <small>
                        <code>{r.asin}</code> · {r.marketplace}
                      </small>
                      <br />
                      <small>{r.title ?? t("inventory.noTitle")}</small>
                    </th>
                    <td>
                      {r.storeName}
                      <br />
                      <small>
                        {t("inventory.snapshot", { date: r.snapshotDate })}
                      </small>
                    </td>
                    <td class="num" data-col="fulfillable">
                      {n(r.fulfillable)}
                    </td>
                    <td
                      class="num"
                      data-col="inbound"
                      title={t("inventory.inbound.detail", {
                        working: n(r.inboundWorking),
                        shipped: n(r.inboundShipped),
                        receiving: n(r.inboundReceiving),
                      })}
                    >
                      {n(r.inbound)}
                    </td>
                    <td class="num" data-col="reserved">{n(r.reserved)}</td>
                    <td class="num" data-col="unfulfillable">
                      {n(r.unfulfillable)}
                    </td>
                    <td class="num" data-col="velocity">
                      {n(r.velocity)}
                      <br />
                      <small>
                        {t("inventory.units30", { units: n(r.units30) })}
                      </small>
                    </td>
                    <td class="num" data-col="cover">
                      {r.daysOfCover === null
                        ? t("inventory.noSales")
                        : n(r.daysOfCover)}
                    </td>
                    <td class="num" data-col="suggestion">
                      {n(r.suggestion)}
                    </td>
                    <td data-col="alerts">
                      {r.alerts.map((k) => (
                        <Badge
                          tone={ALERT_TONE[k][0]}
                          icon={ALERT_TONE[k][1]}
                          label={t(`inventory.alert.${k}`)}
                          state={k}
                        />
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      <nav aria-label={t("inventory.pager")} class="pager">
        <ul>
          {p.prevQuery !== null && (
            <li>
              <a href={`/inventory?${p.filterQuery}`}>
                {t("inventory.first")}
              </a>
            </li>
          )}
          {p.prevQuery !== null && (
            <li>
              <a href={`/inventory?${p.prevQuery}`} rel="prev">
                {"← "}
                {t("inventory.previous")}
              </a>
            </li>
          )}
          {p.nextQuery !== null && (
            <li>
              <a href={`/inventory?${p.nextQuery}`} rel="next">
                {t("inventory.next")}
                {" →"}
              </a>
            </li>
          )}
        </ul>
      </nav>
      {p.settings.length > 0 && (
        <RestockSettingsTable
          lang={p.lang}
          settings={p.settings}
          canEdit={p.canEditSettings}
        />
      )}
    </>
  );
}

/** Each store's restock settings, with an edit link for stores.manage. */
function RestockSettingsTable(
  p: { lang: Lang; settings: RestockSettingsView[]; canEdit: boolean },
) {
  const t = inventoryCatalogue.translator(p.lang);
  const n = (v: number) => formatNumber(p.lang, v);
  return (
    <section aria-labelledby="restock-title" id="restock-settings">
      <h2 id="restock-title">{t("inventory.settings.title")}</h2>
      <p class="section-caption">{t("inventory.settings.caption")}</p>
      <div class="table-wrap" tabindex={0}>
        <table class="index">
          <thead>
            <tr>
              <th scope="col">{t("inventory.settings.store")}</th>
              <th scope="col" class="num">
                {t("inventory.settings.leadTimeDays")}
              </th>
              <th scope="col" class="num">
                {t("inventory.settings.coverDays")}
              </th>
              <th scope="col" class="num">
                {t("inventory.settings.alertDays")}
              </th>
              {p.canEdit && (
                <th scope="col">
                  <span class="visually-hidden">
                    {t("inventory.settings.edit")}
                  </span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {p.settings.map((s) => (
              <tr data-store={s.storeId}>
                <th scope="row">{s.storeName}</th>
                <td class="num">{n(s.leadTimeDays)}</td>
                <td class="num">{n(s.coverDays)}</td>
                <td class="num">{n(s.alertDays)}</td>
                {p.canEdit && (
                  <td>
                    <a
                      href={`/stores/${s.storeId}/restock`}
                      aria-label={t("inventory.settings.editFor", {
                        store: s.storeName,
                      })}
                    >
                      {t("inventory.settings.edit")}
                    </a>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** An export that may not run, and the way back to the list. */
export function InventoryExportRefused(
  p: { lang: Lang; code: string; minutes: number; back: string },
) {
  const t = inventoryCatalogue.translator(p.lang);
  return (
    <>
      <h1>{t("inventory.title")}</h1>
      <p class="error" role="alert">
        {t(`export.error.${p.code}` as InventoryKey, { minutes: p.minutes })}
      </p>
      <p>
        <a href={p.back}>{t("export.back")}</a>
      </p>
    </>
  );
}
