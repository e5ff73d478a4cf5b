import assert from "node:assert/strict";
import { z } from "zod";
import { createDispatcher, defineHandler, enqueue } from "../../jobs/queue.ts";
import { startJobs } from "../../jobs/mod.ts";
import { createLogger } from "../../lib/log.ts";

Deno.test("queue: a message reaches its handler validated, through real Deno KV", async () => {
  const kv = await Deno.openKv(":memory:");
  const got = Promise.withResolvers<{ storeId: string }>();
  const jobs = startJobs({
    kv,
    log: createLogger({ sink: () => {} }),
    handlers: [defineHandler({
      type: "test.ping",
      schema: z.object({ type: z.literal("test.ping"), storeId: z.uuid() }),
      handle: (m) => Promise.resolve(got.resolve(m)),
    })],
  });
  const storeId = crypto.randomUUID();
  await enqueue(kv, { type: "test.ping", storeId });
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
