// A store's restock settings form: three whole numbers of days, each with
// its help and, after a refused save, its own error (aria-invalid, tied to
// the field by aria-describedby).
import type { Lang } from "../i18n.ts";
import { inventoryCatalogue, type InventoryKey } from "./messages.ts";

type Field = "leadTimeDays" | "coverDays" | "alertDays";
const FIELDS: readonly Field[] = ["leadTimeDays", "coverDays", "alertDays"];

export interface RestockFormProps {
  lang: Lang;
  storeId: string;
  storeName: string;
  /** The values shown: the saved ones, or what was typed. */
  values: Record<Field, string>;
  /** A problem code per refused field. */
  problems?: Partial<Record<Field, string>>;
  max: number;
}

export function RestockSettingsForm(p: RestockFormProps) {
  const t = inventoryCatalogue.translator(p.lang);
  const problems = p.problems ?? {};
  const refused = Object.keys(problems).length > 0;
  return (
    <>
      <hgroup>
        <h1>{t("inventory.settings.pageTitle", { store: p.storeName })}</h1>
        <p>{t("inventory.settings.caption")}</p>
      </hgroup>
      {refused && (
        <p class="error" role="alert">{t("inventory.settings.invalid")}</p>
      )}
      <form
        method="post"
        action={`/stores/${p.storeId}/restock`}
        id="restock-form"
        novalidate
      >
        {FIELDS.map((f) => {
          const problem = problems[f];
          const help = `${f}-help`;
          const error = `${f}-error`;
          return (
            <label>
              {t(`inventory.settings.${f}` as InventoryKey)}
              <input
                type="number"
                name={f}
                value={p.values[f]}
                min={0}
                max={p.max}
                step={1}
                inputmode="numeric"
                required
                aria-invalid={problem ? "true" : undefined}
                aria-describedby={problem ? `${error} ${help}` : help}
              />
              {problem && (
                <small id={error} class="field-error">
                  {t(
                    `inventory.settings.problem.${problem}` as InventoryKey,
                    { max: p.max },
                  )}
                </small>
              )}
              <small id={help}>
                {t(`inventory.settings.help.${f}` as InventoryKey)}
              </small>
            </label>
          );
        })}
        <p>
          <small>{t("inventory.settings.audited")}</small>
        </p>
        <div class="actions">
          <button type="submit">{t("inventory.settings.save")}</button>
          <a
            href={`/inventory?store=${p.storeId}`}
            role="button"
            class="secondary outline"
          >
            {t("inventory.settings.cancel")}
          </a>
        </div>
      </form>
    </>
  );
}
