// /profit/costs and /profit/rates: the list (keyset pages), and for
// `costs.manage` a form for one entry and an all-or-nothing CSV import
// whose refusal lists every problem by line and field. Values typed are
// given back as text (hono/jsx escapes them).
import type { Lang } from "../i18n.ts";
import { choice } from "../list_controls.tsx";
import { Time } from "../time.tsx";
import { profitCatalogue, type ProfitKey } from "./messages.ts";

export interface ImportProblemView {
  line: number;
  field: string | null;
  code: string;
}

/** What the last form or import did, for the notice above the lists. */
export type Outcome =
  | { kind: "saved"; text: string }
  | { kind: "refused"; problems: ImportProblemView[]; form: "one" | "import" }
  | null;

function problemText(lang: Lang, code: string): string {
  const key = `problem.${code}`;
  return profitCatalogue.has(key) ? profitCatalogue.t(lang, key) : code;
}

/** The problems of a refused import, by line and field. */
export function ImportProblems(
  p: {
    lang: Lang;
    problems: ImportProblemView[];
    labelOf: (f: string) => string;
  },
) {
  const t = profitCatalogue.translator(p.lang);
  return (
    <div role="alert" id="import-problems" class="error">
      <p>{t("import.refused", { count: p.problems.length })}</p>
      <ul>
        {p.problems.map((x) => (
          <li data-line={x.line}>
            {x.line > 0 &&
              (x.field
                ? t("import.lineField", {
                  line: x.line,
                  field: p.labelOf(x.field),
                })
                : t("import.line", { line: x.line }))}
            {x.line > 0 ? ": " : ""}
            {!x.line && x.field ? `${p.labelOf(x.field)}: ` : ""}
            {problemText(p.lang, x.code)}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Notice(
  p: { lang: Lang; outcome: Outcome; labelOf: (f: string) => string },
) {
  if (!p.outcome) return null;
  if (p.outcome.kind === "saved") {
    return <p role="status" id="import-saved">{p.outcome.text}</p>;
  }
  return (
    <ImportProblems
      lang={p.lang}
      problems={p.outcome.problems}
      labelOf={p.labelOf}
    />
  );
}

/** A text field of the one-entry form, marked when it was refused. */
function Field(
  p: {
    name: string;
    label: string;
    value: string;
    problem?: string;
    type?: string;
    required?: boolean;
    inputmode?: "decimal";
    maxlength?: number;
  },
) {
  const id = `f-${p.name}`;
  return (
    <label for={id}>
      {p.label}
      <input
        id={id}
        name={p.name}
        type={p.type ?? "text"}
        value={p.value}
        required={p.required}
        inputmode={p.inputmode}
        maxlength={p.maxlength}
        aria-invalid={p.problem ? "true" : undefined}
        aria-describedby={p.problem ? `${id}-error` : undefined}
      />
      {p.problem && <small id={`${id}-error`} class="error">{p.problem}</small>}
    </label>
  );
}

export interface CostRowView {
  storeName: string;
  sku: string;
  currency: string;
  effectiveFrom: string;
  unitCost: string;
  inboundShipping: string;
  duty: string;
  updatedAt: Date;
}

export interface CostsPageProps {
  lang: Lang;
  zone: string;
  stores: { id: string; name: string }[];
  store: string;
  q: string;
  rows: CostRowView[];
  nextQuery: string | null;
  canManage: boolean;
  columns: readonly string[];
  outcome: Outcome;
  /** The one-entry form's values, given back after a refusal. */
  values: Record<string, string>;
}

const COST_FIELDS = [
  "sku",
  "currency",
  "effective_from",
  "unit_cost",
  "inbound_shipping",
  "duty",
] as const;

export function CostsPage(p: CostsPageProps) {
  const t = profitCatalogue.translator(p.lang);
  const labelOf = (f: string) => {
    const key = `costs.field.${f}`;
    return profitCatalogue.has(key) ? t(key) : f;
  };
  const fieldProblems = new Map<string, string>();
  if (p.outcome?.kind === "refused" && p.outcome.form === "one") {
    for (const x of p.outcome.problems) {
      if (x.field) fieldProblems.set(x.field, problemText(p.lang, x.code));
    }
  }
  const storeChoice = p.values.store ?? p.store ?? "";
  return (
    <>
      <hgroup>
        <h1>{t("costs.title")}</h1>
        <p>{t("costs.intro")}</p>
      </hgroup>
      <p>
        <a href="/profit">{t("profit.title")}</a> ·{" "}
        <a href="/profit/rates">{t("profit.link.rates")}</a>
      </p>
      {p.outcome?.kind !== "refused" || p.outcome.form === "import"
        ? <Notice lang={p.lang} outcome={p.outcome} labelOf={labelOf} />
        : null}
      {!p.canManage && <p>{t("costs.readOnly")}</p>}
      {p.canManage && (
        <div class="grid">
          <section aria-labelledby="cost-import-title">
            <h2 id="cost-import-title">{t("costs.import")}</h2>
            <p>
              {t("costs.import.intro", { columns: p.columns.join(", ") })}{" "}
              <a href="/profit/costs/template.csv" download>
                {t("costs.template")}
              </a>
            </p>
            <form
              method="post"
              action="/profit/costs/import"
              enctype="multipart/form-data"
            >
              <label for="import-store">
                {t("costs.field.store")}
                <select name="store" id="import-store" required>
                  {choice("", t("costs.chooseStore"), storeChoice)}
                  {p.stores.map((s) => choice(s.id, s.name, storeChoice))}
                </select>
              </label>
              <label for="import-file">
                {t("costs.import.file")}
                <input
                  id="import-file"
                  type="file"
                  name="file"
                  accept=".csv,text/csv"
                  required
                />
              </label>
              <button type="submit">{t("costs.import.submit")}</button>
            </form>
          </section>
          <section aria-labelledby="cost-add-title">
            <h2 id="cost-add-title">{t("costs.add")}</h2>
            {fieldProblems.size > 0 && (
              <p class="error" role="alert">
                {t("import.refused", { count: fieldProblems.size })}
              </p>
            )}
            <form method="post" action="/profit/costs">
              <label for="f-store">
                {t("costs.field.store")}
                <select
                  name="store"
                  id="f-store"
                  required
                  aria-invalid={fieldProblems.has("store") ? "true" : undefined}
                  aria-describedby={fieldProblems.has("store")
                    ? "f-store-error"
                    : undefined}
                >
                  {choice("", t("costs.chooseStore"), storeChoice)}
                  {p.stores.map((s) => choice(s.id, s.name, storeChoice))}
                </select>
                {fieldProblems.has("store") && (
                  <small id="f-store-error" class="error">
                    {fieldProblems.get("store")}
                  </small>
                )}
              </label>
              {COST_FIELDS.map((f) => (
                <Field
                  name={f}
                  label={labelOf(f)}
                  value={p.values[f] ?? ""}
                  problem={fieldProblems.get(f)}
                  type={f === "effective_from" ? "date" : "text"}
                  required={f === "sku" || f === "currency" ||
                    f === "effective_from" || f === "unit_cost"}
                  inputmode={f === "sku" || f === "currency" ||
                      f === "effective_from"
                    ? undefined
                    : "decimal"}
                  maxlength={f === "effective_from"
                    ? undefined
                    : f === "sku"
                    ? 40
                    : f === "currency"
                    ? 3
                    : 20}
                />
              ))}
              <button type="submit">{t("costs.save")}</button>
            </form>
          </section>
        </div>
      )}
      <form method="get" action="/profit/costs" class="filters" role="search">
        <fieldset class="grid">
          <label>
            {t("costs.field.store")}
            <select name="store">
              {choice("", t("profit.allStores"), p.store)}
              {p.stores.map((s) => choice(s.id, s.name, p.store))}
            </select>
          </label>
          <label>
            {t("costs.field.q")}
            <input
              type="search"
              name="q"
              value={p.q}
              maxlength={40}
              autocomplete="off"
            />
          </label>
        </fieldset>
        <button type="submit">{t("costs.filter")}</button>
      </form>
      {p.rows.length === 0
        ? <p class="empty">{t("costs.empty")}</p>
        : (
          <div class="table-wrap">
            <table class="striped index" id="cost-rows">
              <caption>{t("costs.caption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("costs.field.sku")}</th>
                  <th scope="col">{t("costs.field.store")}</th>
                  <th scope="col">{t("costs.field.currency")}</th>
                  <th scope="col">{t("costs.field.effective_from")}</th>
                  <th scope="col" class="num">{t("costs.field.unit_cost")}</th>
                  <th scope="col" class="num">
                    {t("costs.field.inbound_shipping")}
                  </th>
                  <th scope="col" class="num">{t("costs.field.duty")}</th>
                  <th scope="col">{t("costs.col.updated")}</th>
                </tr>
              </thead>
              <tbody>
                {p.rows.map((r) => (
                  <tr>
                    <th scope="row">
                      <code>{r.sku}</code>
                    </th>
                    <td>{r.storeName}</td>
                    <td>{r.currency}</td>
                    <td>{r.effectiveFrom}</td>
                    <td class="num">{r.unitCost}</td>
                    <td class="num">{r.inboundShipping}</td>
                    <td class="num">{r.duty}</td>
                    <td>
                      <Time
                        at={r.updatedAt}
                        zone={p.zone}
                        precision="minutes"
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      {p.nextQuery && (
        <nav class="pager" aria-label={t("costs.next")}>
          <a href={`/profit/costs?${p.nextQuery}`} rel="next">
            {t("costs.next")}
          </a>
        </nav>
      )}
    </>
  );
}

export interface RateRowView {
  day: string;
  base: string;
  quote: string;
  rate: string;
  updatedAt: Date;
}

export interface RatesPageProps {
  lang: Lang;
  zone: string;
  rows: RateRowView[];
  nextQuery: string | null;
  canManage: boolean;
  columns: readonly string[];
  outcome: Outcome;
  values: Record<string, string>;
}

const RATE_FIELDS = ["day", "base", "quote", "rate"] as const;

export function RatesPage(p: RatesPageProps) {
  const t = profitCatalogue.translator(p.lang);
  const labelOf = (f: string) => {
    const key = `rates.field.${f}`;
    return profitCatalogue.has(key) ? t(key as ProfitKey) : f;
  };
  const fieldProblems = new Map<string, string>();
  if (p.outcome?.kind === "refused" && p.outcome.form === "one") {
    for (const x of p.outcome.problems) {
      if (x.field) fieldProblems.set(x.field, problemText(p.lang, x.code));
    }
  }
  return (
    <>
      <hgroup>
        <h1>{t("rates.title")}</h1>
        <p>{t("rates.intro")}</p>
      </hgroup>
      <p>
        <a href="/profit">{t("profit.title")}</a> ·{" "}
        <a href="/profit/costs">{t("profit.link.costs")}</a>
      </p>
      {p.outcome?.kind !== "refused" || p.outcome.form === "import"
        ? <Notice lang={p.lang} outcome={p.outcome} labelOf={labelOf} />
        : null}
      {!p.canManage && <p>{t("rates.readOnly")}</p>}
      {p.canManage && (
        <div class="grid">
          <section aria-labelledby="rate-import-title">
            <h2 id="rate-import-title">{t("costs.import")}</h2>
            <p>
              {t("rates.import.intro", { columns: p.columns.join(", ") })}{" "}
              <a href="/profit/rates/template.csv" download>
                {t("costs.template")}
              </a>
            </p>
            <form
              method="post"
              action="/profit/rates/import"
              enctype="multipart/form-data"
            >
              <label for="import-file">
                {t("costs.import.file")}
                <input
                  id="import-file"
                  type="file"
                  name="file"
                  accept=".csv,text/csv"
                  required
                />
              </label>
              <button type="submit">{t("costs.import.submit")}</button>
            </form>
          </section>
          <section aria-labelledby="rate-add-title">
            <h2 id="rate-add-title">{t("rates.add")}</h2>
            {fieldProblems.size > 0 && (
              <p class="error" role="alert">
                {t("import.refused", { count: fieldProblems.size })}
              </p>
            )}
            <form method="post" action="/profit/rates">
              {RATE_FIELDS.map((f) => (
                <Field
                  name={f}
                  label={labelOf(f)}
                  value={p.values[f] ?? ""}
                  problem={fieldProblems.get(f)}
                  type={f === "day" ? "date" : "text"}
                  required
                  inputmode={f === "rate" ? "decimal" : undefined}
                  maxlength={f === "rate" ? 22 : f === "day" ? undefined : 3}
                />
              ))}
              <button type="submit">{t("rates.save")}</button>
            </form>
          </section>
        </div>
      )}
      {p.rows.length === 0
        ? <p class="empty">{t("rates.empty")}</p>
        : (
          <div class="table-wrap">
            <table class="striped index" id="rate-rows">
              <caption>{t("rates.caption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("rates.field.day")}</th>
                  <th scope="col">{t("rates.field.base")}</th>
                  <th scope="col">{t("rates.field.quote")}</th>
                  <th scope="col" class="num">{t("rates.field.rate")}</th>
                  <th scope="col">{t("costs.col.updated")}</th>
                </tr>
              </thead>
              <tbody>
                {p.rows.map((r) => (
                  <tr>
                    <th scope="row">{r.day}</th>
                    <td>{r.base}</td>
                    <td>{r.quote}</td>
                    <td class="num">{r.rate}</td>
                    <td>
                      <Time
                        at={r.updatedAt}
                        zone={p.zone}
                        precision="minutes"
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      {p.nextQuery && (
        <nav class="pager" aria-label={t("costs.next")}>
          <a href={`/profit/rates?${p.nextQuery}`} rel="next">
            {t("costs.next")}
          </a>
        </nav>
      )}
    </>
  );
}
