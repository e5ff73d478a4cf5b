// The README is complete (issue #13): every variable the configuration
// schema reads is in its configuration table (and nothing else is), every
// task of deno.json is listed, each sign-in provider's callback path is a
// real route, and the user guide names every role.
import assert from "node:assert/strict";
import { configSchema } from "../lib/config.ts";
import { ROLES } from "../lib/security/permissions.ts";
import { ROUTE_ACCESS } from "../routes/route_access.ts";
import { roleName } from "../views/words.ts";

const root = new URL("../", import.meta.url);
const readme = await Deno.readTextFile(new URL("README.md", root));

/** The lines of the section under `## title`, up to the next `## `. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `README has a "${title}" section`);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The first cells of a section's table rows, without their backticks. */
function firstCells(text: string): string[] {
  return [...text.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1]);
}

Deno.test("README: every variable the configuration schema reads is in the configuration table, and only those", () => {
  const documented = firstCells(section("Configuration"));
  const read = Object.keys(configSchema.shape);
  assert.deepEqual(
    read.filter((v) => !documented.includes(v)),
    [],
    "read but not documented",
  );
  assert.deepEqual(
    documented.filter((v) => !read.includes(v)),
    [],
    "documented but not read",
  );
  assert.equal(new Set(documented).size, documented.length, "each row once");
});

Deno.test("README: every task of deno.json is in the task table", async () => {
  const { tasks } = JSON.parse(
    await Deno.readTextFile(new URL("deno.json", root)),
  ) as { tasks: Record<string, string> };
  const listed = firstCells(section("Tasks")).map((cell) =>
    cell.replace(/^deno task /, "").split(" ")[0]
  );
  assert.deepEqual(Object.keys(tasks).filter((t) => !listed.includes(t)), []);
  assert.deepEqual(listed.filter((t) => !(t in tasks)), []);
});

Deno.test("README: .env is not read, how to load one; what deno task test leaves out", () => {
  assert.match(readme, /A `\.env` file is not read by Custodian/);
  assert.match(readme, /deno task --env-file start/);
  assert.match(readme, /set -a; \. \.\/\.env; set \+a/);
  assert.match(
    readme,
    /`deno task test` runs every test under `tests\/` except the browser tests/,
  );
});

Deno.test("README: each sign-in provider's callback path is a route of the portal", () => {
  const sso = section("Single sign-on");
  for (const provider of ["google", "msentra", "github"]) {
    assert.ok(sso.includes(`\`/auth/${provider}\``), provider);
    assert.equal(ROUTE_ACCESS[`GET /auth/${provider}`], "public", provider);
  }
  for (const name of ["Google", "Microsoft Entra ID", "GitHub"]) {
    assert.ok(sso.includes(`**${name}**`), `a guide for ${name}`);
  }
});

Deno.test("user guide: says what every role can do", async () => {
  const guide = await Deno.readTextFile(new URL("docs/user-guide.md", root));
  assert.match(readme, /\(docs\/user-guide\.md\)/, "the README links it");
  for (const role of ROLES) {
    assert.ok(
      guide.includes(`### ${roleName("en", role.name)}`),
      `a section for ${role.name}`,
    );
  }
});
