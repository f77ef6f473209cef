// executeCommand as Liquibase 4.28's ExecuteShellCommandChange runs it: the executable and its `arg` values (no
// shell), only on the operating systems listed in `os` (Java's os.name), stdout and stderr merged, killed after
// `timeout` (`30`, `10s`, `5m`, `1h`), and a failure when it exits with anything but 0. It runs when the changeset
// runs, inside the changeset's transaction as far as the database is concerned.

import { childProcess } from '../node-builtins';
import { release } from 'node:os';
import type { Change } from '../changelog/model';
import { asRaw, Params, type Raw } from './generate-columns';
import { GenerateError, javaTrim } from './generate-java';

const TIMEOUT = /^\s*(\d+)\s*([sSmMhH]?)\s*$/;

export interface ShellCommand {
  executable: string;
  args: string[];
  /** the operating systems it runs on; empty = all */
  os: string[];
  timeoutMs: number;
}

/** the command of an executeCommand change; throws GenerateError where Liquibase's validation fails */
export function shellCommandOf(change: Change): ShellCommand {
  const raw = asRaw(change.raw);
  const p = new Params(raw);
  const executable = p.str('executable');
  if (executable == null) throw new GenerateError('executeCommand requires executable');
  const timeout = p.str('timeout');
  let timeoutMs = 0;
  if (timeout != null && timeout !== '') {
    const m = TIMEOUT.exec(timeout);
    if (!m) throw new GenerateError(`Invalid value specified for timeout: ${timeout}`);
    const unit = m[2].toLowerCase();
    timeoutMs = Number(m[1]) * (unit === 'h' ? 3_600_000 : unit === 'm' ? 60_000 : 1000);
  }
  const os = (p.str('os') ?? '').split(',').map(javaTrim).filter((s) => s !== '');
  return { executable, args: argsOf(raw), os, timeoutMs };
}

/** customLoadLogic: the `arg` children of `args`, or of the change itself */
function argsOf(raw: Raw): string[] {
  const out: string[] = [];
  const add = (node: unknown) => {
    for (const item of Array.isArray(node) ? node : [node]) {
      const arg = asRaw(item).arg;
      if (arg === undefined) continue;
      const value = new Params(asRaw(arg)).str('value');
      if (value != null) out.push(value);
    }
  };
  add(raw.args ?? []);
  if (raw.args === undefined) add(raw.arg === undefined ? [] : [{ arg: raw.arg }]);
  return out;
}

/** Java's os.name for this machine, as `os` lists are compared with it */
export function javaOsName(): string {
  if (process.platform === 'linux') return 'Linux';
  if (process.platform === 'darwin') return 'Mac OS X';
  if (process.platform === 'win32') return `Windows ${release().startsWith('10.') ? '10' : release()}`;
  return process.platform;
}

export function commandString(command: ShellCommand): string {
  return `${command.executable} ${command.args.join(' ')}`;
}

/** Runs the command; resolves when it exits 0, rejects with Liquibase's wording otherwise. */
export function runShellCommand(command: ShellCommand, log: (output: string) => void = () => undefined): Promise<void> {
  if (command.os.length > 0 && !command.os.includes(javaOsName())) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const child = childProcess().spawn(command.executable, command.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
    let timedOut = false;
    const timer = command.timeoutMs > 0 ? setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), command.timeoutMs) : undefined;
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new GenerateError(`Error executing command: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (output.trim()) log(output.trimEnd());
      if (timedOut) reject(new GenerateError(`Error executing command: Process timed out (${command.timeoutMs / 1000} s)`));
      else if (code !== 0) reject(new GenerateError(`Error executing command: ${commandString(command)} returned a code of ${code}`));
      else resolve();
    });
  });
}
