// pg-crypto.ts stands in for pg's lib/crypto/utils.js in the bundles (build.mjs): every function gives what pg's
// own (WebCrypto) gives, for the SCRAM-SHA-256 exchange and MD5 passwords.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ours from '../../../server/src/engine/drivers/pg-crypto';

const pgUtils = createRequire(__filename)('pg/lib/crypto/utils.js') as typeof ours;
const bytes = (value: ArrayBuffer | Uint8Array) => Buffer.from(value instanceof Uint8Array ? value : new Uint8Array(value)).toString('hex');

describe("pg-crypto gives what pg's WebCrypto functions give", () => {
  const salt = Buffer.from('c2FsdHNhbHRzYWx0', 'base64');
  it('deriveKey (PBKDF2-SHA-256, 32 bytes), ASCII and non-ASCII passwords', async () => {
    for (const password of ['pencil', 'pässwörd ✓', '']) expect(bytes(await ours.deriveKey(password, salt, 4096))).toBe(bytes(await pgUtils.deriveKey(password, salt, 4096)));
  });

  it('hmacSha256 of a derived key, sha256 and hashByName', async () => {
    const key = await pgUtils.deriveKey('pencil', salt, 4096);
    expect(bytes(await ours.hmacSha256(key, 'Client Key'))).toBe(bytes(await pgUtils.hmacSha256(key, 'Client Key')));
    expect(bytes(await ours.hmacSha256(key, 'n=*,r=abc,r=abcdef,s=xyz,i=4096,c=biws,r=abcdef ✓'))).toBe(bytes(await pgUtils.hmacSha256(key, 'n=*,r=abc,r=abcdef,s=xyz,i=4096,c=biws,r=abcdef ✓')));
    expect(bytes(await ours.sha256(key))).toBe(bytes(await pgUtils.sha256(key)));
    for (const name of ['SHA-256', 'SHA-384', 'SHA-512']) expect(bytes(await ours.hashByName(name, salt))).toBe(bytes(await pgUtils.hashByName(name, salt)));
  });

  it('the MD5 password hash', async () => {
    expect(await ours.postgresMd5PasswordHash('app', 'secret', Buffer.from([1, 2, 3, 4]))).toBe(await pgUtils.postgresMd5PasswordHash('app', 'secret', Buffer.from([1, 2, 3, 4])));
  });

  it('random bytes of the length asked', () => {
    expect(ours.randomBytes(18)).toHaveLength(18);
  });
});

describe('the bundles', () => {
  it("carry pg-crypto in place of pg's WebCrypto hashing (build.mjs)", () => {
    for (const bundle of ['cli-main.js', 'server-main.js']) {
      const text = readFileSync(join(__dirname, '../../../dist', bundle), 'utf8');
      expect(text).toContain('server/src/engine/drivers/pg-crypto.ts');
      expect(text).not.toContain('subtleCrypto.deriveBits');
    }
  });
});
