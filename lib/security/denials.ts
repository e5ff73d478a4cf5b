// Anonymous denials, aggregated (issue #11, "anonymous floods grow the audit
// trail"). Data Policy §8 wants every denial audited, but 500 anonymous
// requests must not mean 500 rows. Per client address and UTC minute, the
// first anonymous denial is written at once, exactly as before; the repeats
// of that minute are only counted, and one `access.denied.repeated` event
// with the count (per action and per route) is written once the minute is
// over. So an address costs at most two audit rows a minute.
//
// Counts live in this process's memory: they are flushed by the next denial
// or request after the minute (see flushDue), by main.ts every minute and at
// shutdown. A crash loses at most one minute of counts, never a first denial.
import type { Database } from "../../db/client.ts";
import { type AuditEventInput, recordAudit } from "./audit.ts";

const MINUTE = 60_000;
/** Distinct routes kept per address and minute; the rest count as "other". */
const MAX_TARGETS = 20;
/** Addresses remembered at once; past it, everything pending is flushed. */
const MAX_PENDING = 10_000;

interface Pending {
  minute: number;
  ip: string | null;
  userAgent: string | null;
  repeats: number;
  actions: Record<string, number>;
  targets: Record<string, number>;
}

export interface DenialAggregatorOptions {
  db: Database;
  now?: () => number;
}

/** Counts anonymous denials per address and minute; see the module comment. */
export class DenialAggregator {
  readonly #db: Database;
  readonly #now: () => number;
  readonly #pending = new Map<string, Pending>();

  constructor(opts: DenialAggregatorOptions) {
    this.#db = opts.db;
    this.#now = opts.now ?? Date.now;
  }

  /**
   * Audits one anonymous denial: written now if it is the address's first
   * this minute, else counted for the minute's summary.
   */
  async record(event: AuditEventInput): Promise<void> {
    const minute = Math.floor(this.#now() / MINUTE);
    const key = event.ip ?? "";
    const entry = this.#pending.get(key);
    if (entry && entry.minute === minute) {
      entry.repeats++;
      entry.userAgent = event.userAgent ?? entry.userAgent;
      entry.actions[event.action] = (entry.actions[event.action] ?? 0) + 1;
      const target = event.target ?? "";
      const targets = entry.targets;
      const slot = target in targets ||
          Object.keys(targets).length < MAX_TARGETS
        ? target
        : "other";
      targets[slot] = (targets[slot] ?? 0) + 1;
      return;
    }
    // A new minute for this address: its previous minute is summarised
    // (with everything else that is due), then this denial is written.
    this.#pending.set(key, {
      minute,
      ip: event.ip ?? null,
      userAgent: event.userAgent ?? null,
      repeats: 0,
      actions: {},
      targets: {},
    });
    const earlier = entry && entry.repeats > 0 ? [entry] : [];
    await this.#write([...earlier, ...this.#takeDue(minute)]);
    await recordAudit(this.#db, null, event);
  }

  /** Whether a past minute still has counts to write. */
  hasDue(): boolean {
    const minute = Math.floor(this.#now() / MINUTE);
    for (const p of this.#pending.values()) {
      if (p.minute < minute && p.repeats > 0) return true;
    }
    return this.#pending.size > MAX_PENDING;
  }

  /** Writes the summaries of minutes that are over (or, with `all`, of every minute). */
  async flush(opts: { all?: boolean } = {}): Promise<void> {
    const minute = opts.all
      ? Number.POSITIVE_INFINITY
      : Math.floor(this.#now() / MINUTE);
    await this.#write(this.#takeDue(minute));
  }

  /** Removes and returns the entries of minutes before `minute` that have repeats. */
  #takeDue(minute: number): Pending[] {
    const due: Pending[] = [];
    const overflow = this.#pending.size > MAX_PENDING;
    for (const [key, p] of this.#pending) {
      if (p.minute < minute || overflow) {
        this.#pending.delete(key);
        if (p.repeats > 0) due.push(p);
      }
    }
    return due;
  }

  async #write(entries: Pending[]): Promise<void> {
    for (const p of entries) {
      await recordAudit(this.#db, null, {
        actorType: "anonymous",
        action: "access.denied.repeated",
        outcome: "denied",
        ip: p.ip,
        userAgent: p.userAgent,
        details: {
          count: p.repeats,
          minute: new Date(p.minute * MINUTE).toISOString(),
          actions: p.actions,
          targets: p.targets,
        },
      });
    }
  }
}
