// The one HTTP exchange of the Amazon clients tells network failures (what
// fetch and a body stream fail with) from answers, and lets anything else —
// a bug, not the network — through as the error it is.
import assert from "node:assert/strict";
import { exchange } from "../../lib/amazon/http_exchange.ts";

const opts = { timeoutMs: 5_000, parse: JSON.parse };
const failing = (err: unknown) => (() => Promise.reject(err)) as typeof fetch;

Deno.test("exchange: network failures are outcomes, other errors are rethrown", async () => {
  const net = await exchange(
    failing(new TypeError("connection reset")),
    "http://x.test/",
    {},
    opts,
  );
  assert.equal(net.kind, "failed");
  assert.equal(net.kind === "failed" && net.code, "NetworkError");
  const timeout = await exchange(
    failing(new DOMException("timed out", "TimeoutError")),
    "http://x.test/",
    {},
    opts,
  );
  assert.equal(timeout.kind === "failed" && timeout.code, "Timeout");
  const bug = new RangeError("a bug, not the network");
  await assert.rejects(
    exchange(failing(bug), "http://x.test/", {}, opts),
    (err) => err === bug,
  );
});

Deno.test("exchange: a body that is not JSON is an answer; a parser's bug is rethrown", async () => {
  const answer = () =>
    (() => Promise.resolve(new Response("{cut off"))) as typeof fetch;
  const x = await exchange(answer(), "http://x.test/", {}, opts);
  assert.ok(x.kind === "answer" && !x.parsedOk && x.text === "{cut off");
  await assert.rejects(
    exchange(answer(), "http://x.test/", {}, {
      ...opts,
      parse: () => {
        throw new TypeError("parser bug");
      },
    }),
    /parser bug/,
  );
});
