import assert from "node:assert/strict";
import {
  createVault,
  generateVaultKey,
  VaultError,
} from "../../lib/security/vault.ts";
import { loadOrCreateEmbeddedKeys } from "../../lib/security/embedded_keys.ts";

Deno.test("vault: sealed values open with the same purpose and carry the kid", async () => {
  const vault = createVault([{ kid: "k1", key: generateVaultKey() }]);
  const jwe = await vault.seal("fake-secret-canary", "lwa_client_secret");
  assert.ok(!jwe.includes("canary"));
  assert.equal(vault.kidOf(jwe), "k1");
  assert.equal(
    await vault.open(jwe, "lwa_client_secret"),
    "fake-secret-canary",
  );
  await assert.rejects(vault.open(jwe, "buyer_pii"), VaultError);
});

Deno.test("vault: a key ring decrypts old keys and encrypts with the first", async () => {
  const oldKey = { kid: "old", key: generateVaultKey() };
  const newKey = { kid: "new", key: generateVaultKey() };
  const before = await createVault([oldKey]).seal("v", "p");
  const ring = createVault([newKey, oldKey]);
  assert.equal(await ring.open(before, "p"), "v");
  assert.equal(ring.kidOf(await ring.seal("v", "p")), "new");
});

Deno.test("vault: a missing key gives a clear error naming the kid", async () => {
  const jwe = await createVault([{ kid: "gone", key: generateVaultKey() }])
    .seal("v", "p");
  const vault = createVault([{ kid: "k1", key: generateVaultKey() }]);
  await assert.rejects(vault.open(jwe, "p"), /no vault key with kid gone/);
});

Deno.test("vault: tampered ciphertext is rejected", async () => {
  const vault = createVault([{ kid: "k1", key: generateVaultKey() }]);
  const jwe = await vault.seal("value", "p");
  const parts = jwe.split(".");
  const c = parts[3];
  parts[3] = (c[0] === "A" ? "B" : "A") + c.slice(1);
  await assert.rejects(
    vault.open(parts.join("."), "p"),
    /failed authentication/,
  );
  await assert.rejects(vault.open("not-a-jwe", "p"), /not a vault ciphertext/);
});

Deno.test("vault: the embedded key file is created once with mode 0600", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const first = await loadOrCreateEmbeddedKeys(dir);
    const again = await loadOrCreateEmbeddedKeys(dir);
    assert.deepEqual(again, first);
    assert.equal((await Deno.stat(`${dir}/vault.key`)).mode! & 0o777, 0o600);
    createVault(first); // valid 32-byte key
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("vault: a bad embedded key file is named as such; any other read failure is itself", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/vault.key`, "{ not json");
    await assert.rejects(
      loadOrCreateEmbeddedKeys(dir),
      /vault\.key is not a valid vault key file/,
    );
    await Deno.writeTextFile(`${dir}/vault.key`, "[]");
    await assert.rejects(
      loadOrCreateEmbeddedKeys(dir),
      /is not a valid vault key file/,
    );
    // A directory where the file should be: not "invalid", and not replaced.
    await Deno.remove(`${dir}/vault.key`);
    await Deno.mkdir(`${dir}/vault.key`);
    await assert.rejects(
      loadOrCreateEmbeddedKeys(dir),
      (err) =>
        err instanceof Error && !/not a valid vault key file/.test(err.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("vault: sign and verifySigned, per purpose and key, never the key itself", async () => {
  const k1 = generateVaultKey();
  const vault = createVault([{ kid: "k1", key: k1 }]);
  const signed = await vault.sign("count=3", "audit_checkpoint");
  assert.equal(signed.kid, "k1");
  assert.ok(!signed.mac.includes(k1));
  assert.equal(
    await vault.verifySigned("count=3", "audit_checkpoint", "k1", signed.mac),
    true,
  );
  for (
    const [data, purpose, kid, mac] of [
      ["count=2", "audit_checkpoint", "k1", signed.mac],
      ["count=3", "other", "k1", signed.mac],
      ["count=3", "audit_checkpoint", "k0", signed.mac],
      ["count=3", "audit_checkpoint", "k1", "not base64!"],
    ]
  ) {
    assert.equal(await vault.verifySigned(data, purpose, kid, mac), false);
  }
  // After a rotation the old key still verifies what it signed.
  const rotated = createVault([
    { kid: "k2", key: generateVaultKey() },
    { kid: "k1", key: k1 },
  ]);
  assert.equal(
    await rotated.verifySigned("count=3", "audit_checkpoint", "k1", signed.mac),
    true,
  );
  assert.equal((await rotated.sign("x", "audit_checkpoint")).kid, "k2");
});
