// Issue #17, verification: the identity e-mail's single-use link (256 bits
// from the CSPRNG, stored only as its SHA-256, 24-hour expiry, compared in
// constant time) and the requester's status link (a jose HS256 JWT naming
// the request, keyed from the vault, so it needs no row and cannot be
// forged or pointed at another request).
import { timingSafeEqual } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import type { Vault } from "../security/vault.ts";

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-")
    .replaceAll("/", "_").replace(/=+$/, "");
}

/** A new verification token and the hash that is stored. */
export async function newVerifyToken(): Promise<
  { token: string; hash: string }
> {
  const token = base64url(crypto.getRandomValues(new Uint8Array(32)));
  return { token, hash: await hashToken(token) };
}

/** The stored form of a token: SHA-256, lowercase hex. */
export async function hashToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(token));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/** Whether two hex hashes are equal, in time independent of where they differ. */
export function sameHash(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The shape of a token in a link (anything else is refused unread). */
export const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

const STATUS_AUDIENCE = "custodian.request-status";
/** How long a status link works. */
export const STATUS_LINK_DAYS = 180;

async function statusKey(vault: Vault): Promise<Uint8Array> {
  // An HMAC of a fixed label under the vault's active key: the JWT key,
  // derived, never stored. Rotating the vault key ends old status links.
  const { mac } = await vault.sign("status-link-key.v1", "requests.status");
  return encoder.encode(mac);
}

/** A signed status link token for request `requestId`. */
export async function signStatusToken(
  vault: Vault,
  requestId: string,
  now = new Date(),
): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return await new SignJWT({})
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(requestId)
    .setAudience(STATUS_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + STATUS_LINK_DAYS * 86_400)
    .sign(await statusKey(vault));
}

/** The request a status token names, or null (tampered, expired, other). */
export async function verifyStatusToken(
  vault: Vault,
  token: string,
  now = new Date(),
): Promise<string | null> {
  if (token.length > 1024) return null;
  try {
    const { payload } = await jwtVerify(token, await statusKey(vault), {
      audience: STATUS_AUDIENCE,
      algorithms: ["HS256"],
      currentDate: now,
    });
    const sub = payload.sub ?? "";
    return /^[0-9a-f-]{36}$/.test(sub) ? sub : null;
  } catch {
    return null;
  }
}
