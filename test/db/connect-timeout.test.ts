// connect_timeout (URL parameter, or PGCONNECT_TIMEOUT) bounds the whole login as libpq's does: the TCP
// connect, TLS and authentication. Each phase is made to hang by a local TCP server that speaks just enough of
// the PostgreSQL protocol to get there and then says nothing; 0 means no limit. The embedded PostgreSQL shows
// that a real login is not disturbed by the timer.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConnectionError, parseTarget } from '../../server/src/engine/connection-url';
import { openDriver } from '../../server/src/engine/driver';
import { ensureCliBuilt, errorLines, hasStackTrace, pgcs, removeWorkspaces, show, workspace } from './fixtures/engine-cli';
import { PASSWORD, freshDatabase, testEnv } from './postgres';

vi.setConfig({ testTimeout: 120_000 });

beforeAll(() => ensureCliBuilt());
afterAll(() => removeWorkspaces());

const SSL_REQUEST = 80877103;

/** A local server that hears the client's messages and answers only what a test makes it answer. */
interface FakeServer {
  port: number;
  /** the connections it accepted */
  sockets: Socket[];
}

const opened: Array<{ server: Server; sockets: Socket[] }> = [];
afterEach(async () => {
  for (const { server, sockets } of opened.splice(0)) {
    for (const socket of sockets) socket.destroy();
    await new Promise((r) => server.close(r));
  }
});

async function fakeServer(onMessage: (socket: Socket, message: Buffer, index: number) => void): Promise<FakeServer> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    let index = 0;
    socket.on('error', () => {});
    // each of the client's login messages arrives as one chunk on loopback
    socket.on('data', (d) => onMessage(socket, d, index++));
  });
  opened.push({ server, sockets });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, sockets };
}

const isSslRequest = (m: Buffer) => m.length >= 8 && m.readInt32BE(0) === 8 && m.readInt32BE(4) === SSL_REQUEST;

/** AuthenticationCleartextPassword: the server wants a password, which it will then ignore. */
const ASK_PASSWORD = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]);

function errorResponse(code: string, message: string): Buffer {
  const body = Buffer.concat([Buffer.from(`SFATAL\0C${code}\0M${message}\0`), Buffer.from([0])]);
  const head = Buffer.alloc(5);
  head.write('E', 0);
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

async function connectFailure(url: string, env: Record<string, string | undefined> = {}): Promise<{ error: ConnectionError; ms: number }> {
  const started = Date.now();
  try {
    const driver = await openDriver(parseTarget({ url, env: testEnv({ PGCONNECT_TIMEOUT: undefined, ...env }), cwd: process.cwd() }));
    await driver.close();
  } catch (e) {
    expect(e).toBeInstanceOf(ConnectionError);
    expect((e as Error).message).not.toContain('\n');
    return { error: e as ConnectionError, ms: Date.now() - started };
  }
  throw new Error('expected the login to fail');
}

describe('connect_timeout bounds the whole login', () => {
  it('gives up on a server that accepts the TCP connection and never answers, naming the timeout', async () => {
    const { port } = await fakeServer(() => {});
    const { error, ms } = await connectFailure(`postgres://postgres:${PASSWORD}@127.0.0.1:${port}/app?connect_timeout=2`);
    expect(error.message).toBe(`cannot connect to postgres@127.0.0.1:${port}/app: timed out after 2 s`);
    expect(error).toMatchObject({ reason: 'unreachable', code: 'ETIMEDOUT' });
    expect(ms).toBeGreaterThanOrEqual(1900);
    expect(ms).toBeLessThan(10_000);
  });

  it('gives up on a server that agrees to TLS and then never does the handshake', async () => {
    const fake = await fakeServer((socket, message) => {
      if (isSslRequest(message)) socket.write('S'); // then the TLS ClientHello goes unanswered
    });
    const { error, ms } = await connectFailure(`postgres://postgres:${PASSWORD}@127.0.0.1:${fake.port}/app?sslmode=require&connect_timeout=2`);
    expect(error.message).toBe(`cannot connect to postgres@127.0.0.1:${fake.port}/app: timed out after 2 s`);
    expect(fake.sockets).toHaveLength(1);
    expect(ms).toBeGreaterThanOrEqual(1900);
    expect(ms).toBeLessThan(10_000);
  });

  it('gives up on a server that asks for the password and never answers it (PGCONNECT_TIMEOUT when the URL has none)', async () => {
    const seen: number[] = [];
    const fake = await fakeServer((socket, message, index) => {
      seen.push(message[0]);
      if (index === 0) socket.write(ASK_PASSWORD); // the startup message; the password message that follows is ignored
    });
    const { error, ms } = await connectFailure(`postgres://postgres:${PASSWORD}@127.0.0.1:${fake.port}/app`, { PGCONNECT_TIMEOUT: '2' });
    expect(error.message).toBe(`cannot connect to postgres@127.0.0.1:${fake.port}/app: timed out after 2 s`);
    expect(seen[1]).toBe(0x70); // 'p': the client did send its password, so the wait was in authentication
    expect(ms).toBeGreaterThanOrEqual(1900);
    expect(ms).toBeLessThan(10_000);
  });

  it('waits indefinitely with connect_timeout=0, longer than the 10 s default and whatever PGCONNECT_TIMEOUT says', async () => {
    const answerAfterMs = 10_500;
    const fake = await fakeServer((socket, message, index) => {
      if (index === 0) setTimeout(() => socket.end(errorResponse('57P03', 'the database system is starting up')), answerAfterMs);
    });
    const { error, ms } = await connectFailure(`postgres://postgres:${PASSWORD}@127.0.0.1:${fake.port}/app?connect_timeout=0`, {
      PGCONNECT_TIMEOUT: '1',
    });
    // the server's own answer, not a timeout: the login was still waiting when it came
    expect(error.message).toBe(`cannot connect to postgres@127.0.0.1:${fake.port}/app: the database system is starting up`);
    expect(error.code).toBe('57P03');
    expect(ms).toBeGreaterThanOrEqual(answerAfterMs - 100);
  });

  it('logs in to a real server with connect_timeout=0 and with a short timeout', async () => {
    const db = await freshDatabase('connect timeout');
    for (const timeout of ['0', '30']) {
      const driver = await openDriver(parseTarget({ url: `${db.url}?connect_timeout=${timeout}`, env: testEnv(), cwd: process.cwd() }));
      try {
        expect((await driver.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      } finally {
        await driver.close();
      }
    }
  });

  it('is reported by the CLI as one line with exit code 2 when the login hangs', async () => {
    const { port } = await fakeServer(() => {});
    const cwd = workspace({
      'changelog.yaml': 'databaseChangeLog:\n  - changeSet:\n      id: "1"\n      author: t\n      changes:\n        - sql:\n            sql: CREATE TABLE a (id int)\n',
    });
    const r = await pgcs(['update', '--changelog-file', 'changelog.yaml', '--url', `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/app?connect_timeout=2`], { cwd });
    expect(r.code, show(r)).toBe(2);
    expect(errorLines(r.stderr), show(r)).toEqual([`pgcs: cannot connect to postgres@127.0.0.1:${port}/app: timed out after 2 s`]);
    expect(hasStackTrace(r.stderr + r.stdout)).toBe(false);
    expect(r.stderr).not.toContain(PASSWORD);
  });
});
