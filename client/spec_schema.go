package client

// SpecJSONSchema is published through GetSpecSchema. It mirrors Spec and Spec.Validate.
const SpecJSONSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://github.com/cq-source-s3/cq-source-s3/client/spec",
  "title": "cq-source-s3 spec",
  "type": "object",
  "additionalProperties": false,
  "required": ["bucket", "region"],
  "properties": {
    "bucket": {"type": "string", "minLength": 1, "description": "Name of the S3 bucket to read."},
    "region": {"type": "string", "minLength": 1, "description": "AWS region of the bucket."},
    "path_prefix": {"type": "string", "default": "", "description": "Only keys under this prefix are listed."},
    "filetype": {"type": "string", "enum": ["parquet"], "default": "parquet", "description": "Format of the objects."},
    "rows_per_record": {"type": "integer", "minimum": 1, "default": 500, "description": "Maximum rows in one Arrow record sent to the destination."},
    "concurrency": {"type": "integer", "not": {"const": 0}, "default": 50, "description": "Objects read in parallel; negative means unlimited."},
    "local_profile": {"type": "string", "default": "", "description": "Named AWS profile; empty uses the default credential chain."},
    "endpoint": {"type": "string", "default": "", "pattern": "^(https?://.+)?$", "description": "Custom S3 endpoint URL (LocalStack, MinIO, moto)."},
    "path_style": {"type": "boolean", "default": false, "description": "Use path-style addressing (needed by most S3 emulators)."}
  }
}`
