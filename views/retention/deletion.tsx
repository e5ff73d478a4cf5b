// /retention/deletion-requests: Amazon's deletion requests (the form, a
// confirmation before anything is deleted, the list with each 72-hour
// deadline) and one request's deletion certificate. Plain data in.
import type { Lang } from "../i18n.ts";
import { UTC } from "../format.ts";
import { Time } from "../time.tsx";
import { retentionCatalogue } from "./messages.ts";

export interface DeletionForm {
  amazonReference: string;
  receivedAt: string;
  storeIds: string[];
  categories: string[];
  fromAt: string;
  toAt: string;
  orderIds: string;
}

export interface DeletionRow {
  id: string;
  amazonReference: string;
  receivedAt: Date;
  deadlineAt: Date;
  status: "queued" | "running" | "done";
  /** Hours left before the deadline (negative: past it), while not done. */
  hoursLeft: number | null;
  metDeadline: boolean | null;
}

export interface DeletionPageProps {
  lang: Lang;
  /** The reader's time zone (the received time is typed in it too). */
  zone?: string;
  stores: { id: string; name: string }[];
  categories: string[];
  form: DeletionForm;
  errors: Record<string, string>;
  requests: DeletionRow[];
}

const FIELDS = [
  "amazonReference",
  "receivedAt",
  "storeIds",
  "categories",
  "fromAt",
  "toAt",
  "orderIds",
] as const;

function Deadline(
  p: { lang: Lang; r: DeletionRow },
) {
  const t = retentionCatalogue.translator(p.lang);
  if (p.r.metDeadline !== null) {
    return p.r.metDeadline
      ? <span>✓ {t("deletion.met")}</span>
      : <strong class="over-limit">⚠ {t("deletion.missed")}</strong>;
  }
  if (p.r.hoursLeft !== null && p.r.hoursLeft < 0) {
    return <strong class="over-limit">⚠ {t("deletion.overdue")}</strong>;
  }
  return <span>{t("deletion.left", { h: p.r.hoursLeft ?? 0 })}</span>;
}

/** Whether `v` is a real YYYY-MM-DD day (a date field may only hold one). */
function isoDay(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) &&
    d.getUTCDate() === Number(v.slice(8)) &&
    d.getUTCMonth() + 1 === Number(v.slice(5, 7));
}

/** Whether `v` is what a datetime-local field may hold. */
function isoWallClock(v: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/.exec(v);
  return m !== null && isoDay(m[1]);
}

export function DeletionRequestsPage(p: DeletionPageProps) {
  const t = retentionCatalogue.translator(p.lang);
  const zone = p.zone ?? UTC;
  const err = (k: string) =>
    p.errors[k]
      ? (
        <small id={`${k}-error`} class="error">
          {p.errors[k] === "date"
            ? t("retention.error.hold.date")
            : p.errors[k] === "range"
            ? t("retention.error.hold.range")
            : t("deletion.error.field")}
        </small>
      )
      : null;
  const invalid = (k: string) => p.errors[k] ? "true" : undefined;
  const described = (k: string) => p.errors[k] ? `${k}-error` : undefined;
  return (
    <>
      <hgroup>
        <h1>{t("deletion.title")}</h1>
        <p>{t("deletion.intro")}</p>
      </hgroup>
      <p>
        <a href="/retention">{t("retention.title")}</a>
      </p>
      <h2>{t("deletion.list")}</h2>
      {p.requests.length === 0
        ? <p>{t("retention.none")}</p>
        : (
          <table class="striped" id="deletion-requests">
            <thead>
              <tr>
                <th scope="col">{t("deletion.col.reference")}</th>
                <th scope="col">{t("deletion.col.received")}</th>
                <th scope="col">{t("deletion.col.deadline")}</th>
                <th scope="col">{t("deletion.col.status")}</th>
              </tr>
            </thead>
            <tbody>
              {p.requests.map((r) => (
                <tr>
                  <th scope="row">
                    <a href={`/retention/deletion-requests/${r.id}`}>
                      {r.amazonReference}
                    </a>
                  </th>
                  <td>
                    <Time at={r.receivedAt} zone={zone} />
                  </td>
                  <td>
                    <Time at={r.deadlineAt} zone={zone} /> ·{" "}
                    <Deadline lang={p.lang} r={r} />
                  </td>
                  <td>{t(`deletion.status.${r.status}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      <h2>{t("deletion.new")}</h2>
      {Object.keys(p.errors).length > 0 && (
        <p role="alert" class="error">{t("deletion.error")}</p>
      )}
      <form method="post" action="/retention/deletion-requests">
        <label>
          {t("deletion.field.reference")}
          <input
            type="text"
            name="amazonReference"
            required
            minlength={3}
            maxlength={200}
            value={p.form.amazonReference}
            aria-invalid={invalid("amazonReference")}
            aria-describedby={described("amazonReference")}
          />
          {err("amazonReference")}
        </label>
        <label>
          {t("deletion.field.received", { zone })}
          <input
            type="datetime-local"
            name="receivedAt"
            required
            value={isoWallClock(p.form.receivedAt) ? p.form.receivedAt : ""}
            aria-invalid={invalid("receivedAt")}
            aria-describedby={described("receivedAt")}
          />
          {err("receivedAt")}
        </label>
        <fieldset
          aria-invalid={invalid("storeIds")}
          aria-describedby={described("storeIds")}
        >
          <legend>{t("deletion.field.stores")}</legend>
          {p.stores.map((s) => (
            <label>
              <input
                type="checkbox"
                name="storeIds"
                value={s.id}
                checked={p.form.storeIds.includes(s.id)}
              />
              {s.name}
            </label>
          ))}
          {err("storeIds")}
        </fieldset>
        <fieldset
          aria-invalid={invalid("categories")}
          aria-describedby={described("categories")}
        >
          <legend>{t("deletion.field.categories")}</legend>
          {p.categories.map((c) => (
            <label>
              <input
                type="checkbox"
                name="categories"
                value={c}
                checked={p.form.categories.includes(c)}
              />
              <code>{c}</code>
            </label>
          ))}
          {err("categories")}
        </fieldset>
        <div class="grid">
          <label>
            {t("deletion.field.from")}
            <input
              type="date"
              name="fromAt"
              value={isoDay(p.form.fromAt) ? p.form.fromAt : ""}
              aria-invalid={invalid("fromAt")}
              aria-describedby={described("fromAt")}
            />
            {err("fromAt")}
          </label>
          <label>
            {t("deletion.field.to")}
            <input
              type="date"
              name="toAt"
              value={isoDay(p.form.toAt) ? p.form.toAt : ""}
              aria-invalid={invalid("toAt")}
              aria-describedby={described("toAt")}
            />
            {err("toAt")}
          </label>
        </div>
        <label>
          {t("deletion.field.orders")}
          <textarea
            name="orderIds"
            rows={3}
            aria-invalid={invalid("orderIds")}
            aria-describedby={described("orderIds")}
          >
            {p.form.orderIds}
          </textarea>
          {err("orderIds")}
        </label>
        <button type="submit">{t("deletion.review")}</button>
      </form>
    </>
  );
}

/** The step before anything is deleted: the scope again, and one button. */
export function DeletionConfirmPage(
  p: {
    lang: Lang;
    /** The reader's time zone. */
    zone?: string;
    form: DeletionForm;
    /** The received time the form names, as an instant. */
    receivedAt: Date | null;
    storeNames: string[];
  },
) {
  const t = retentionCatalogue.translator(p.lang);
  return (
    <>
      <h1>{t("deletion.confirm.title")}</h1>
      <p role="alert">{t("deletion.confirm.text")}</p>
      <dl>
        <dt>{t("deletion.field.reference")}</dt>
        <dd>{p.form.amazonReference}</dd>
        <dt>{t("deletion.field.received")}</dt>
        <dd>
          <Time at={p.receivedAt} zone={p.zone ?? UTC} />
        </dd>
        <dt>{t("deletion.field.stores")}</dt>
        <dd>{p.storeNames.join(", ")}</dd>
        <dt>{t("deletion.field.categories")}</dt>
        <dd>{p.form.categories.join(", ")}</dd>
        <dt>{t("deletion.cert.scope")}</dt>
        <dd>
          {p.form.fromAt || "…"} – {p.form.toAt || "…"}
          {p.form.orderIds && <>· {p.form.orderIds}</>}
        </dd>
      </dl>
      <form method="post" action="/retention/deletion-requests">
        {FIELDS.flatMap((k) => {
          const v = p.form[k];
          return (Array.isArray(v) ? v : [v]).map((one) => (
            <input type="hidden" name={k} value={one} />
          ));
        })}
        <button type="submit" name="confirm" value="yes">
          {t("deletion.confirm")}
        </button>{" "}
        <a href="/retention/deletion-requests">{t("deletion.cancel")}</a>
      </form>
    </>
  );
}

export interface CertificateProps {
  lang: Lang;
  /** The reader's time zone. */
  zone?: string;
  id: string;
  amazonReference: string;
  receivedAt: Date;
  deadline: DeletionRow;
  stores: string[];
  categories: string[];
  range: string;
  orderIds: string | null;
  requestedBy: string;
  startedAt: Date | null;
  finishedAt: Date | null;
  rows: { store: string; table: string; deleted: number; held: number }[];
  deletedTotal: number;
  heldTotal: number;
  auditHead: string | null;
  archives: { store: string; file: string; expiresAt: Date | null }[];
  backups: { file: string; expiresAt: Date | null }[];
}

export function CertificatePage(p: CertificateProps) {
  const t = retentionCatalogue.translator(p.lang);
  const zone = p.zone ?? UTC;
  return (
    <>
      <hgroup>
        <h1>{t("deletion.cert.title")}</h1>
        <p>
          {t("deletion.field.reference")}: <strong>{p.amazonReference}</strong>
        </p>
      </hgroup>
      {p.finishedAt === null && (
        <p role="status">{t("deletion.cert.pending")}</p>
      )}
      <dl>
        <dt>{t("deletion.col.received")}</dt>
        <dd>
          <Time at={p.receivedAt} zone={zone} />
        </dd>
        <dt>{t("deletion.col.deadline")}</dt>
        <dd>
          <Time at={p.deadline.deadlineAt} zone={zone} /> ·{" "}
          <Deadline lang={p.lang} r={p.deadline} />
        </dd>
        <dt>{t("deletion.cert.scope")}</dt>
        <dd>
          {p.stores.join(", ")} · {p.categories.join(", ")} · {p.range}
          {p.orderIds && <>· {p.orderIds}</>}
        </dd>
        <dt>{t("deletion.cert.by")}</dt>
        <dd>{p.requestedBy}</dd>
        <dt>{t("deletion.cert.started")}</dt>
        <dd>
          <Time at={p.startedAt} zone={zone} />
        </dd>
        <dt>{t("deletion.cert.finished")}</dt>
        <dd>
          <Time at={p.finishedAt} zone={zone} />
        </dd>
        <dt>{t("deletion.cert.head")}</dt>
        <dd>
          <code>{p.auditHead ?? "—"}</code>
        </dd>
      </dl>
      <h2>{t("deletion.cert.rows")}</h2>
      <table class="striped" id="certificate-rows">
        <thead>
          <tr>
            <th scope="col">{t("retention.col.store")}</th>
            <th scope="col">{t("retention.col.table")}</th>
            <th scope="col">{t("retention.col.deleted")}</th>
            <th scope="col">{t("retention.col.held")}</th>
          </tr>
        </thead>
        <tbody>
          {p.rows.map((r) => (
            <tr>
              <td>{r.store}</td>
              <td>
                <code>{r.table}</code>
              </td>
              <td>{r.deleted}</td>
              <td>{r.held}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colspan={2}>{t("deletion.cert.total")}</th>
            <td>{p.deletedTotal}</td>
            <td>{p.heldTotal}</td>
          </tr>
        </tfoot>
      </table>
      <h2>{t("deletion.cert.copies")}</h2>
      <h3>{t("deletion.cert.archives")}</h3>
      {p.archives.length === 0 ? <p>{t("retention.none")}</p> : (
        <ul>
          {p.archives.map((a) => (
            <li>
              {a.store}: <code>{a.file}</code> · {t("deletion.cert.expires")}
              {" "}
              <Time at={a.expiresAt} zone={zone} precision="day" />
            </li>
          ))}
        </ul>
      )}
      <h3>{t("deletion.cert.backups")}</h3>
      {p.backups.length === 0 ? <p>{t("retention.none")}</p> : (
        <ul>
          {p.backups.map((b) => (
            <li>
              <code>{b.file}</code> · {t("deletion.cert.expires")}{" "}
              <Time at={b.expiresAt} zone={zone} precision="day" />
            </li>
          ))}
        </ul>
      )}
      <p>
        <a
          href={`/retention/deletion-requests/${p.id}/certificate.json`}
          download
        >
          {t("deletion.cert.download")}
        </a>
      </p>
    </>
  );
}
