// Data Policy §7: credentials and buyer personal data are stored only as JWE
// (`dir` + A256GCM, with `kid`) under keys from the server's environment.
// The first key of the ring encrypts; every key decrypts, so keys rotate
// without downtime.
import {
  base64url,
  compactDecrypt,
  CompactEncrypt,
  decodeProtectedHeader,
} from "jose";

export interface VaultKey {
  kid: string;
  /** 32 raw bytes, base64 or base64url. */
  key: string;
}

export class VaultError extends Error {
  override name = "VaultError";
}

/** Encrypts and decrypts small secrets and records. Holds keys only in memory. */
export interface Vault {
  /** The kid that new ciphertexts are written under. */
  readonly activeKid: string;
  /** Encrypts a string; `purpose` is bound as additional data-like header. */
  seal(plaintext: string, purpose: string): Promise<string>;
  /** Decrypts; rejects tampering, an unknown kid or a different purpose. */
  open(jwe: string, purpose: string): Promise<string>;
  /** The kid a ciphertext was written under, without decrypting it. */
  kidOf(jwe: string): string;
}

/**
 * Builds a vault from a key ring (first key active).
 *
 * @example
 * const vault = createVault([{ kid: "k1", key: "…32 bytes base64url…" }]);
 * const jwe = await vault.seal(JSON.stringify(address), "buyer_pii");
 */
export function createVault(ring: readonly VaultKey[]): Vault {
  if (ring.length === 0) throw new VaultError("the vault key ring is empty");
  const keys = new Map<string, Uint8Array>();
  for (const { kid, key } of ring) {
    const raw = decodeKey(key);
    if (raw.length !== 32) {
      throw new VaultError(`vault key ${kid} is not 32 bytes`);
    }
    keys.set(kid, raw);
  }
  const activeKid = ring[0].kid;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return {
    activeKid,
    async seal(plaintext, purpose) {
      return await new CompactEncrypt(encoder.encode(plaintext))
        .setProtectedHeader({
          alg: "dir",
          enc: "A256GCM",
          kid: activeKid,
          cty: purpose,
        })
        .encrypt(keys.get(activeKid)!);
    },
    async open(jwe, purpose) {
      const kid = kidOfJwe(jwe);
      const key = keys.get(kid);
      if (!key) {
        throw new VaultError(
          `no vault key with kid ${kid}; add it to VAULT_KEYS to read this value`,
        );
      }
      try {
        const { plaintext, protectedHeader } = await compactDecrypt(jwe, key);
        if (protectedHeader.cty !== purpose) {
          throw new VaultError("ciphertext was sealed for another purpose");
        }
        return decoder.decode(plaintext);
      } catch (err) {
        if (err instanceof VaultError) throw err;
        throw new VaultError("ciphertext failed authentication");
      }
    },
    kidOf: kidOfJwe,
  };
}

/** A new random 32-byte key, base64url, for VAULT_KEYS or the embedded key file. */
export function generateVaultKey(): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
}

function kidOfJwe(jwe: string): string {
  try {
    const kid = decodeProtectedHeader(jwe).kid;
    if (typeof kid === "string") return kid;
  } catch (err) {
    if (!(err instanceof TypeError)) throw err; // jose: not a JWE
  }
  throw new VaultError("not a vault ciphertext");
}

function decodeKey(key: string): Uint8Array {
  const b64url = key.replaceAll("+", "-").replaceAll("/", "_").replace(
    /=+$/,
    "",
  );
  try {
    return base64url.decode(b64url);
  } catch (err) {
    if (err instanceof TypeError) {
      throw new VaultError("vault key is not base64");
    }
    throw err;
  }
}
