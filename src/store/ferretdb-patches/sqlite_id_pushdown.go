// Added by sladesk at build time (see src/store/ferretdb-patches.ts); not part of FerretDB.

package sqlite

import (
	"strings"

	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// sladeskIDWhere pushes a top-level `_id` condition down to SQLite whenever the filter has one,
// also beside other conditions: `{_id: v}`, `{_id: {$eq: v}}` and `{_id: {$in: [v, …]}}` for
// string and ObjectID values. The handler filters every returned document again with the whole
// filter, so this only has to select a superset of the matches, which an `_id` condition does.
func sladeskIDWhere(filter *types.Document) (string, []any) {
	if filter == nil || !filter.Has("_id") {
		return "", nil
	}

	ids, ok := sladeskIDValues(must.NotFail(filter.Get("_id")))
	if !ok {
		return "", nil
	}

	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = string(must.NotFail(sjson.MarshalSingleValue(id)))
	}

	if len(ids) == 1 {
		return ` WHERE ` + metadata.IDColumn + ` = ?`, args
	}

	return ` WHERE ` + metadata.IDColumn + ` IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + `)`, args
}

// sladeskIDValues lists the `_id` values a condition can match, when it names them all.
func sladeskIDValues(condition any) ([]any, bool) {
	switch c := condition.(type) {
	case string, types.ObjectID:
		return []any{c}, true

	case *types.Document:
		if c.Has("$eq") {
			v := must.NotFail(c.Get("$eq"))
			switch v.(type) {
			case string, types.ObjectID:
				return []any{v}, true
			}

			return nil, false
		}

		if !c.Has("$in") {
			return nil, false
		}

		list, ok := must.NotFail(c.Get("$in")).(*types.Array)
		if !ok || list.Len() == 0 || list.Len() > 500 {
			return nil, false
		}

		ids := make([]any, list.Len())
		for i := range ids {
			v := must.NotFail(list.Get(i))
			switch v.(type) {
			case string, types.ObjectID:
				ids[i] = v
			default:
				return nil, false
			}
		}

		return ids, true
	}

	return nil, false
}
