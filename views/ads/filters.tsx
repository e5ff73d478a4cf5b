// The filter form's pieces the advertising lists share: a select of codes
// (state, type, targeting, match, kind) with "any" first, the search and
// period fields, and the sort/direction/size fields in the ads' words.
import { choice, OrderFields } from "../list_controls.tsx";
import type { Lang } from "../i18n.ts";
import { adsCatalogue, type AdsKey } from "./messages.ts";

/** A select of codes, each labelled `ads.<words>.<code>`, "any" first. */
export function CodeSelect(p: {
  lang: Lang;
  name: string;
  label: AdsKey;
  words: string;
  codes: readonly string[];
  current: string;
}) {
  const t = adsCatalogue.translator(p.lang);
  return (
    <label>
      {t(p.label)}
      <select name={p.name}>
        {choice("", t("ads.any"), p.current)}
        {p.codes.map((s) =>
          choice(s, t(`ads.${p.words}.${s}` as AdsKey), p.current)
        )}
      </select>
    </label>
  );
}

/** The search, period and order fields of an advertising list. */
export function SearchPeriodOrder(p: {
  lang: Lang;
  searchLabel: AdsKey;
  sorts: readonly string[];
  sizes: readonly number[];
  current: {
    q: string;
    from: string;
    to: string;
    sort: string;
    dir: string;
    size: number;
  };
}) {
  const t = adsCatalogue.translator(p.lang);
  const f = p.current;
  return (
    <fieldset class="grid">
      <label>
        {t(p.searchLabel)}
        <input
          type="search"
          name="q"
          value={f.q}
          maxlength={64}
          autocomplete="off"
        />
      </label>
      <label>
        {t("ads.field.from")}
        <input type="date" name="from" value={f.from} />
      </label>
      <label>
        {t("ads.field.to")}
        <input type="date" name="to" value={f.to} />
      </label>
      <OrderFields
        lang={p.lang}
        labels={{
          sort: t("ads.field.sort"),
          dir: t("ads.field.dir"),
          size: t("ads.field.size"),
          asc: t("ads.dir.asc"),
          desc: t("ads.dir.desc"),
        }}
        sorts={p.sorts.map((s) => ({
          value: s,
          label: t(`ads.sort.${s}` as AdsKey),
        }))}
        sizes={p.sizes}
        current={f}
      />
    </fieldset>
  );
}
