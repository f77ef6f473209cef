import type { Driver } from './driver';

/**
 * A comparable picture of a database's schema: one line per object or property, keyed so that two
 * snapshots can be diffed line by line. The tracking tables are left out: they change on every run.
 */
export type CatalogSnapshot = Map<string, string>;

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp_%' AND n.nspname NOT LIKE 'pg_toast_temp_%'`;
const NOT_TRACKING = `c.relname NOT IN ('databasechangelog', 'databasechangeloglock')`;

const QUERIES: { kind: string; sql: string }[] = [
  {
    kind: 'schema',
    sql: `SELECT n.nspname AS key, pg_get_userbyid(n.nspowner) AS value FROM pg_namespace n WHERE ${USER_SCHEMAS} AND n.nspname <> 'public'`,
  },
  {
    kind: 'relation',
    sql: `SELECT n.nspname || '.' || c.relname AS key,
            CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
              WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' ELSE c.relkind::text END
            || CASE c.relpersistence WHEN 'u' THEN ' unlogged' ELSE '' END
            || COALESCE(' comment ' || quote_literal(obj_description(c.oid, 'pg_class')), '') AS value
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND ${USER_SCHEMAS} AND ${NOT_TRACKING}`,
  },
  {
    kind: 'column',
    sql: `SELECT n.nspname || '.' || c.relname || '.' || a.attname AS key,
            format_type(a.atttypid, a.atttypmod)
            || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
            || COALESCE(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
            || CASE a.attidentity WHEN 'a' THEN ' identity always' WHEN 'd' THEN ' identity by default' ELSE '' END
            || CASE a.attgenerated WHEN 's' THEN ' generated stored' WHEN 'v' THEN ' generated virtual' ELSE '' END
            || COALESCE(' collate ' || NULLIF(co.collname, 'default'), '')
            || COALESCE(' comment ' || quote_literal(col_description(c.oid, a.attnum)), '') AS value
          FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 0
          WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${USER_SCHEMAS} AND ${NOT_TRACKING}`,
  },
  {
    kind: 'constraint',
    sql: `SELECT n.nspname || '.' || c.relname || '.' || con.conname AS key,
            pg_get_constraintdef(con.oid) || CASE WHEN con.convalidated THEN '' ELSE ' (not validated)' END AS value
          FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE ${USER_SCHEMAS} AND ${NOT_TRACKING}`,
  },
  {
    kind: 'index',
    sql: `SELECT n.nspname || '.' || i.relname AS key, pg_get_indexdef(i.oid) || CASE WHEN x.indisvalid THEN '' ELSE ' (invalid)' END AS value
          FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = i.relnamespace
          WHERE ${USER_SCHEMAS} AND ${NOT_TRACKING}`,
  },
  {
    kind: 'view definition',
    sql: `SELECT n.nspname || '.' || c.relname AS key, pg_get_viewdef(c.oid, true) AS value
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND ${USER_SCHEMAS}`,
  },
  {
    kind: 'sequence',
    sql: `SELECT n.nspname || '.' || c.relname AS key,
            format_type(s.seqtypid, NULL) || ' start ' || s.seqstart || ' increment ' || s.seqincrement || ' min ' || s.seqmin || ' max ' || s.seqmax
            || ' cache ' || s.seqcache || CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END AS value
          FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_SCHEMAS}`,
  },
  {
    kind: 'function',
    sql: `SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS key,
            md5(pg_get_functiondef(p.oid)) AS value
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE ${USER_SCHEMAS} AND p.prokind IN ('f', 'p') AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')`,
  },
  {
    kind: 'trigger',
    sql: `SELECT n.nspname || '.' || c.relname || '.' || t.tgname AS key, pg_get_triggerdef(t.oid) AS value
          FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE NOT t.tgisinternal AND ${USER_SCHEMAS}`,
  },
  {
    kind: 'grant',
    sql: `SELECT n.nspname || '.' || c.relname || ' to ' || COALESCE(NULLIF(pg_get_userbyid(acl.grantee), ''), 'PUBLIC') AS key,
            string_agg(acl.privilege_type, ', ' ORDER BY acl.privilege_type) AS value
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) acl
          WHERE c.relacl IS NOT NULL AND acl.grantee <> c.relowner AND ${USER_SCHEMAS} AND ${NOT_TRACKING}
          GROUP BY 1`,
  },
  {
    kind: 'type',
    sql: `SELECT n.nspname || '.' || t.typname AS key,
            CASE t.typtype WHEN 'e' THEN 'enum (' || (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid) || ')'
              WHEN 'd' THEN 'domain ' || format_type(t.typbasetype, t.typtypmod) ELSE 'type ' || t.typtype::text END AS value
          FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
          WHERE t.typtype IN ('e', 'd') AND ${USER_SCHEMAS}`,
  },
  {
    kind: 'extension',
    sql: `SELECT e.extname AS key, e.extversion AS value FROM pg_extension e WHERE e.extname <> 'plpgsql'`,
  },
];

export async function snapshotCatalog(driver: Driver): Promise<CatalogSnapshot> {
  const snapshot: CatalogSnapshot = new Map();
  for (const { kind, sql } of QUERIES) {
    const { rows } = await driver.query<{ key: string; value: string | null }>(sql);
    for (const row of rows) snapshot.set(`${kind} ${row.key}`, row.value ?? '');
  }
  return snapshot;
}

/** Human-readable differences from `before` to `after`: what appeared, what disappeared, what changed. */
export function diffCatalog(before: CatalogSnapshot, after: CatalogSnapshot): string[] {
  const differences: string[] = [];
  for (const [key, value] of after) {
    if (!before.has(key)) differences.push(`left behind: ${key}${value ? ` (${value})` : ''}`);
    else if (before.get(key) !== value) differences.push(`changed: ${key}: was ${before.get(key)}, now ${value}`);
  }
  for (const [key, value] of before) if (!after.has(key)) differences.push(`missing: ${key}${value ? ` (${value})` : ''}`);
  return differences.sort();
}
