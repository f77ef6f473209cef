// The table locks a statement takes, as PostgreSQL documents them per command
// (https://www.postgresql.org/docs/current/explicit-locking.html, and the "lock" notes of ALTER TABLE:
// https://www.postgresql.org/docs/current/sql-altertable.html). Only the strong ones matter to the locking rules:
// SHARE and above block every write to the table; ACCESS EXCLUSIVE blocks reads too. While such a statement waits
// for its lock, every later query on the table queues behind it.

import type { Schema } from '../schema/schema';
import { relationKey } from '../schema/schema';
import { namesOf } from '../schema/replay';
import type { ChangesetStatement } from '../schema/statements';

export type LockMode = 'ACCESS EXCLUSIVE' | 'EXCLUSIVE' | 'SHARE ROW EXCLUSIVE' | 'SHARE';

export interface TableLock {
  /** the table as written: `name` or `schema.name` */
  table: string;
  name: string;
  schema?: string;
  mode: LockMode;
}

/** ALTER TABLE subcommands that take less than SHARE (SHARE UPDATE EXCLUSIVE): reads and writes go on. */
const WEAK_ALTER_TABLE = new Set([
  'AT_ValidateConstraint', 'AT_SetStatistics', 'AT_ClusterOn', 'AT_DropCluster', 'AT_SetRelOptions', 'AT_ResetRelOptions',
  'AT_SetOptions', 'AT_ResetOptions', 'AT_AttachPartition', 'AT_DetachPartitionFinalize',
]);

/** ALTER TABLE subcommands that take SHARE ROW EXCLUSIVE: writes wait, reads go on. */
const SHARE_ROW_EXCLUSIVE_ALTER_TABLE = new Set([
  'AT_EnableTrig', 'AT_EnableAlwaysTrig', 'AT_EnableReplicaTrig', 'AT_DisableTrig', 'AT_EnableTrigAll', 'AT_DisableTrigAll',
  'AT_EnableTrigUser', 'AT_DisableTrigUser',
]);

const LOCK_MODES: Record<number, LockMode> = { 5: 'SHARE', 6: 'SHARE ROW EXCLUSIVE', 7: 'EXCLUSIVE', 8: 'ACCESS EXCLUSIVE' };

const STRENGTH: Record<LockMode, number> = { SHARE: 5, 'SHARE ROW EXCLUSIVE': 6, EXCLUSIVE: 7, 'ACCESS EXCLUSIVE': 8 };

export function tableOf(relation: { relname?: string; schemaname?: string } | undefined): { table: string; name: string; schema?: string } | undefined {
  if (!relation?.relname) return undefined;
  return { table: relation.schemaname ? `${relation.schemaname}.${relation.relname}` : relation.relname, name: relation.relname, schema: relation.schemaname };
}

function lock(relation: any, mode: LockMode): TableLock[] {
  const table = tableOf(relation);
  return table ? [{ ...table, mode }] : [];
}

/** The table an index belongs to, when the changelog created the index (DROP INDEX names only the index). */
export function tableOfIndex(schema: Schema, names: string[]): { table: string; name: string; schema?: string } | undefined {
  const name = names[names.length - 1];
  const index = schema.indexes.get(relationKey(name, names.length > 1 ? names[names.length - 2] : undefined));
  const table = index && schema.tables.get(index.table);
  return table ? { table: table.schema ? `${table.schema}.${table.name}` : table.name, name: table.name, schema: table.schema } : undefined;
}

/** The locks of SHARE or stronger that the statement takes on tables, in the schema as it is just before it. */
export function strongLocksOf(statement: ChangesetStatement, schema: Schema): TableLock[] {
  const body = statement.body;
  switch (statement.kind) {
    case 'AlterTableStmt': {
      if (body.objtype !== 'OBJECT_TABLE') return [];
      let mode: LockMode | undefined;
      // a foreign key also takes SHARE ROW EXCLUSIVE on the table it references
      const referenced: TableLock[] = [];
      for (const cmd of body.cmds ?? []) {
        const c = cmd.AlterTableCmd ?? {};
        if (c.subtype === 'AT_AddConstraint' && c.def?.Constraint?.contype === 'CONSTR_FOREIGN') referenced.push(...lock(c.def.Constraint.pktable, 'SHARE ROW EXCLUSIVE'));
        if (c.subtype === 'AT_DetachPartition' && c.def?.PartitionCmd?.concurrent) continue;
        const own: LockMode | undefined = WEAK_ALTER_TABLE.has(c.subtype)
          ? undefined
          : SHARE_ROW_EXCLUSIVE_ALTER_TABLE.has(c.subtype) || (c.subtype === 'AT_AddConstraint' && c.def?.Constraint?.contype === 'CONSTR_FOREIGN')
            ? 'SHARE ROW EXCLUSIVE'
            : 'ACCESS EXCLUSIVE';
        if (own && (!mode || STRENGTH[own] > STRENGTH[mode])) mode = own;
      }
      return [...(mode ? lock(body.relation, mode) : []), ...referenced];
    }
    case 'RenameStmt':
      return body.relation && ['OBJECT_TABLE', 'OBJECT_COLUMN', 'OBJECT_TABCONSTRAINT'].includes(body.renameType) ? lock(body.relation, 'ACCESS EXCLUSIVE') : [];
    case 'IndexStmt':
      return body.concurrent ? [] : lock(body.relation, 'SHARE');
    case 'DropStmt': {
      if (body.removeType === 'OBJECT_TABLE') {
        return (body.objects ?? []).flatMap((o: any) => {
          const parts = namesOf(o);
          const name = parts[parts.length - 1];
          return name ? lock({ relname: name, schemaname: parts.length > 1 ? parts[parts.length - 2] : undefined }, 'ACCESS EXCLUSIVE') : [];
        });
      }
      if (body.removeType === 'OBJECT_INDEX' && !body.concurrent) {
        return (body.objects ?? []).flatMap((o: any) => {
          const table = tableOfIndex(schema, namesOf(o));
          return table ? [{ ...table, mode: 'ACCESS EXCLUSIVE' as const }] : [];
        });
      }
      return [];
    }
    case 'TruncateStmt':
      return (body.relations ?? []).flatMap((r: any) => lock(r.RangeVar, 'ACCESS EXCLUSIVE'));
    case 'LockStmt': {
      const mode = LOCK_MODES[body.mode ?? 8];
      return mode ? (body.relations ?? []).flatMap((r: any) => lock(r.RangeVar, mode)) : [];
    }
    case 'VacuumStmt': {
      const full = (body.options ?? []).some((o: any) => o.DefElem?.defname === 'full');
      return body.is_vacuumcmd && full ? (body.rels ?? []).flatMap((r: any) => lock(r.VacuumRelation?.relation, 'ACCESS EXCLUSIVE')) : [];
    }
    case 'ClusterStmt':
      return lock(body.relation, 'ACCESS EXCLUSIVE');
    case 'CreateTrigStmt':
      return lock(body.relation, 'SHARE ROW EXCLUSIVE');
    case 'ReindexStmt': {
      const concurrently = (body.params ?? []).some((p: any) => p.DefElem?.defname === 'concurrently');
      return !concurrently && body.kind === 'REINDEX_OBJECT_TABLE' ? lock(body.relation, 'SHARE') : [];
    }
    default:
      return [];
  }
}
