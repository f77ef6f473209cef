// Liquibase 4.28 splits a sql change at each `;` (or endDelimiter) without knowing PostgreSQL's dollar quoting, so a
// function or DO body written between $$ … $$ reaches the server in pieces: "unterminated dollar-quoted string".
// The SQL layer records where Liquibase would cut (`parsed.liquibaseCuts`); pgcs itself never cuts a $$ body.

import { sqlRange } from '../sql/analyse';
import { linesOf, splitStatementsFalse } from './changeset-edits';
import type { Rule } from './rule';

export const dollarBodySplit: Rule = {
  meta: {
    id: 'dollar-body-split',
    category: 'hygiene',
    severity: 'error',
    title: "Liquibase's statement splitter cuts a $$ body in pieces",
    docs: {
      why:
        'Liquibase splits SQL at every `;` when splitStatements is true (the default), and its splitter does not know ' +
        "PostgreSQL's dollar quoting: a CREATE FUNCTION or DO block whose $$ body contains `;` is sent in pieces, and " +
        'PostgreSQL rejects the first piece ("unterminated dollar-quoted string"). The changeset fails under Liquibase ' +
        'although psql and pgcs run it fine.' +
        ' PostgreSQL docs: <https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-DOLLAR-QUOTING>',
      instead:
        'Set splitStatements: false on the change (YAML) or on the --changeset line (formatted SQL). The SQL is then sent ' +
        'as one query; PostgreSQL still runs each statement of it.',
      bad: "--changeset a:1\nCREATE FUNCTION touch() RETURNS trigger AS $$\nBEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;",
      good: "--changeset a:1 splitStatements:false\nCREATE FUNCTION touch() RETURNS trigger AS $$\nBEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;",
    },
    fixable: true,
  },
  changeset(context) {
    for (const change of context.changeset.changes) {
      const sql = change.sql;
      const cuts = sql?.parsed?.liquibaseCuts;
      if (!sql || !cuts?.length || (change.type !== 'sql' && change.type !== 'sqlFile')) continue;
      const lines = linesOf(context.changelog, sql.file);
      if (!lines) continue;
      const statements = context.statements.filter((s) => s.change === change && !s.generated);
      const reported = new Set<unknown>();
      for (const cut of cuts) {
        const range = sqlRange(sql, lines, cut.start, cut.end);
        const offset = lines.offset(range.start);
        // one finding per statement, at the first place Liquibase cuts it
        const statement = statements.find((s) => lines.offset(s.range.start) <= offset && offset < lines.offset(s.range.end));
        const key = statement ?? cut;
        if (reported.has(key)) continue;
        reported.add(key);
        const edits = splitStatementsFalse(context.changelog, context.changeset, change);
        context.report({
          message:
            `Liquibase splits this change at every ';' without knowing $$ quoting, so it cuts the dollar-quoted body here and PostgreSQL ` +
            `rejects the pieces ("unterminated dollar-quoted string"). Set splitStatements: false on the change.`,
          range,
          file: sql.file,
          statement,
          fixes: edits && [{ title: 'Set splitStatements: false', edits, preferred: true }],
        });
      }
    }
  },
};
