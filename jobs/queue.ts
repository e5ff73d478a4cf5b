// The KV queue: the dispatcher (every message is `{type, ...}` validated with
// the schema of its registered handler before anything runs; unknown or
// invalid messages are logged and dropped, since retrying them could never
// succeed) and the queue object that enqueues, listens, and tells when it
// is idle or drained, so that shutdown and tests wait for events, not time.
import { z } from "zod";
import type { Logger } from "../lib/log.ts";
import type { Enqueue, QueueMessage } from "../lib/queue.ts";

export interface QueueHandler<S extends z.ZodType = z.ZodType> {
  type: string;
  schema: S;
  handle(message: z.infer<S>): Promise<void>;
}

const envelope = z.object({ type: z.string().min(1) }).passthrough();

/** Retries for a failed handler: KV redelivers after each delay (ms). */
export const QUEUE_BACKOFF_MS = [1_000, 5_000, 30_000, 120_000, 600_000];

/**
 * Builds the function given to `kv.listenQueue`.
 *
 * @example
 * kv.listenQueue(createDispatcher([syncHandler], log));
 */
export function createDispatcher(
  handlers: readonly QueueHandler[],
  log: Logger,
): (raw: unknown) => Promise<void> {
  const byType = new Map(handlers.map((h) => [h.type, h]));
  return async function dispatch(raw: unknown) {
    const head = envelope.safeParse(raw);
    const handler = head.success ? byType.get(head.data.type) : undefined;
    if (!handler) {
      log.warn("queue.message.unknown", {
        type: head.success ? head.data.type : null,
      });
      return;
    }
    const parsed = handler.schema.safeParse(raw);
    if (!parsed.success) {
      log.warn("queue.message.invalid", {
        type: handler.type,
        issues: parsed.error.issues.map((i) => i.path.join(".")),
      });
      return;
    }
    try {
      await handler.handle(parsed.data);
    } catch (error) {
      // Logged through the redacting logger; Deno prints what we rethrow, so
      // that carries no detail. The throw makes KV redeliver with backoff.
      log.error("queue.handler.failed", { type: handler.type, error });
      throw new Error(`queue handler ${handler.type} failed; will retry`);
    }
  };
}

/** Enqueues a typed message with the standard retry schedule. */
export async function enqueue(
  kv: Deno.Kv,
  message: QueueMessage,
  opts: { delay?: number } = {},
): Promise<void> {
  const res = await kv.enqueue(message, {
    delay: opts.delay,
    backoffSchedule: QUEUE_BACKOFF_MS,
  });
  if (!res.ok) throw new Error(`could not enqueue ${message.type}`);
}

/** Declares a handler with its message type inferred from its schema. */
export function defineHandler<S extends z.ZodType>(
  handler: QueueHandler<S>,
): QueueHandler {
  return handler as unknown as QueueHandler;
}

/** The job queue of one process, on Deno KV. */
export interface JobQueue {
  readonly kv: Deno.Kv;
  /** Enqueues with the standard retry schedule; counted until handled. */
  enqueue: Enqueue;
  /**
   * Listens with `dispatch` (createDispatcher); resolves when KV closes.
   * A delivery ends "handled" when `dispatch` returns; when it throws, KV
   * delivers the message again.
   */
  listen(dispatch: (raw: unknown) => Promise<void>): Promise<void>;
  /** Resolves when no message is being handled (shutdown waits for this). */
  idle(): Promise<void>;
  /**
   * Resolves when every message enqueued through this queue has been
   * handled (or dropped as unknown or invalid) and none is being handled:
   * tests await it instead of sleeping. A message KV gave up retrying keeps
   * it waiting, as do messages enqueued with a delay until they ran.
   */
  drained(): Promise<void>;
}

/**
 * The queue of `kv`.
 *
 * @example
 * const queue = createJobQueue(kv);
 * await queue.enqueue({ type: "sync.run", storeId, dataset, trigger: "manual" });
 * await queue.drained();
 */
export function createJobQueue(kv: Deno.Kv): JobQueue {
  let pending = 0;
  const inflight = new Set<Promise<void>>();
  let waiters: (() => void)[] = [];
  const settle = () => {
    if (pending > 0 || inflight.size > 0) return;
    const ready = waiters;
    waiters = [];
    for (const resolve of ready) resolve();
  };
  return {
    kv,
    async enqueue(message, opts) {
      pending++;
      try {
        await enqueue(kv, message, opts);
      } catch (err) {
        pending--;
        settle();
        throw err;
      }
    },
    listen(dispatch) {
      return kv.listenQueue((raw) => {
        const p = dispatch(raw).then(() => {
          // Messages enqueued elsewhere (not counted) never go below zero.
          pending = Math.max(0, pending - 1);
        });
        const tracked = p.catch(() => {}).finally(() => {
          inflight.delete(tracked);
          settle();
        });
        inflight.add(tracked);
        return p;
      });
    },
    async idle() {
      while (inflight.size) await Promise.all(inflight);
    },
    drained() {
      const done = new Promise<void>((resolve) => waiters.push(resolve));
      settle();
      return done;
    },
  };
}
