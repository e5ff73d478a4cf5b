// The controls every staff list shares (orders, products, inventory): a
// choice that keeps the current value, the store and marketplace filters,
// the order of the rows (sort, direction, page size) and the form's actions
// (apply, reset, export with the same filters).
import type { Lang } from "./i18n.ts";
import { formatNumber } from "./format.ts";

/** One `<option>`, selected when it is the current value. */
export function choice(value: string, label: string, current: string) {
  return <option value={value} selected={value === current}>{label}</option>;
}

/** The store filter: every store the reader may open, or all of them. */
export function StoreField(p: {
  label: string;
  allLabel: string;
  stores: readonly { id: string; name: string }[];
  current: string;
}) {
  return (
    <label>
      {p.label}
      <select name="store">
        {choice("", p.allLabel, p.current)}
        {p.stores.map((s) => choice(s.id, s.name, p.current))}
      </select>
    </label>
  );
}

/** The marketplace filter, each named by country and id. */
export function MarketplaceField(p: {
  label: string;
  anyLabel: string;
  marketplaces: readonly { id: string; countryCode: string }[];
  current: string;
}) {
  return (
    <label>
      {p.label}
      <select name="marketplace">
        {choice("", p.anyLabel, p.current)}
        {p.marketplaces.map((m) =>
          choice(m.id, `${m.countryCode} (${m.id})`, p.current)
        )}
      </select>
    </label>
  );
}

/** Sort column, direction and page size. */
export function OrderFields(p: {
  lang: Lang;
  labels: {
    sort: string;
    dir: string;
    size: string;
    asc: string;
    desc: string;
  };
  sorts: readonly { value: string; label: string }[];
  sizes: readonly number[];
  current: { sort: string; dir: string; size: number };
}) {
  return (
    <>
      <label>
        {p.labels.sort}
        <select name="sort">
          {p.sorts.map((s) => choice(s.value, s.label, p.current.sort))}
        </select>
      </label>
      <label>
        {p.labels.dir}
        <select name="dir">
          {choice("desc", p.labels.desc, p.current.dir)}
          {choice("asc", p.labels.asc, p.current.dir)}
        </select>
      </label>
      <label>
        {p.labels.size}
        <select name="size">
          {p.sizes.map((s) =>
            choice(String(s), formatNumber(p.lang, s), String(p.current.size))
          )}
        </select>
      </label>
    </>
  );
}

/**
 * Apply, reset (the list's own address) and, for someone who may export
 * while exports are not frozen, the CSV with the same filters.
 */
export function ListActions(p: {
  path: string;
  labels: { apply: string; reset: string; export: string };
  canExport: boolean;
  filterQuery: string;
}) {
  return (
    <div class="actions">
      <button type="submit">{p.labels.apply}</button>
      <a href={p.path} role="button" class="secondary outline">
        {p.labels.reset}
      </a>
      {p.canExport && (
        <a
          href={`${p.path}.csv${p.filterQuery ? `?${p.filterQuery}` : ""}`}
          role="button"
          class="secondary"
          download
        >
          {p.labels.export}
        </a>
      )}
    </div>
  );
}
