import type { PropertyDefinition } from './model';

/**
 * The changelog parameters visible while a file is read. As in Liquibase, a parameter once set cannot be
 * changed: `-D` values win over changelog `property` entries, and the first definition wins among those.
 */
export class PropertyScope {
  private readonly values = new Map<string, string>();

  constructor(commandLine: Record<string, string> = {}) {
    for (const [name, value] of Object.entries(commandLine)) this.values.set(name, value);
  }

  get(name: string): string | undefined {
    return this.values.get(name) ?? POSTGRES_BUILTINS.get(name);
  }

  define(definition: PropertyDefinition): void {
    if (definition.dbms && !dbmsIncludesPostgres(definition.dbms)) return;
    if (this.get(definition.name) === undefined) {
      this.values.set(definition.name, definition.value);
      this.cachedKey = undefined;
    }
  }

  private cachedKey?: string;

  /** identity of the values, for caches of parsed files */
  key(): string {
    return this.ownKey();
  }

  private ownKey(): string {
    if (this.cachedKey === undefined) {
      const entries: string[] = [];
      for (const [k, v] of this.values) entries.push(`${k}=${v}`);
      this.cachedKey = entries.join('\u0001');
    }
    return this.cachedKey;
  }

  expand(text: string): string {
    if (!text.includes('${')) return text;
    return text.replace(PROPERTY_REFERENCE, (whole, name: string) => this.get(name) ?? whole);
  }

  /** expands ${name} keeping a source map: every character of a substituted value maps to the `$` of its reference */
  expandWithOffsets(text: string, offsets: Int32Array): { text: string; offsets: Int32Array } {
    if (!text.includes('${')) return { text, offsets };
    let out = '';
    const map: number[] = [];
    let last = 0;
    for (const match of text.matchAll(PROPERTY_REFERENCE)) {
      const value = this.get(match[1]);
      if (value === undefined) continue;
      const at = match.index!;
      for (let i = last; i < at; i++) map.push(offsets[i]);
      out += text.slice(last, at);
      for (let i = 0; i < value.length; i++) map.push(offsets[at]);
      out += value;
      last = at + match[0].length;
    }
    for (let i = last; i <= text.length; i++) map.push(offsets[i]);
    out += text.slice(last);
    return { text: out, offsets: Int32Array.from(map) };
  }
}

/**
 * The `database.*` parameters Liquibase 4.28 defines from the connection (ChangeLogParameters(Database)), with the
 * values a default PostgreSQL connection gives. They are consulted last, so -D or a changelog property can stand
 * in for another schema.
 */
const POSTGRES_BUILTINS = new Map<string, string>([
  ['database.currentDateTimeFunction', 'NOW()'],
  ['database.databaseChangeLogLockTableName', 'DATABASECHANGELOGLOCK'],
  ['database.databaseChangeLogTableName', 'DATABASECHANGELOG'],
  ['database.databaseProductName', 'PostgreSQL'],
  ['database.defaultSchemaName', 'public'],
  ['database.defaultSchemaNamePrefix', '.public'],
  ['database.lineComment', '--'],
  ['database.liquibaseSchemaName', 'public'],
  ['database.typeName', 'postgresql'],
]);

export const PROPERTY_REFERENCE = /\$\{([^${}\s]+)\}/g;

export function dbmsIncludesPostgres(dbms: string): boolean {
  const names = dbms.split(',').map((d) => d.trim().toLowerCase()).filter(Boolean);
  if (names.length === 0) return true;
  if (names.some((n) => n === 'none')) return false;
  if (names.some((n) => n === 'all')) return true;
  const excluded = names.filter((n) => n.startsWith('!')).map((n) => n.slice(1));
  const included = names.filter((n) => !n.startsWith('!'));
  if (excluded.includes('postgresql')) return false;
  return included.length === 0 || included.includes('postgresql');
}
