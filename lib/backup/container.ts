// Data Policy §8 (encrypted backups): the backup file's encryption. A file is
//
//   "CUSTODIAN-BACKUP/1\n" · u32 header length · header (JSON, plaintext)
//   · frames: u8 final flag · u32 ciphertext length · AES-256-GCM ciphertext
//
// The key is HKDF-SHA-256 of BACKUP_KEY with the file's random 32-byte salt
// (one key per file, so nonces never repeat under a key); a key check value
// derived the same way tells a wrong key from a damaged file. Each frame's
// nonce is its index (64 bits) and the final flag (32 bits), and the header
// is every frame's additional data: a changed byte anywhere, frames
// reordered, dropped or appended, or a file cut short are all detected. The
// plaintext is streamed through in chunks, so a backup of any size needs
// one chunk of memory. The key is never written to the file.
import { base64url } from "jose";

const MAGIC = new TextEncoder().encode("CUSTODIAN-BACKUP/1\n");
const TAG_BYTES = 16;
/** Plaintext bytes per frame. */
export const DEFAULT_CHUNK_BYTES = 256 * 1024;
const MAX_HEADER_BYTES = 64 * 1024;

/** What a backup file says about itself, readable without the key. */
export interface BackupHeader {
  v: 1;
  createdAt: string;
  expiresAt: string;
  /** The engine the backup was taken from. */
  engine: string;
  /** Tables whose rows are never in a backup. */
  excluded: string[];
  chunkBytes: number;
  salt: string;
  check: string;
}

export type BackupErrorCode =
  | "not_backup"
  | "wrong_key"
  | "tampered"
  | "truncated";

/** Why a backup file could not be read: one line each. */
export class BackupFileError extends Error {
  override name = "BackupFileError";
  constructor(readonly code: BackupErrorCode, detail = "") {
    super(
      {
        not_backup: "the file is not a Custodian backup",
        wrong_key: "BACKUP_KEY does not open this backup (wrong key)",
        tampered:
          `the backup failed authentication${detail} (the file was changed)`,
        truncated:
          `the backup is truncated${detail} (it ends before its final chunk)`,
      }[code],
    );
  }
}

/** BACKUP_KEY (32 bytes, base64 or base64url) as raw bytes. */
export function decodeBackupKey(text: string): Uint8Array<ArrayBuffer> {
  const b64url = text.trim().replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
  let raw: Uint8Array;
  try {
    raw = base64url.decode(b64url);
  } catch {
    throw new Error("BACKUP_KEY is not base64");
  }
  if (raw.length !== 32) throw new Error("BACKUP_KEY is not 32 bytes");
  return new Uint8Array(raw);
}

/** A new random BACKUP_KEY. */
export function generateBackupKey(): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
}

async function deriveKeys(key: Uint8Array<ArrayBuffer>, salt: Uint8Array) {
  const base = await crypto.subtle.importKey("raw", key, "HKDF", false, [
    "deriveBits",
  ]);
  const bits = (info: string) =>
    crypto.subtle.deriveBits(
      {
        name: "HKDF",
        hash: "SHA-256",
        salt: new Uint8Array(salt),
        info: new TextEncoder().encode(info),
      },
      base,
      256,
    );
  const aes = await crypto.subtle.importKey(
    "raw",
    await bits("custodian.backup.v1.aes-256-gcm"),
    "AES-GCM",
    false,
    ["encrypt", "decrypt"],
  );
  const check = base64url.encode(
    new Uint8Array(await bits("custodian.backup.v1.key-check")).slice(0, 16),
  );
  return { aes, check };
}

function nonce(index: number, final: boolean): Uint8Array<ArrayBuffer> {
  const n = new Uint8Array(12);
  const view = new DataView(n.buffer);
  view.setBigUint64(0, BigInt(index));
  view.setUint32(8, final ? 1 : 0);
  return n;
}

const u32 = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
};

/** Where encrypted bytes go (a Deno.FsFile fits). */
export interface ByteSink {
  write(bytes: Uint8Array): Promise<number>;
}

/** Writes a backup's plaintext as encrypted frames; `finish` seals the end. */
export interface BackupWriter {
  write(text: string): Promise<void>;
  finish(): Promise<{ bytes: number }>;
}

async function writeAll(sink: ByteSink, bytes: Uint8Array) {
  for (let off = 0; off < bytes.length;) {
    off += await sink.write(bytes.subarray(off));
  }
}

/** Starts a backup file on `sink`: writes the header at once. */
export async function createBackupWriter(
  sink: ByteSink,
  key: Uint8Array<ArrayBuffer>,
  info: Pick<BackupHeader, "createdAt" | "expiresAt" | "engine" | "excluded">,
  chunkBytes = DEFAULT_CHUNK_BYTES,
): Promise<BackupWriter> {
  const salt = crypto.getRandomValues(new Uint8Array(32));
  const { aes, check } = await deriveKeys(key, salt);
  const header: BackupHeader = {
    v: 1,
    ...info,
    chunkBytes,
    salt: base64url.encode(salt),
    check,
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  await writeAll(sink, MAGIC);
  await writeAll(sink, u32(headerBytes.length));
  await writeAll(sink, headerBytes);
  let total = MAGIC.length + 4 + headerBytes.length;
  const encoder = new TextEncoder();
  let buffer = new Uint8Array(chunkBytes);
  let filled = 0;
  let index = 0;
  const emit = async (plain: Uint8Array<ArrayBuffer>, final: boolean) => {
    const sealed = new Uint8Array(
      await crypto.subtle.encrypt(
        {
          name: "AES-GCM",
          iv: nonce(index, final),
          additionalData: headerBytes,
        },
        aes,
        plain,
      ),
    );
    index++;
    await writeAll(sink, new Uint8Array([final ? 1 : 0]));
    await writeAll(sink, u32(sealed.length));
    await writeAll(sink, sealed);
    total += 5 + sealed.length;
  };
  return {
    async write(text) {
      let bytes = encoder.encode(text);
      while (bytes.length > 0) {
        const take = Math.min(bytes.length, chunkBytes - filled);
        buffer.set(bytes.subarray(0, take), filled);
        filled += take;
        bytes = bytes.subarray(take);
        if (filled === chunkBytes) {
          await emit(buffer, false);
          buffer = new Uint8Array(chunkBytes);
          filled = 0;
        }
      }
    },
    async finish() {
      await emit(buffer.slice(0, filled), true);
      return { bytes: total };
    },
  };
}

/** Reads exactly n bytes (fewer only at the end of the file). */
async function readUpTo(file: Deno.FsFile, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = await file.read(out.subarray(got));
    if (r === null) break;
    got += r;
  }
  return got === n ? out : out.subarray(0, got);
}

/** Reads a backup's header only (no key needed): dates and engine. */
export async function readBackupHeader(path: string): Promise<BackupHeader> {
  using file = await Deno.open(path, { read: true });
  return (await readHeader(file)).header;
}

async function readHeader(
  file: Deno.FsFile,
): Promise<{ header: BackupHeader; bytes: Uint8Array<ArrayBuffer> }> {
  const magic = await readUpTo(file, MAGIC.length);
  if (
    magic.length !== MAGIC.length || !magic.every((b, i) => b === MAGIC[i])
  ) {
    throw new BackupFileError("not_backup");
  }
  const len = await readUpTo(file, 4);
  if (len.length < 4) throw new BackupFileError("truncated");
  const size = new DataView(len.buffer, len.byteOffset).getUint32(0);
  if (size > MAX_HEADER_BYTES) throw new BackupFileError("not_backup");
  const bytes = await readUpTo(file, size);
  if (bytes.length < size) throw new BackupFileError("truncated");
  let header: BackupHeader;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(
      bytes,
    ));
  } catch {
    throw new BackupFileError("tampered", " in its header");
  }
  if (
    header?.v !== 1 || typeof header.salt !== "string" ||
    typeof header.check !== "string" ||
    !Number.isInteger(header.chunkBytes) || header.chunkBytes < 1 ||
    header.chunkBytes > 64 * 1024 * 1024
  ) {
    throw new BackupFileError("tampered", " in its header");
  }
  return { header, bytes: new Uint8Array(bytes) };
}

/**
 * Opens a backup: reads the header and checks the key at once (throws
 * BackupFileError "wrong_key"); `chunks()` then yields the plaintext chunk
 * by chunk, throwing "tampered" or "truncated" at the first bad frame.
 */
export async function openBackup(
  path: string,
  key: Uint8Array<ArrayBuffer>,
): Promise<{
  header: BackupHeader;
  chunks(): AsyncGenerator<Uint8Array>;
}> {
  const { header } = await (async () => {
    using file = await Deno.open(path, { read: true });
    return await readHeader(file);
  })();
  let salt: Uint8Array;
  try {
    salt = base64url.decode(header.salt);
  } catch {
    throw new BackupFileError("tampered", " in its header");
  }
  const { aes, check } = await deriveKeys(key, salt);
  if (check !== header.check) throw new BackupFileError("wrong_key");
  return {
    header,
    async *chunks() {
      using file = await Deno.open(path, { read: true });
      const { bytes: aad } = await readHeader(file);
      for (let index = 0;; index++) {
        const at = ` at chunk ${index + 1}`;
        const head = await readUpTo(file, 5);
        if (head.length === 0) throw new BackupFileError("truncated", at);
        if (head.length < 5) throw new BackupFileError("truncated", at);
        const flag = head[0];
        const size = new DataView(head.buffer, head.byteOffset).getUint32(1);
        if (
          flag > 1 || size < TAG_BYTES || size > header.chunkBytes + TAG_BYTES
        ) {
          throw new BackupFileError("tampered", at);
        }
        const sealed = await readUpTo(file, size);
        if (sealed.length < size) throw new BackupFileError("truncated", at);
        let plain: ArrayBuffer;
        try {
          plain = await crypto.subtle.decrypt(
            {
              name: "AES-GCM",
              iv: nonce(index, flag === 1),
              additionalData: aad,
            },
            aes,
            new Uint8Array(sealed),
          );
        } catch {
          throw new BackupFileError("tampered", at);
        }
        yield new Uint8Array(plain);
        if (flag === 1) {
          const more = await readUpTo(file, 1);
          if (more.length > 0) {
            throw new BackupFileError("tampered", " after its final chunk");
          }
          return;
        }
      }
    },
  };
}

/** Splits decrypted chunks into lines (the last line has no newline after it). */
export async function* linesOf(
  chunks: AsyncIterable<Uint8Array>,
): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let rest = "";
  for await (const chunk of chunks) {
    const parts = (rest + decoder.decode(chunk, { stream: true })).split(
      "\n",
    );
    rest = parts.pop()!;
    yield* parts;
  }
  rest += decoder.decode();
  if (rest.length > 0) yield rest;
}
