package client

import (
	"path"
	"strings"
)

const parquetExt = ".parquet"

func isParquetKey(key string) bool {
	return strings.HasSuffix(strings.ToLower(key), parquetExt) && !strings.HasSuffix(key, "/")
}

// tableSource is what feeds a table, one per table: the object's directory with a trailing
// slash ("data/2024/"), or for an object at the bucket root the object itself ("events.parquet").
func tableSource(key string) string {
	if dir := path.Dir(key); dir != "." {
		return dir + "/"
	}
	return key
}

// tableName names the table of a source: the directory path, or the root object's name
// without its extension, normalised. Two sources with one name are an error (groupTables),
// whether they are two directories ("data-2024/", "data_2024/"), two root objects
// ("Events.parquet", "events.parquet"), or one of each ("events.parquet", "events/").
func tableName(source string) string {
	if dir, ok := strings.CutSuffix(source, "/"); ok {
		return normalizeTableName(dir)
	}
	return normalizeTableName(source[:len(source)-len(parquetExt)])
}

// normalizeTableName maps a source to an identifier valid in common destinations:
// lowercase ASCII letters, digits and underscores, not starting with a digit.
// Every run of other characters becomes one underscore.
func normalizeTableName(source string) string {
	var b strings.Builder
	pendingSep := false
	for _, r := range strings.ToLower(source) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '_' {
			if pendingSep && b.Len() > 0 {
				b.WriteByte('_')
			}
			pendingSep = false
			b.WriteRune(r)
			continue
		}
		pendingSep = true
	}
	name := b.String()
	if name == "" || (name[0] >= '0' && name[0] <= '9') {
		name = "t_" + name
	}
	return name
}
