// Liquibase's defaults file and LIQUIBASE_* variables as pgcs reads them. What Liquibase 4.28 itself does with the
// same keys, variables and precedence is checked against the real Liquibase in test/interop/defaults-file.test.ts.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DefaultsFileError, environmentVariablesOf, liquibaseDefaults, parseProperties, settingOfKey } from '../../server/src/liquibase-defaults';

describe('parseProperties reads a .properties file as java.util.Properties does', () => {
  const cases: { name: string; text: string; expected: [string, string][] }[] = [
    { name: '=, : and white space between key and value, with space around', text: 'a=1\nb: 2\nc 3\n  d  =  4\ne\t:\t5', expected: [['a', '1'], ['b', '2'], ['c', '3'], ['d', '4'], ['e', '5']] },
    { name: 'comments with # and !, blank lines', text: '# one\n  ! two\n\n   \na=1\n#b=2', expected: [['a', '1']] },
    { name: 'a key with no value', text: 'flag\nother=', expected: [['flag', ''], ['other', '']] },
    { name: 'the value keeps = and : after the first, and its trailing spaces', text: 'url=jdbc:postgresql://h:5432/db?a=b  ', expected: [['url', 'jdbc:postgresql://h:5432/db?a=b  ']] },
    { name: 'a line ending in one backslash goes on in the next, without its leading space', text: 'list=a,\\\n    b,\\\n    c\nnext=1', expected: [['list', 'a,b,c'], ['next', '1']] },
    { name: 'two backslashes at the end are one backslash, not a continuation', text: 'dir=C:\\\\\nnext=1', expected: [['dir', 'C:\\'], ['next', '1']] },
    { name: 'escapes: \\t \\n \\uXXXX, escaped separators in the key, any other escaped character stands for itself', text: 'a\\ b\\=c=x\\ty\\nz\\u00e9\\#\\q', expected: [['a b=c', 'x\ty\nzé#q']] },
    { name: 'CRLF and CR line ends, a BOM', text: '\ufeffa=1\r\nb=2\rc=3', expected: [['a', '1'], ['b', '2'], ['c', '3']] },
    { name: 'a continuation at the end of the file is dropped', text: 'a=1\\', expected: [['a', '1']] },
    { name: 'a key given twice is given twice (the last one counts later)', text: 'a=1\na=2', expected: [['a', '1'], ['a', '2']] },
  ];
  for (const { name, text, expected } of cases) {
    it(name, () => {
      expect(parseProperties(text, 'x.properties').map((p) => [p.key, p.value])).toEqual(expected);
    });
  }

  it('gives each pair the line its logical line starts on', () => {
    expect(parseProperties('# c\n\na=1\nb=x\\\n  y\nc=3', 'x').map((p) => p.line)).toEqual([3, 4, 6]);
  });

  it('refuses a malformed \\u escape, naming file and line', () => {
    expect(() => parseProperties('a=1\nb=\\u12g4', 'conf/lb.properties')).toThrow(new DefaultsFileError('conf/lb.properties:2: malformed \\uxxxx escape: \\u12g4'));
  });
});

describe('settingOfKey: what a defaults-file key sets', () => {
  const cases: [key: string, command: string | undefined, expected: ReturnType<typeof settingOfKey>][] = [
    ['changeLogFile', 'update', { setting: 'changelog-file' }],
    ['changelogFile', 'update', { setting: 'changelog-file' }],
    ['changelog-file', 'update', { setting: 'changelog-file' }],
    ['liquibase.command.changelogFile', 'update', { setting: 'changelog-file' }],
    ['liquibase.command.url', 'status', { setting: 'url' }],
    ['url', 'status', { setting: 'url' }],
    ['USERNAME', 'status', { setting: 'username' }],
    ['liquibase.command.update.contexts', 'update', { setting: 'contexts' }],
    ['liquibase.command.update.contexts', 'status', undefined],
    ['liquibase.command.updateCount.contexts', 'update-count', { setting: 'contexts' }],
    ['context-filter', 'update', { setting: 'contexts' }],
    ['labels', 'update', { setting: 'label-filter' }],
    ['labelFilter', 'update', { setting: 'label-filter' }],
    ['liquibaseSchemaName', 'update', { setting: 'liquibase-schema-name' }],
    ['liquibase.liquibaseSchemaName', 'update', { setting: 'liquibase-schema-name' }],
    ['searchPath', 'update', { setting: 'search-path' }],
    ['defaultSchemaName', 'update', { setting: 'default-schema-name' }],
    ['lockTimeout', 'update', { setting: 'lock-timeout' }],
    ['parameter.schema', 'update', { parameter: 'schema' }],
    ['parameter.a.b', 'update', { parameter: 'a.b' }],
    ['driver', 'update', undefined],
    ['classpath', 'update', undefined],
    ['liquibase.hub.mode', 'update', undefined],
    ['logLevel', 'update', undefined],
    ['databaseChangeLogTableName', 'update', { setting: 'database-changelog-table-name' }],
    ['liquibase.databaseChangeLogLockTableName', 'status', { setting: 'database-changelog-lock-table-name' }],
    ['liquibaseTablespaceName', 'update', { unsupported: 'liquibase-tablespace-name' }],
  ];
  for (const [key, command, expected] of cases) {
    it(`${key} (${command})`, () => expect(settingOfKey(key, command)).toEqual(expected));
  }
});

describe('environmentVariablesOf: the variables Liquibase reads a setting from', () => {
  const cases: [string, string[]][] = [
    ['url', ['LIQUIBASE_COMMAND_URL']],
    ['changelog-file', ['LIQUIBASE_COMMAND_CHANGELOG_FILE']],
    ['contexts', ['LIQUIBASE_COMMAND_CONTEXTS', 'LIQUIBASE_COMMAND_CONTEXT_FILTER']],
    ['label-filter', ['LIQUIBASE_COMMAND_LABEL_FILTER', 'LIQUIBASE_COMMAND_LABELS']],
    ['search-path', ['LIQUIBASE_SEARCH_PATH']],
    ['liquibase-schema-name', ['LIQUIBASE_LIQUIBASE_SCHEMA_NAME']],
    ['database-changelog-table-name', ['LIQUIBASE_DATABASE_CHANGELOG_TABLE_NAME']],
    ['lock-wait', []],
  ];
  for (const [setting, expected] of cases) it(setting, () => expect(environmentVariablesOf(setting)).toEqual(expected));
});

describe('liquibaseDefaults', () => {
  const root = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'pgcs-defaults-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const folder = (files: Record<string, string>) => {
    const dir = fs.mkdtempSync(nodePath.join(root, 'p-'));
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(nodePath.dirname(nodePath.join(dir, name)), { recursive: true });
      fs.writeFileSync(nodePath.join(dir, name), text);
    }
    return dir;
  };

  it('reads liquibase.properties in the working folder: settings, parameters, the last of a key given twice', () => {
    const dir = folder({ 'liquibase.properties': 'changeLogFile=db/changelog.yaml\nurl=jdbc:postgresql://a/b\nurl=jdbc:postgresql://c/d\nparameter.tbl=x\ndriver=org.postgresql.Driver\n' });
    const got = liquibaseDefaults('update', undefined, {}, dir);
    expect(Object.fromEntries(got.options)).toEqual({ 'changelog-file': 'db/changelog.yaml', url: 'jdbc:postgresql://c/d' });
    expect(got.parameters).toEqual({ tbl: 'x' });
    expect(got.file).toBe(nodePath.join(dir, 'liquibase.properties'));
  });

  it('lets LIQUIBASE_COMMAND_* and LIQUIBASE_* variables win over the file; empty ones do not count', () => {
    const dir = folder({ 'liquibase.properties': 'url=jdbc:postgresql://file/db\ncontexts=fromfile\nsearchPath=file\nusername=fileuser\n' });
    const env = { LIQUIBASE_COMMAND_URL: 'jdbc:postgresql://env/db', LIQUIBASE_COMMAND_CONTEXT_FILTER: 'fromenv', LIQUIBASE_SEARCH_PATH: 'env', LIQUIBASE_COMMAND_USERNAME: '' };
    const got = liquibaseDefaults('update', undefined, env, dir);
    expect(Object.fromEntries(got.options)).toEqual({ url: 'jdbc:postgresql://env/db', contexts: 'fromenv', 'search-path': 'env', username: 'fileuser' });
  });

  it('reads --defaults-file, else LIQUIBASE_DEFAULTS_FILE, relative to the working folder', () => {
    const dir = folder({ 'liquibase.properties': 'url=here', 'conf/a.properties': 'url=a', 'conf/b.properties': 'url=b' });
    expect(liquibaseDefaults('status', 'conf/a.properties', { LIQUIBASE_DEFAULTS_FILE: 'conf/b.properties' }, dir).options.get('url')).toBe('a');
    expect(liquibaseDefaults('status', undefined, { LIQUIBASE_DEFAULTS_FILE: 'conf/b.properties' }, dir).options.get('url')).toBe('b');
    expect(liquibaseDefaults('status', undefined, {}, dir).options.get('url')).toBe('here');
  });

  it('gives nothing, and no error, when the working folder has no liquibase.properties', () => {
    const got = liquibaseDefaults('status', undefined, {}, folder({}));
    expect(got).toEqual({ options: new Map(), parameters: {}, file: undefined });
  });

  it('refuses a defaults file it was told to read and cannot find (pgcs would otherwise update its embedded database)', () => {
    const dir = folder({});
    expect(() => liquibaseDefaults('update', 'nope.properties', {}, dir)).toThrow(new DefaultsFileError('defaults file nope.properties not found (--defaults-file)'));
    expect(() => liquibaseDefaults('update', undefined, { LIQUIBASE_DEFAULTS_FILE: 'gone.properties' }, dir)).toThrow(new DefaultsFileError('defaults file gone.properties not found (LIQUIBASE_DEFAULTS_FILE)'));
  });

  it('refuses a setting it cannot honour, in the file (naming its line) or the environment, rather than skip it', () => {
    const dir = folder({ 'liquibase.properties': 'url=x\nliquibaseTablespaceName=fast\n' });
    expect(() => liquibaseDefaults('update', undefined, {}, dir)).toThrow(
      new DefaultsFileError('liquibase.properties:2: liquibaseTablespaceName is not supported: pgcs creates the tracking tables in the default tablespace only'),
    );
    expect(() => liquibaseDefaults('update', undefined, { LIQUIBASE_LIQUIBASE_TABLESPACE_NAME: 'fast' }, folder({}))).toThrow(
      new DefaultsFileError('LIQUIBASE_LIQUIBASE_TABLESPACE_NAME is not supported: pgcs creates the tracking tables in the default tablespace only'),
    );
  });

  it('takes the tracking tables\' names from the file and from LIQUIBASE_DATABASE_CHANGELOG_TABLE_NAME', () => {
    const dir = folder({ 'liquibase.properties': 'databaseChangeLogTableName=App_Changelog\ndatabaseChangeLogLockTableName=app_lock\n' });
    const got = liquibaseDefaults('update', undefined, { LIQUIBASE_DATABASE_CHANGELOG_TABLE_NAME: 'env_changelog' }, dir);
    expect(Object.fromEntries(got.options)).toEqual({ 'database-changelog-table-name': 'env_changelog', 'database-changelog-lock-table-name': 'app_lock' });
  });

  it('refuses a liquibase.properties that is a folder', () => {
    const dir = folder({ 'liquibase.properties/x': '' });
    expect(() => liquibaseDefaults('update', undefined, {}, dir)).toThrow(new DefaultsFileError('defaults file liquibase.properties is a folder'));
  });
});
