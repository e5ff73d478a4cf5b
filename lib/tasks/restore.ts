// `deno task restore FILE`: restores a backup made by `deno task backup`
// into the configured database, which must be empty (PGlite under
// $DATA_DIR/pg, or DATABASE_URL; either engine from either engine). Refuses
// a wrong BACKUP_KEY, a changed or truncated file, an expired backup and a
// non-empty database with one line, changing nothing. See lib/backup/.
import { ConfigError, loadConfig } from "../config.ts";
import { openDatabase } from "../../db/client.ts";
import { createDataDir } from "../data_dir.ts";
import { openKv } from "../kv.ts";
import { createLogger } from "../log.ts";
import { createVault } from "../security/vault.ts";
import { loadOrCreateEmbeddedKeys } from "../security/embedded_keys.ts";
import { decodeBackupKey } from "../backup/container.ts";
import { restoreBackup } from "../backup/restore.ts";

if (import.meta.main) {
  const started = performance.now();
  try {
    const file = Deno.args[0];
    if (!file || Deno.args.length !== 1) {
      throw new Error("usage: deno task restore FILE");
    }
    const config = loadConfig(Deno.env.toObject());
    if (!config.BACKUP_KEY) {
      throw new Error("restore refused: BACKUP_KEY is not set");
    }
    const key = decodeBackupKey(config.BACKUP_KEY);
    await Deno.stat(file).catch(() => {
      throw new Error(`restore refused: ${file} does not exist`);
    });
    await createDataDir(config.DATA_DIR);
    const db = await openDatabase({
      databaseUrl: config.DATABASE_URL,
      appPassword: config.DATABASE_APP_PASSWORD,
      pgliteDir: config.pgliteDir,
      poolSize: 2,
    });
    try {
      const vault = createVault(
        config.VAULT_KEYS ?? await loadOrCreateEmbeddedKeys(config.DATA_DIR),
      );
      const kv = await openKv(config.kvPath);
      try {
        const r = await restoreBackup({
          db,
          key,
          actor: `deno task restore (${
            Deno.env.get("USER") ?? "unknown user"
          })`,
          anchor: {
            kv,
            vault,
            log: createLogger({ level: "warn", sink: (l) => console.error(l) }),
          },
        }, file);
        console.log(
          `Restored ${r.totalRows} rows and ${r.sequences} sequences into ${db.engine} (${
            Math.round(performance.now() - started)
          } ms); audit chain verified (${r.auditChecked} events); backup of ${r.createdAt.toISOString()}, expires ${r.expiresAt.toISOString()}.`,
        );
      } finally {
        kv.close();
      }
    } finally {
      await db.close();
    }
  } catch (err) {
    console.error(
      err instanceof ConfigError
        ? err.message
        : err instanceof Error
        ? err.message
        : String(err),
    );
    Deno.exit(1);
  }
}
