import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../../lib/config.ts";

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  assert.fail("expected a ConfigError");
}

Deno.test("config: defaults give the embedded setup", () => {
  const c = loadConfig({});
  assert.equal(c.PORT, 8000);
  assert.equal(c.HOST, "127.0.0.1");
  assert.equal(c.DATA_DIR, "./data");
  assert.equal(c.kvPath, "./data/kv.sqlite3");
  assert.equal(c.pgliteDir, "./data/pg");
  assert.equal(c.engine, "pglite");
  assert.equal(c.publicUrl, "http://127.0.0.1:8000");
});

Deno.test("config: DATABASE_URL selects PostgreSQL and KV_PATH moves KV", () => {
  const c = loadConfig({
    DATABASE_URL: "postgres://app@db.internal:5432/custodian",
    KV_PATH: "/var/lib/custodian/kv.sqlite3",
    DATA_DIR: "/srv/data/",
  });
  assert.equal(c.engine, "postgres");
  assert.equal(c.kvPath, "/var/lib/custodian/kv.sqlite3");
  assert.equal(c.pgliteDir, "/srv/data/pg");
});

Deno.test("config: blank values count as unset", () => {
  assert.equal(loadConfig({ PORT: "", DATABASE_URL: " " }).engine, "pglite");
});

const invalid: [string, Record<string, string>, RegExp][] = [
  ["PORT not a number", { PORT: "eighty" }, /^PORT must be a number$/],
  [
    "PORT out of range",
    { PORT: "70000" },
    /^PORT must be between 1 and 65535$/,
  ],
  ["PORT fractional", { PORT: "80.5" }, /^PORT must be a whole number$/],
  [
    "DATABASE_URL of another scheme",
    { DATABASE_URL: "mysql://root:hunter2-canary@localhost/db" },
    /^DATABASE_URL must be a postgres:\/\//,
  ],
  [
    "DATABASE_URL without a database",
    { DATABASE_URL: "postgres://u:hunter2-canary@localhost" },
    /^DATABASE_URL must be/,
  ],
  ["LOG_LEVEL unknown", { LOG_LEVEL: "loud" }, /^LOG_LEVEL must be one of/],
  [
    "PUBLIC_URL relative",
    { PUBLIC_URL: "/portal" },
    /^PUBLIC_URL must be an absolute/,
  ],
  [
    "BODY_LIMIT_BYTES too small",
    { BODY_LIMIT_BYTES: "10" },
    /^BODY_LIMIT_BYTES must be at least 1024$/,
  ],
  [
    "REQUEST_TIMEOUT_MS negative",
    { REQUEST_TIMEOUT_MS: "-1" },
    /^REQUEST_TIMEOUT_MS must be greater than 0$/,
  ],
  [
    "DATABASE_POOL_SIZE zero",
    { DATABASE_POOL_SIZE: "0" },
    /^DATABASE_POOL_SIZE must be at least 1$/,
  ],
  [
    "DATABASE_APP_PASSWORD short",
    {
      DATABASE_URL: "postgres://app@db.internal:5432/custodian",
      DATABASE_APP_PASSWORD: "hunter2-canary",
    },
    /^DATABASE_APP_PASSWORD must be 16 to 128 printable ASCII characters/,
  ],
  [
    "DATABASE_APP_PASSWORD without DATABASE_URL",
    { DATABASE_APP_PASSWORD: "hunter2-canary-long-enough" },
    /^DATABASE_APP_PASSWORD applies to PostgreSQL only/,
  ],
  [
    "VAULT_KEYS malformed",
    { VAULT_KEYS: "k1:hunter2-canary-not-a-key" },
    /^VAULT_KEYS entry 1 must look like kid:base64key/,
  ],
];

for (const [name, env, message] of invalid) {
  Deno.test(`config: ${name} gives its own clear message`, () => {
    const problems = problemsOf(env);
    assert.equal(problems.length, 1, problems.join("; "));
    assert.match(problems[0], message);
  });
}

Deno.test("config: several wrong values give one message each, never a secret", () => {
  const env = {
    PORT: "x",
    LOG_LEVEL: "loud",
    DATABASE_URL: "ftp://user:hunter2-canary@host/db",
    VAULT_KEYS: "bad:hunter2-canary",
  };
  try {
    loadConfig(env);
    assert.fail("expected a ConfigError");
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.problems.length, 4);
    for (const name of Object.keys(env)) {
      assert.ok(err.problems.some((p) => p.startsWith(`${name} `)), name);
    }
    assert.doesNotMatch(err.message, /hunter2/);
    assert.doesNotMatch(err.message, /ftp:|bad:/);
  }
});

Deno.test("config: a valid key ring parses; the first key is listed first", () => {
  const key = "A".repeat(43);
  const c = loadConfig({ VAULT_KEYS: `new:${key}, old:${"B".repeat(43)}` });
  assert.deepEqual(c.VAULT_KEYS?.map((k) => k.kid), ["new", "old"]);
});
