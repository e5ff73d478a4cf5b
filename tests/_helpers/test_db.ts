// Opens a fresh, migrated database for one test: PGlite cloned from a
// migrated template by default, or a new database on the PostgreSQL server
// named by DATABASE_URL (created here and dropped on dispose).
import postgres from "postgres";
import { PGlite } from "@electric-sql/pglite";
import { type Database, openDatabase, OWNER } from "../../db/client.ts";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle } from "drizzle-orm/pglite";

export interface TestDatabase extends AsyncDisposable {
  db: Database;
  /** Connection URL of the per-test PostgreSQL database (postgres engine only). */
  url?: string;
}

export const testEngine: "pglite" | "postgres" = Deno.env.get("DATABASE_URL")
  ? "postgres"
  : "pglite";

let template: Promise<Blob> | undefined;

const MIGRATIONS = decodeURIComponent(
  new URL("../../db/migrations", import.meta.url).pathname,
);

/**
 * The migrated PGlite template, built once per set of migrations and kept
 * in the temporary directory: every test file runs in its own worker, and
 * migrating from scratch costs each of them seconds. The file is named by a
 * hash of the migrations and the PGlite version, so a changed migration
 * builds a new one; it is written under a unique name and renamed, so
 * concurrent builders never read half a file.
 */
function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const path = await templatePath();
    try {
      return new Blob([await Deno.readFile(path)]);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    const client = await PGlite.create();
    await migratePglite(drizzle({ client }), {
      migrationsFolder: MIGRATIONS,
    });
    const dump = await client.dumpDataDir("none");
    await client.close();
    const partial = `${path}.${crypto.randomUUID()}`;
    await Deno.writeFile(partial, new Uint8Array(await dump.arrayBuffer()));
    await Deno.rename(partial, path);
    return dump;
  })();
  return template;
}

let templateDir: Promise<string> | undefined;

/**
 * The migrated template as a PGlite data directory (in memory-backed
 * /dev/shm where there is one), unpacked once from the dump and renamed
 * into place, so concurrent test files never open half a directory.
 */
function pgliteTemplateDir(): Promise<string> {
  templateDir ??= (async () => {
    const tar = await templatePath();
    const dir = `${await scratchRoot()}/${
      tar.split("/").at(-1)!.replace(
        /\.tar$/,
        "",
      )
    }`;
    try {
      await Deno.stat(`${dir}/PG_VERSION`);
      return dir;
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    const partial = `${dir}.${crypto.randomUUID()}`;
    const client = await PGlite.create({
      dataDir: partial,
      loadDataDir: await pgliteTemplate(),
    });
    await client.close();
    try {
      await Deno.rename(partial, dir);
    } catch {
      // Another test file put its copy in place first: use that one.
      await Deno.remove(partial, { recursive: true });
    }
    return dir;
  })();
  return templateDir;
}

/** Where test databases' directories go: /dev/shm when it is usable. */
async function scratchRoot(): Promise<string> {
  const root = `/dev/shm/custodian-test-dbs`;
  try {
    await Deno.mkdir(root, { recursive: true });
    return root;
  } catch {
    const fallback = `${
      Deno.env.get("TMPDIR") ?? "/tmp"
    }/custodian-test-templates/dbs`;
    await Deno.mkdir(fallback, { recursive: true });
    return fallback;
  }
}

/** Copies a directory tree (cp -a: the fastest copy at hand). */
async function copyDir(from: string, to: string): Promise<void> {
  const out = await new Deno.Command("cp", { args: ["-a", from, to] })
    .output();
  if (!out.success) {
    throw new Error(`cp ${from}: ${new TextDecoder().decode(out.stderr)}`);
  }
}

/** A hash of the migrations and the PGlite version (names the templates). */
async function migrationsHash(): Promise<string> {
  const files = [...Deno.readDirSync(MIGRATIONS)]
    .filter((e) => e.isFile && e.name.endsWith(".sql"))
    .map((e) => e.name).sort();
  const parts = [
    // The engine's version: a PGlite upgrade changes the data directory.
    JSON.parse(
      Deno.readTextFileSync(new URL("../../deno.json", import.meta.url)),
    ).imports["@electric-sql/pglite"],
    Deno.readTextFileSync(`${MIGRATIONS}/meta/_journal.json`),
    ...files.flatMap((f) => [f, Deno.readTextFileSync(`${MIGRATIONS}/${f}`)]),
  ];
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(parts.join("\0")),
  );
  return [...new Uint8Array(digest)].slice(0, 12)
    .map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function templatePath(): Promise<string> {
  const hex = await migrationsHash();
  const dir = `${Deno.env.get("TMPDIR") ?? "/tmp"}/custodian-test-templates`;
  await Deno.mkdir(dir, { recursive: true });
  return `${dir}/pglite-${hex}.tar`;
}

/** A fresh migrated database on the engine chosen by DATABASE_URL. */
export async function openTestDatabase(): Promise<TestDatabase> {
  const adminUrl = Deno.env.get("DATABASE_URL");
  if (!adminUrl) {
    // A copy of the migrated template's directory, opened in place: about a
    // third of the CPU of unpacking the template's dump into memory, which
    // every one of the suite's hundreds of databases paid.
    const template = await pgliteTemplateDir();
    const dir = `${template}.t-${crypto.randomUUID()}`;
    await copyDir(template, dir);
    const db = await openDatabase({ pgliteDir: dir });
    await db.migrate(); // no-op on the template; proves it is current
    return {
      db,
      async [Symbol.asyncDispose]() {
        await db.close();
        await Deno.remove(dir, { recursive: true });
      },
    };
  }
  const name = `custodian_t_${crypto.randomUUID().replaceAll("-", "")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const template = await postgresTemplate(adminUrl);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  // One copy at a time across test files: roles are the cluster's.
  await admin`select pg_advisory_lock(7402)`;
  try {
    await admin.unsafe(`create database ${name} template ${template}`);
    await adoptRuntimeRole(url.toString(), template);
  } finally {
    await admin`select pg_advisory_unlock(7402)`;
  }
  const db = await openDatabase({ databaseUrl: url.toString(), poolSize: 4 });
  await db.migrate(); // no-op on the template's copy; proves it is current
  // The database's own runtime role (custodian_app_<name>) outlives a
  // dropped database: drop it too. Its name is unique to this database, so
  // concurrent tests never race for it.
  const role = await db.runtimeRole();
  return {
    db,
    url: url.toString(),
    async [Symbol.asyncDispose]() {
      await db.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.unsafe(`drop role if exists "${role}"`);
      await admin.end();
    },
  };
}

let pgTemplate: Promise<string> | undefined;

/**
 * The migrated PostgreSQL template database for this set of migrations
 * (`custodian_tpl_<hash>`), made once on the server and kept: a test's
 * database is a copy of it (`create database … template`), seconds cheaper
 * than migrating each. Made under an advisory lock, so concurrent test files
 * wait for one builder; only a finished template is marked as one.
 */
function postgresTemplate(adminUrl: string): Promise<string> {
  pgTemplate ??= (async () => {
    const name = `custodian_tpl_${await migrationsHash()}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      await admin`select pg_advisory_lock(7401)`;
      const [row] = await admin<{ ready: boolean }[]>`
        select datistemplate as ready from pg_database where datname = ${name}`;
      if (row?.ready) return name;
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.unsafe(`create database ${name}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const db = await openDatabase({ databaseUrl: url.toString() });
      await db.migrate();
      await db.close();
      await admin.unsafe(`alter database ${name} with is_template true`);
      return name;
    } finally {
      await admin`select pg_advisory_unlock(7401)`.catch(() => {});
      await admin.end();
    }
  })();
  return pgTemplate;
}

/**
 * A copy of the template holds the template's runtime role in its grants
 * and policies (roles are the cluster's, named per database by
 * app_runtime_role()). Moves every privilege and policy of that role to the
 * copy's own, as 0012_runtime_login.sql moved them from the legacy role, and
 * restricts CONNECT as it does (a new database's ACL is the default one).
 */
async function adoptRuntimeRole(url: string, template: string): Promise<void> {
  if (!/^custodian_tpl_[0-9a-f]+$/.test(template)) throw new Error(template);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`DO $$
DECLARE
  app text := app_runtime_role();
  old text := 'custodian_app_${template}';
  r record;
BEGIN
  BEGIN
    EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION NOINHERIT', app);
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
  FOR r IN SELECT a.privilege_type AS priv FROM pg_namespace n
    CROSS JOIN LATERAL aclexplode(n.nspacl) a
    WHERE n.nspname = 'public' AND a.grantee = old::regrole
  LOOP
    EXECUTE format('GRANT %s ON SCHEMA public TO %I', r.priv, app);
  END LOOP;
  FOR r IN SELECT c.oid::regclass AS obj, c.relkind, a.privilege_type AS priv
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
    CROSS JOIN LATERAL aclexplode(c.relacl) a WHERE a.grantee = old::regrole
  LOOP
    EXECUTE format('GRANT %s ON %s %s TO %I', r.priv,
      CASE WHEN r.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, r.obj, app);
  END LOOP;
  FOR r IN SELECT c.oid::regclass AS obj, att.attname, a.privilege_type AS priv
    FROM pg_attribute att JOIN pg_class c ON c.oid = att.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
    CROSS JOIN LATERAL aclexplode(att.attacl) a WHERE a.grantee = old::regrole
  LOOP
    EXECUTE format('GRANT %s (%I) ON TABLE %s TO %I', r.priv, r.attname, r.obj, app);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS fn FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'public'
    CROSS JOIN LATERAL aclexplode(p.proacl) a
    WHERE a.grantee = old::regrole AND a.privilege_type = 'EXECUTE'
  LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', r.fn, app);
  END LOOP;
  FOR r IN SELECT p.polname, p.polrelid::regclass AS tbl FROM pg_policy p
    WHERE old::regrole = ANY (p.polroles)
  LOOP
    EXECUTE format('ALTER POLICY %I ON %s TO %I', r.polname, r.tbl, app);
  END LOOP;
  -- Revoked here only: DROP OWNED would also touch the template's own
  -- database row (a shared catalogue), which concurrent copies race for.
  EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', old);
  EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM %I', old);
  EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM %I', old);
  EXECUTE format('REVOKE ALL ON SCHEMA public FROM %I', old);
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM %I', current_database(), old);
  EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), app);
END
$$`);
  } finally {
    await sql.end();
  }
}

/** The owner-level drizzle handle, for fixtures that set up across stores. */
export function ownerOf(db: Database) {
  return db[OWNER];
}
