// parseTarget: every URL form the CLI accepts, the PG* environment, and one-line errors for what it refuses.
// Pure: nothing here connects (the db project's servers are not used by this file).
import { describe, expect, it } from 'vitest';
import { ConnectionError, type PostgresTarget, parseTarget, redactUrl } from '../../server/src/engine/connection-url';

const cwd = '/work/project';
const env = { HOME: '/home/me', USER: 'me' } as Record<string, string | undefined>;

function pgTarget(url: string, extra: Partial<Parameters<typeof parseTarget>[0]> = {}): PostgresTarget {
  const t = parseTarget({ url, env, cwd, ...extra });
  if (t.kind !== 'postgresql') throw new Error(`expected a PostgreSQL target, got ${t.kind}`);
  return t;
}

function badUrl(url: string | undefined, extra: Partial<Parameters<typeof parseTarget>[0]> = {}): string {
  try {
    parseTarget({ url, env, cwd, ...extra });
  } catch (e) {
    expect(e).toBeInstanceOf(ConnectionError);
    expect((e as ConnectionError).reason).toBe('bad-url');
    expect((e as Error).message).not.toContain('\n');
    return (e as Error).message;
  }
  throw new Error(`expected ${url} to be refused`);
}

describe('postgres:// and postgresql:// URLs', () => {
  it('read user, percent-encoded password, host, port, database and parameters', () => {
    const t = pgTarget('postgres://app%40corp:p%40ss%2Fw0rd@db.example.com:6543/orders?sslmode=require&application_name=deploy');
    expect(t).toMatchObject({
      kind: 'postgresql',
      user: 'app@corp',
      host: 'db.example.com',
      port: 6543,
      database: 'orders',
      ssl: { mode: 'require' },
      applicationName: 'deploy',
      connectTimeoutMs: 10_000,
      description: 'app@corp@db.example.com:6543/orders',
      warnings: [],
    });
    expect(t.password).toBe('p@ss/w0rd');
  });

  it('keep the password out of the description, JSON and object spreads', () => {
    const t = pgTarget('postgresql://u:hunter2@h/db');
    expect(t.description).toBe('u@h:5432/db');
    expect(JSON.stringify(t)).not.toContain('hunter2');
    expect(Object.keys(t)).not.toContain('password');
  });

  it('take an unescaped @ in the password up to the last @', () => {
    const t = pgTarget('postgres://u:p@ss@h/db');
    expect([t.user, t.password, t.host]).toEqual(['u', 'p@ss', 'h']);
  });

  it('fill what the URL leaves out from PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE', () => {
    const pgEnv = { ...env, PGHOST: 'envhost', PGPORT: '6000', PGUSER: 'envuser', PGPASSWORD: 'envpw', PGDATABASE: 'envdb' };
    const t = pgTarget('postgres://', { env: pgEnv });
    expect(t).toMatchObject({ host: 'envhost', port: 6000, user: 'envuser', database: 'envdb' });
    expect(t.password).toBe('envpw');
    const partly = pgTarget('postgres://urluser@urlhost/urldb', { env: pgEnv });
    expect(partly).toMatchObject({ host: 'urlhost', port: 6000, user: 'urluser', database: 'urldb' });
  });

  it("default like libpq: localhost, 5432, and a database named after the user", () => {
    const t = pgTarget('postgres://alice@/', { env: { HOME: '/home/me' } });
    expect(t).toMatchObject({ host: 'localhost', port: 5432, user: 'alice', database: 'alice', ssl: { mode: 'prefer' } });
    expect(t.password).toBeUndefined();
    expect(t.passfile).toBe('/home/me/.pgpass');
  });

  it('accept IPv6 hosts in brackets and Unix socket directories', () => {
    expect(pgTarget('postgres://u@[::1]:5433/db')).toMatchObject({ host: '::1', port: 5433, description: 'u@[::1]:5433/db' });
    expect(pgTarget('postgres://u@%2Fvar%2Frun%2Fpostgresql/db')).toMatchObject({ host: '/var/run/postgresql' });
    expect(pgTarget('postgres:///db?host=/tmp&user=u')).toMatchObject({ host: '/tmp', user: 'u', description: 'u@/tmp:5432/db' });
  });

  it('let --username and --password win over the URL', () => {
    const t = pgTarget('postgres://urluser:urlpw@h/db', { username: 'flaguser', password: 'flagpw' });
    expect(t.user).toBe('flaguser');
    expect(t.password).toBe('flagpw');
  });

  it('read currentSchema, connect_timeout and options, and list parameters they ignore', () => {
    const t = pgTarget('postgres://u@h/db?currentSchema=app&connect_timeout=3&options=-c%20lock_timeout%3D5s&fancy=1');
    expect(t).toMatchObject({ defaultSchema: 'app', connectTimeoutMs: 3000, options: '-c lock_timeout=5s' });
    expect(t.warnings).toEqual(["URL parameter 'fancy' ignored"]);
  });

  it('take connect_timeout=0 (or negative) as no limit like libpq, over PGCONNECT_TIMEOUT, and default to 10 s when neither is set', () => {
    const withEnv = { env: { ...env, PGCONNECT_TIMEOUT: '7' } };
    expect(pgTarget('postgres://u@h/db?connect_timeout=0', withEnv).connectTimeoutMs).toBe(0);
    expect(pgTarget('postgres://u@h/db?connect_timeout=-1', withEnv).connectTimeoutMs).toBe(0);
    expect(pgTarget('jdbc:postgresql://h/db?loginTimeout=0', withEnv).connectTimeoutMs).toBe(0);
    expect(pgTarget('postgres://u@h/db', withEnv).connectTimeoutMs).toBe(7000);
    expect(pgTarget('postgres://u@h/db', { env: { ...env, PGCONNECT_TIMEOUT: '0' } }).connectTimeoutMs).toBe(0);
    expect(pgTarget('postgres://u@h/db').connectTimeoutMs).toBe(10_000);
  });
});

describe("Liquibase's jdbc:postgresql URLs", () => {
  it('read host, port, database, and user, password and currentSchema from parameters', () => {
    const t = pgTarget('jdbc:postgresql://db.example.com:5433/app?user=lb&password=s%26cret&currentSchema=app_schema');
    expect(t).toMatchObject({ host: 'db.example.com', port: 5433, database: 'app', user: 'lb', defaultSchema: 'app_schema' });
    expect(t.password).toBe('s&cret');
    expect(t.description).toBe('lb@db.example.com:5433/app');
  });

  it('take --username and --password as Liquibase passes them', () => {
    const t = pgTarget('jdbc:postgresql://localhost/app', { username: 'lb', password: 'pw' });
    expect(t).toMatchObject({ user: 'lb', host: 'localhost', port: 5432, database: 'app' });
    expect(t.password).toBe('pw');
  });

  it("map pgjdbc's SSL settings: ssl=true verifies fully, NonValidatingFactory does not verify, sslmode as libpq", () => {
    expect(pgTarget('jdbc:postgresql://h/db?ssl=true').ssl.mode).toBe('verify-full');
    expect(pgTarget('jdbc:postgresql://h/db?ssl=true&sslfactory=org.postgresql.ssl.NonValidatingFactory').ssl.mode).toBe('require');
    expect(pgTarget('jdbc:postgresql://h/db?sslmode=verify-ca&sslrootcert=certs/ca.pem').ssl).toEqual({
      mode: 'verify-ca',
      rootCert: '/work/project/certs/ca.pem',
      cert: undefined,
      key: undefined,
    });
    expect(pgTarget('jdbc:postgresql://h/db?ssl=false').ssl.mode).toBe('disable');
  });

  it("accept pgjdbc's short forms jdbc:postgresql:database and jdbc:postgresql:/", () => {
    expect(pgTarget('jdbc:postgresql:app', { username: 'u' })).toMatchObject({ host: 'localhost', port: 5432, database: 'app' });
    expect(pgTarget('jdbc:postgresql:/', { username: 'u' })).toMatchObject({ host: 'localhost', database: 'u' });
  });

  it('read connectTimeout in seconds and ApplicationName, and list the parameters they ignore', () => {
    const t = pgTarget('jdbc:postgresql://h/db?connectTimeout=4&ApplicationName=liquibase&prepareThreshold=0&tcpKeepAlive=true');
    expect(t).toMatchObject({ connectTimeoutMs: 4000, applicationName: 'liquibase' });
    expect(t.warnings).toEqual(["URL parameter 'prepareThreshold' ignored", "URL parameter 'tcpKeepAlive' ignored"]);
  });
});

describe('PGlite targets', () => {
  it('default to <cwd>/.pgcs/pglite when there is no URL at all', () => {
    expect(parseTarget({ env, cwd })).toMatchObject({
      kind: 'pglite',
      dataDir: '/work/project/.pgcs/pglite',
      description: 'pglite:/work/project/.pgcs/pglite',
      warnings: [],
    });
  });

  it('resolve pglite:<dir> against cwd, and ~ against HOME', () => {
    expect(parseTarget({ url: 'pglite:db/local', env, cwd })).toMatchObject({ dataDir: '/work/project/db/local' });
    expect(parseTarget({ url: 'pglite:/abs/dir/', env, cwd })).toMatchObject({ dataDir: '/abs/dir' });
    expect(parseTarget({ url: 'pglite:~/pgdata', env, cwd })).toMatchObject({ dataDir: '/home/me/pgdata' });
  });

  it('take pglite:memory as an in-memory database', () => {
    expect(parseTarget({ url: 'pglite:memory', env, cwd })).toMatchObject({ kind: 'pglite', dataDir: null, description: 'pglite:memory' });
  });

  it('warn that --username and --password mean nothing to PGlite', () => {
    expect(parseTarget({ env, cwd, username: 'u' }).warnings).toEqual([
      '--username/--password ignored: no --url given, using pglite:/work/project/.pgcs/pglite',
    ]);
    expect(parseTarget({ url: 'pglite:memory', env, cwd, password: 'p' }).warnings).toEqual(['--username/--password ignored for pglite:memory']);
  });

  it('cache the template under PGCS_PGLITE_CACHE, XDG_CACHE_HOME or ~/.cache, or nowhere with PGCS_PGLITE_CACHE=off', () => {
    const dir = (e: Record<string, string | undefined>) => {
      const t = parseTarget({ url: 'pglite:memory', env: e, cwd });
      return t.kind === 'pglite' ? t.templateCacheDir : 'not pglite';
    };
    expect(dir({ HOME: '/home/me' })).toBe('/home/me/.cache/pg-changesets');
    expect(dir({ HOME: '/home/me', XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/pg-changesets');
    expect(dir({ HOME: '/home/me', PGCS_PGLITE_CACHE: '/c' })).toBe('/c');
    expect(dir({ HOME: '/home/me', PGCS_PGLITE_CACHE: 'off' })).toBeNull();
  });
});

describe('refused URLs: one line naming what is wrong, never the password', () => {
  it('say which URL forms are expected', () => {
    expect(badUrl('xyz')).toBe("bad URL 'xyz': expected postgres://…, jdbc:postgresql://… or pglite:<dir>");
    expect(badUrl('mysql://u:secret@h/db')).toBe("bad URL 'mysql://u:***@h/db': expected postgres://…, jdbc:postgresql://… or pglite:<dir>");
    expect(badUrl('jdbc:mysql://h/db')).toBe("bad URL 'jdbc:mysql://h/db': only jdbc:postgresql: URLs are supported");
  });

  it('refuse an empty URL instead of silently using PGlite', () => {
    expect(badUrl('')).toBe("bad URL '': the URL is empty");
    expect(badUrl('pglite:')).toBe("bad URL 'pglite:': pglite: needs a directory or 'memory'");
  });

  it('name a bad port, several hosts, an unknown sslmode and broken percent-encoding', () => {
    expect(badUrl('postgres://u:secret@h:abc/db')).toBe("bad URL 'postgres://u:***@h:abc/db': port 'abc' is not a number from 1 to 65535");
    expect(badUrl('postgres://h:0/db')).toBe("bad URL 'postgres://h:0/db': port '0' is not a number from 1 to 65535");
    expect(badUrl('jdbc:postgresql://h1:5432,h2:5432/db')).toBe(
      "bad URL 'jdbc:postgresql://h1:5432,h2:5432/db': several hosts are not supported; give one host",
    );
    expect(badUrl('postgres://h/db?sslmode=maybe')).toBe(
      "bad URL 'postgres://h/db?sslmode=maybe': sslmode 'maybe' is not one of disable, allow, prefer, require, verify-ca, verify-full",
    );
    expect(badUrl('postgres://u:%zz@h/db')).toBe("bad URL 'postgres://u:***@h/db': bad percent-encoding in the password");
    expect(badUrl('jdbc:postgresql://h/db?user=u&password=secret&connectTimeout=soon')).toBe(
      "bad URL 'jdbc:postgresql://h/db?user=u&password=***&connectTimeout=soon': connect timeout 'soon' is not a number of seconds",
    );
  });

  it('name a bad PGPORT or PGSSLMODE from the environment', () => {
    expect(badUrl('postgres://h/db', { env: { ...env, PGPORT: 'x' } })).toBe("bad PGPORT 'x': expected a number from 1 to 65535");
    expect(badUrl('postgres://h/db', { env: { ...env, PGSSLMODE: 'on' } })).toBe(
      "bad PGSSLMODE 'on': expected one of disable, allow, prefer, require, verify-ca, verify-full",
    );
  });
});

describe('redactUrl', () => {
  it('hides user:password@ and password= parameters and leaves the rest', () => {
    expect(redactUrl('postgres://u:p@ss@h:5/db?sslmode=require')).toBe('postgres://u:***@h:5/db?sslmode=require');
    expect(redactUrl('jdbc:postgresql://h/db?user=u&password=x&currentSchema=s')).toBe('jdbc:postgresql://h/db?user=u&password=***&currentSchema=s');
    expect(redactUrl('postgres://u@h/db')).toBe('postgres://u@h/db');
  });
});
