package client

import (
	"path"
	"strings"
)

const parquetExt = ".parquet"

func isParquetKey(key string) bool {
	return strings.HasSuffix(strings.ToLower(key), parquetExt) && !strings.HasSuffix(key, "/")
}

// tableSource is what names a table: the object's directory, or for an object at the
// bucket root the object name without its extension.
func tableSource(key string) string {
	if dir := path.Dir(key); dir != "." {
		return dir
	}
	return key[:len(key)-len(parquetExt)]
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
