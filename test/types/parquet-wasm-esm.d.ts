// parquet-wasm declares its ESM entry only in package "exports", which this tsconfig's
// module resolution does not read; point the type checker at the same declarations.
declare module 'parquet-wasm/esm' {
  export * from 'parquet-wasm/esm/parquet_wasm';
}
