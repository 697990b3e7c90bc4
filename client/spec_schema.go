package client

// SpecJSONSchema is published through GetSpecSchema. It mirrors Spec and Spec.Validate;
// spec_schema_test.go checks that its properties, defaults and bounds match them.
const SpecJSONSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://github.com/cq-source-s3/cq-source-s3/client/spec",
  "title": "cq-source-s3 spec",
  "type": "object",
  "additionalProperties": false,
  "required": ["bucket", "region"],
  "$defs": {
    "duration": {"type": "string", "maxLength": 32, "pattern": "^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$"}
  },
  "properties": {
    "bucket": {"type": "string", "maxLength": 63, "minLength": 1, "description": "Name of the S3 bucket to read."},
    "region": {"type": "string", "maxLength": 64, "minLength": 1, "description": "AWS region of the bucket."},
    "path_prefix": {"type": "string", "maxLength": 1024, "default": "", "description": "Only keys under this prefix are listed."},
    "filetype": {"type": "string", "maxLength": 64, "enum": ["parquet"], "default": "parquet", "description": "Format of the objects."},
    "rows_per_record": {"type": "integer", "minimum": 1, "default": 500, "description": "Maximum rows in one Arrow record sent to the destination."},
    "max_record_bytes": {"type": "integer", "minimum": 1024, "maximum": 100663296, "default": 67108864, "description": "Maximum bytes of one Arrow record; records are split to stay under it (a single larger row is sent alone if it fits the SDK's message limit)."},
    "concurrency": {"type": "integer", "not": {"const": 0}, "maximum": 128, "default": 50, "description": "Objects read in parallel, each over at most one S3 connection; negative means the hard cap, 128."},
    "local_profile": {"type": "string", "maxLength": 256, "default": "", "description": "Named AWS profile; empty uses the default credential chain."},
    "endpoint": {"type": "string", "maxLength": 2048, "default": "", "pattern": "^(https?://.+)?$", "description": "Custom S3 endpoint URL (LocalStack, MinIO, moto)."},
    "path_style": {"type": "boolean", "default": false, "description": "Use path-style addressing (needed by most S3 emulators)."},
    "strict": {"type": "boolean", "default": false, "description": "Fail Init or Sync instead of skipping an object that cannot be read."},
    "max_attempts": {"type": "integer", "minimum": 1, "maximum": 20, "default": 5, "description": "Attempts per S3 request (and per resumed body read without progress) before the sync fails."},
    "max_backoff": {"$ref": "#/$defs/duration", "default": "20s", "description": "Longest wait between two attempts (exponential backoff with jitter)."},
    "request_timeout": {"$ref": "#/$defs/duration", "default": "30s", "description": "Deadline of one HTTP attempt: connecting, headers and body."},
    "operation_timeout": {"$ref": "#/$defs/duration", "default": "5m", "description": "Deadline of one S3 operation with all its retries and resumed reads."},
    "incremental_lookback": {"$ref": "#/$defs/duration", "default": "1h", "description": "With backend_options: how long after its LastModified an object may still appear in listings and be read by an incremental sync (at least 1s)."},
    "send_timeout": {"$ref": "#/$defs/duration", "default": "10m", "description": "Longest wait for the client to take one message; a client that stops reading for longer fails the sync (at least 1s)."},
    "memory_budget": {"type": "integer", "minimum": 16777216, "maximum": 68719476736, "default": 134217728, "description": "Bytes of object data and decoding buffers held at once by all objects of a sync; reads wait instead of exceeding it. The Go memory limit (GOMEMLIMIT, unless set) is this plus 64 MiB."},
    "schema": {"type": "string", "maxLength": 64, "enum": ["union", "sample"], "default": "union", "description": "How a table's columns are found: union reads every object's footer at Init and unifies them; sample reads one object's footer per table (its oldest) at Init, declares every column nullable, and checks each other object's footer when the sync reads it, failing the sync on a column that differs."}
  }
}`
