package client

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cq-source-s3/cq-source-s3/internal/bounded"
	"github.com/cq-source-s3/cq-source-s3/internal/parquetread"
)

// ipcMaxNesting is how deep arrow-go's IPC writer, with which plugin-sdk encodes every
// record it sends (pb.RecordToBytes), lets arrays nest (arrow/ipc's kMaxNestingDepth): a
// column nested this deep fails the sync at its first record ("max recursion depth reached").
// Such an object is refused at Init instead, like any object this plugin cannot deliver.
const ipcMaxNesting = 64

// maxNestedMaps bounds maps within maps: the IPC writer's dictionary pass rebuilds a map's
// children at every level it visits, so its time doubles with each nested map (measured: 3 ms
// at 8, 58 ms at 12, 0.7 s at 16, so minutes at 24 — for every record).
const maxNestedMaps = 12

// checkEncodable is a content error naming the first column of sc that the SDK cannot encode.
func checkEncodable(sc *arrow.Schema) error {
	for _, f := range sc.Fields() {
		if d := nestingDepth(f.Type); d >= ipcMaxNesting {
			return parquetread.Skippable("column nested too deep to send", fmt.Errorf("column %s nests %d levels, the Arrow IPC encoder of plugin-sdk allows at most %d", bounded.Quoted(f.Name), d, ipcMaxNesting-1))
		}
		if m := nestedMaps(f.Type); m > maxNestedMaps {
			return parquetread.Skippable("column nested too deep to send", fmt.Errorf("column %s nests %d maps, at most %d can be encoded in reasonable time (plugin-sdk's encoder takes twice as long for each)", bounded.Quoted(f.Name), m, maxNestedMaps))
		}
	}
	return nil
}

// nestedMaps is the most maps found on one path down dt.
func nestedMaps(dt arrow.DataType) int {
	switch t := dt.(type) {
	case arrow.ExtensionType:
		return nestedMaps(t.StorageType())
	case *arrow.MapType:
		return 1 + nestedMaps(t.Elem())
	case arrow.ListLikeType:
		return nestedMaps(t.Elem())
	case arrow.NestedType:
		most := 0
		for _, f := range t.Fields() {
			most = max(most, nestedMaps(f.Type))
		}
		return most
	}
	return 0
}

// nestingDepth counts the levels the IPC writer descends through below an array of type dt:
// one per list, struct, union or run-end-encoded layer (a map is a list of structs); dictionary
// and extension types add none (the writer visits their indices or storage in place).
func nestingDepth(dt arrow.DataType) int {
	switch t := dt.(type) {
	case arrow.ExtensionType:
		return nestingDepth(t.StorageType())
	case *arrow.DictionaryType:
		return nestingDepth(t.IndexType)
	case *arrow.MapType:
		return 1 + nestingDepth(t.Elem())
	case arrow.ListLikeType:
		return 1 + nestingDepth(t.Elem())
	case *arrow.RunEndEncodedType:
		return 1 + max(nestingDepth(t.RunEnds()), nestingDepth(t.Encoded()))
	case arrow.NestedType:
		most := 0
		for _, f := range t.Fields() {
			most = max(most, nestingDepth(f.Type))
		}
		return 1 + most
	}
	return 0
}
