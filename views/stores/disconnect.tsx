// Disconnecting a store (Data Policy §10): the choice per data category, a
// confirmation that says exactly what will happen, and the record.
import type { Lang } from "../i18n.ts";
import { translator } from "../i18n.ts";

export interface CategoryOption {
  category: string;
  tables: string[];
  allowed: string[];
  rows: number;
}

export interface DisconnectFormProps {
  lang: Lang;
  storeId: string;
  storeName: string;
  categories: CategoryOption[];
  values?: Record<string, string>;
  reason?: string;
  errors?: string[];
}

const DEFAULT: Record<string, string> = { api_logs: "keep" };

export function DisconnectForm(p: DisconnectFormProps) {
  const t = translator(p.lang);
  return (
    <article>
      <hgroup>
        <h1>
          {t("disconnect.title")} — {p.storeName}
        </h1>
        <p>{t("disconnect.intro")}</p>
      </hgroup>
      {p.errors && p.errors.length > 0 && (
        <ul role="alert" class="error">
          {p.errors.map((e) => <li>{e}</li>)}
        </ul>
      )}
      <form method="post" action={`/stores/${p.storeId}/disconnect`}>
        <table class="striped">
          <thead>
            <tr>
              <th scope="col">{t("disconnect.category")}</th>
              <th scope="col">{t("disconnect.rows")}</th>
              <th scope="col">{t("disconnect.action")}</th>
            </tr>
          </thead>
          <tbody>
            {p.categories.map((c) => (
              <tr>
                <th scope="row">
                  {c.category}
                  <br />
                  <small>{c.tables.join(", ")}</small>
                </th>
                <td>{c.rows}</td>
                <td>
                  <fieldset class="inline-choices">
                    <legend class="visually-hidden">{c.category}</legend>
                    {c.allowed.map((a) => (
                      <label>
                        <input
                          type="radio"
                          name={c.category}
                          value={a}
                          required
                          checked={(p.values?.[c.category] ??
                            DEFAULT[c.category] ?? "delete") === a}
                        />
                        {t(
                          `disconnect.choice.${a}` as "disconnect.choice.delete",
                        )}
                      </label>
                    ))}
                  </fieldset>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <label>
          {t("disconnect.reason")}
          <textarea name="reason" required minlength={5} maxlength={500}>
            {p.reason ?? ""}
          </textarea>
        </label>
        <button type="submit" class="contrast">{t("disconnect.review")}</button>
      </form>
    </article>
  );
}

export interface DisconnectConfirmProps {
  lang: Lang;
  storeId: string;
  storeName: string;
  plan: { category: string; action: string; rows: number }[];
  fields: [string, string][];
}

export function DisconnectConfirm(p: DisconnectConfirmProps) {
  const t = translator(p.lang);
  return (
    <article>
      <h1>{t("disconnect.confirm.title")}</h1>
      <p>
        {t("disconnect.confirm.intro")} <strong>{p.storeName}</strong>
      </p>
      <ul>
        <li>{t("disconnect.confirm.sync")}</li>
        <li>{t("disconnect.confirm.tokens")}</li>
        {p.plan.map((x) => (
          <li>
            <code>{x.category}</code>: {t(
              `disconnect.choice.${x.action}` as "disconnect.choice.delete",
            )} ({x.rows})
          </li>
        ))}
        <li>{t("disconnect.confirm.backups")}</li>
      </ul>
      <form method="post" action={`/stores/${p.storeId}/disconnect`}>
        {p.fields.map(([k, v]) => <input type="hidden" name={k} value={v} />)}
        <input type="hidden" name="confirm" value="yes" />
        <div role="group">
          <button type="submit" class="contrast">
            {t("disconnect.confirm.submit")}
          </button>
          <a role="button" class="secondary" href={`/stores/${p.storeId}`}>
            {t("disconnect.cancel")}
          </a>
        </div>
      </form>
    </article>
  );
}

export interface DisconnectionView {
  id: string;
  /** Categories archived, when the viewer may download them. */
  archives?: string[];
  status: string;
  requestedAt: string;
  completedAt: string | null;
  reason: string;
  steps: string;
}

/** The records on the store page; polled by htmx while one is running. */
export function DisconnectionRecords(
  p: { lang: Lang; storeId: string; records: DisconnectionView[] },
) {
  const t = translator(p.lang);
  if (p.records.length === 0) return <section id="disconnections"></section>;
  const running = p.records.some((r) => r.status !== "completed");
  return (
    <section
      id="disconnections"
      hx-get={running ? `/stores/${p.storeId}/disconnections` : undefined}
      hx-trigger={running ? "every 2s" : undefined}
      hx-swap="outerHTML"
    >
      <h2>{t("disconnect.records")}</h2>
      {p.records.map((r) => (
        <article>
          <header>
            <span class="badge">{r.status}</span> {r.requestedAt}
            {r.completedAt ? ` → ${r.completedAt}` : ""}
          </header>
          <p>{r.reason}</p>
          <pre><code>{r.steps}</code></pre>
          {r.archives && r.archives.length > 0 && (
            <form
              method="post"
              action={`/stores/${p.storeId}/disconnections/${r.id}/archive`}
            >
              <fieldset role="group">
                <select name="category" aria-label={t("archive.category")}>
                  {r.archives.map((a) => <option value={a}>{a}</option>)}
                </select>
                <input
                  name="reason"
                  required
                  minlength={5}
                  maxlength={500}
                  placeholder={t("archive.reason")}
                  aria-label={t("archive.reason")}
                />
                <button type="submit" class="secondary">
                  {t("archive.download")}
                </button>
              </fieldset>
            </form>
          )}
        </article>
      ))}
    </section>
  );
}

/** The entry point on a store's page for those who may disconnect it. */
export function DisconnectButton(p: { lang: Lang; storeId: string }) {
  const t = translator(p.lang);
  return (
    <p>
      <a
        role="button"
        class="contrast"
        href={`/stores/${p.storeId}/disconnect`}
      >
        {t("disconnect.start")}
      </a>
    </p>
  );
}
