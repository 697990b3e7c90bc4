// Package pgtypes writes the Parquet file of every type the PostgreSQL suite (test/postgres)
// syncs through the README's configuration, and what arrow-go reads back from it: each
// column's values as JSON, for the suite to compare with what PostgreSQL holds.
package pgtypes

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/extensions"
)

// Column is one fixture column: its Arrow type as written and its values as arrow-go's JSON
// (array.FromJSON), one per row. Row 0 is the `id` order; the last row is null in every
// nullable column.
type Column struct {
	Name   string
	Type   arrow.DataType
	Values string
}

func mustJSONType() arrow.DataType {
	t, err := extensions.NewJSONType(arrow.BinaryTypes.String)
	if err != nil {
		panic(err)
	}
	return t
}

func ts(unit arrow.TimeUnit, zone string) arrow.DataType {
	return &arrow.TimestampType{Unit: unit, TimeZone: zone}
}

// Rows is the number of rows of the types file.
const Rows = 7

// Columns are the types file's columns, each with Rows values.
var Columns = []Column{
	{"id", arrow.PrimitiveTypes.Int64, `[0,1,2,3,4,5,6]`},
	{"i8", arrow.PrimitiveTypes.Int8, `[-128,127,0,-1,1,42,null]`},
	{"i16", arrow.PrimitiveTypes.Int16, `[-32768,32767,0,-1,1,42,null]`},
	{"i32", arrow.PrimitiveTypes.Int32, `[-2147483648,2147483647,0,-1,1,42,null]`},
	{"i64", arrow.PrimitiveTypes.Int64, `["-9223372036854775808","9223372036854775807",0,-1,1,42,null]`},
	{"u8", arrow.PrimitiveTypes.Uint8, `[0,255,1,128,2,42,null]`},
	{"u16", arrow.PrimitiveTypes.Uint16, `[0,65535,1,32768,2,42,null]`},
	{"u32", arrow.PrimitiveTypes.Uint32, `[0,4294967295,1,2147483648,2,42,null]`},
	{"u64", arrow.PrimitiveTypes.Uint64, `[0,"18446744073709551615",1,"9223372036854775808",2,42,null]`},
	{"f32", arrow.PrimitiveTypes.Float32, `[1.5,"NaN","+Inf","-Inf",-0.0,3.4028234663852886e+38,null]`},
	{"f64", arrow.PrimitiveTypes.Float64, `[0.1,"NaN","+Inf","-Inf",-0.0,1.7976931348623157e+308,null]`},
	{"dec128", &arrow.Decimal128Type{Precision: 38, Scale: 10}, `["1234567890123456789012345678.0123456789","-0.0000000001","0","1.5","-9999999999999999999999999999.9999999999","42",null]`},
	{"dec256", &arrow.Decimal256Type{Precision: 76, Scale: 20}, `["12345678901234567890123456789012345678901234567890123456.01234567890123456789","-0.00000000000000000001","0","1.5","-1","42",null]`},
	{"str", arrow.BinaryTypes.String, `["héllo ✓ 日本","","a\u0000b","'quoted' \"double\" \\ back","tab\tnewline\n","x",null]`},
	{"large_str", arrow.BinaryTypes.LargeString, `["large","","l","m","n","o",null]`},
	{"bin", arrow.BinaryTypes.Binary, `["AAH/","","AA==","3q2+7w==","YQ==","Kg==",null]`},
	{"fsb", &arrow.FixedSizeBinaryType{ByteWidth: 4}, `["AAECAw==","/////w==","AAAAAA==","3q2+7w==","YWJjZA==","KioqKg==",null]`},
	{"bool", arrow.FixedWidthTypes.Boolean, `[true,false,true,false,true,false,null]`},
	{"date32", arrow.FixedWidthTypes.Date32, `["1970-01-01","2024-02-29","1900-01-01","9999-12-31","2000-01-01","2024-12-07",null]`},
	{"date64", arrow.FixedWidthTypes.Date64, `["1970-01-01","2024-02-29","1900-01-01","9999-12-31","2000-01-01","2024-12-07",null]`},
	{"time32s", arrow.FixedWidthTypes.Time32s, `["00:00:00","23:59:59","12:34:56","01:02:03","10:00:00","00:00:01",null]`},
	{"time32ms", arrow.FixedWidthTypes.Time32ms, `["00:00:00.000","23:59:59.999","12:34:56.789","01:02:03.004","10:00:00.5","00:00:00.001",null]`},
	{"time64us", arrow.FixedWidthTypes.Time64us, `["00:00:00","23:59:59.999999","12:34:56.789012","01:02:03.000004","10:00:00.5","00:00:00.000001",null]`},
	{"time64ns", arrow.FixedWidthTypes.Time64ns, `["00:00:00","23:59:59.999999999","12:34:56.789012345","01:02:03.000004001","10:00:00.5","00:00:00.000000999",null]`},
	{"ts_s", ts(arrow.Second, ""), `["1970-01-01T00:00:00","2024-02-29T23:59:59","1900-01-01T00:00:00","9999-12-31T23:59:59","2000-01-01T12:00:00","2024-12-07T08:00:00",null]`},
	{"ts_ms", ts(arrow.Millisecond, ""), `["1970-01-01T00:00:00.001","2024-02-29T23:59:59.999","1900-01-01T00:00:00","2262-04-11T23:47:16.854","2000-01-01T12:00:00.5","2024-12-07T08:00:00",null]`},
	{"ts_us", ts(arrow.Microsecond, ""), `["1970-01-01T00:00:00.000001","2024-02-29T23:59:59.999999","1900-01-01T00:00:00","2262-04-11T23:47:16.854775","2000-01-01T12:00:00.5","2024-12-07T08:00:00",null]`},
	{"ts_ns", ts(arrow.Nanosecond, ""), `["1970-01-01T00:00:00.000000001","2024-02-29T23:59:59.999999999","1900-01-01T00:00:00","2262-04-11T23:47:16.854775807","2000-01-01T12:00:00.5","2024-12-07T08:00:00.000001999",null]`},
	{"ts_us_utc", ts(arrow.Microsecond, "UTC"), `["1970-01-01T00:00:00.000001Z","2024-02-29T23:59:59.999999Z","1900-01-01T00:00:00Z","2262-04-11T23:47:16.854775Z","2000-01-01T12:00:00.5Z","2024-12-07T08:00:00Z",null]`},
	{"ts_ns_utc", ts(arrow.Nanosecond, "UTC"), `["1970-01-01T00:00:00.000000001Z","2024-02-29T23:59:59.999999999Z","1900-01-01T00:00:00Z","2262-04-11T23:47:16.854775807Z","2000-01-01T12:00:00.5Z","2024-12-07T08:00:00.000001999Z",null]`},
	{"ts_ms_new_york", ts(arrow.Millisecond, "America/New_York"), `["1970-01-01T00:00:00.001Z","2024-03-10T07:30:00Z","1900-01-01T00:00:00Z","2024-11-03T06:30:00Z","2000-01-01T12:00:00.5Z","2024-12-07T08:00:00Z",null]`},
	{"ts_s_plus0530", ts(arrow.Second, "+05:30"), `["1970-01-01T00:00:00Z","2024-02-29T23:59:59Z","1900-01-01T00:00:00Z","9999-12-31T23:59:59Z","2000-01-01T12:00:00Z","2024-12-07T08:00:00Z",null]`},
	{"dur_s", arrow.FixedWidthTypes.Duration_s, `[0,1,-1,"9223372036854775807",86400,42,null]`},
	{"dur_ms", arrow.FixedWidthTypes.Duration_ms, `[0,1,-1,"-9223372036854775808",86400000,42,null]`},
	{"dur_us", arrow.FixedWidthTypes.Duration_us, `[0,1,-1,1000000,86400000000,42,null]`},
	{"dur_ns", arrow.FixedWidthTypes.Duration_ns, `[0,1,-1,1000000000,86400000000000,42,null]`},
	{"list_i32", arrow.ListOf(arrow.PrimitiveTypes.Int32), `[[1,2,3],[],[null],[-2147483648,2147483647],[0,null,0],[42],null]`},
	{"list_str", arrow.ListOf(arrow.BinaryTypes.String), `[["a","b"],[],[null,""],["comma,brace{}","quote\"","back\\slash"],["NULL"],["x"],null]`},
	{"list_f64", arrow.ListOf(arrow.PrimitiveTypes.Float64), `[[1.5,-0.0],["NaN","+Inf","-Inf"],[],[null],[0.1],[42],null]`},
	{"large_list_i64", arrow.LargeListOf(arrow.PrimitiveTypes.Int64), `[[1],[],[null,2],["9007199254740993"],[0],[42],null]`},
	{"fsl_i32", arrow.FixedSizeListOf(3, arrow.PrimitiveTypes.Int32), `[[1,2,3],null,[7,8,9],[null,0,null],null,[4,5,6],null]`},
	{"list_list_i32", arrow.ListOf(arrow.ListOf(arrow.PrimitiveTypes.Int32)), `[[[1,2],[3]],[],[[]],[null,[4,null]],[[5]],[[42]],null]`},
	{"struct", arrow.StructOf(arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int32, Nullable: true}, arrow.Field{Name: "b", Type: arrow.BinaryTypes.String, Nullable: true}), `[{"a":1,"b":"x"},{"a":null,"b":null},{"a":-1,"b":"é"},{"a":0,"b":""},{"a":2147483647,"b":"q\"uote"},{"a":42,"b":"y"},null]`},
	{"map", arrow.MapOf(arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int64), `[[{"key":"a","value":1},{"key":"b","value":2}],[],[{"key":"n","value":null}],[{"key":"z","value":-1}],[{"key":"é","value":0}],[{"key":"k","value":42}],null]`},
	{"uuid", extensions.NewUUIDType(), `["0b8e5e3c-3f6e-4a39-9a36-0d6f4f7d3e01","00000000-0000-0000-0000-000000000000","ffffffff-ffff-ffff-ffff-ffffffffffff","123e4567-e89b-12d3-a456-426614174000","a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11","00000000-0000-4000-8000-000000000042",null]`},
	{"json", mustJSONType(), `["{\"a\":[1,2.5,\"x\"],\"b\":null}","[]","\"text\"","123","{\"nested\":{\"k\":true}}","null",null]`},
	{"dict", &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}, `["red","green","red","blue","green","red",null]`},
	{"nothing", arrow.Null, `[null,null,null,null,null,null,null]`},
}
