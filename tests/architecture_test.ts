// The map in architecture.md, checked: imports run main → routes/jobs → lib
// → db (routes also → views), never back or across; routes and jobs stay
// thin (no schema, no query builder, no transaction of their own, no
// message schema); one module writes sync_runs; the route table is data;
// only db/ and the named maintenance functions reach the owner-level
// connection.
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url).pathname;

async function* files(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(`${ROOT}${dir}`)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) yield* files(path);
    else if (/\.(ts|tsx)$/.test(e.name)) yield path;
  }
}

/** Project-relative targets of the relative imports in a file. */
async function importsOf(path: string): Promise<string[]> {
  const text = await Deno.readTextFile(`${ROOT}${path}`);
  const out: string[] = [];
  for (
    const m of text.matchAll(
      /(?:(?:import|export)[^"']*?from\s+|import\s+)["'](\.[^"']+)["']/g,
    )
  ) {
    out.push(
      new URL(m[1], `file://${ROOT}${path}`).pathname.slice(ROOT.length),
    );
  }
  return out;
}

const RULES: { from: string; mustNot: string[] }[] = [
  { from: "views", mustNot: ["db/", "lib/", "routes/", "jobs/"] },
  { from: "lib", mustNot: ["routes/", "views/", "jobs/"] },
  { from: "db", mustNot: ["lib/", "routes/", "views/", "jobs/"] },
  { from: "jobs", mustNot: ["routes/", "views/", "db/"] },
];

Deno.test("architecture: imports run only in the directions the map allows", async () => {
  const violations: string[] = [];
  for (const rule of RULES) {
    for await (const file of files(rule.from)) {
      for (const target of await importsOf(file)) {
        if (rule.mustNot.some((p) => target.startsWith(p))) {
          violations.push(`${file} imports ${target}`);
        }
      }
    }
  }
  assert.deepEqual(violations, []);
});

Deno.test("architecture: routes never call the Amazon clients directly", async () => {
  const violations: string[] = [];
  for await (const file of files("routes")) {
    for (const target of await importsOf(file)) {
      if (target.startsWith("lib/amazon/")) {
        violations.push(`${file} → ${target}`);
      }
    }
  }
  assert.deepEqual(violations, []);
});

Deno.test("architecture: only db/ touches the owner-level connection", async () => {
  const violations: string[] = [];
  for (const dir of ["lib", "routes", "jobs", "views"]) {
    for await (const file of files(dir)) {
      const text = await Deno.readTextFile(`${ROOT}${file}`);
      if (/\[OWNER\]|\bOWNER\b.*from ["'].*db\/client/.test(text)) {
        violations.push(file);
      }
    }
  }
  assert.deepEqual(violations, []);
});

Deno.test("architecture: stored Amazon credentials are opened only inside lib/amazon/", async () => {
  const violations: string[] = [];
  for (const dir of ["lib", "routes", "jobs", "views"]) {
    for await (const file of files(dir)) {
      if (file.startsWith("lib/amazon/")) continue;
      // Key rotation opens every sealed value only to seal it again at once.
      if (file === "lib/security/vault_rotation.ts") continue;
      const text = await Deno.readTextFile(`${ROOT}${file}`);
      if (
        /\b(openApp|openStoreRefreshToken)\s*\(|"lwa_(client_secret|refresh_token|access_token)"/
          .test(text)
      ) {
        violations.push(file);
      }
    }
  }
  assert.deepEqual(violations, []);
});

/** The bare (package) specifiers a file imports. */
async function packagesOf(path: string): Promise<string[]> {
  const text = await Deno.readTextFile(`${ROOT}${path}`);
  return [
    ...text.matchAll(
      /(?:(?:import|export)[^"']*?from\s+|import\s+)["']([^".][^"']*)["']/g,
    ),
  ].map((m) => m[1]);
}

Deno.test("architecture: routes are thin (no schema, no query builder, no transaction)", async () => {
  const violations: string[] = [];
  for await (const file of files("routes")) {
    for (const target of await importsOf(file)) {
      if (target === "db/schema.ts") violations.push(`${file} → ${target}`);
    }
    for (const pkg of await packagesOf(file)) {
      if (pkg === "drizzle-orm" || pkg.startsWith("drizzle-orm/")) {
        violations.push(`${file} → ${pkg}`);
      }
    }
    const text = await Deno.readTextFile(`${ROOT}${file}`);
    if (
      /\.as(User|Job)\(|\btx\.(select|insert|update|delete|execute)\b/.test(
        text,
      )
    ) {
      violations.push(`${file} opens a transaction or queries`);
    }
  }
  assert.deepEqual(violations, []);
});

Deno.test("architecture: jobs are thin adapters (no schema, no query builder, no message schema)", async () => {
  const violations: string[] = [];
  for await (const file of files("jobs")) {
    for (const target of await importsOf(file)) {
      if (target.startsWith("db/")) violations.push(`${file} → ${target}`);
    }
    for (const pkg of await packagesOf(file)) {
      if (pkg === "drizzle-orm" || pkg.startsWith("drizzle-orm/")) {
        violations.push(`${file} → ${pkg}`);
      }
      // Each message's schema lives beside its handler's library function;
      // only the dispatcher itself (queue.ts) speaks zod.
      if (pkg === "zod" && file !== "jobs/queue.ts") {
        violations.push(`${file} declares a message schema`);
      }
    }
  }
  assert.deepEqual(violations, []);
});

Deno.test("architecture: only lib/sync/runs.ts writes sync_runs", async () => {
  const OWNER_MODULE = "lib/sync/runs.ts";
  const writes = [
    /\.(insert|update|delete)\(\s*syncRuns\b/,
    /\b(upsertRows|insertRows)\(\s*\w+\s*,\s*syncRuns\b/,
    /\b(insert\s+into|update|delete\s+from)\s+"?sync_runs\b/i,
  ];
  const violations: string[] = [];
  for (const dir of ["lib", "routes", "jobs", "views", "db"]) {
    for await (const file of files(dir)) {
      if (file === OWNER_MODULE || file.startsWith("db/migrations/")) continue;
      const text = await Deno.readTextFile(`${ROOT}${file}`);
      if (writes.some((w) => w.test(text))) violations.push(file);
    }
  }
  assert.deepEqual(violations, []);
  // The owner is real: it does write the table.
  const owner = await Deno.readTextFile(`${ROOT}${OWNER_MODULE}`);
  assert.ok(writes.some((w) => w.test(owner)));
});

Deno.test("architecture: the route table is data that imports only the permission type", async () => {
  const text = await Deno.readTextFile(`${ROOT}routes/route_access.ts`);
  const imports = [...text.matchAll(/^import\b[^;]*;/gm)].map((m) => m[0]);
  assert.deepEqual(imports, [
    'import type { Permission } from "../lib/security/permissions.ts";',
  ]);
});

Deno.test("architecture: every module of routes/ loads on its own (no import cycle)", async () => {
  const modules: string[] = [];
  for await (const file of files("routes")) modules.push(file);
  assert.ok(modules.length > 5);
  const failures: string[] = [];
  // A fresh process per module: a cycle shows only when its module is the
  // first one loaded (e.g. "Cannot access … before initialization").
  const load = async (file: string) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `await import(${JSON.stringify(`file://${ROOT}${file}`)});`,
      ],
      cwd: ROOT,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!out.success) {
      failures.push(`${file}: ${new TextDecoder().decode(out.stderr).trim()}`);
    }
  };
  const queue = [...modules];
  await Promise.all(
    [0, 1].map(async () => {
      for (let f = queue.shift(); f; f = queue.shift()) await load(f);
    }),
  );
  assert.deepEqual(failures, []);
});

// ── The sandbox marketplace is a neighbour (docs/architecture.md) ─────────

/** Project-relative targets of a file's relative imports, dynamic ones too. */
async function allImportsOf(path: string): Promise<string[]> {
  const text = await Deno.readTextFile(`${ROOT}${path}`);
  const out = new Set(await importsOf(path));
  for (const m of text.matchAll(/\bimport\s*\(\s*["'](\.[^"']+)["']\s*\)/g)) {
    out.add(
      new URL(m[1], `file://${ROOT}${path}`).pathname.slice(ROOT.length),
    );
  }
  return [...out];
}

/** Every source file of the project, main.ts included. */
async function projectFiles(): Promise<string[]> {
  const out = ["main.ts"];
  for (const e of Deno.readDirSync(ROOT)) {
    if (!e.isDirectory || e.name.startsWith(".")) continue;
    if (["node_modules", "data", "static"].includes(e.name)) continue;
    for await (const f of files(e.name)) out.push(f);
  }
  return out;
}

const SANDBOX_ENTRIES = ["sandbox/mod.ts", "sandbox/testing.ts"];

Deno.test("architecture: only main.ts, bench/ and tests/ import sandbox/, and only through its entry modules", async () => {
  const violations: string[] = [];
  for (const file of await projectFiles()) {
    if (file.startsWith("sandbox/")) continue;
    for (const target of await allImportsOf(file)) {
      if (!target.startsWith("sandbox/")) continue;
      const allowed = file === "main.ts"
        ? target === "sandbox/mod.ts" // demo mode
        : (file.startsWith("bench/") || file.startsWith("tests/")) &&
          SANDBOX_ENTRIES.includes(target);
      if (!allowed) violations.push(`${file} imports ${target}`);
    }
  }
  assert.deepEqual(violations, []);
});

Deno.test("architecture: sandbox/ imports nothing of the project outside sandbox/", async () => {
  const violations: string[] = [];
  for await (const file of files("sandbox")) {
    for (const target of await allImportsOf(file)) {
      if (!target.startsWith("sandbox/")) {
        violations.push(`${file} imports ${target}`);
      }
    }
  }
  assert.deepEqual(violations, []);
  // Its two entry modules exist and are what the rule above names.
  for (const entry of SANDBOX_ENTRIES) {
    assert.ok(Deno.statSync(`${ROOT}${entry}`).isFile, entry);
  }
});

Deno.test("architecture: lib/ never imports the sandbox nor the seed generator", async () => {
  const violations: string[] = [];
  for await (const file of files("lib")) {
    for (const target of await allImportsOf(file)) {
      if (target.startsWith("sandbox/") || target.startsWith("bench/")) {
        violations.push(`${file} imports ${target}`);
      }
    }
  }
  assert.deepEqual(violations, []);
  // The generator lives in sandbox/world/, the seed task in bench/.
  assert.throws(() => Deno.statSync(`${ROOT}lib/seed`), Deno.errors.NotFound);
  assert.throws(
    () => Deno.statSync(`${ROOT}lib/amazon/sandbox`),
    Deno.errors.NotFound,
  );
});
