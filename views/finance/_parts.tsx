// Pieces the finance screens share: the keyset pager, the per-currency
// totals table (one line per currency, never a sum across them) and an
// export refusal page.
import type { Lang } from "../i18n.ts";
import { formatNumber } from "../format.ts";
import { formatMoney } from "../orders/_format.ts";
import { financeCatalogue, type FinanceKey } from "./messages.ts";

/** "First page", "← Newer", "Older →" as the cursors allow. */
export function Pager(p: {
  lang: Lang;
  path: string;
  filterQuery: string;
  prevQuery: string | null;
  nextQuery: string | null;
  descending: boolean;
}) {
  const t = financeCatalogue.translator(p.lang);
  const back: FinanceKey = p.descending ? "fin.newer" : "fin.older";
  const forward: FinanceKey = p.descending ? "fin.older" : "fin.newer";
  if (p.prevQuery === null && p.nextQuery === null) return null;
  return (
    <nav aria-label={t("fin.pager")} class="pager">
      <ul>
        {p.prevQuery !== null && (
          <li>
            <a href={`${p.path}${p.filterQuery ? `?${p.filterQuery}` : ""}`}>
              {t("fin.first")}
            </a>
          </li>
        )}
        {p.prevQuery !== null && (
          <li>
            <a href={`${p.path}?${p.prevQuery}`} rel="prev">
              {"← "}
              {t(back)}
            </a>
          </li>
        )}
        {p.nextQuery !== null && (
          <li>
            <a href={`${p.path}?${p.nextQuery}`} rel="next">
              {t(forward)}
              {" →"}
            </a>
          </li>
        )}
      </ul>
    </nav>
  );
}

/** Totals per currency; a null currency is `noCurrency`. */
export function CurrencyTotals(p: {
  lang: Lang;
  id: string;
  caption: string;
  countLabel: string;
  noCurrency?: string;
  totals: { currency: string | null; count: number; total: string | null }[];
}) {
  const t = financeCatalogue.translator(p.lang);
  if (p.totals.length === 0) return null;
  return (
    <table class="totals" id={p.id}>
      <caption>{p.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t("fin.col.currency")}</th>
          <th scope="col" class="num">{p.countLabel}</th>
          <th scope="col" class="num">{t("fin.col.total")}</th>
        </tr>
      </thead>
      <tbody>
        {p.totals.map((x) => (
          <tr data-currency={x.currency ?? ""}>
            <th scope="row">{x.currency ?? p.noCurrency ?? "—"}</th>
            <td class="num">{formatNumber(p.lang, x.count)}</td>
            <td class="num" data-total={x.total ?? ""}>
              {formatMoney(p.lang, x.total, x.currency)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** An export that may not run, and the way back to the list. */
export function FinanceExportRefused(
  p: { lang: Lang; title: string; code: string; minutes: number; back: string },
) {
  const t = financeCatalogue.translator(p.lang);
  return (
    <>
      <h1>{p.title}</h1>
      <p class="error" role="alert">
        {t(`fin.export.error.${p.code}` as FinanceKey, { minutes: p.minutes })}
      </p>
      <p>
        <a href={p.back}>{t("fin.back")}</a>
      </p>
    </>
  );
}

/** A date field with its error beside it. */
export function DateField(p: {
  name: string;
  label: string;
  value: string;
  bad: boolean;
  error: string;
}) {
  const id = `${p.name}-error`;
  return (
    <label>
      {p.label}
      <input
        type="date"
        name={p.name}
        value={p.value}
        aria-invalid={p.bad ? "true" : undefined}
        aria-describedby={p.bad ? id : undefined}
      />
      {p.bad && <small id={id} class="error">{p.error}</small>}
    </label>
  );
}
