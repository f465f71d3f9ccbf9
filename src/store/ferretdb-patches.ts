import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Small changes sladesk makes to FerretDB v1.24.2's source before building it, so that a lookup
 * by `_id` is an index lookup on the embedded database (see BENCHMARKS.md, "Storage at scale").
 *
 * As shipped, FerretDB's SQLite backend builds its unique `_id` index on `_ferretdb_sjson->"_id"`
 * but queries `_ferretdb_sjson->'$._id'`, an expression SQLite does not match to that index, so a
 * lookup by `_id` reads every row; and it pushes a filter down only when it is exactly `{_id}`.
 * Its PostgreSQL backend queries `_jsonb->'_id' @> …`, which its btree `_id` index cannot serve.
 * Every change keeps FerretDB's answers as they were (the handler filters every document again);
 * each edit names the exact text it replaces and the build stops if that text is not there.
 */
export const FERRETDB_PATCH_LEVEL = 'sladesk.1';

interface SourceEdit {
  file: string;
  why: string;
  find: string;
  replace: string;
}

const SQLITE_QUERY_WHERE = `	// that logic should exist in one place
	// TODO https://github.com/FerretDB/FerretDB/issues/3235
	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")
		switch v.(type) {
		case string, types.ObjectID:
			whereClause = fmt.Sprintf(\` WHERE %s = ?\`, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		}
	}
`;

const SQLITE_EXPLAIN_WHERE = `	// that logic should exist in one place
	// TODO https://github.com/FerretDB/FerretDB/issues/3235
	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")
		switch v.(type) {
		case string, types.ObjectID:
			filterPushdown = true
			whereClause = fmt.Sprintf(\` WHERE %s = ?\`, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		}
	}
`;

const PG_SKIP_OPERATORS = `		if strings.HasPrefix(rootKey, "$") {
			continue
		}
`;

const EDITS: readonly SourceEdit[] = [
  {
    file: 'internal/backends/sqlite/metadata/metadata.go',
    why: 'spell the _id expression as the unique _id index is built, so SQLite uses the index',
    find: `IDColumn = DefaultColumn + "->'$._id'"`,
    replace: `IDColumn = DefaultColumn + "->'_id'"`,
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    why: 'push a top-level _id condition down also beside other conditions, and $eq / $in of ids',
    find: SQLITE_QUERY_WHERE,
    replace: `	whereClause, args = sladeskIDWhere(params.Filter)
`,
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    why: 'explain reports the same pushdown as the query makes',
    find: SQLITE_EXPLAIN_WHERE,
    replace: `	whereClause, args = sladeskIDWhere(params.Filter)
	filterPushdown = whereClause != ""
`,
  },
  {
    file: 'internal/backends/postgresql/query.go',
    why: 'an _id is never an array, so its equality can be = on the unique btree index, not @>',
    find: PG_SKIP_OPERATORS,
    replace: `${PG_SKIP_OPERATORS}
		if rootKey == "_id" {
			switch v := rootVal.(type) {
			case string, types.ObjectID:
				filters = append(filters, fmt.Sprintf(\`%s->'_id' = %s\`, metadata.DefaultColumn, p.Next()))
				args = append(args, string(must.NotFail(sjson.MarshalSingleValue(v))))

				continue
			}
		}
`,
  },
];

/** Whole files added to the source tree: [file in this folder, path in FerretDB's tree]. */
const ADDED_FILES: readonly [string, string][] = [
  ['sqlite_id_pushdown.go', 'internal/backends/sqlite/sladesk_id_pushdown.go'],
];

const PATCH_DIR = fileURLToPath(new URL('./ferretdb-patches/', import.meta.url));

/** Applies every edit to the FerretDB source tree at `sourceDir`; throws naming an edit that no longer fits. */
export async function patchFerretDbSource(sourceDir: string): Promise<void> {
  for (const edit of EDITS) {
    const path = join(sourceDir, edit.file);
    const text = await readFile(path, 'utf8');
    const at = text.indexOf(edit.find);
    if (at === -1 || text.indexOf(edit.find, at + 1) !== -1) {
      throw new Error(`FerretDB source patch does not fit ${edit.file} (${edit.why})`);
    }
    await writeFile(path, text.slice(0, at) + edit.replace + text.slice(at + edit.find.length));
  }
  for (const [from, to] of ADDED_FILES) await copyFile(join(PATCH_DIR, from), join(sourceDir, to));
}
