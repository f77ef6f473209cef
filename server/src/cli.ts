import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { loadChangelog } from './changelog/load';
import type { Finding } from './changelog/model';
import { initSqlParser } from './sql/statements';

// Exit codes: 0 clean (warnings allowed), 1 an error-level finding, 2 bad usage or unreadable input.
const EXIT_FINDINGS = 1;
const EXIT_USAGE = 2;

const USAGE = `pgcs: Liquibase-compatible changesets for PostgreSQL

Usage:
  pgcs lint <changelog…> [--format text|json] [--search-path <dirs>] [-D<name>=<value>…]

Options:
  --format text|json     text (default) prints file:line:col lines; json prints an array of findings
  --search-path <dirs>   comma-separated folders where non-relative include/sqlFile paths are found
                         (like Liquibase's --search-path; default: the current folder)
  -D<name>=<value>       a changelog parameter for \${name} substitution
  -h, --help             this help

Exit codes: 0 no errors, 1 error-level findings, 2 bad usage or unreadable changelog.`;

interface Arguments {
  command?: string;
  files: string[];
  format: string;
  searchPath: string[];
  properties: Record<string, string>;
}

class UsageError extends Error {}

function parseArguments(argv: string[]): Arguments {
  const args: Arguments = { files: [], format: 'text', searchPath: [], properties: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const valueOf = (name: string) => {
      const eq = arg.indexOf('=');
      if (eq > 0) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${name} needs a value`);
      return next;
    };
    if (arg === '-h' || arg === '--help') args.command = 'help';
    else if (arg.startsWith('-D')) {
      const [name, ...rest] = arg.slice(2).split('=');
      if (!name) throw new UsageError(`-D needs a name: -Dname=value`);
      args.properties[name] = rest.join('=');
    } else if (arg === '--format' || arg.startsWith('--format=')) args.format = valueOf('--format');
    else if (arg === '--search-path' || arg.startsWith('--search-path=')) args.searchPath.push(...valueOf('--search-path').split(',').filter(Boolean));
    else if (arg === '--changelog-file' || arg.startsWith('--changelog-file=')) args.files.push(valueOf('--changelog-file'));
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (!args.command) args.command = arg;
    else args.files.push(arg);
  }
  return args;
}

async function lint(args: Arguments): Promise<number> {
  if (!['text', 'json'].includes(args.format)) throw new UsageError(`--format must be text or json, not ${args.format}`);
  if (args.files.length === 0) throw new UsageError('lint needs at least one changelog file');
  for (const file of args.files) {
    if (!fs.existsSync(file)) throw new UsageError(`changelog not found: ${file}`);
    if (fs.statSync(file).isDirectory()) throw new UsageError(`${file} is a folder; give the root changelog file`);
  }
  await initSqlParser();
  const searchPath = args.searchPath.length ? args.searchPath.map((p) => nodePath.resolve(p)) : [process.cwd()];
  const findings: Finding[] = [];
  let changesets = 0;
  for (const file of args.files) {
    const changelog = loadChangelog(file, { searchPath, properties: args.properties });
    changesets += changelog.changesets.length;
    findings.push(...changelog.findings);
  }
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  if (args.format === 'json') {
    const out = findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      file: displayPath(f.file),
      range: f.range,
      changeset: f.changeset ?? null,
    }));
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else {
    for (const f of findings) {
      process.stdout.write(`${displayPath(f.file)}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.rule}: ${f.message}\n`);
    }
    const errors = findings.filter((f) => f.severity === 'error').length;
    const warnings = findings.filter((f) => f.severity === 'warning').length;
    process.stderr.write(`${changesets} changeset${changesets === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
  }
  return findings.some((f) => f.severity === 'error') ? EXIT_FINDINGS : 0;
}

function displayPath(file: string): string {
  const rel = nodePath.relative(process.cwd(), file);
  return (rel && !rel.startsWith('..') ? rel : file).split(nodePath.sep).join('/');
}

async function main(argv: string[]): Promise<number> {
  try {
    const args = parseArguments(argv);
    switch (args.command) {
      case 'lint':
        return await lint(args);
      case 'help':
      case undefined:
        process.stdout.write(USAGE + '\n');
        return args.command ? 0 : EXIT_USAGE;
      default:
        throw new UsageError(`unknown command ${args.command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`pgcs: ${error.message}\nRun 'pgcs --help' for usage.\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`pgcs: ${(error as Error).message}\n`);
    return EXIT_USAGE;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
