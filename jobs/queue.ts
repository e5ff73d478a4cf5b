// The KV queue dispatcher: every message is `{type, ...}` validated with the
// schema of its registered handler before anything runs. Unknown or invalid
// messages are logged and dropped (retrying them could never succeed).
import { z } from "zod";
import type { Logger } from "../lib/log.ts";

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
  message: { type: string } & Record<string, unknown>,
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
