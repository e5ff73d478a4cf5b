import assert from "node:assert/strict";
import { z } from "zod";
import {
  createDispatcher,
  createJobQueue,
  defineHandler,
} from "../../jobs/queue.ts";
import { startJobs } from "../../jobs/mod.ts";
import { createLogger } from "../../lib/log.ts";

Deno.test("queue: a message reaches its handler validated, through real Deno KV", async () => {
  const kv = await Deno.openKv(":memory:");
  const got = Promise.withResolvers<{ storeId: string }>();
  const queue = createJobQueue(kv);
  const jobs = startJobs({
    queue,
    log: createLogger({ sink: () => {} }),
    handlers: [defineHandler({
      type: "test.ping",
      schema: z.object({ type: z.literal("test.ping"), storeId: z.uuid() }),
      handle: (m) => Promise.resolve(got.resolve(m)),
    })],
  });
  const storeId = crypto.randomUUID();
  await queue.enqueue({ type: "test.ping", storeId });
  assert.equal((await got.promise).storeId, storeId);
  jobs.stop();
  kv.close();
  await jobs.listening;
});

Deno.test("queue: unknown and invalid messages are logged and dropped", async () => {
  const lines: string[] = [];
  let called = 0;
  const dispatch = createDispatcher([{
    type: "test.ping",
    schema: z.object({ type: z.literal("test.ping"), storeId: z.uuid() }),
    handle: () => Promise.resolve(void called++),
  }], createLogger({ sink: (l) => lines.push(l) }));
  await dispatch({ type: "nope" });
  await dispatch({ type: "test.ping", storeId: "not-a-uuid" });
  await dispatch("garbage");
  assert.equal(called, 0);
  assert.deepEqual(lines.map((l) => JSON.parse(l).event), [
    "queue.message.unknown",
    "queue.message.invalid",
    "queue.message.unknown",
  ]);
});

Deno.test("queue: a failing handler is retried by KV until it succeeds", async () => {
  const kv = await Deno.openKv(":memory:");
  let attempts = 0;
  const done = Promise.withResolvers<void>();
  const listening = kv.listenQueue(createDispatcher([{
    type: "test.flaky",
    schema: z.object({ type: z.literal("test.flaky") }),
    handle: () => {
      attempts++;
      if (attempts < 2) return Promise.reject(new Error("transient"));
      done.resolve();
      return Promise.resolve();
    },
  }], createLogger({ sink: () => {} })));
  await kv.enqueue({ type: "test.flaky" }, { backoffSchedule: [10, 10] });
  await done.promise;
  assert.equal(attempts, 2);
  kv.close();
  await listening;
});

Deno.test("queue: drained() resolves once every enqueued message was handled, retries included", async () => {
  const kv = await Deno.openKv(":memory:");
  const queue = createJobQueue(kv);
  const handled: number[] = [];
  let deliveriesOf2 = 0;
  const jobs = startJobs({
    queue,
    log: createLogger({ sink: () => {} }),
    handlers: [defineHandler({
      type: "test.work",
      schema: z.object({ type: z.literal("test.work"), n: z.number() }),
      async handle(m) {
        // The first delivery of message 2 fails: KV delivers it again.
        if (m.n === 2 && deliveriesOf2++ === 0) throw new Error("transient");
        await Promise.resolve();
        handled.push(m.n);
      },
    })],
  });
  try {
    // Nothing enqueued: drained at once.
    await queue.drained();
    for (const n of [1, 2, 3]) await queue.enqueue({ type: "test.work", n });
    // An invalid message is dropped, and counts as handled.
    await queue.enqueue({ type: "test.work", n: "three" });
    await jobs.drained();
    assert.deepEqual(handled.toSorted(), [1, 2, 3]);
    assert.equal(deliveriesOf2, 2, "message 2 failed once, then ran");
    await jobs.idle();
  } finally {
    jobs.stop();
    kv.close();
    await jobs.listening;
  }
});
