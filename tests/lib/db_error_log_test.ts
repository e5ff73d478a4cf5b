// Data Policy §7 and §8: a failing statement is logged by its name and
// SQLSTATE, never with its parameters (invitee e-mails, names, search
// strings) nor the values the server's message quotes.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { createLogger } from "../../lib/log.ts";
import { redactText, statementName } from "../../lib/security/redact.ts";
import { createDispatcher, defineHandler } from "../../jobs/queue.ts";
import { openTestDatabase, testEngine } from "../_helpers/test_db.ts";

const EMAIL = "li.wei.canary@example.com";
const NAME = "Li Wei Canary";
const SEARCH = "%wei.canary%";

function capture() {
  const lines: string[] = [];
  return { lines, log: createLogger({ sink: (l) => lines.push(l) }) };
}

function assertClean(lines: string[]) {
  assert.ok(lines.length > 0);
  for (const line of lines) {
    for (const secret of [EMAIL, NAME, "wei.canary", "Canary"]) {
      assert.ok(!line.includes(secret), `${secret} in ${line}`);
    }
  }
}

Deno.test(`db error log (${testEngine}): a failing statement's parameters never reach the log`, async () => {
  await using t = await openTestDatabase();
  const failures: unknown[] = [];
  const fail = async (statement: ReturnType<typeof sql>) => {
    try {
      await t.db.asUser(
        { userId: "", storeIds: [] },
        (tx) => tx.execute(statement),
      );
    } catch (err) {
      failures.push(err);
      return;
    }
    assert.fail("the statement should fail");
  };
  // A foreign-key violation (no such role) carrying an invitee's e-mail and name.
  await fail(sql`insert into staff_users (email, display_name, role)
    values (${EMAIL}, ${NAME}, 'no-such-role')`);
  // A bad cast whose server message quotes the value itself.
  await fail(sql`select id from staff_users where id = ${EMAIL}::uuid`);
  // A search string in a statement that fails.
  await fail(sql`select id from staff_users where email like ${SEARCH}
    and 1 / 0 = 1`);

  const { lines, log } = capture();
  for (const error of failures) {
    log.error("http.error", { status: 500, error });
    // Code that logs the message as text gets the same treatment.
    log.warn("sync.run.failed", { error: (error as Error).message });
  }
  assertClean(lines);
  const entries = lines.map((l) => JSON.parse(l));
  assert.deepEqual(
    entries.filter((e) => e.level === "error").map((e) => [
      e.error.operation,
      e.error.code,
    ]),
    [
      ["insert staff_users", "23503"],
      ["select staff_users", "22P02"],
      ["select staff_users", "22012"],
    ],
  );
  assert.equal(entries[0].error.constraint, "staff_users_role_roles_name_fk");
  assert.equal(entries[1].error, "Failed query: insert staff_users");
});

Deno.test(`db error log (${testEngine}): a failing queue handler logs the statement's name and code only`, async () => {
  await using t = await openTestDatabase();
  const { lines, log } = capture();
  const dispatch = createDispatcher([
    defineHandler({
      type: "invite",
      schema: z.object({ type: z.literal("invite"), email: z.string() }),
      handle: (m) =>
        t.db.asUser({ userId: "", storeIds: [] }, async (tx) => {
          await tx.execute(
            sql`insert into staff_users (email, display_name, role)
            values (${m.email}, ${NAME}, 'no-such-role')`,
          );
        }),
    }),
  ], log);
  await assert.rejects(dispatch({ type: "invite", email: EMAIL }));
  assertClean(lines);
  assert.match(lines.join("\n"), /"code":"23503"/);
  assert.match(lines.join("\n"), /"operation":"insert staff_users"/);
});

Deno.test("db error log: statement names carry no values", () => {
  assert.equal(
    statementName(`insert into "staff_users" ("email") values ('${EMAIL}')`),
    "insert staff_users",
  );
  assert.equal(
    statementName(`select * from "staff_users" where email = 'from ${EMAIL}'`),
    "select staff_users",
  );
  assert.equal(
    statementName(`select audit_append($1, $2)`),
    "select audit_append()",
  );
  assert.equal(statementName(`select '${EMAIL}'`), "select");
  assert.equal(
    redactText(`Failed query: update "staff_users" set "display_name" = $1
params: ${NAME},${EMAIL}`),
    "Failed query: update staff_users",
  );
});

Deno.test("db error log: a statement that never reached the server keeps its system code", () => {
  const { lines, log } = capture();
  const cause = Object.assign(
    new Error("connect ECONNREFUSED 127.0.0.1:5432"),
    {
      code: "ECONNREFUSED",
    },
  );
  const err = Object.assign(
    new Error(`Failed query: select * from staff_users where email = $1
params: ${EMAIL}`),
    {
      query: "select * from staff_users where email = $1",
      params: [EMAIL],
      cause,
    },
  );
  log.error("http.error", { error: err });
  assertClean(lines);
  const entry = JSON.parse(lines[0]);
  assert.deepEqual(entry.error, {
    name: "DatabaseError",
    error: "ECONNREFUSED",
    operation: "select staff_users",
  });
});
