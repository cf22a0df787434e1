import type Database from 'better-sqlite3';

/**
 * One compiled statement per SQL text. A statement's native memory is freed only when V8 collects
 * it, so preparing on every call piled up ~200 MB outside the JS heap on big backfills (npm run bench).
 */
export function statementCache(db: Database.Database): (sql: string) => Database.Statement {
  const statements = new Map<string, Database.Statement>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
}
