// Server-side staff sessions in Deno KV (Data Policy §8). The browser holds
// only an opaque random id; KV keys hold its SHA-256, so a copy of KV gives
// no usable session. Idle and absolute lifetimes come from configuration.
import { encodeHex, sha256Hex as hashId } from "./_hex.ts";

export interface SessionRecord {
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  absoluteExpiresAt: number;
  ip: string | null;
  userAgent: string | null;
}

export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
}

const sessionKey = (hash: string) => ["session", hash] as const;
const userSessionKey = (userId: string, hash: string) =>
  ["user_session", userId, hash] as const;
const userSessionPrefix = (userId: string) => ["user_session", userId] as const;
/** How often lastSeenAt is written back (saves a KV write per request). */
const TOUCH_EVERY_MS = 60_000;

/** A new session; returns the opaque id for the cookie. */
export async function createSession(
  kv: Deno.Kv,
  policy: SessionPolicy,
  input: { userId: string; ip?: string | null; userAgent?: string | null },
  now = Date.now(),
): Promise<string> {
  const id = encodeHex(crypto.getRandomValues(new Uint8Array(32)));
  const hash = await hashId(id);
  const record: SessionRecord = {
    userId: input.userId,
    createdAt: now,
    lastSeenAt: now,
    absoluteExpiresAt: now + policy.absoluteMs,
    ip: input.ip ?? null,
    userAgent: input.userAgent?.slice(0, 256) ?? null,
  };
  const res = await kv.atomic()
    .check({ key: sessionKey(hash), versionstamp: null })
    .set(sessionKey(hash), record, { expireIn: policy.absoluteMs })
    .set(userSessionKey(input.userId, hash), true, {
      expireIn: policy.absoluteMs,
    })
    .commit();
  if (!res.ok) throw new Error("session id collision");
  return id;
}

/**
 * The live session for an id, or null when unknown, idle too long or past
 * its absolute lifetime (an expired session is deleted).
 */
export async function readSession(
  kv: Deno.Kv,
  policy: SessionPolicy,
  id: string,
  now = Date.now(),
): Promise<(SessionRecord & { hash: string }) | null> {
  if (!/^[0-9a-f]{64}$/.test(id)) return null;
  const hash = await hashId(id);
  const entry = await kv.get<SessionRecord>(sessionKey(hash));
  const s = entry.value;
  if (!s) return null;
  if (now >= s.absoluteExpiresAt || now - s.lastSeenAt >= policy.idleMs) {
    await deleteByHash(kv, s.userId, hash);
    return null;
  }
  if (now - s.lastSeenAt >= TOUCH_EVERY_MS) {
    const touched = { ...s, lastSeenAt: now };
    // A concurrent touch may win; either value is fine.
    await kv.atomic().check(entry).set(sessionKey(hash), touched, {
      expireIn: Math.max(1, s.absoluteExpiresAt - now),
    }).commit();
    return { ...touched, hash };
  }
  return { ...s, hash };
}

/** Signs one session out. */
export async function destroySession(kv: Deno.Kv, id: string): Promise<void> {
  if (!/^[0-9a-f]{64}$/.test(id)) return;
  const hash = await hashId(id);
  const s = await kv.get<SessionRecord>(sessionKey(hash));
  if (s.value) await deleteByHash(kv, s.value.userId, hash);
}

/**
 * Signs a user out everywhere, but for the session whose hash is
 * `exceptHash` (the one asking, when it stays); returns how many ended.
 */
export async function destroyUserSessions(
  kv: Deno.Kv,
  userId: string,
  exceptHash?: string,
): Promise<number> {
  let n = 0;
  for await (const e of kv.list({ prefix: userSessionPrefix(userId) })) {
    const hash = String(e.key[2]);
    if (hash === exceptHash) continue;
    await deleteByHash(kv, userId, hash);
    n++;
  }
  return n;
}

async function deleteByHash(kv: Deno.Kv, userId: string, hash: string) {
  await kv.atomic().delete(sessionKey(hash)).delete(
    userSessionKey(userId, hash),
  ).commit();
}

/** One of a user's live sessions, as their account page lists it. */
export interface OwnSession {
  /**
   * A handle for the page's "sign out this one" (derived from the KV key's
   * hash, never the cookie's id, and useless as either).
   */
  ref: string;
  createdAt: Date;
  lastSeenAt: Date;
  ip: string | null;
  userAgent: string | null;
  /** The session the listing request came with. */
  current: boolean;
}

async function sessionRef(hash: string): Promise<string> {
  return (await hashId(`session-ref:${hash}`)).slice(0, 32);
}

/**
 * The user's live sessions, newest first; `currentHash` (the asking
 * session's hash) is marked. Sessions idle or past their lifetime are
 * deleted on the way, as readSession would.
 */
export async function listUserSessions(
  kv: Deno.Kv,
  policy: SessionPolicy,
  userId: string,
  currentHash: string | null,
  now = Date.now(),
): Promise<OwnSession[]> {
  const out: OwnSession[] = [];
  for await (const e of kv.list({ prefix: userSessionPrefix(userId) })) {
    const hash = String(e.key[2]);
    const s = (await kv.get<SessionRecord>(sessionKey(hash))).value;
    if (!s || s.userId !== userId) {
      await kv.delete(e.key);
      continue;
    }
    if (now >= s.absoluteExpiresAt || now - s.lastSeenAt >= policy.idleMs) {
      await deleteByHash(kv, userId, hash);
      continue;
    }
    out.push({
      ref: await sessionRef(hash),
      createdAt: new Date(s.createdAt),
      lastSeenAt: new Date(s.lastSeenAt),
      ip: s.ip,
      userAgent: s.userAgent,
      current: hash === currentHash,
    });
  }
  return out.sort((a, b) => b.lastSeenAt.getTime() - a.lastSeenAt.getTime());
}

/**
 * Ends the session of `userId` whose handle is `ref` (from
 * listUserSessions), unless it is `exceptHash`. Only the user's own
 * sessions are searched, so another user's handle matches nothing. True
 * when one ended.
 */
export async function destroyUserSessionByRef(
  kv: Deno.Kv,
  userId: string,
  ref: string,
  exceptHash?: string,
): Promise<boolean> {
  if (!/^[0-9a-f]{32}$/.test(ref)) return false;
  for await (const e of kv.list({ prefix: userSessionPrefix(userId) })) {
    const hash = String(e.key[2]);
    if (hash === exceptHash || (await sessionRef(hash)) !== ref) continue;
    const s = (await kv.get<SessionRecord>(sessionKey(hash))).value;
    if (s && s.userId !== userId) return false;
    await deleteByHash(kv, userId, hash);
    return s !== null;
  }
  return false;
}
