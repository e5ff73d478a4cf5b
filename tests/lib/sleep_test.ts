// The one abortable sleep: it waits, it refuses an aborted signal at once,
// it stops at an abort (clearing its timer: the test sanitizers would
// report a leaked one), and it never leaves a listener on the signal.
import assert from "node:assert/strict";
import { sleep } from "../../lib/sleep.ts";

/** A signal that counts the abort listeners currently attached. */
function countingSignal(controller = new AbortController()) {
  const signal = controller.signal;
  let attached = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener =
    ((type: string, fn: EventListener, opts?: never) => {
      if (type === "abort") attached++;
      add(type, fn, opts);
    }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: string, fn: EventListener) => {
    if (type === "abort") attached--;
    remove(type, fn);
  }) as typeof signal.removeEventListener;
  return { controller, signal, attached: () => attached };
}

Deno.test("sleep: resolves after the time, with or without a signal", async () => {
  const t0 = performance.now();
  await sleep(20);
  assert.ok(performance.now() - t0 >= 15);
  await sleep(5, new AbortController().signal);
});

Deno.test("sleep: an already-aborted signal rejects at once, adding no listener", async () => {
  const c = countingSignal();
  const reason = new Error("stopping");
  c.controller.abort(reason);
  const t0 = performance.now();
  await assert.rejects(sleep(60_000, c.signal), (err) => err === reason);
  assert.ok(performance.now() - t0 < 1_000, "did not wait");
  assert.equal(c.attached(), 0);
});

Deno.test("sleep: an abort during the wait rejects with the reason and clears the timer", async () => {
  const c = countingSignal();
  const waiting = sleep(60_000, c.signal);
  assert.equal(c.attached(), 1);
  const reason = new Error("lease lost");
  setTimeout(() => c.controller.abort(reason), 10);
  const t0 = performance.now();
  await assert.rejects(waiting, (err) => err === reason);
  assert.ok(performance.now() - t0 < 1_000, "stopped early");
  // A 60 s timer left running would fail this test (ops sanitizer).
});

Deno.test("sleep: the listener is removed once the wait ends", async () => {
  const c = countingSignal();
  for (let i = 0; i < 5; i++) await sleep(1, c.signal);
  assert.equal(c.attached(), 0, "no listener piles up on a long-lived signal");
  // An abort after the waits touches none of them.
  c.controller.abort(new Error("later"));
});

Deno.test("sleep: lib/ and jobs/ wait only through it (the sandbox keeps its own)", async () => {
  const root = new URL("../../", import.meta.url).pathname;
  const found: string[] = [];
  async function walk(dir: string) {
    for await (const e of Deno.readDir(`${root}${dir}`)) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory) {
        // The fake Amazon shares no code with lib/ (docs/architecture.md).
        if (path !== "lib/amazon/sandbox") await walk(path);
      } else if (/\.tsx?$/.test(e.name) && path !== "lib/sleep.ts") {
        const text = await Deno.readTextFile(`${root}${path}`);
        if (/\bsetTimeout\s*\(/.test(text)) found.push(path);
      }
    }
  }
  for (const dir of ["lib", "jobs"]) {
    try {
      await walk(dir);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  assert.deepEqual(found, []);
});
