// `deno task backup FILE` and `deno task restore FILE` as real processes:
// PGlite (DATA_DIR) → PGlite, and → PostgreSQL when DATABASE_URL is set;
// a second restore into the now full database, and a wrong key, each end
// with one line and a non-zero exit.
import assert from "node:assert/strict";
import { openDatabase } from "../../db/client.ts";
import { generateBackupKey } from "../../lib/backup/container.ts";
import { prepareDatabase } from "../../lib/setup.ts";
import { mainDatabase } from "../_helpers/main_process.ts";
import { assertRestored, fill, picture } from "./_fixture.ts";

const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname);

async function task(
  name: "backup" | "restore",
  file: string,
  env: Record<string, string>,
) {
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", name, file],
    cwd: ROOT,
    env: { DATABASE_URL: "", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b).trim();
  return {
    code: out.code,
    stdout: text(out.stdout),
    stderr: text(out.stderr),
    ms: Math.round(performance.now() - started),
  };
}

Deno.test("deno task backup / restore: real processes, PGlite → PGlite (→ PostgreSQL with DATABASE_URL); refusals are one line", async () => {
  const source = await Deno.makeTempDir({ prefix: "custodian-src-" });
  const target = await Deno.makeTempDir({ prefix: "custodian-dst-" });
  const backups = await Deno.makeTempDir({ prefix: "custodian-bak-" });
  try {
    const db = await openDatabase({ pgliteDir: `${source}/pg` });
    await prepareDatabase(db);
    await fill(db);
    const before = await picture(db);
    await db.close();
    const key = generateBackupKey();
    const file = `${backups}/nightly.backup`;

    const made = await task("backup", file, {
      DATA_DIR: source,
      BACKUP_KEY: key,
    });
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /^Backup written: .*nightly\.backup/);
    const size = (await Deno.stat(file)).size;
    console.log(`backup: ${size} bytes in ${made.ms} ms — ${made.stdout}`);
    assert.equal((await Deno.stat(file)).mode! & 0o077, 0, "owner-only file");

    const missingKey = await task("backup", `${backups}/other.backup`, {
      DATA_DIR: source,
    });
    assert.notEqual(missingKey.code, 0);
    assert.match(missingKey.stderr, /^backup failed: BACKUP_KEY is not set/);

    const restored = await task("restore", file, {
      DATA_DIR: target,
      BACKUP_KEY: key,
    });
    assert.equal(restored.code, 0, restored.stderr);
    console.log(`restore (pglite): ${restored.ms} ms — ${restored.stdout}`);
    const back = await openDatabase({ pgliteDir: `${target}/pg` });
    try {
      assertRestored(before, await picture(back));
    } finally {
      await back.close();
    }

    const again = await task("restore", file, {
      DATA_DIR: target,
      BACKUP_KEY: key,
    });
    assert.notEqual(again.code, 0);
    assert.equal(again.stderr.split("\n").length, 1, again.stderr);
    assert.match(
      again.stderr,
      /^restore refused: the target database is not empty/,
    );
    const wrongKey = await task("restore", file, {
      DATA_DIR: await Deno.makeTempDir({ dir: backups }),
      BACKUP_KEY: generateBackupKey(),
    });
    assert.notEqual(wrongKey.code, 0);
    assert.equal(
      wrongKey.stderr,
      "restore refused: BACKUP_KEY does not open this backup (wrong key)",
    );

    if (Deno.env.get("DATABASE_URL")) {
      await using pg = await mainDatabase();
      const intoPg = await task("restore", file, {
        ...pg.env,
        DATA_DIR: await Deno.makeTempDir({ dir: backups }),
        BACKUP_KEY: key,
      });
      assert.equal(intoPg.code, 0, intoPg.stderr);
      console.log(`restore (postgres): ${intoPg.ms} ms — ${intoPg.stdout}`);
      const onPg = await openDatabase({
        databaseUrl: pg.env.DATABASE_URL,
        poolSize: 2,
      });
      try {
        assertRestored(before, await picture(onPg));
      } finally {
        await onPg.close();
      }
    }
  } finally {
    for (const d of [source, target, backups]) {
      await Deno.remove(d, { recursive: true });
    }
  }
});
