// pg's SCRAM-SHA-256 (and MD5) password hashing with node:crypto's synchronous functions instead of WebCrypto: the
// build puts this module in place of pg/lib/crypto/utils.js (build.mjs). pg awaits six WebCrypto calls per
// connection, each a trip through the thread pool and back to this thread, and the CLI starts its connection
// before it reads the changelog: every trip waited until the reading was done. Synchronous, the whole exchange is
// answered in the turn the server's challenge arrives in (the key derivation, 4,096 HMAC rounds, takes ~2 ms).
// The same exports and results as pg's (test/unit/engine/pg-crypto.test.ts).
import { crypto } from '../../node-builtins';

export function randomBytes(length: number): Buffer {
  return crypto().randomBytes(length);
}

export async function md5(text: string | Buffer): Promise<string> {
  return crypto().createHash('md5').update(text).digest('hex');
}

export async function postgresMd5PasswordHash(user: string, password: string, salt: Buffer): Promise<string> {
  const inner = await md5(password + user);
  return `md5${await md5(Buffer.concat([Buffer.from(inner), salt]))}`;
}

export async function sha256(data: ArrayBuffer | Uint8Array): Promise<Buffer> {
  return crypto().createHash('sha256').update(bytes(data)).digest();
}

/** a WebCrypto hash name (SHA-256, SHA-384, SHA-512) */
export async function hashByName(name: string, data: ArrayBuffer | Uint8Array): Promise<Buffer> {
  return crypto().createHash(name.replace('-', '').toLowerCase()).update(bytes(data)).digest();
}

export async function hmacSha256(key: ArrayBuffer | Uint8Array, message: string): Promise<Buffer> {
  return crypto().createHmac('sha256', bytes(key)).update(message, 'utf8').digest();
}

export async function deriveKey(password: string, salt: Uint8Array, iterations: number): Promise<Buffer> {
  return crypto().pbkdf2Sync(password, salt, iterations, 32, 'sha256');
}

function bytes(data: ArrayBuffer | Uint8Array): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}
