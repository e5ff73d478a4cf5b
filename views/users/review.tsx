// The access review page (Data Policy §5: periodic review of permissions):
// where the cycle stands, the open review's lines with their flags and
// decisions, and the completed reviews.
import type { Lang } from "../i18n.ts";
import { Day, formatDate, formatTime, Notice, Time } from "./components.tsx";
import { formatNumber } from "../format.ts";
import { roleName } from "../words.ts";
import { t } from "./messages.ts";

export interface ReviewLineView {
  id: number;
  email: string;
  displayName: string;
  userId: string;
  role: string;
  storeId: string | null;
  storeName: string | null;
  lastUsedAt: Date | null;
  flaggedUnused: boolean;
  decision: "confirm" | "revoke" | null;
}

export interface ReviewPageProps {
  lang: Lang;
  /** The reader's time zone. */
  zone?: string;
  intervalDays: number;
  lastCompletedAt: Date | null;
  dueAt: Date;
  due: boolean;
  open: {
    id: string;
    startedAt: Date;
    dueAt: Date;
    total: number;
    decided: number;
    flagged: number;
  } | null;
  lines: ReviewLineView[];
  history: {
    id: string;
    completedAt: Date;
    completedBy: string | null;
    total: number;
    revoked: number;
    flagged: number;
  }[];
  notice?: string | null;
}

export function AccessReviewPage(p: ReviewPageProps) {
  return (
    <>
      <hgroup>
        <h1>{t(p.lang, "review.title")}</h1>
        <p>{t(p.lang, "review.intro")}</p>
      </hgroup>
      <Notice text={p.notice ?? null} />
      <table>
        <tbody>
          <tr>
            <th scope="row">{t(p.lang, "review.lastCompleted")}</th>
            <td>
              <Time lang={p.lang} zone={p.zone} at={p.lastCompletedAt} />
            </td>
          </tr>
          <tr>
            <th scope="row">{t(p.lang, "review.nextDue")}</th>
            <td>
              <time
                datetime={p.dueAt.toISOString()}
                title={formatTime(p.dueAt)}
              >
                {formatDate(p.dueAt, p.zone)}
              </time>{" "}
              · {p.due
                ? <mark>{t(p.lang, "review.state.due")}</mark>
                : t(p.lang, "review.state.ok")} ·{" "}
              <small>
                {t(p.lang, "review.interval", { days: p.intervalDays })}
              </small>
            </td>
          </tr>
        </tbody>
      </table>
      {p.open
        ? <OpenReview {...p} open={p.open} />
        : (
          <form method="post" action="/access-review/start">
            <button type="submit">{t(p.lang, "review.start")}</button>
          </form>
        )}
      <section aria-labelledby="history-h">
        <h2 id="history-h">{t(p.lang, "review.history")}</h2>
        {p.history.length === 0
          ? <p>{t(p.lang, "review.history.none")}</p>
          : (
            <table class="striped">
              <thead>
                <tr>
                  <th scope="col">{t(p.lang, "review.history.completed")}</th>
                  <th scope="col">{t(p.lang, "review.history.by")}</th>
                  <th scope="col">{t(p.lang, "review.history.lines")}</th>
                  <th scope="col">{t(p.lang, "review.history.revoked")}</th>
                  <th scope="col">{t(p.lang, "review.history.flagged")}</th>
                </tr>
              </thead>
              <tbody>
                {p.history.map((h) => (
                  <tr>
                    <td>
                      <Time lang={p.lang} zone={p.zone} at={h.completedAt} />
                    </td>
                    <td>{h.completedBy ?? "—"}</td>
                    <td class="num">{formatNumber(p.lang, h.total)}</td>
                    <td class="num">{formatNumber(p.lang, h.revoked)}</td>
                    <td class="num">{formatNumber(p.lang, h.flagged)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
      </section>
    </>
  );
}

function OpenReview(
  p: ReviewPageProps & { open: NonNullable<ReviewPageProps["open"]> },
) {
  const left = p.open.total - p.open.decided;
  return (
    <section aria-labelledby="open-h">
      <h2 id="open-h">{t(p.lang, "review.open")}</h2>
      <p>
        {t(p.lang, "review.open.started", {
          date: formatDate(p.open.startedAt, p.zone),
          due: formatDate(p.open.dueAt, p.zone),
        })}{" "}
        <strong>
          {t(p.lang, "review.open.progress", {
            decided: formatNumber(p.lang, p.open.decided),
            total: formatNumber(p.lang, p.open.total),
            flagged: formatNumber(p.lang, p.open.flagged),
          })}
        </strong>
      </p>
      {p.lines.length === 0
        ? <p>{t(p.lang, "review.empty")}</p>
        : (
          <div class="overflow-auto">
            <table class="striped">
              <thead>
                <tr>
                  <th scope="col">{t(p.lang, "review.col.user")}</th>
                  <th scope="col">{t(p.lang, "review.col.line")}</th>
                  <th scope="col">{t(p.lang, "review.col.lastUsed")}</th>
                  <th scope="col">{t(p.lang, "review.col.flag")}</th>
                  <th scope="col">{t(p.lang, "review.col.decision")}</th>
                </tr>
              </thead>
              <tbody>
                {p.lines.map((l) => (
                  <Line lang={p.lang} zone={p.zone} line={l} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      <p>
        <small>{t(p.lang, "review.revoke.roleHelp")}</small>
      </p>
      {left > 0
        ? <p>{t(p.lang, "review.complete.blocked", { left })}</p>
        : (
          <form method="post" action="/access-review/complete">
            <button type="submit">{t(p.lang, "review.complete")}</button>
          </form>
        )}
    </section>
  );
}

function Line(p: { lang: Lang; zone?: string; line: ReviewLineView }) {
  const l = p.line;
  const what = l.storeId
    ? t(p.lang, "review.line.grant", { store: l.storeName ?? l.storeId })
    : t(p.lang, "review.line.role", { role: roleName(p.lang, l.role) });
  const action = `/access-review/items/${l.id}`;
  return (
    <tr data-line-id={String(l.id)}>
      <th scope="row">
        <a href={`/users/${l.userId}`}>{l.displayName}</a>
        <br />
        <small>{l.email}</small>
      </th>
      <td>{what}</td>
      <td>
        <Day lang={p.lang} zone={p.zone} at={l.lastUsedAt} />
      </td>
      <td>
        {l.flaggedUnused && <mark>{t(p.lang, "review.flag.unused")}</mark>}
      </td>
      <td>
        {l.decision
          ? (
            <strong>
              {t(
                p.lang,
                l.decision === "confirm"
                  ? "review.decision.confirm"
                  : "review.decision.revoke",
              )}
            </strong>
          )
          : (
            <div role="group">
              <form method="post" action={action}>
                <input type="hidden" name="decision" value="confirm" />
                <button
                  type="submit"
                  class="secondary"
                  aria-label={`${
                    t(p.lang, "review.confirm")
                  }: ${l.displayName}, ${what}`}
                >
                  {t(p.lang, "review.confirm")}
                </button>
              </form>
              <form method="post" action={action}>
                <input type="hidden" name="decision" value="revoke" />
                <button
                  type="submit"
                  class="contrast outline"
                  aria-label={`${
                    t(p.lang, "review.revoke")
                  }: ${l.displayName}, ${what}`}
                >
                  {t(p.lang, "review.revoke")}
                </button>
              </form>
            </div>
          )}
      </td>
    </tr>
  );
}
