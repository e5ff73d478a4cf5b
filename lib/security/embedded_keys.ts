// Embedded default for `deno task start` with no configuration: a vault key
// ring kept in $DATA_DIR/vault.key (mode 0600). Production sets VAULT_KEYS
// from its secret store instead (Data Policy §7).
import { z } from "zod";
import { generateVaultKey, type VaultKey } from "./vault.ts";

const keyFile = z.array(z.object({ kid: z.string().min(1), key: z.string() }))
  .min(1);

/** Reads the embedded key ring, creating it with one fresh key on first run. */
export async function loadOrCreateEmbeddedKeys(
  dataDir: string,
): Promise<VaultKey[]> {
  const path = `${dataDir}/vault.key`;
  try {
    return keyFile.parse(JSON.parse(await Deno.readTextFile(path)));
  } catch (err) {
    if (err instanceof SyntaxError || err instanceof z.ZodError) {
      throw new Error(`${path} is not a valid vault key file`, { cause: err });
    }
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  await Deno.mkdir(dataDir, { recursive: true });
  const ring = [{
    kid: `local-${new Date().toISOString().slice(0, 10)}`,
    key: generateVaultKey(),
  }];
  await Deno.writeTextFile(path, JSON.stringify(ring), {
    mode: 0o600,
    createNew: true,
  });
  return ring;
}
