import { Document, isAlias, isMap, isScalar, isSeq, LineCounter, Node, Pair, parseDocument, Scalar, YAMLMap } from 'yaml';
import {
  changelogItemKeys, changeSetKeys, changeTypes, columnKeys, constraintKeys, includeAllKeys, includeKeys,
  preconditionAttributes, preconditionTypes, propertyKeys,
} from './change-catalogue';
import { suggestion } from './did-you-mean';
import { LineIndex } from './line-index';
import type {
  Change, ChangelogFile, Changeset, ChangesetAttributes, Finding, Include, ParamValue, Precondition, Preconditions,
  PropertyDefinition, Range, Rollback, Severity, SqlText,
} from './model';
import { dbmsIncludesPostgres, PropertyScope } from './properties';
import { scalarOffsets } from './yaml-scalar';

export interface YamlParseOptions {
  /** DATABASECHANGELOG.FILENAME for this file */
  logicalPath: string;
  properties: PropertyScope;
}

/** Does this YAML text look like a Liquibase changelog (rather than any other YAML file)? */
export function isYamlChangelog(text: string): boolean {
  return /^\s*["']?databaseChangeLog["']?\s*:/m.test(text);
}

type Entry = { key: string; keyNode: Node | null; value: Node | null; pair: Pair };

const SQL_CHANGE_DEFAULTS = { splitStatements: true, stripComments: false };

/** Parses one YAML changelog file into the model. Never throws: problems become findings. */
export function parseYamlChangelog(path: string, text: string, options: YamlParseOptions): ChangelogFile {
  return new YamlChangelogReader(path, text, options).read();
}

class YamlChangelogReader {
  private readonly lines: LineIndex;
  private readonly findings: Finding[] = [];
  private readonly doc: Document.Parsed;
  private currentChangeset?: { id: string; author: string };
  private logicalPath: string;

  constructor(
    private readonly path: string,
    private readonly text: string,
    private readonly options: YamlParseOptions,
  ) {
    this.lines = new LineIndex(text);
    this.logicalPath = options.logicalPath;
    // SnakeYAML, which Liquibase uses, reads YAML 1.1: `yes`/`on` are booleans, `010` is octal
    this.doc = parseDocument(text, {
      version: '1.1',
      uniqueKeys: false,
      merge: true,
      prettyErrors: false,
      lineCounter: new LineCounter(),
    });
  }

  read(): ChangelogFile {
    const file: ChangelogFile = {
      path: this.path,
      kind: 'yaml',
      text: this.text,
      changesets: [],
      includes: [],
      properties: [],
      findings: this.findings,
    };
    for (const error of this.doc.errors) {
      const [start, end] = error.pos;
      this.report('yaml-syntax', 'error', firstLine(error.message), this.range(start, Math.max(end, start + 1)));
    }
    for (const warning of this.doc.warnings) {
      if (warning.code === 'TAB_AS_INDENT' || warning.code === 'BAD_INDENT') {
        const [start, end] = warning.pos;
        this.report('yaml-syntax', 'warning', firstLine(warning.message), this.range(start, end));
      }
    }
    const root = this.resolve(this.doc.contents);
    if (!root) return file;
    if (!isMap(root)) {
      this.report('not-a-changelog', 'error', 'A YAML changelog must be a mapping with a `databaseChangeLog` key.', this.rangeOf(root));
      return file;
    }
    const top = this.entries(root).find((e) => e.key === 'databaseChangeLog');
    if (!top) {
      this.report('not-a-changelog', 'error', 'A YAML changelog needs a top-level `databaseChangeLog` key.', this.rangeOf(root));
      return file;
    }
    const list = this.resolve(top.value);
    if (!list) return file; // an empty changelog is valid
    if (!isSeq(list)) {
      this.report('invalid-value', 'error', '`databaseChangeLog` must be a list of changeSet, include, includeAll and property entries.', this.rangeOf(top.value ?? top.keyNode));
      return file;
    }
    const items = list.items.map((item) => this.resolve(item as Node));

    // Liquibase reads every `property` first, then substitutes ${…} throughout the file.
    for (const item of items) {
      if (!isMap(item)) continue;
      for (const entry of this.entries(item)) {
        if (entry.key === 'property') file.properties.push(...this.readProperty(entry));
      }
    }
    for (const property of file.properties) this.options.properties.define(property);

    for (const item of items) {
      if (!item) continue;
      if (!isMap(item)) {
        this.report('invalid-value', 'error', 'Each `databaseChangeLog` entry must be a mapping such as `- changeSet:`.', this.rangeOf(item));
        continue;
      }
      for (const entry of this.entries(item)) {
        switch (entry.key) {
          case 'changeSet':
            file.changesets.push(this.readChangeset(entry));
            break;
          case 'include':
          case 'includeAll': {
            const include = this.readInclude(entry);
            if (include) file.includes.push(include);
            break;
          }
          case 'preConditions':
          case 'preconditions':
            file.preconditions = this.readPreconditions(entry);
            break;
          case 'logicalFilePath':
            this.logicalPath = this.string(entry.value) ?? this.logicalPath;
            for (const c of file.changesets) if (!c.attributes.logicalFilePath) c.logicalPath = this.logicalPath;
            break;
          case 'property':
            break;
          default:
            if (!changelogItemKeys.has(entry.key)) {
              this.report('unknown-key', 'warning', `Unknown changelog entry '${entry.key}'; Liquibase ignores it.${suggestion(entry.key, changelogItemKeys)}`, this.rangeOf(entry.keyNode));
            }
        }
      }
    }
    // includes and changesets are interleaved in execution order; keep the position of each include
    file.includes.sort((a, b) => compare(a.range, b.range));
    return file;
  }

  // ---- changeSet -------------------------------------------------------------------------------------

  private readChangeset(entry: Entry): Changeset {
    const body = this.resolve(entry.value);
    const headerRange = this.rangeOf(entry.keyNode);
    const attributes: ChangesetAttributes = { validCheckSum: [] };
    const changeset: Changeset = {
      id: '',
      author: '',
      file: this.path,
      logicalPath: this.logicalPath,
      kind: 'yaml',
      range: this.span(entry.keyNode, entry.value),
      headerRange,
      attributes,
      inheritedContexts: [],
      inheritedLabels: [],
      changes: [],
      rollback: { kind: 'none' },
      index: 0,
    };
    if (!isMap(body)) {
      this.report('invalid-value', 'error', 'A changeSet must be a mapping with id, author and changes.', headerRange);
      return changeset;
    }
    const entries = this.entries(body);
    const idEntry = entries.find((e) => e.key === 'id');
    const authorEntry = entries.find((e) => e.key === 'author');
    changeset.id = this.string(idEntry?.value) ?? '';
    changeset.author = this.string(authorEntry?.value) ?? '';
    if (idEntry) changeset.idRange = this.rangeOf(idEntry.value ?? idEntry.keyNode);
    if (authorEntry) changeset.authorRange = this.rangeOf(authorEntry.value ?? authorEntry.keyNode);
    this.currentChangeset = { id: changeset.id, author: changeset.author };
    if (!changeset.id) this.report('missing-id', 'error', 'This changeSet has no `id`; Liquibase requires one.', headerRange);
    if (!changeset.author) this.report('missing-author', 'error', 'This changeSet has no `author`; Liquibase requires one.', headerRange);

    for (const e of entries) {
      switch (e.key) {
        case 'id':
        case 'author':
          break;
        case 'runOnChange':
        case 'runAlways':
        case 'alwaysRun':
        case 'failOnError':
        case 'runInTransaction':
        case 'ignore': {
          const value = this.boolean(e);
          const key = e.key === 'alwaysRun' ? 'runAlways' : e.key;
          if (value !== undefined) (attributes as any)[key] = value;
          break;
        }
        case 'context':
        case 'contexts':
        case 'contextFilter':
          attributes.context = this.string(e.value);
          break;
        case 'labels':
          attributes.labels = this.listOrString(e.value);
          break;
        case 'dbms':
          attributes.dbms = this.listOrString(e.value);
          break;
        case 'validCheckSum': {
          const v = this.resolve(e.value);
          if (isSeq(v)) for (const item of v.items) attributes.validCheckSum.push(this.string(item as Node) ?? '');
          else attributes.validCheckSum.push(this.string(v) ?? '');
          break;
        }
        case 'logicalFilePath':
        case 'filePath':
          attributes.logicalFilePath = this.string(e.value);
          if (attributes.logicalFilePath) changeset.logicalPath = attributes.logicalFilePath;
          break;
        case 'comment':
          attributes.comment = this.string(e.value);
          break;
        case 'created':
          attributes.created = this.string(e.value);
          break;
        case 'runOrder':
          attributes.runOrder = this.string(e.value);
          break;
        case 'objectQuotingStrategy':
          attributes.objectQuotingStrategy = this.string(e.value);
          break;
        case 'preConditions':
        case 'preconditions':
          changeset.preconditions = this.readPreconditions(e);
          break;
        case 'changes':
          changeset.changes.push(...this.readChangeList(e));
          break;
        case 'rollback':
          changeset.rollback = this.readRollback(e);
          break;
        case 'onValidationFail':
        case 'runWith':
        case 'runWithSpoolFile':
        case 'modifySql':
          break;
        default: {
          const value = this.resolve(e.value);
          if (changeTypes.has(e.key)) {
            // real changelogs often write the change directly under changeSet, without `changes:`
            changeset.changes.push(this.readChange(e));
          } else if (isMap(value) || isSeq(value)) {
            this.report('unknown-change-type', 'error', `Unknown change type '${e.key}'.${suggestion(e.key, changeTypes.keys())}`, this.rangeOf(e.keyNode));
          } else {
            this.report('unknown-key', 'warning', `Unknown changeSet attribute '${e.key}'; Liquibase ignores it.${suggestion(e.key, changeSetKeys)}`, this.rangeOf(e.keyNode));
          }
        }
      }
    }
    this.currentChangeset = undefined;
    return changeset;
  }

  private readChangeList(entry: Entry): Change[] {
    const list = this.resolve(entry.value);
    if (!list) return [];
    const changes: Change[] = [];
    const items = isSeq(list) ? list.items.map((i) => this.resolve(i as Node)) : [list];
    for (const item of items) {
      if (!item) continue;
      if (!isMap(item)) {
        this.report('invalid-value', 'error', 'Each entry of `changes` must be a change such as `- sql:` or `- createTable:`.', this.rangeOf(item));
        continue;
      }
      for (const e of this.entries(item)) {
        if (changeTypes.has(e.key)) changes.push(this.readChange(e));
        else this.report('unknown-change-type', 'error', `Unknown change type '${e.key}'.${suggestion(e.key, changeTypes.keys())}`, this.rangeOf(e.keyNode));
      }
    }
    return changes;
  }

  private readChange(entry: Entry): Change {
    const info = changeTypes.get(entry.key)!;
    const value = this.resolve(entry.value);
    const change: Change = {
      type: entry.key,
      range: this.span(entry.keyNode, entry.value),
      typeRange: this.rangeOf(entry.keyNode),
      params: {},
      raw: this.expandDeep(value ? value.toJSON() : null),
    };
    if (isScalar(value) && (entry.key === 'sql' || entry.key === 'tagDatabase' || entry.key === 'output')) {
      // `- sql: SELECT 1` is the short form of `- sql: { sql: SELECT 1 }`
      const param = entry.key === 'sql' ? 'sql' : entry.key === 'tagDatabase' ? 'tag' : 'message';
      change.params[param] = { value: this.string(value), range: this.rangeOf(value) };
      if (entry.key === 'sql') change.sql = this.sqlText(value, SQL_CHANGE_DEFAULTS);
      return change;
    }
    if (value && !isMap(value)) {
      this.report('invalid-value', 'error', `'${entry.key}' must be a mapping of its parameters.`, this.rangeOf(value));
      return change;
    }
    const entries = value ? this.entries(value) : [];
    for (const e of entries) {
      const v = this.resolve(e.value);
      if (!info.params.has(e.key)) {
        this.report('unknown-key', 'warning', `'${e.key}' is not a parameter of ${entry.key}; Liquibase ignores it.${suggestion(e.key, info.params)}`, this.rangeOf(e.keyNode));
        continue;
      }
      if (isScalar(v) || v === null) change.params[e.key] = { value: this.scalarValue(v), range: this.rangeOf(v ?? e.keyNode) };
      if (e.key === 'columns' && isSeq(v)) this.checkColumns(v);
    }
    for (const required of info.required) {
      if (!entries.some((e) => e.key === required)) {
        this.report('missing-parameter', 'error', `${entry.key} requires '${required}'.`, change.typeRange);
      }
    }
    const options = {
      splitStatements: this.paramBoolean(change.params.splitStatements) ?? true,
      stripComments: this.paramBoolean(change.params.stripComments) ?? false,
      endDelimiter: change.params.endDelimiter?.value != null ? String(change.params.endDelimiter.value) : undefined,
    };
    const sqlNode = (name: string) => this.resolve(entries.find((e) => e.key === name)?.value ?? null);
    if (entry.key === 'sql') {
      const node = sqlNode('sql');
      if (isScalar(node)) change.sql = this.sqlText(node, options);
    } else if (entry.key === 'createView') {
      const node = sqlNode('selectQuery');
      if (isScalar(node)) change.sql = this.sqlText(node, { splitStatements: false, stripComments: false });
    } else if (entry.key === 'createProcedure') {
      const node = sqlNode('procedureText') ?? sqlNode('procedureBody');
      if (isScalar(node)) change.sql = this.sqlText(node, { splitStatements: false, stripComments: false });
    }
    if (change.params.path) change.pathRange = change.params.path.range;
    if (change.params.file && (entry.key === 'loadData' || entry.key === 'loadUpdateData')) change.pathRange = change.params.file.range;
    if (change.params.dbms) change.dbms = String(change.params.dbms.value ?? '');
    return change;
  }

  private checkColumns(list: Node): void {
    if (!isSeq(list)) return;
    for (const item of list.items) {
      const map = this.resolve(item as Node);
      if (!isMap(map)) continue;
      for (const e of this.entries(map)) {
        if (e.key !== 'column') {
          this.report('unknown-key', 'warning', `Expected '- column:' here, found '${e.key}'.`, this.rangeOf(e.keyNode));
          continue;
        }
        const column = this.resolve(e.value);
        if (!isMap(column)) continue;
        for (const c of this.entries(column)) {
          if (!columnKeys.has(c.key)) {
            this.report('unknown-key', 'warning', `'${c.key}' is not a column attribute; Liquibase ignores it.${suggestion(c.key, columnKeys)}`, this.rangeOf(c.keyNode));
          } else if (c.key === 'constraints') {
            const constraints = this.resolve(c.value);
            if (!isMap(constraints)) continue;
            for (const k of this.entries(constraints)) {
              if (!constraintKeys.has(k.key)) {
                this.report('unknown-key', 'warning', `'${k.key}' is not a column constraint attribute; Liquibase ignores it.${suggestion(k.key, constraintKeys)}`, this.rangeOf(k.keyNode));
              }
            }
          }
        }
      }
    }
  }

  private readRollback(entry: Entry): Rollback {
    const value = this.resolve(entry.value);
    const range = this.span(entry.keyNode, entry.value);
    if (value === null || (isScalar(value) && (value.value === null || String(value.value).trim() === ''))) {
      return { kind: 'empty', range };
    }
    if (isScalar(value)) {
      // `rollback: DROP TABLE t` is a sql change
      const sql = this.sqlText(value, SQL_CHANGE_DEFAULTS);
      const change: Change = {
        type: 'sql',
        range: this.rangeOf(value),
        typeRange: this.rangeOf(entry.keyNode),
        params: { sql: { value: sql.text, range: this.rangeOf(value) } },
        raw: sql.text,
        sql,
      };
      return { kind: 'changes', changes: [change], range };
    }
    if (isMap(value)) {
      const entries = this.entries(value);
      const id = entries.find((e) => e.key === 'changeSetId');
      if (id) {
        return {
          kind: 'reference',
          id: this.string(id.value) ?? '',
          author: this.string(entries.find((e) => e.key === 'changeSetAuthor')?.value) ?? '',
          path: this.string(entries.find((e) => e.key === 'changeSetPath')?.value),
          range,
        };
      }
      const changes: Change[] = [];
      for (const e of entries) {
        if (changeTypes.has(e.key)) changes.push(this.readChange(e));
        else this.report('unknown-change-type', 'error', `Unknown change type '${e.key}' in rollback.${suggestion(e.key, changeTypes.keys())}`, this.rangeOf(e.keyNode));
      }
      return { kind: 'changes', changes, range };
    }
    if (isSeq(value)) {
      if (value.items.length === 0) return { kind: 'empty', range };
      const changes: Change[] = [];
      for (const item of value.items) {
        const node = this.resolve(item as Node);
        if (isScalar(node)) {
          const sql = this.sqlText(node, SQL_CHANGE_DEFAULTS);
          changes.push({ type: 'sql', range: this.rangeOf(node), typeRange: this.rangeOf(node), params: {}, raw: sql.text, sql });
          continue;
        }
        if (!isMap(node)) continue;
        for (const e of this.entries(node)) {
          if (changeTypes.has(e.key)) changes.push(this.readChange(e));
          else this.report('unknown-change-type', 'error', `Unknown change type '${e.key}' in rollback.${suggestion(e.key, changeTypes.keys())}`, this.rangeOf(e.keyNode));
        }
      }
      return { kind: 'changes', changes, range };
    }
    return { kind: 'empty', range };
  }

  // ---- include, includeAll, property, preConditions --------------------------------------------------------

  private readInclude(entry: Entry): Include | undefined {
    const value = this.resolve(entry.value);
    const kind = entry.key as 'include' | 'includeAll';
    const range = this.span(entry.keyNode, entry.value);
    if (!isMap(value)) {
      this.report('invalid-value', 'error', `'${kind}' must be a mapping with '${kind === 'include' ? 'file' : 'path'}'.`, this.rangeOf(entry.keyNode));
      return undefined;
    }
    const entries = this.entries(value);
    const known = kind === 'include' ? includeKeys : includeAllKeys;
    for (const e of entries) {
      if (!known.has(e.key)) this.report('unknown-key', 'warning', `'${e.key}' is not a parameter of ${kind}; Liquibase ignores it.${suggestion(e.key, known)}`, this.rangeOf(e.keyNode));
    }
    const pathKey = kind === 'include' ? 'file' : 'path';
    const pathEntry = entries.find((e) => e.key === pathKey);
    const path = this.string(pathEntry?.value);
    if (!path) {
      this.report('missing-parameter', 'error', `${kind} requires '${pathKey}'.`, this.rangeOf(entry.keyNode));
      return undefined;
    }
    const get = (key: string) => entries.find((e) => e.key === key);
    const bool = (key: string) => {
      const e = get(key);
      return e ? this.boolean(e) : undefined;
    };
    if (bool('ignore')) return undefined;
    return {
      kind,
      path,
      range,
      pathRange: this.rangeOf(pathEntry!.value ?? pathEntry!.keyNode),
      relativeToChangelogFile: bool('relativeToChangelogFile') ?? false,
      context: this.string(get('context')?.value ?? get('contextFilter')?.value ?? null),
      labels: this.listOrString(get('labels')?.value ?? null),
      errorIfMissing: bool(kind === 'include' ? 'errorIfMissing' : 'errorIfMissingOrEmpty') ?? true,
    };
  }

  private readProperty(entry: Entry): PropertyDefinition[] {
    const value = this.resolve(entry.value);
    if (!isMap(value)) return [];
    const entries = this.entries(value);
    for (const e of entries) {
      if (!propertyKeys.has(e.key)) this.report('unknown-key', 'warning', `'${e.key}' is not a property attribute.${suggestion(e.key, propertyKeys)}`, this.rangeOf(e.keyNode));
    }
    const get = (key: string) => this.rawString(entries.find((e) => e.key === key)?.value ?? null);
    const name = get('name');
    if (!name) return [];
    const global = get('global');
    return [{
      name,
      value: get('value') ?? '',
      context: get('context') ?? get('contextFilter'),
      labels: get('labels'),
      dbms: get('dbms'),
      global: global === undefined ? true : global !== 'false',
      file: this.path,
      range: this.span(entry.keyNode, entry.value),
    }];
  }

  private readPreconditions(entry: Entry): Preconditions {
    const result: Preconditions = { conditions: [], range: this.span(entry.keyNode, entry.value) };
    const value = this.resolve(entry.value);
    const visit = (e: Entry) => {
      if (preconditionAttributes.has(e.key)) {
        (result as any)[e.key] = this.string(e.value);
        return;
      }
      result.conditions.push(this.readCondition(e));
    };
    for (const e of this.itemEntries(value)) visit(e);
    return result;
  }

  private readCondition(e: Entry): Precondition {
    const value = this.resolve(e.value);
    const condition: Precondition = { type: e.key, params: {}, nested: [], range: this.span(e.keyNode, e.value) };
    if (!preconditionTypes.has(e.key)) {
      this.report('unknown-key', 'warning', `Unknown precondition '${e.key}'.${suggestion(e.key, preconditionTypes)}`, this.rangeOf(e.keyNode));
    }
    if (e.key === 'and' || e.key === 'or' || e.key === 'not') {
      for (const inner of this.itemEntries(value)) condition.nested.push(this.readCondition(inner));
      return condition;
    }
    if (isScalar(value) && e.key === 'sqlCheck') {
      condition.sql = this.sqlText(value, { splitStatements: false, stripComments: false });
      return condition;
    }
    if (isMap(value)) {
      for (const p of this.entries(value)) {
        const v = this.resolve(p.value);
        if (e.key === 'sqlCheck' && p.key === 'sql' && isScalar(v)) condition.sql = this.sqlText(v, { splitStatements: false, stripComments: false });
        else condition.params[p.key] = this.string(v) ?? '';
      }
    }
    return condition;
  }

  /** entries of a mapping, or of each mapping in a list (preConditions are written both ways) */
  private itemEntries(value: Node | null): Entry[] {
    if (isMap(value)) return this.entries(value);
    if (isSeq(value)) {
      const out: Entry[] = [];
      for (const item of value.items) {
        const node = this.resolve(item as Node);
        if (isMap(node)) out.push(...this.entries(node));
      }
      return out;
    }
    return [];
  }

  // ---- SQL text ------------------------------------------------------------------------------------------

  private sqlText(node: Scalar, options: { splitStatements: boolean; stripComments: boolean; endDelimiter?: string }): SqlText {
    const value = node.value == null ? '' : typeof node.value === 'string' ? node.value : String(node.value);
    const offsets = scalarOffsets(node, value, this.text);
    const expanded = this.options.properties.expandWithOffsets(value, offsets);
    const sql: SqlText = {
      text: expanded.text,
      file: this.path,
      offsets: expanded.offsets,
      baseOffset: 0,
      splitStatements: options.splitStatements,
      stripComments: options.stripComments,
      endDelimiter: options.endDelimiter,
    };
    if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') this.checkSwallowedYaml(sql);
    return sql;
  }

  /**
   * An under-indented `- changeSet:` after a `sql: |` block is not a new changeset: YAML makes it part of
   * the SQL text, and Liquibase then runs it as SQL. Nothing else points at this slip.
   */
  private checkSwallowedYaml(sql: SqlText): void {
    const pattern = /^[ \t]*-[ \t]+(changeSet|include|includeAll|property|sql|sqlFile|[a-z]+[A-Z][A-Za-z]*)[ \t]*:/gm;
    for (const match of sql.text.matchAll(pattern)) {
      const name = match[1];
      if (name !== 'changeSet' && name !== 'include' && name !== 'includeAll' && name !== 'property' && !changeTypes.has(name)) continue;
      const start = sql.offsets![match.index!];
      const lineEnd = sql.text.indexOf('\n', match.index!);
      const end = sql.offsets![lineEnd < 0 ? sql.text.length : lineEnd];
      this.report(
        'yaml-swallowed-changeset',
        'error',
        `This '- ${name}:' is inside the SQL block above it (its indentation makes it part of the text), so Liquibase will run it as SQL instead of reading it as a ${name}. Indent it like the other entries.`,
        this.range(start, end),
      );
    }
  }

  // ---- node helpers --------------------------------------------------------------------------------------

  private resolve(node: unknown): Node | null {
    let n = node as Node | null | undefined;
    for (let depth = 0; n && isAlias(n) && depth < 64; depth++) n = n.resolve(this.doc) as Node | undefined;
    return n && !isAlias(n) ? n : null;
  }

  private entries(map: YAMLMap): Entry[] {
    const out: Entry[] = [];
    for (const pair of map.items) {
      const keyNode = this.resolve(pair.key as Node);
      const key = isScalar(keyNode) ? String(keyNode.value) : '';
      if (key === '<<') {
        // merge keys: `<<: *defaults` brings the aliased mapping's entries, explicit keys win
        const source = this.resolve(pair.value as Node);
        const sources = isSeq(source) ? source.items.map((i) => this.resolve(i as Node)) : [source];
        for (const s of sources) if (isMap(s)) for (const e of this.entries(s)) if (!map.items.some((p) => isScalar(p.key) && p.key.value === e.key)) out.push(e);
        continue;
      }
      out.push({ key, keyNode: (pair.key as Node) ?? null, value: (pair.value as Node) ?? null, pair });
    }
    return out;
  }

  private scalarValue(node: Node | null): unknown {
    if (!isScalar(node)) return null;
    if (typeof node.value === 'string') return this.options.properties.expand(node.value);
    return node.value;
  }

  /** a scalar as the string Liquibase sees (SnakeYAML's Java toString), after ${} expansion */
  private string(node: unknown): string | undefined {
    const raw = this.rawString(node);
    return raw === undefined ? undefined : this.options.properties.expand(raw);
  }

  private rawString(node: unknown): string | undefined {
    const n = this.resolve(node);
    if (!isScalar(n) || n.value === null || n.value === undefined) return undefined;
    const v = n.value;
    if (typeof v === 'number') {
      const source = n.source ?? '';
      return Number.isInteger(v) && /[.eE]/.test(String(source)) ? `${v}.0` : String(v);
    }
    return String(v);
  }

  private listOrString(node: unknown): string | undefined {
    const n = this.resolve(node);
    if (isSeq(n)) return n.items.map((i) => this.string(i as Node) ?? '').join(',');
    return this.string(n);
  }

  private boolean(e: Entry): boolean | undefined {
    const n = this.resolve(e.value);
    if (!isScalar(n)) return undefined;
    if (typeof n.value === 'boolean') return n.value;
    const s = this.string(n)?.toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
    this.report('invalid-value', 'error', `'${e.key}' must be true or false.`, this.rangeOf(n));
    return undefined;
  }

  private paramBoolean(p: ParamValue | undefined): boolean | undefined {
    if (!p) return undefined;
    if (typeof p.value === 'boolean') return p.value;
    if (typeof p.value === 'string') return p.value.toLowerCase() === 'true' ? true : p.value.toLowerCase() === 'false' ? false : undefined;
    return undefined;
  }

  private expandDeep(value: unknown): unknown {
    if (typeof value === 'string') return this.options.properties.expand(value);
    if (Array.isArray(value)) return value.map((v) => this.expandDeep(v));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.expandDeep(v);
      return out;
    }
    return value;
  }

  private rangeOf(node: unknown): Range {
    const n = node as Node | null;
    if (!n || !n.range) return this.range(0, 0);
    return this.range(n.range[0], n.range[1]);
  }

  private span(from: unknown, to: unknown): Range {
    const a = from as Node | null;
    const b = (to as Node | null) ?? a;
    const start = a?.range?.[0] ?? 0;
    const end = b?.range ? b.range[1] : a?.range?.[1] ?? start;
    return this.range(start, trimEnd(this.text, Math.max(start, end)));
  }

  private range(start: number, end: number): Range {
    return this.lines.range(start, end);
  }

  private report(rule: string, severity: Severity, message: string, range: Range): void {
    this.findings.push({ rule, severity, message, file: this.path, range, changeset: this.currentChangeset });
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

function trimEnd(text: string, end: number): number {
  let e = end;
  while (e > 0 && /\s/.test(text[e - 1])) e--;
  return e;
}

function compare(a: Range, b: Range): number {
  return a.start.line - b.start.line || a.start.character - b.start.character;
}

export { dbmsIncludesPostgres };
