// `deno task vault:rotate`: after putting a new key first in VAULT_KEYS
// (keeping the old ones after it), re-encrypts every stored secret under the
// new key and reports counts. Safe to interrupt and run again.
import { ConfigError, loadConfig } from "../config.ts";
import { openDatabase } from "../../db/client.ts";
import { prepareDatabase } from "../setup.ts";
import { createVault } from "../security/vault.ts";
import { loadOrCreateEmbeddedKeys } from "../security/embedded_keys.ts";
import { rotateVault } from "../security/vault_rotation.ts";

if (import.meta.main) {
  try {
    const config = loadConfig(Deno.env.toObject());
    const vault = createVault(
      config.VAULT_KEYS ?? await loadOrCreateEmbeddedKeys(config.DATA_DIR),
    );
    const db = await openDatabase({
      databaseUrl: config.DATABASE_URL,
      appPassword: config.DATABASE_APP_PASSWORD,
      pgliteDir: config.pgliteDir,
      poolSize: 2,
    });
    try {
      await prepareDatabase(db);
      console.log(`Re-encrypting under key ${vault.activeKid}…`);
      let total = 0;
      await rotateVault(db, vault, (r) => {
        total += r.rewritten;
        console.log(
          `${r.column.padEnd(36)} ${String(r.scanned).padStart(8)} scanned ${
            String(r.rewritten).padStart(8)
          } re-encrypted`,
        );
      });
      console.log(`Done: ${total} values re-encrypted.`);
    } finally {
      await db.close();
    }
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : String(err));
    Deno.exit(1);
  }
}
