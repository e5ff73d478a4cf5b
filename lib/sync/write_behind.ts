// Streamed ingests write one batch while the next is read and mapped, so
// the database and this process work at the same time (bench/ingest: this,
// with plain inserts and json rows, took the orders backfill on PostgreSQL
// from 0.32x to 0.62x the rate of a raw COPY).
// Writes run in order with at most one in flight; a failed write surfaces
// at the next push or at flush, and nothing after it is written.
import type { Tx } from "../../db/client.ts";
import type { WriteResult } from "../ingest/_upsert.ts";
import { sleep } from "../sleep.ts";
import type { SyncContext } from "./dataset.ts";

type WriteFn = (tx: Tx) => Promise<WriteResult | void>;

export interface PushOptions {
  /** Saved in the same transaction as the rows. */
  cursor?: Parameters<SyncContext["write"]>[1];
  fallback?: { retryIf(err: unknown): boolean; fn: WriteFn };
}

export class WriteBehind {
  #writing: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: Pick<SyncContext, "write">) {}

  /**
   * Waits for the write in flight, starts `fn` in its own transaction (with
   * the cursor, if any) and returns once its first statement is sent.
   * `fn` should only send statements: prepare rows before pushing them.
   * When `fn` fails with an error `fallback.retryIf` accepts, `fallback.fn`
   * runs in a new transaction in its place.
   */
  async push(fn: WriteFn, opts: PushOptions = {}): Promise<void> {
    await this.#writing;
    let sent!: () => void;
    const sending = new Promise<void>((resolve) => (sent = resolve));
    const first = this.ctx.write((tx) => {
      const statements = fn(tx);
      sent();
      return statements;
    }, opts.cursor);
    const { fallback } = opts;
    const writing = fallback
      ? first.catch((err) => {
        if (!fallback.retryIf(err)) throw err;
        return this.ctx.write(fallback.fn, opts.cursor);
      })
      : first;
    writing.catch(() => {}); // handled by the next push or by flush
    this.#writing = writing;
    await Promise.race([sending, writing]);
    // postgres.js flushes its socket from a later task and Deno polls
    // sockets only between tasks: one timer turn puts the statement on the
    // wire before the caller's CPU-bound work on the next batch begins.
    await sleep(0);
  }

  /** Waits for the last write; throws its error. */
  flush(): Promise<void> {
    return this.#writing;
  }

  /** Waits for the write in flight and ignores its outcome (after another error). */
  async settle(): Promise<void> {
    await this.#writing.catch(() => {});
  }
}
