// One incident: its facts, the state/severity/owner form, the notification
// checklist with due clocks, the containment actions (each with its own
// confirmation box) and the timeline with evidence links. User-supplied text
// (summaries, notes) is rendered as text.
import type { Lang } from "../i18n.ts";
import { Badge } from "../badge.tsx";
import { Time, TimeIn } from "../time.tsx";
import { incidentsCatalogue, type IncidentsKey } from "./messages.ts";
import { IncidentStateBadge, SeverityBadge } from "./list.tsx";

export interface IncidentPageProps {
  lang: Lang;
  zone: string;
  now: Date;
  incident: {
    id: string;
    ref: number;
    kind: string;
    severity: string;
    state: string;
    source: string;
    rule: string | null;
    summary: string;
    occurredAt: Date | null;
    detectedAt: Date;
    storeNames: string[];
    dataCategories: string[];
    credentials: string[];
    ownerId: string | null;
    reportedByName: string | null;
  };
  timeline: {
    at: Date;
    actorName: string;
    kind: string;
    note: string;
    evidence: { label: string; href: string }[];
  }[];
  notices: {
    id: string;
    party: string;
    contact: string | null;
    dueAt: Date;
    sentAt: Date | null;
    sentByName: string | null;
    note: string | null;
  }[];
  owners: { id: string; name: string }[];
  users: { id: string; name: string }[];
  stores: { id: string; name: string }[];
  exportsFrozen: boolean;
  canFreeze: boolean;
  /** A message after an action (done or refused). */
  flash?: { kind: "done" | "refused"; text: string } | null;
  problems?: Record<string, string>;
}

const STATES = [
  "reported",
  "investigating",
  "contained",
  "remediated",
  "closed",
];
const SEVERITIES = ["low", "medium", "high", "critical"];
const DATA = [
  "buyer_pii",
  "orders",
  "finance",
  "ads",
  "inventory",
  "credentials",
  "staff_accounts",
  "logs",
];
const PARTIES = ["authority", "individuals", "provider", "other"];

/** A containment form: its target select (if any), the confirmation box, the button. */
function ContainForm(
  p: {
    lang: Lang;
    id: string;
    action: string;
    target?: { label: string; options: { id: string; name: string }[] };
  },
) {
  const t = incidentsCatalogue.translator(p.lang);
  const confirmId = `confirm-${p.action}`;
  return (
    <form
      method="post"
      action={`/incidents/${p.id}/contain/${p.action}`}
      class="contain"
      data-action={p.action}
    >
      <fieldset>
        <legend>{t(`inc.contain.${p.action}` as IncidentsKey)}</legend>
        {p.target && (
          <label>
            {p.target.label}
            <select name="target" required>
              <option value="">{t("inc.choose")}</option>
              {p.target.options.map((o) => (
                <option value={o.id}>{o.name}</option>
              ))}
            </select>
          </label>
        )}
        <label for={confirmId}>
          <input
            type="checkbox"
            name="confirm"
            value="yes"
            id={confirmId}
            required
          />
          {t("inc.contain.confirm")}
        </label>
        <button type="submit" class="secondary">
          {t(`inc.contain.${p.action}` as IncidentsKey)}
        </button>
      </fieldset>
    </form>
  );
}

export function IncidentPage(p: IncidentPageProps) {
  const t = incidentsCatalogue.translator(p.lang);
  const i = p.incident;
  const bad = p.problems ?? {};
  return (
    <>
      <hgroup>
        <h1>{t("inc.ref", { ref: i.ref })}</h1>
        <p>
          {t(`inc.kind.${i.kind}` as IncidentsKey)}{" "}
          <SeverityBadge lang={p.lang} severity={i.severity} />{" "}
          <IncidentStateBadge lang={p.lang} state={i.state} />
        </p>
      </hgroup>
      {p.flash && (
        <p
          class={p.flash.kind === "refused" ? "error" : "notice"}
          role={p.flash.kind === "refused" ? "alert" : "status"}
          data-testid="flash"
        >
          {p.flash.text}
        </p>
      )}
      <section aria-labelledby="facts">
        <h2 id="facts">{t("inc.page.summary")}</h2>
        <p class="pre-line">{i.summary}</p>
        <dl>
          <dt>{t("inc.page.source")}</dt>
          <dd>
            {t(`inc.source.${i.source}` as IncidentsKey)}
            {i.rule && <>: {t(`inc.rule.${i.rule}` as IncidentsKey)}</>}
          </dd>
          <dt>{t("inc.page.occurred")}</dt>
          <dd>
            <Time at={i.occurredAt} zone={p.zone} precision="day" />
          </dd>
          <dt>{t("inc.page.detected")}</dt>
          <dd>
            <Time at={i.detectedAt} zone={p.zone} />
          </dd>
          <dt>{t("inc.page.reporter")}</dt>
          <dd>{i.reportedByName ?? t("inc.none")}</dd>
          <dt>{t("inc.page.stores")}</dt>
          <dd>{i.storeNames.join(", ") || t("inc.none")}</dd>
          <dt>{t("inc.page.data")}</dt>
          <dd>
            {i.dataCategories.map((d) => t(`inc.data.${d}` as IncidentsKey))
              .join(", ") || t("inc.none")}
          </dd>
          <dt>{t("inc.page.credentials")}</dt>
          <dd>{i.credentials.join(", ") || t("inc.none")}</dd>
        </dl>
      </section>

      <section aria-labelledby="manage">
        <h2 id="manage">{t("inc.page.manage")}</h2>
        {Object.keys(bad).length > 0 && (
          <p class="error" role="alert">{t("inc.page.invalid")}</p>
        )}
        <form method="post" action={`/incidents/${i.id}/update`}>
          <div class="grid">
            <label>
              {t("inc.col.state")}
              <select name="state">
                {STATES.map((s) => (
                  <option value={s} selected={s === i.state}>
                    {t(`inc.state.${s}` as IncidentsKey)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t("inc.col.severity")}
              <select name="severity">
                {SEVERITIES.map((s) => (
                  <option value={s} selected={s === i.severity}>
                    {t(`inc.severity.${s}` as IncidentsKey)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t("inc.col.owner")}
              <select
                name="owner"
                aria-invalid={bad.owner ? "true" : undefined}
              >
                <option value="" selected={i.ownerId === null}>
                  {t("inc.noOwner")}
                </option>
                {p.owners.map((o) => (
                  <option value={o.id} selected={o.id === i.ownerId}>
                    {o.name}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <fieldset>
            <legend>{t("inc.page.data")}</legend>
            {DATA.map((d) => (
              <label>
                <input
                  type="checkbox"
                  name="data"
                  value={d}
                  checked={i.dataCategories.includes(d)}
                />
                {t(`inc.data.${d}` as IncidentsKey)}
              </label>
            ))}
          </fieldset>
          <label>
            {t("inc.page.credentials")}
            <input
              type="text"
              name="credentials"
              value={i.credentials.join(", ")}
              maxlength={500}
              aria-describedby="credentials-help"
              aria-invalid={bad.credentials ? "true" : undefined}
            />
            <small id="credentials-help">
              {t("inc.page.credentials.help")}
            </small>
          </label>
          <button type="submit">{t("inc.page.save")}</button>
        </form>
      </section>

      <section aria-labelledby="notices">
        <h2 id="notices">{t("inc.notices.title")}</h2>
        <p>{t("inc.notices.intro")}</p>
        <table class="striped" data-testid="notices">
          <thead>
            <tr>
              <th scope="col">{t("inc.notices.party")}</th>
              <th scope="col">{t("inc.notices.contact")}</th>
              <th scope="col">{t("inc.notices.due")}</th>
              <th scope="col">{t("inc.notices.status")}</th>
            </tr>
          </thead>
          <tbody>
            {p.notices.map((n) => (
              <tr data-party={n.party}>
                <th scope="row">{t(`inc.party.${n.party}` as IncidentsKey)}</th>
                <td>{n.contact ?? t("inc.none")}</td>
                <td>
                  <Time at={n.dueAt} zone={p.zone} />
                </td>
                <td>
                  {n.sentAt
                    ? (
                      <>
                        <TimeIn
                          at={n.sentAt}
                          zone={p.zone}
                          text={(at) =>
                            t("inc.notices.sent", {
                              at,
                              by: n.sentByName ?? "",
                            })}
                        />
                        {n.note && <>· {n.note}</>}
                      </>
                    )
                    : (
                      <form
                        method="post"
                        action={`/incidents/${i.id}/notices/${n.id}/sent`}
                      >
                        {n.dueAt <= p.now
                          ? (
                            <Badge
                              tone="red"
                              icon="!"
                              label={t("inc.notices.overdue")}
                            />
                          )
                          : (
                            <Badge
                              tone="amber"
                              icon="◷"
                              label={t("inc.notices.pending")}
                            />
                          )}
                        <label>
                          {t("inc.notices.sentNote")}
                          <input type="text" name="note" maxlength={1000} />
                        </label>
                        <button type="submit" class="secondary">
                          {t("inc.notices.markSent")}
                        </button>
                      </form>
                    )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form method="post" action={`/incidents/${i.id}/notices`}>
          <fieldset class="grid">
            <legend>{t("inc.notices.add")}</legend>
            <label>
              {t("inc.notices.party")}
              <select name="party">
                {PARTIES.map((x) => (
                  <option value={x}>
                    {t(`inc.party.${x}` as IncidentsKey)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t("inc.notices.contact")}
              <input type="text" name="contact" maxlength={200} />
            </label>
            <label>
              {t("inc.notices.dueHours")}
              <input
                type="number"
                name="dueHours"
                value="72"
                min={1}
                max={2160}
                step={1}
                required
                aria-invalid={bad.dueHours ? "true" : undefined}
              />
            </label>
          </fieldset>
          <button type="submit" class="secondary">
            {t("inc.notices.addButton")}
          </button>
        </form>
      </section>

      <section aria-labelledby="contain">
        <h2 id="contain">{t("inc.contain.title")}</h2>
        <p>{t("inc.contain.intro")}</p>
        {p.exportsFrozen && (
          <p class="notice" role="status">{t("inc.contain.frozen")}</p>
        )}
        <div class="grid contain-actions">
          {p.users.length > 0 && (
            <ContainForm
              lang={p.lang}
              id={i.id}
              action="suspend_user"
              target={{ label: t("inc.contain.user"), options: p.users }}
            />
          )}
          {p.stores.length > 0 && (
            <>
              <ContainForm
                lang={p.lang}
                id={i.id}
                action="revoke_tokens"
                target={{ label: t("inc.contain.store"), options: p.stores }}
              />
              <ContainForm
                lang={p.lang}
                id={i.id}
                action="pause_syncs"
                target={{ label: t("inc.contain.store"), options: p.stores }}
              />
              <ContainForm
                lang={p.lang}
                id={i.id}
                action="resume_syncs"
                target={{ label: t("inc.contain.store"), options: p.stores }}
              />
            </>
          )}
          {p.canFreeze && !p.exportsFrozen && (
            <ContainForm lang={p.lang} id={i.id} action="freeze_exports" />
          )}
          <ContainForm lang={p.lang} id={i.id} action="preserve_logs" />
        </div>
        <p>
          <a href="/admin/amazon-apps">{t("inc.contain.rotate")}</a>
        </p>
      </section>

      <section aria-labelledby="timeline">
        <h2 id="timeline">{t("inc.page.timeline")}</h2>
        <ol class="timeline" data-testid="timeline">
          {p.timeline.map((e) => (
            <li data-kind={e.kind}>
              <Time at={e.at} zone={p.zone} precision="seconds" /> ·{" "}
              <strong>{t(`inc.event.${e.kind}` as IncidentsKey)}</strong> ·{" "}
              {e.actorName}
              <p class="pre-line">{e.note}</p>
              {e.evidence.length > 0 && (
                <p>
                  {t("inc.page.evidence")}: {e.evidence.map((x, k) => (
                    <>
                      {k > 0 && ", "}
                      {/^\/(?!\/)/.test(x.href)
                        ? <a href={x.href}>{x.label}</a>
                        : x.label}
                    </>
                  ))}
                </p>
              )}
            </li>
          ))}
        </ol>
        <form method="post" action={`/incidents/${i.id}/notes`}>
          <label>
            {t("inc.page.addNote")}
            <textarea
              name="note"
              rows={3}
              required
              maxlength={4000}
              aria-invalid={bad.note ? "true" : undefined}
            >
            </textarea>
          </label>
          <button type="submit" class="secondary">
            {t("inc.page.saveNote")}
          </button>
        </form>
      </section>
    </>
  );
}
