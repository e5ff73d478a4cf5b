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
  /** Every kid of the ring (names, never keys): what it can still open. */
  readonly kids: readonly string[];
  /** Encrypts a string; `purpose` is bound as additional data-like header. */
  seal(plaintext: string, purpose: string): Promise<string>;
  /** Decrypts; rejects tampering, an unknown kid or a different purpose. */
  open(jwe: string, purpose: string): Promise<string>;
  /** The kid a ciphertext was written under, without decrypting it. */
  kidOf(jwe: string): string;
  /**
   * An HMAC-SHA-256 of `data` under a key derived (HKDF) from the active key
   * for `purpose`: proof, kept outside the database, that the application
   * wrote `data` (audit checkpoints). The key never leaves the vault.
   */
  sign(data: string, purpose: string): Promise<{ kid: string; mac: string }>;
  /** Whether `mac` is `sign(data, purpose)` under key `kid`; false for an unknown kid. */
  verifySigned(
    data: string,
    purpose: string,
    kid: string,
    mac: string,
  ): Promise<boolean>;
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
    kids: [...keys.keys()],
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
    async sign(data, purpose) {
      const key = await macKey(keys.get(activeKid)!, purpose);
      const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(data));
      return { kid: activeKid, mac: base64url.encode(new Uint8Array(mac)) };
    },
    async verifySigned(data, purpose, kid, mac) {
      const raw = keys.get(kid);
      if (!raw) return false;
      let bytes: Uint8Array<ArrayBuffer>;
      try {
        bytes = new Uint8Array(base64url.decode(mac));
      } catch {
        return false;
      }
      return await crypto.subtle.verify(
        "HMAC",
        await macKey(raw, purpose),
        bytes,
        encoder.encode(data),
      );
    },
  };
}

/** An HMAC key for one purpose, derived from a vault key (never the key itself). */
async function macKey(raw: Uint8Array, purpose: string): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey(
    "raw",
    new Uint8Array(raw),
    "HKDF",
    false,
    ["deriveKey"],
  );
  return await crypto.subtle.deriveKey(
    {
      name: "HKDF",
      hash: "SHA-256",
      salt: new Uint8Array(32),
      info: new TextEncoder().encode(`custodian.vault.mac.v1:${purpose}`),
    },
    base,
    { name: "HMAC", hash: "SHA-256", length: 256 },
    false,
    ["sign", "verify"],
  );
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
