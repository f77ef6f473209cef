// The change types Liquibase 4.28 knows (core, plus the commonly used ones), with their parameters.
// A parameter ending in `!` is required: Liquibase's validation rejects the change without it.
// Used for "unknown key / did you mean" and "missing parameter" diagnostics, and later for completion.

const where = ['where', 'whereParams'];
const owner = ['schemaName', 'catalogName'];
const defaults = [
  'defaultValue', 'defaultValueNumeric', 'defaultValueBoolean', 'defaultValueDate', 'defaultValueComputed',
  'defaultValueSequenceNext', 'defaultValueConstraintName',
];
const sqlOptions = ['splitStatements', 'stripComments', 'endDelimiter', 'dbms', 'comment'];
const fileOptions = ['path', 'relativeToChangelogFile', 'encoding'];

const table: Record<string, string[]> = {
  sql: ['sql!', ...sqlOptions],
  sqlFile: ['path!', 'relativeToChangelogFile', 'encoding', ...sqlOptions],
  createTable: ['tableName!', 'columns!', 'tablespace', 'remarks', 'ifNotExists', 'tableType', 'rowDependencies', ...owner],
  addColumn: ['tableName!', 'columns!', ...owner],
  dropColumn: ['tableName!', 'columnName', 'columns', ...owner],
  renameColumn: ['tableName!', 'oldColumnName!', 'newColumnName!', 'columnDataType', 'remarks', ...owner],
  renameTable: ['oldTableName!', 'newTableName!', ...owner],
  dropTable: ['tableName!', 'cascadeConstraints', ...owner],
  modifyDataType: ['tableName!', 'columnName!', 'newDataType!', ...owner],
  addNotNullConstraint: ['tableName!', 'columnName!', 'columnDataType', 'defaultNullValue', 'constraintName', 'validate', ...owner],
  dropNotNullConstraint: ['tableName!', 'columnName!', 'columnDataType', 'constraintName', ...owner],
  addDefaultValue: ['tableName!', 'columnName!', 'columnDataType', ...defaults, ...owner],
  dropDefaultValue: ['tableName!', 'columnName!', 'columnDataType', ...owner],
  createIndex: ['tableName!', 'columns!', 'indexName', 'unique', 'tablespace', 'clustered', ...owner],
  dropIndex: ['indexName!', 'tableName', ...owner],
  addForeignKeyConstraint: [
    'baseTableName!', 'baseColumnNames!', 'referencedTableName!', 'referencedColumnNames!', 'constraintName',
    'baseTableSchemaName', 'baseTableCatalogName', 'referencedTableSchemaName', 'referencedTableCatalogName',
    'onDelete', 'onUpdate', 'deferrable', 'initiallyDeferred', 'deleteCascade', 'validate', 'referencesUniqueColumn',
  ],
  dropForeignKeyConstraint: ['baseTableName!', 'constraintName!', 'baseTableSchemaName', 'baseTableCatalogName'],
  dropAllForeignKeyConstraints: ['baseTableName!', 'baseTableSchemaName', 'baseTableCatalogName'],
  addUniqueConstraint: [
    'tableName!', 'columnNames!', 'constraintName', 'tablespace', 'deferrable', 'initiallyDeferred', 'disabled',
    'clustered', 'forIndexName', 'forIndexSchemaName', 'forIndexCatalogName', 'validate', ...owner,
  ],
  dropUniqueConstraint: ['tableName!', 'constraintName', 'uniqueColumns', ...owner],
  addPrimaryKey: [
    'tableName!', 'columnNames!', 'constraintName', 'tablespace', 'clustered', 'forIndexName', 'forIndexSchemaName',
    'forIndexCatalogName', 'validate', ...owner,
  ],
  dropPrimaryKey: ['tableName!', 'constraintName', 'dropIndex', ...owner],
  addCheckConstraint: ['tableName!', 'constraintName!', 'constraintBody!', 'disabled', 'validate', ...owner],
  dropCheckConstraint: ['tableName!', 'constraintName!', ...owner],
  createView: ['viewName!', 'selectQuery', ...fileOptions, 'replaceIfExists', 'fullDefinition', 'remarks', ...owner],
  dropView: ['viewName!', 'ifExists', ...owner],
  renameView: ['oldViewName!', 'newViewName!', ...owner],
  createSequence: [
    'sequenceName!', 'startValue', 'incrementBy', 'minValue', 'maxValue', 'cycle', 'ordered', 'cacheSize', 'dataType', ...owner,
  ],
  alterSequence: ['sequenceName!', 'incrementBy', 'minValue', 'maxValue', 'ordered', 'cacheSize', 'dataType', 'cycle', ...owner],
  dropSequence: ['sequenceName!', ...owner],
  renameSequence: ['oldSequenceName!', 'newSequenceName!', ...owner],
  addAutoIncrement: ['tableName!', 'columnName!', 'columnDataType', 'startWith', 'incrementBy', 'generationType', 'defaultOnNull', ...owner],
  insert: ['tableName!', 'columns!', 'dbms', ...owner],
  update: ['tableName!', 'columns', ...where, ...owner],
  delete: ['tableName!', ...where, ...owner],
  tagDatabase: ['tag!'],
  loadData: [
    'tableName!', 'file!', 'relativeToChangelogFile', 'encoding', 'separator', 'quotchar', 'commentLineStartsWith',
    'usePreparedStatements', 'columns', ...owner,
  ],
  loadUpdateData: [
    'tableName!', 'file!', 'primaryKey!', 'onlyUpdate', 'relativeToChangelogFile', 'encoding', 'separator', 'quotchar',
    'commentLineStartsWith', 'usePreparedStatements', 'columns', ...owner,
  ],
  output: ['message', 'target'],
  empty: [],
  stop: ['message'],
  executeCommand: ['executable!', 'args', 'os', 'timeout'],
  customChange: ['class!'],
  createProcedure: ['procedureName', 'procedureText', 'procedureBody', ...fileOptions, 'dbms', 'replaceIfExists', 'comments', ...owner],
  dropProcedure: ['procedureName!', ...owner],
  setTableRemarks: ['tableName!', 'remarks!', ...owner],
  setColumnRemarks: ['tableName!', 'columnName!', 'remarks!', 'columnDataType', 'columnParentType', ...owner],
  addLookupTable: [
    'existingTableName!', 'existingColumnName!', 'newTableName!', 'newColumnName!', 'newColumnDataType', 'constraintName',
    'existingTableSchemaName', 'existingTableCatalogName', 'newTableSchemaName', 'newTableCatalogName',
  ],
  mergeColumns: ['tableName!', 'column1Name!', 'column2Name!', 'finalColumnName!', 'finalColumnType!', 'joinString', ...owner],
};

export interface ChangeTypeInfo {
  name: string;
  params: Set<string>;
  required: string[];
}

export const changeTypes: Map<string, ChangeTypeInfo> = new Map(
  Object.entries(table).map(([name, params]) => [
    name,
    {
      name,
      params: new Set(params.map((p) => p.replace(/!$/, ''))),
      required: params.filter((p) => p.endsWith('!')).map((p) => p.slice(0, -1)),
    },
  ]),
);

/** the changes that implement ChangeWithColumns: AbstractChange.load also reads `column:` entries as their columns */
export const changesWithColumns = new Set(['addColumn', 'createIndex', 'createTable', 'dropColumn', 'insert', 'loadData', 'loadUpdateData', 'update']);

export const columnKeys = new Set([
  'name', 'type', 'value', 'valueNumeric', 'valueBoolean', 'valueDate', 'valueComputed', 'valueSequenceNext',
  'valueSequenceCurrent', 'valueBlobFile', 'valueClobFile', 'encoding', ...defaults, 'autoIncrement', 'startWith',
  'incrementBy', 'generationType', 'defaultOnNull', 'remarks', 'descending', 'constraints', 'position', 'beforeColumn',
  'afterColumn', 'computed', 'header', 'index',
]);

export const constraintKeys = new Set([
  'nullable', 'notNullConstraintName', 'primaryKey', 'primaryKeyName', 'primaryKeyTablespace', 'unique',
  'uniqueConstraintName', 'references', 'referencedTableName', 'referencedTableSchemaName', 'referencedTableCatalogName',
  'referencedColumnNames', 'foreignKeyName', 'deleteCascade', 'deferrable', 'initiallyDeferred', 'checkConstraint',
  'validateNullable', 'validateUnique', 'validatePrimaryKey', 'validateForeignKey',
]);

export const changeSetKeys = new Set([
  'id', 'author', 'runAlways', 'alwaysRun', 'runOnChange', 'context', 'contexts', 'contextFilter', 'labels', 'dbms',
  'runInTransaction', 'failOnError', 'onValidationFail', 'validCheckSum', 'logicalFilePath', 'filePath', 'created',
  'runOrder', 'ignore', 'objectQuotingStrategy', 'comment', 'preConditions', 'preconditions', 'changes', 'rollback',
  'runWith', 'runWithSpoolFile', 'modifySql',
]);

export const changelogItemKeys = new Set([
  'changeSet', 'include', 'includeAll', 'property', 'preConditions', 'preconditions', 'logicalFilePath',
  'objectQuotingStrategy', 'contextFilter', 'context', 'modifyChangeSets', 'removeChangeSetProperty',
]);

export const includeKeys = new Set([
  'file', 'relativeToChangelogFile', 'errorIfMissing', 'context', 'contextFilter', 'labels', 'ignore', 'logicalFilePath',
]);

export const includeAllKeys = new Set([
  'path', 'relativeToChangelogFile', 'errorIfMissingOrEmpty', 'resourceFilter', 'filter', 'maxDepth', 'minDepth',
  'endsWithFilter', 'context', 'contextFilter', 'labels', 'ignore', 'logicalFilePath',
]);

export const propertyKeys = new Set(['name', 'value', 'file', 'relativeToChangelogFile', 'context', 'contextFilter', 'labels', 'dbms', 'global', 'errorIfMissing']);

export const preconditionAttributes = new Set(['onFail', 'onError', 'onFailMessage', 'onErrorMessage', 'onSqlOutput', 'onUpdate']);

export const preconditionTypes = new Set([
  'and', 'or', 'not', 'sqlCheck', 'tableExists', 'columnExists', 'viewExists', 'indexExists', 'sequenceExists',
  'foreignKeyConstraintExists', 'primaryKeyExists', 'changeSetExecuted', 'changeLogPropertyDefined', 'dbms',
  'runningAs', 'tableIsEmpty', 'rowCount', 'expectedQuotingStrategy', 'customPrecondition', 'uniqueConstraintExists',
]);
