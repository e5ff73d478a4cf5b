// The staff side of data requests (issue #17): the list with its filters,
// sort and keyset pages; the request page with its timeline, the
// relationship suggestions, the written-out scope, approvals, and the
// forms of every step (confirmations before destructive ones); the e-mail
// outbox. Everything the requester typed is rendered as text.
import { Badge, type Tone } from "../badge.tsx";
import { choice } from "../list_controls.tsx";
import type { Lang } from "../i18n.ts";
import { Time } from "../time.tsx";
import { requestsCatalogue, type RequestsKey } from "./messages.ts";

const STATE_TONE: Record<string, Tone> = {
  received: "blue",
  verifying_identity: "grey",
  verifying_relationship: "amber",
  awaiting_approval: "amber",
  in_progress: "blue",
  on_hold: "purple",
  completed: "green",
  denied: "red",
  withdrawn: "grey",
  expired: "grey",
};

export function RequestStateBadge(p: { lang: Lang; state: string }) {
  return (
    <Badge
      tone={STATE_TONE[p.state] ?? "grey"}
      icon="●"
      state={p.state}
      label={requestsCatalogue.t(p.lang, `state.${p.state}` as RequestsKey)}
    />
  );
}

export interface RequestListRow {
  id: string;
  publicId: string;
  type: string;
  state: string;
  requesterName: string;
  receivedAt: Date;
  dueAt: Date;
  overdue: boolean;
  duplicateOf: string | null;
}

export interface RequestsListProps {
  lang: Lang;
  zone: string;
  filter: {
    state: string;
    type: string;
    q: string;
    sort: string;
    dir: string;
    size: number;
  };
  states: readonly string[];
  types: readonly string[];
  sorts: readonly string[];
  sizes: readonly number[];
  rows: RequestListRow[];
  nextQuery: string | null;
  firstQuery: string | null;
  filtered: boolean;
  badFilter: boolean;
}

export function RequestsListPage(p: RequestsListProps) {
  const t = requestsCatalogue.translator(p.lang);
  const f = p.filter;
  return (
    <>
      <hgroup>
        <h1>{t("list.title")}</h1>
        <p>{t("list.intro")}</p>
      </hgroup>
      <p>
        <a href="/requests/outbox">{t("list.outbox")}</a>
      </p>
      {p.badFilter && <p class="error" role="alert">{t("list.badFilter")}</p>}
      <form method="get" action="/requests" class="filters" role="search">
        <fieldset class="grid">
          <label>
            {t("list.state")}
            <select name="state">
              {choice("open", t("list.open"), f.state)}
              {choice("", t("list.any"), f.state)}
              {p.states.map((s) =>
                choice(s, t(`state.${s}` as RequestsKey), f.state)
              )}
            </select>
          </label>
          <label>
            {t("list.type")}
            <select name="type">
              {choice("", t("list.any"), f.type)}
              {p.types.map((x) =>
                choice(x, t(`type.${x}` as RequestsKey), f.type)
              )}
            </select>
          </label>
          <label>
            {t("list.q")}
            <input type="search" name="q" value={f.q} maxlength={100} />
          </label>
        </fieldset>
        <fieldset class="grid">
          <label>
            {t("list.sort")}
            <select name="sort">
              {p.sorts.map((s) =>
                choice(s, t(`sort.${s}` as RequestsKey), f.sort)
              )}
            </select>
          </label>
          <label>
            {t("list.dir")}
            <select name="dir">
              {choice("asc", t("dir.asc"), f.dir)}
              {choice("desc", t("dir.desc"), f.dir)}
            </select>
          </label>
          <label>
            {t("list.size")}
            <select name="size">
              {p.sizes.map((n) => choice(String(n), String(n), String(f.size)))}
            </select>
          </label>
        </fieldset>
        <button type="submit">{t("list.apply")}</button>{" "}
        <a href="/requests">{t("list.reset")}</a>
      </form>
      {p.rows.length === 0
        ? (
          <p class="empty">
            {p.filtered ? t("list.emptyFiltered") : t("list.empty")}
          </p>
        )
        : (
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("col.ref")}</th>
                  <th scope="col">{t("col.type")}</th>
                  <th scope="col">{t("col.state")}</th>
                  <th scope="col">{t("col.requester")}</th>
                  <th scope="col">{t("col.received")}</th>
                  <th scope="col">{t("col.due")}</th>
                </tr>
              </thead>
              <tbody>
                {p.rows.map((r) => (
                  <tr data-request={r.publicId}>
                    <td>
                      <a href={`/requests/${r.id}`}>{r.publicId}</a>
                      {r.duplicateOf && (
                        <>
                          {" "}
                          <Badge
                            tone="purple"
                            icon="⧉"
                            label={t("col.duplicate")}
                          />
                        </>
                      )}
                    </td>
                    <td>{t(`type.${r.type}` as RequestsKey)}</td>
                    <td>
                      <RequestStateBadge lang={p.lang} state={r.state} />
                    </td>
                    <td>{r.requesterName}</td>
                    <td>
                      <Time at={r.receivedAt} zone={p.zone} />
                    </td>
                    <td>
                      <Time at={r.dueAt} zone={p.zone} precision="day" />
                      {r.overdue && (
                        <>
                          {" "}
                          <Badge tone="red" icon="!" label={t("col.overdue")} />
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      <nav aria-label={t("list.title")}>
        {p.firstQuery !== null && (
          <a href={`/requests?${p.firstQuery}`}>{t("list.first")}</a>
        )}{" "}
        {p.nextQuery !== null && (
          <a href={`/requests?${p.nextQuery}`} rel="next">{t("list.next")}</a>
        )}
      </nav>
    </>
  );
}

export interface RequestPageProps {
  lang: Lang;
  zone: string;
  request: {
    id: string;
    publicId: string;
    type: string;
    state: string;
    lang: string;
    requesterName: string;
    requesterEmail: string;
    relationship: string;
    sellerId: string | null;
    orderId: string | null;
    marketplaceId: string | null;
    scopeCategories: string[];
    scopeStores: string | null;
    scopeFrom: string | null;
    scopeTo: string | null;
    description: string;
    receivedAt: Date;
    verifiedAt: Date | null;
    dueAt: Date;
    closedAt: Date | null;
    duplicateOfPublicId: string | null;
    match: {
      kind: string;
      storeName: string | null;
      orderId: string | null;
      evidence: string;
      reviewerName: string;
      at: string;
    } | null;
    scopePlan: {
      action: string;
      stores: { id: string; name: string }[];
      tables: { table: string; rows: number }[];
    } | null;
    scopeConfirmedAt: Date | null;
    denialCode: string | null;
    denialExplanation: string | null;
    answer: string | null;
    completion: {
      done: string;
      tables: { table: string; rows: number }[];
      heldRows: number;
    } | null;
  };
  events: {
    at: Date;
    actorName: string | null;
    actorType: string;
    kind: string;
    details: Record<string, unknown>;
  }[];
  approvals: { approverName: string; at: Date }[];
  suggestions: {
    kind: string;
    storeId: string;
    storeName: string;
    orderId: string | null;
    emailMatches: boolean | null;
  }[];
  duplicates: { id: string; publicId: string; state: string }[];
  mail: {
    subject: string;
    state: string;
    attempts: number;
    nextAttemptAt: Date;
    lastError: string | null;
    sentAt: Date | null;
  }[];
  closed: boolean;
  needsApproval: boolean;
  denialCodes: readonly string[];
  answerTemplates: readonly string[];
  /** A refused step: an error code, and per-field errors of its form. */
  error?: { code: string; form?: string; fields?: Record<string, string> };
}

function Err(p: { lang: Lang; show: boolean; id: string }) {
  if (!p.show) return null;
  return (
    <small id={`${p.id}-error`} class="error">
      {requestsCatalogue.t(p.lang, "error.invalid")}
    </small>
  );
}

export function RequestPage(p: RequestPageProps) {
  const t = requestsCatalogue.translator(p.lang);
  const r = p.request;
  const base = `/requests/${r.id}`;
  const fe = (form: string, field: string) =>
    p.error?.form === form && p.error.fields?.[field] !== undefined;
  const emailWord = (m: boolean | null) =>
    t(m === null ? "page.email.none" : m ? "page.email.yes" : "page.email.no");
  const eventWord = (kind: string) => {
    const key = `event.${kind}`;
    return requestsCatalogue.has(key) ? t(key) : kind;
  };
  const canMatch = ["received", "verifying_relationship", "on_hold"].includes(
    r.state,
  );
  const canAnswer = !p.needsApproval &&
    ["received", "verifying_relationship", "in_progress", "on_hold"].includes(
      r.state,
    );
  return (
    <>
      <p>
        <a href="/requests">← {t("page.back")}</a>
      </p>
      <hgroup>
        <h1>{t("page.title", { ref: r.publicId })}</h1>
        <p>
          <RequestStateBadge lang={p.lang} state={r.state} />{" "}
          {t(`type.${r.type}` as RequestsKey)}
        </p>
      </hgroup>
      {p.error && (
        <p class="error" role="alert">
          {t(`error.${p.error.code}` as RequestsKey)}
        </p>
      )}
      <section>
        <h2>{t("page.details")}</h2>
        <dl>
          <dt>{t("col.requester")}</dt>
          <dd>
            {r.requesterName} &lt;{r.requesterEmail}&gt;
          </dd>
          <dt>{t("page.relationship")}</dt>
          <dd>{t(`rel.${r.relationship}` as RequestsKey)}</dd>
          <dt>{t("page.identifiers")}</dt>
          <dd>
            {[r.sellerId, r.orderId, r.marketplaceId].filter(Boolean).join(
              " · ",
            ) || "—"}
          </dd>
          <dt>{t("page.scope")}</dt>
          <dd>
            {[
              r.scopeCategories.map((c) =>
                requestsCatalogue.has(`cat.${c}`)
                  ? t(`cat.${c}` as RequestsKey)
                  : c
              ).join(", "),
              r.scopeStores ?? "",
              r.scopeFrom || r.scopeTo
                ? `${r.scopeFrom ?? "…"} – ${r.scopeTo ?? "…"}`
                : "",
            ].filter((x) => x !== "").join(" · ") || "—"}
          </dd>
          <dt>{t("page.description")}</dt>
          <dd class="pre">{r.description || "—"}</dd>
          <dt>{t("page.language")}</dt>
          <dd>{r.lang}</dd>
          <dt>{t("col.received")}</dt>
          <dd>
            <Time at={r.receivedAt} zone={p.zone} />
          </dd>
          <dt>{t("page.verified")}</dt>
          <dd>
            {r.verifiedAt
              ? <Time at={r.verifiedAt} zone={p.zone} />
              : t("page.notVerified")}
          </dd>
          <dt>{t("col.due")}</dt>
          <dd>
            <Time at={r.dueAt} zone={p.zone} precision="day" />
          </dd>
        </dl>
      </section>
      {(r.duplicateOfPublicId || p.duplicates.length > 0) && (
        <section>
          <h2>{t("page.duplicates")}</h2>
          {r.duplicateOfPublicId && (
            <p>{t("page.duplicateOf", { ref: r.duplicateOfPublicId })}</p>
          )}
          <ul>
            {p.duplicates.map((d) => (
              <li>
                <a href={`/requests/${d.id}`}>{d.publicId}</a>{" "}
                <RequestStateBadge lang={p.lang} state={d.state} />
              </li>
            ))}
          </ul>
        </section>
      )}
      <section>
        <h2>{t("page.match")}</h2>
        {r.match && (
          <p data-match={r.match.kind}>
            {t("page.matchRecorded", {
              kind: r.match.storeName
                ? `${r.match.kind}: ${r.match.storeName}`
                : r.match.kind,
              evidence: r.match.evidence,
              reviewer: r.match.reviewerName,
            })}
          </p>
        )}
        {canMatch && (
          <form method="post" action={`${base}/match`}>
            <fieldset>
              <legend>{t("page.choice")}</legend>
              {p.suggestions.length === 0 && <p>{t("page.matchNone")}</p>}
              {p.suggestions.map((s, i) => (
                <label>
                  <input
                    type="radio"
                    name="choice"
                    value={`${s.kind}:${s.storeId}`}
                    checked={i === 0}
                  />
                  {s.kind === "order"
                    ? t("page.suggestion.order", {
                      order: s.orderId ?? "",
                      store: s.storeName,
                      email: emailWord(s.emailMatches),
                    })
                    : t("page.suggestion.seller", { store: s.storeName })}
                </label>
              ))}
              <label>
                <input
                  type="radio"
                  name="choice"
                  value="manual"
                  checked={p.suggestions.length === 0}
                />
                {t("page.choice.manual")}
              </label>
              <label>
                <input type="radio" name="choice" value="none" />
                {t("page.choice.none")}
              </label>
            </fieldset>
            <label for="evidence">{t("page.evidence")}</label>
            <textarea
              id="evidence"
              name="evidence"
              rows={3}
              maxlength={2000}
              required
              aria-invalid={fe("match", "evidence") ? "true" : undefined}
              aria-describedby={fe("match", "evidence")
                ? "evidence-error"
                : undefined}
            >
            </textarea>
            <Err lang={p.lang} show={fe("match", "evidence")} id="evidence" />
            <button type="submit">{t("page.recordMatch")}</button>
          </form>
        )}
      </section>
      {p.needsApproval && (
        <section>
          <h2>{t("page.scopePlan")}</h2>
          {r.scopePlan
            ? (
              <>
                <p>
                  {t(`page.scopeAction.${r.scopePlan.action}` as RequestsKey)}
                  {" — "}
                  {t("page.stores")}:{" "}
                  {r.scopePlan.stores.map((s) => s.name).join(", ")}
                </p>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t("page.table")}</th>
                      <th scope="col" class="num">{t("page.rows")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.scopePlan.tables.map((x) => (
                      <tr>
                        <td>{x.table}</td>
                        <td class="num">{x.rows}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {r.scopeConfirmedAt && (
                  <p>
                    {t("page.scopeConfirmed")}:{" "}
                    <Time at={r.scopeConfirmedAt} zone={p.zone} />
                  </p>
                )}
              </>
            )
            : <p>{t("page.scopeNone")}</p>}
          {r.state === "awaiting_approval" && (
            <form method="post" action={`${base}/scope`}>
              <button type="submit" class="secondary">
                {t("page.scopeConfirm")}
              </button>
            </form>
          )}
          <h3>{t("page.approvals", { n: p.approvals.length })}</h3>
          <ul>
            {p.approvals.map((a) => (
              <li>
                {a.approverName} — <Time at={a.at} zone={p.zone} />
              </li>
            ))}
          </ul>
          {r.state === "awaiting_approval" && r.scopePlan && (
            <>
              <form method="post" action={`${base}/approve`}>
                <button type="submit">{t("page.approve")}</button>
              </form>
              {p.approvals.length >= 2 && (
                <form method="post" action={`${base}/execute`}>
                  <label>
                    <input
                      type="checkbox"
                      name="confirm"
                      value="yes"
                      required
                    />
                    {t("page.executeConfirm")}
                  </label>
                  <button type="submit" class="contrast">
                    {t("page.execute")}
                  </button>
                </form>
              )}
            </>
          )}
        </section>
      )}
      {canAnswer && (
        <section>
          <h2>{t("page.answer")}</h2>
          <form method="post" action={`${base}/answer`}>
            <label for="template">{t("page.answerTemplate")}</label>
            <select id="template" name="template">
              {p.answerTemplates.map((x) =>
                choice(x, t(`answer.${x}` as RequestsKey), "")
              )}
            </select>
            <label for="answer-text">{t("page.answerText")}</label>
            <textarea
              id="answer-text"
              name="text"
              rows={5}
              maxlength={8000}
              aria-invalid={fe("answer", "text") ? "true" : undefined}
              aria-describedby={fe("answer", "text")
                ? "answer-text-error"
                : undefined}
            >
            </textarea>
            <Err lang={p.lang} show={fe("answer", "text")} id="answer-text" />
            <button type="submit">{t("page.answer")}</button>
          </form>
        </section>
      )}
      {r.completion && (
        <section>
          <h2>{t("page.completion")}</h2>
          <p data-completion>{r.completion.done}</p>
          {r.completion.tables.length > 0 && (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("page.table")}</th>
                  <th scope="col" class="num">{t("page.rows")}</th>
                </tr>
              </thead>
              <tbody>
                {r.completion.tables.map((x) => (
                  <tr>
                    <td>{x.table}</td>
                    <td class="num">{x.rows}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      {r.answer && (
        <section>
          <h2>{t("page.answerSent")}</h2>
          <p class="pre">{r.answer}</p>
        </section>
      )}
      {r.denialCode && (
        <section>
          <h2>{t("page.denial")}</h2>
          <p>{t(`denial.${r.denialCode}` as RequestsKey)}</p>
          <p class="pre">{r.denialExplanation}</p>
        </section>
      )}
      {!p.closed && (
        <section>
          <details>
            <summary>{t("page.deny")}</summary>
            <form method="post" action={`${base}/deny`}>
              <label for="deny-code">{t("page.denyCode")}</label>
              <select id="deny-code" name="code">
                {p.denialCodes.map((c) =>
                  choice(c, t(`denial.${c}` as RequestsKey), "")
                )}
              </select>
              <label for="explanation">{t("page.explanation")}</label>
              <textarea
                id="explanation"
                name="explanation"
                rows={3}
                maxlength={4000}
                required
                aria-invalid={fe("deny", "explanation") ? "true" : undefined}
                aria-describedby={fe("deny", "explanation")
                  ? "explanation-error"
                  : undefined}
              >
              </textarea>
              <Err
                lang={p.lang}
                show={fe("deny", "explanation")}
                id="explanation"
              />
              <button type="submit" class="contrast">{t("page.deny")}</button>
            </form>
          </details>
          <details>
            <summary>{t("page.extend")}</summary>
            <form method="post" action={`${base}/extend`}>
              <label for="due">{t("page.newDue")}</label>
              <input
                id="due"
                name="due"
                type="date"
                required
                aria-invalid={fe("extend", "due") ? "true" : undefined}
                aria-describedby={fe("extend", "due") ? "due-error" : undefined}
              />
              <Err lang={p.lang} show={fe("extend", "due")} id="due" />
              <label for="extend-reason">{t("page.reason")}</label>
              <textarea
                id="extend-reason"
                name="reason"
                rows={2}
                maxlength={2000}
                required
              >
              </textarea>
              <button type="submit">{t("page.extend")}</button>
            </form>
          </details>
          <details>
            <summary>
              {r.state === "on_hold" ? t("page.resume") : t("page.hold")}
            </summary>
            <form
              method="post"
              action={`${base}/${r.state === "on_hold" ? "resume" : "hold"}`}
            >
              <label for="hold-reason">{t("page.reason")}</label>
              <textarea
                id="hold-reason"
                name="reason"
                rows={2}
                maxlength={2000}
                required
              >
              </textarea>
              <button type="submit" class="secondary">
                {r.state === "on_hold" ? t("page.resume") : t("page.hold")}
              </button>
            </form>
          </details>
        </section>
      )}
      <section>
        <h2>{t("page.timeline")}</h2>
        <ol class="timeline">
          {p.events.map((e) => (
            <li data-event={e.kind}>
              <Time at={e.at} zone={p.zone} /> — {eventWord(e.kind)}
              {e.actorName ? ` (${e.actorName})` : ""}
            </li>
          ))}
        </ol>
      </section>
      <section>
        <h2>{t("page.mail")}</h2>
        {p.mail.length === 0
          ? <p>{t("page.noMail")}</p>
          : <MailTable lang={p.lang} zone={p.zone} mail={p.mail} />}
      </section>
    </>
  );
}

function MailTable(
  p: {
    lang: Lang;
    zone: string;
    mail: RequestPageProps["mail"];
    to?: string[];
  },
) {
  const t = requestsCatalogue.translator(p.lang);
  return (
    <div class="table-scroll">
      <table>
        <thead>
          <tr>
            {p.to && <th scope="col">{t("outbox.to")}</th>}
            <th scope="col">{t("outbox.subject")}</th>
            <th scope="col">{t("outbox.state")}</th>
            <th scope="col" class="num">{t("outbox.attempts")}</th>
            <th scope="col">{t("outbox.next")}</th>
            <th scope="col">{t("outbox.error")}</th>
            <th scope="col">{t("outbox.sent")}</th>
          </tr>
        </thead>
        <tbody>
          {p.mail.map((m, i) => (
            <tr data-mail-state={m.state}>
              {p.to && <td>{p.to[i]}</td>}
              <td>{m.subject}</td>
              <td>{t(`mail.${m.state}` as RequestsKey)}</td>
              <td class="num">{m.attempts}</td>
              <td>
                {m.state === "pending"
                  ? <Time at={m.nextAttemptAt} zone={p.zone} />
                  : "—"}
              </td>
              <td>{m.lastError ?? "—"}</td>
              <td>
                <Time at={m.sentAt} zone={p.zone} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export interface OutboxPageProps {
  lang: Lang;
  zone: string;
  smtp: boolean;
  messages: {
    requestId: string;
    to: string;
    subject: string;
    body: string;
    state: string;
    attempts: number;
    nextAttemptAt: Date;
    lastError: string | null;
    sentAt: Date | null;
    createdAt: Date;
  }[];
}

export function OutboxPage(p: OutboxPageProps) {
  const t = requestsCatalogue.translator(p.lang);
  return (
    <>
      <p>
        <a href="/requests">← {t("page.back")}</a>
      </p>
      <hgroup>
        <h1>{t("outbox.title")}</h1>
        <p>{t("outbox.intro")}</p>
      </hgroup>
      {!p.smtp && <p role="status">{t("outbox.noSmtp")}</p>}
      {p.messages.length === 0 ? <p class="empty">{t("outbox.empty")}</p> : (
        <>
          <MailTable
            lang={p.lang}
            zone={p.zone}
            mail={p.messages}
            to={p.messages.map((m) => m.to)}
          />
          {p.messages.map((m) => (
            <details>
              <summary>
                {m.subject} — {m.to}
              </summary>
              <p>
                <a href={`/requests/${m.requestId}`}>{t("page.details")}</a>
              </p>
              <pre>{m.body}</pre>
            </details>
          ))}
        </>
      )}
    </>
  );
}
