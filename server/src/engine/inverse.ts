// The automatic rollback Liquibase 4.28 derives for a change (Change.createInverses in liquibase-standard
// v4.28.0): the changes that undo it, or undefined when Liquibase has none and fails with
// `No inverse to liquibase.change.core.<Class> created` (see changeClassName in ./generate).
//
// The inverse changes carry exactly the properties Liquibase copies into them; everything else (catalogName,
// and in some cases schemaName) is dropped, as Liquibase drops it.

import type { Change, ParamValue } from '../changelog/model';
import { asRaw, columnEntries, hasDefaultValue, Params, parseColumn, type Raw } from './generate-columns';
import { lookupConstraintName } from './generate';

type Builder = (p: Params, raw: Raw) => { type: string; raw: Raw }[];

/** copies the listed parameters that are set */
function pick(p: Params, keys: string[], rename: Record<string, string> = {}): Raw {
  const out: Raw = {};
  for (const key of keys) {
    const value = p.raw[key];
    if (value != null) out[rename[key] ?? key] = value;
  }
  return out;
}

const INVERSES: Record<string, Builder> = {
  createTable: (p) => [{ type: 'dropTable', raw: pick(p, ['schemaName', 'tableName']) }],
  addColumn: (p, raw) => {
    const out: { type: string; raw: Raw }[] = [];
    const columns = columnEntries(raw);
    for (const column of columns) {
      if (hasDefaultValue(parseColumn(column))) {
        out.push({ type: 'dropDefaultValue', raw: { tableName: p.raw.tableName, columnName: column.name, ...pick(p, ['schemaName']) } });
      }
    }
    out.push({ type: 'dropColumn', raw: { ...pick(p, ['schemaName', 'tableName']), columns: columns.map((column) => ({ column })) } });
    return out;
  },
  addDefaultValue: (p) => [{ type: 'dropDefaultValue', raw: pick(p, ['schemaName', 'tableName', 'columnName', 'columnDataType']) }],
  addForeignKeyConstraint: (p) => [{ type: 'dropForeignKeyConstraint', raw: pick(p, ['baseTableSchemaName', 'baseTableName', 'constraintName']) }],
  addLookupTable: (p) => [
    {
      type: 'dropForeignKeyConstraint',
      raw: { ...pick(p, ['existingTableSchemaName', 'existingTableName'], { existingTableSchemaName: 'baseTableSchemaName', existingTableName: 'baseTableName' }), constraintName: lookupConstraintName(p) },
    },
    { type: 'dropTable', raw: pick(p, ['newTableSchemaName', 'newTableName'], { newTableSchemaName: 'schemaName', newTableName: 'tableName' }) },
  ],
  addNotNullConstraint: (p) => [{ type: 'dropNotNullConstraint', raw: pick(p, ['columnName', 'schemaName', 'tableName', 'columnDataType']) }],
  dropNotNullConstraint: (p) => [{ type: 'addNotNullConstraint', raw: pick(p, ['columnName', 'schemaName', 'tableName', 'columnDataType', 'constraintName']) }],
  addPrimaryKey: (p) => [
    { type: 'dropPrimaryKey', raw: { ...pick(p, ['schemaName', 'tableName', 'constraintName']), ...(p.raw.forIndexName != null ? { dropIndex: false } : {}) } },
  ],
  addUniqueConstraint: (p) => [
    { type: 'dropUniqueConstraint', raw: pick(p, ['schemaName', 'tableName', 'constraintName', 'columnNames'], { columnNames: 'uniqueColumns' }) },
  ],
  createIndex: (p) => [{ type: 'dropIndex', raw: pick(p, ['schemaName', 'tableName', 'indexName']) }],
  createSequence: (p) => [{ type: 'dropSequence', raw: pick(p, ['sequenceName', 'schemaName']) }],
  createView: (p) => [{ type: 'dropView', raw: pick(p, ['viewName', 'schemaName']) }],
  renameColumn: (p) => [
    {
      type: 'renameColumn',
      raw: pick(p, ['schemaName', 'tableName', 'newColumnName', 'oldColumnName', 'columnDataType'], { newColumnName: 'oldColumnName', oldColumnName: 'newColumnName' }),
    },
  ],
  renameSequence: (p) => [
    { type: 'renameSequence', raw: pick(p, ['schemaName', 'newSequenceName', 'oldSequenceName'], { newSequenceName: 'oldSequenceName', oldSequenceName: 'newSequenceName' }) },
  ],
  renameTable: (p) => [
    { type: 'renameTable', raw: pick(p, ['schemaName', 'newTableName', 'oldTableName'], { newTableName: 'oldTableName', oldTableName: 'newTableName' }) },
  ],
  // RenameViewChange's inverse does not carry the schema over
  renameView: (p) => [{ type: 'renameView', raw: pick(p, ['newViewName', 'oldViewName'], { newViewName: 'oldViewName', oldViewName: 'newViewName' }) }],
  tagDatabase: () => [],
  empty: () => [],
  output: () => [],
  // Liquibase Pro: dropping the constraint undoes it (not in liquibase-standard; unconfirmed)
  addCheckConstraint: (p) => [{ type: 'dropCheckConstraint', raw: pick(p, ['schemaName', 'tableName', 'constraintName']) }],
};

/**
 * The changes Liquibase runs to roll back `change` when its changeset has no rollback block, in the order
 * Liquibase runs them (the caller reverses the order of the changes of a changeset, not of these).
 * `[]` means a rollback with nothing to run (tagDatabase, empty, output); undefined means Liquibase has no
 * inverse (sql, sqlFile, insert, update, delete, dropTable, dropColumn, …).
 */
export function inverseOf(change: Change): Change[] | undefined {
  const build = INVERSES[change.type];
  if (!build) return undefined;
  const raw = asRaw(change.raw);
  return build(new Params(raw), raw).map(({ type, raw: inverseRaw }) => toChange(change, type, inverseRaw));
}

function toChange(from: Change, type: string, raw: Raw): Change {
  const params: Record<string, ParamValue> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === null || typeof value !== 'object' || value instanceof Date) params[key] = { value, range: from.range };
  }
  return { type, range: from.range, typeRange: from.typeRange, params, raw };
}
