// WriteBehind (lib/sync/write_behind.ts): batches are written in order with
// at most one in flight, the caller keeps working meanwhile, a failed write
// surfaces and stops the writes after it, and a fallback replaces a write
// whose error it accepts. The database side runs in the orders tests.
import assert from "node:assert/strict";
import type { Tx } from "../../db/client.ts";
import { WriteBehind } from "../../lib/sync/write_behind.ts";

type Write = (tx: Tx) => Promise<unknown>;

/** A ctx.write whose transactions last `ms` and record what they ran. */
function fakeWrites(ms: number) {
  const log: string[] = [];
  let open = 0;
  let maxOpen = 0;
  const write = async (fn: Write, cursor?: { value: unknown }) => {
    open++;
    maxOpen = Math.max(maxOpen, open);
    try {
      const statements = fn({} as Tx);
      statements.catch(() => {}); // awaited below, after the delay
      await new Promise((r) => setTimeout(r, ms));
      await statements;
      if (cursor) log.push(`cursor ${cursor.value}`);
    } finally {
      open--;
    }
  };
  return { log, write, maxOpen: () => maxOpen, open: () => open };
}

Deno.test("write behind: writes run in order, one at a time, while the caller goes on", async () => {
  const f = fakeWrites(20);
  const writer = new WriteBehind({ write: f.write as never });
  for (let i = 0; i < 5; i++) {
    await writer.push(() => {
      f.log.push(`batch ${i}`);
      return Promise.resolve();
    });
    // The caller is back while the batch's transaction is still open.
    assert.equal(f.open(), 1);
  }
  await writer.push(() => Promise.resolve(), { cursor: { value: "end" } });
  await writer.flush();
  assert.deepEqual(f.log, [
    "batch 0",
    "batch 1",
    "batch 2",
    "batch 3",
    "batch 4",
    "cursor end",
  ]);
  assert.equal(f.maxOpen(), 1);
});

Deno.test("write behind: a failed write surfaces at the next push and nothing after it is written", async () => {
  const f = fakeWrites(5);
  const writer = new WriteBehind({ write: f.write as never });
  await writer.push(() => Promise.reject(new Error("disk full")));
  await assert.rejects(
    writer.push(() => {
      f.log.push("after");
      return Promise.resolve();
    }),
    /disk full/,
  );
  await assert.rejects(writer.flush(), /disk full/);
  await writer.settle(); // never throws
  assert.deepEqual(f.log, []);
});

Deno.test("write behind: a fallback replaces a write whose error it accepts, and only that", async () => {
  const f = fakeWrites(5);
  const writer = new WriteBehind({ write: f.write as never });
  const retryIf = (err: unknown) => (err as Error).message === "duplicate";
  await writer.push(() => Promise.reject(new Error("duplicate")), {
    cursor: { value: "w1" },
    fallback: {
      retryIf,
      fn: () => {
        f.log.push("upsert");
        return Promise.resolve();
      },
    },
  });
  await writer.flush();
  assert.deepEqual(f.log, ["upsert", "cursor w1"]);

  await writer.push(() => Promise.reject(new Error("refused")), {
    fallback: { retryIf, fn: () => Promise.resolve() },
  });
  await assert.rejects(writer.flush(), /refused/);
});
