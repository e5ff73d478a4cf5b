// Disconnecting a store (Data Policy §10): the choice per data category,
// made explicitly (nothing is chosen in advance but what has no
// alternative), a confirmation that says exactly what will happen, and the
// record, in words.
import type { Lang } from "../i18n.ts";
import { translator } from "../i18n.ts";
import { StateBadge } from "../badge.tsx";
import { formatNumber, UTC } from "../format.ts";
import { Time, TimeIn } from "../time.tsx";
import { word } from "../words.ts";

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

/** The retention rule of each category (Data Policy §9), as a message. */
const RETENTION: Record<
  string,
  "disconnect.retention.pii" | "disconnect.retention.logs"
> = {
  buyer_pii: "disconnect.retention.pii",
  api_logs: "disconnect.retention.logs",
};

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
      <dl id="disconnect-choices">
        <dt>{t("disconnect.choice.delete")}</dt>
        <dd>{t("disconnect.explain.delete")}</dd>
        <dt>{t("disconnect.choice.archive")}</dt>
        <dd>{t("disconnect.explain.archive")}</dd>
        <dt>{t("disconnect.choice.keep")}</dt>
        <dd>{t("disconnect.explain.keep")}</dd>
      </dl>
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
              <th scope="col" class="num">{t("disconnect.rows")}</th>
              <th scope="col">{t("disconnect.action")}</th>
            </tr>
          </thead>
          <tbody>
            {p.categories.map((c) => {
              const label = word(p.lang, "category", c.category);
              // Only a category with a single allowed action comes chosen.
              const chosen = p.values?.[c.category] ??
                (c.allowed.length === 1 ? c.allowed[0] : undefined);
              return (
                <tr data-category={c.category}>
                  <th scope="row">
                    {label}
                    <br />
                    <small>
                      {t(RETENTION[c.category] ?? "disconnect.retention.need")}
                    </small>
                  </th>
                  <td class="num">{formatNumber(p.lang, c.rows)}</td>
                  <td>
                    <fieldset class="inline-choices">
                      <legend class="visually-hidden">{label}</legend>
                      {c.allowed.map((a) => (
                        <label>
                          <input
                            type="radio"
                            name={c.category}
                            value={a}
                            required
                            checked={chosen === a}
                          />
                          {t(
                            `disconnect.choice.${a}` as "disconnect.choice.delete",
                          )}
                        </label>
                      ))}
                    </fieldset>
                  </td>
                </tr>
              );
            })}
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
            {t("disconnect.confirm.category", {
              category: word(p.lang, "category", x.category),
              action: t(
                `disconnect.choice.${x.action}` as "disconnect.choice.delete",
              ),
              rows: formatNumber(p.lang, x.rows),
            })}
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

/** One disconnection as the store page shows it (plain data). */
export interface DisconnectionView {
  id: string;
  /** Categories archived, when the viewer may download them. */
  archives?: string[];
  status: string;
  requestedAt: string;
  completedAt: string | null;
  reason: string;
  steps: {
    syncsStoppedAt: string | null;
    queuedCancelled: number;
    tokensDeletedAt: string | null;
    tokensDeleted: number;
    categories: {
      category: string;
      action: string;
      at: string;
      rows: number;
      file: string | null;
    }[];
    backupsRestrictedAt: string | null;
  };
}

/** The records on the store page; polled by htmx while one is running. */
export function DisconnectionRecords(
  p: {
    lang: Lang;
    /** The reader's time zone. */
    zone?: string;
    storeId: string;
    records: DisconnectionView[];
  },
) {
  const t = translator(p.lang);
  const zone = p.zone ?? UTC;
  const at = (iso: string) => new Date(iso);
  if (p.records.length === 0) return <section id="disconnections"></section>;
  const running = p.records.some((r) => r.status !== "completed");
  return (
    <section
      id="disconnections"
      data-hx-get={running ? `/stores/${p.storeId}/disconnections` : undefined}
      data-hx-trigger={running ? "every 2s" : undefined}
      data-hx-swap="outerHTML"
    >
      <h2>{t("disconnect.records")}</h2>
      {p.records.map((r) => (
        <article>
          <header>
            <StateBadge lang={p.lang} kind="disconnection" state={r.status} />
            {" "}
            <Time at={at(r.requestedAt)} zone={zone} />
            {r.completedAt && (
              <>
                {" → "}
                <Time at={at(r.completedAt)} zone={zone} />
              </>
            )}
          </header>
          <p>{r.reason}</p>
          <ul>
            {r.steps.syncsStoppedAt && (
              <li>
                <TimeIn
                  text={(slot) =>
                    t("disconnect.step.syncs", {
                      at: slot,
                      cancelled: formatNumber(p.lang, r.steps.queuedCancelled),
                    })}
                  at={at(r.steps.syncsStoppedAt)}
                  zone={zone}
                />
              </li>
            )}
            {r.steps.tokensDeletedAt && (
              <li>
                <TimeIn
                  text={(slot) =>
                    t("disconnect.step.tokens", {
                      at: slot,
                      count: formatNumber(p.lang, r.steps.tokensDeleted),
                    })}
                  at={at(r.steps.tokensDeletedAt)}
                  zone={zone}
                />
              </li>
            )}
            {r.steps.categories.map((c) => (
              <li data-category={c.category}>
                <TimeIn
                  text={(slot) =>
                    t(
                      `disconnect.step.${c.action}` as "disconnect.step.delete",
                      {
                        category: word(p.lang, "category", c.category),
                        rows: formatNumber(p.lang, c.rows),
                        at: slot,
                      },
                    )}
                  at={at(c.at)}
                  zone={zone}
                />
                {c.file && (
                  <>
                    {" "}
                    <code>{c.file}</code>
                  </>
                )}
              </li>
            ))}
            {r.steps.backupsRestrictedAt && (
              <li>
                <TimeIn
                  text={(slot) => t("disconnect.step.backups", { at: slot })}
                  at={at(r.steps.backupsRestrictedAt)}
                  zone={zone}
                />
              </li>
            )}
          </ul>
          {r.archives && r.archives.length > 0 && (
            <form
              method="post"
              action={`/stores/${p.storeId}/disconnections/${r.id}/archive`}
            >
              <fieldset role="group">
                <select name="category" aria-label={t("archive.category")}>
                  {r.archives.map((a) => (
                    <option value={a}>{word(p.lang, "category", a)}</option>
                  ))}
                </select>
                <input
                  name="reason"
                  required
                  minlength={5}
                  maxlength={500}
                  placeholder={t("archive.reason")}
                  aria-label={t("archive.reason")}
                />
                <label>
                  <input type="checkbox" name="confirm" value="yes" required />
                  {t("archive.confirm")}
                </label>
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

/** The heading of the records' own page (/stores/:id/disconnections). */
export function DisconnectionsHeader(
  p: { lang: Lang; storeId: string; storeName: string; empty: boolean },
) {
  const t = translator(p.lang);
  return (
    <>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href={`/stores/${p.storeId}`}>{p.storeName}</a>
          </li>
          <li>{t("disconnect.records")}</li>
        </ul>
      </nav>
      <h1>{p.storeName}</h1>
      {p.empty && <p class="empty">{t("disconnect.records.none")}</p>}
    </>
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
