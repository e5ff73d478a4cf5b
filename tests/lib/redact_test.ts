import assert from "node:assert/strict";
import { redact, REDACTED, redactText } from "../../lib/security/redact.ts";
import { createLogger } from "../../lib/log.ts";

// Obvious fakes shaped like the real thing.
const FAKE = {
  refresh: "Atzr|FAKE-REFRESH-TOKEN-canary-0000",
  access: "Atza|FAKE-ACCESS-TOKEN-canary-0000",
  secret: "amzn1.oa2-cs.v1.fakecanary0000",
  clientId: "amzn1.application-oa2-client.fakecanary0000",
  // Built from parts so that secret scanners do not flag the repository.
  aws: ["AKIA", "FAKECANARY000000"].join(""),
  jwe: "eyJhbGciOiJkaXIifQ..ZmFrZQ.ZmFrZWNhbmFyeQ.ZmFrZQ",
};

Deno.test("redact: credential-shaped values disappear from text", () => {
  const text =
    `refresh=${FAKE.refresh} access ${FAKE.access} secret:${FAKE.secret} ` +
    `id ${FAKE.clientId} aws ${FAKE.aws} jwe ${FAKE.jwe} ` +
    `auth Bearer abcdefgh12345678 url postgres://app:pw-canary@db:5432/x`;
  const out = redactText(text);
  for (const v of [...Object.values(FAKE), "abcdefgh12345678", "pw-canary"]) {
    assert.ok(!out.includes(v), `${v} removed`);
  }
  assert.match(out, /postgres:\/\/app:\[redacted\]@db:5432\/x/);
});

Deno.test("redact: secret keys are blanked at any depth; other data stays", () => {
  const out = redact({
    status: 400,
    nested: [{
      client_secret: "plain-canary",
      password: "p-canary",
      ok: "yes",
    }],
    headers: { authorization: "x-canary", "x-amzn-RequestId": "abc-123" },
    error: new Error(`failed with ${FAKE.refresh}`),
  });
  const json = JSON.stringify(out);
  assert.doesNotMatch(json, /canary/);
  assert.match(json, /"ok":"yes"/);
  assert.match(json, /abc-123/);
  assert.match(json, new RegExp(REDACTED.replace(/[[\]]/g, "\\$&")));
});

Deno.test("log: every line is JSON and carries no credential", () => {
  const lines: string[] = [];
  const log = createLogger({ sink: (l) => lines.push(l), level: "debug" });
  log.child({ requestId: "r1" }).error("lwa.failed", {
    refresh_token: FAKE.refresh,
    body: `grant ${FAKE.secret}`,
    error: new Error(`token ${FAKE.access}`),
  });
  log.debug("debug.line", { n: 1 });
  assert.equal(lines.length, 2);
  const entry = JSON.parse(lines[0]);
  assert.equal(entry.level, "error");
  assert.equal(entry.event, "lwa.failed");
  assert.equal(entry.requestId, "r1");
  for (const v of Object.values(FAKE)) assert.ok(!lines[0].includes(v));
});

Deno.test("log: lines below the level are dropped", () => {
  const lines: string[] = [];
  const log = createLogger({ sink: (l) => lines.push(l), level: "warn" });
  log.info("quiet");
  log.warn("loud");
  assert.deepEqual(lines.map((l) => JSON.parse(l).event), ["loud"]);
});
