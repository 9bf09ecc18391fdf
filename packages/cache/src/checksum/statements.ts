import type { DatabaseSync, StatementSync } from 'node:sqlite';

const cached = new WeakMap<DatabaseSync, Map<string, StatementSync>>();

/**
 * `db.prepare(sql)`, compiled once per database handle. For statements run
 * once per file of a tree: compiling costs more than running them, and a
 * 20,000-file context would compile each one 20,000 times.
 */
export function statement(db: DatabaseSync, sql: string): StatementSync {
  let byText = cached.get(db);
  if (byText === undefined) cached.set(db, (byText = new Map()));
  let prepared = byText.get(sql);
  if (prepared === undefined) byText.set(sql, (prepared = db.prepare(sql)));
  return prepared;
}
