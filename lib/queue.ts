// What lib/ knows of the job queue: a message is `{type, ...}`, validated on
// delivery by the zod schema its handler's library function declares (the
// schema lives beside that function; jobs/ only registers it). The queue
// itself (Deno KV, retries) is jobs/queue.ts.

/** A job queue message: its `type` picks the handler. */
export type QueueMessage = { type: string } & Record<string, unknown>;

/** Hands a message to the job queue, optionally after `delay` ms. */
export type Enqueue = (
  message: QueueMessage,
  opts?: { delay?: number },
) => Promise<void>;
