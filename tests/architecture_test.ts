// The map in architecture.md, checked: imports run main → routes/jobs → lib
// → db (routes also → views), never back or across; only db/ and the named
// maintenance functions reach the owner-level connection.
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
  { from: "jobs", mustNot: ["routes/", "views/"] },
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
