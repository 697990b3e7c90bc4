package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/cq-source-s3/cq-source-s3/internal/bounded"
)

// decodeSpec decodes one JSON object into s and rejects what encoding/json lets through:
// duplicate keys (the last would silently win), data after the object, unknown fields,
// and values of the wrong type. Every error names the field.
func decodeSpec(data []byte, s *Spec) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return errors.New("invalid spec: empty, expected a JSON object")
	}
	if err := checkDuplicateKeys(data); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(s); err != nil {
		return describeDecodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("invalid spec: unexpected data after the spec object at offset %d", dec.InputOffset())
	}
	return nil
}

// checkDuplicateKeys fails on the first key repeated within one object, naming its path.
func checkDuplicateKeys(data []byte) error {
	return walkJSON(json.NewDecoder(bytes.NewReader(data)), "spec")
}

// specFields are the spec's field names exactly as the JSON schema spells them.
var specFields = func() map[string]bool {
	fields := map[string]bool{}
	t := reflect.TypeFor[Spec]()
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			fields[name] = true
		}
	}
	return fields
}()

// checkFieldName rejects a top-level key that is not exactly a spec field: encoding/json
// matches names ignoring case, so "Bucket" would otherwise be taken for "bucket" (and win
// over it), while the JSON schema the CLI validates against rejects it.
func checkFieldName(key string) error {
	if specFields[key] {
		return nil
	}
	for name := range specFields {
		if strings.EqualFold(name, key) {
			return fmt.Errorf("invalid spec: unknown field %s (field names are case-sensitive: did you mean %q?)", bounded.Quoted(key), name)
		}
	}
	return fmt.Errorf("invalid spec: unknown field %s", bounded.Quoted(key))
}

func walkJSON(dec *json.Decoder, path string) error {
	tok, err := dec.Token()
	if err != nil {
		return describeDecodeError(err)
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]bool{}
		for dec.More() {
			keyTok, err := dec.Token()
			if err != nil {
				return describeDecodeError(err)
			}
			key := keyTok.(string)
			if path == "spec" {
				if err := checkFieldName(key); err != nil {
					return err
				}
			}
			if seen[key] {
				return fmt.Errorf("invalid spec: duplicate field %s", bounded.Clip(path+"."+key, bounded.MaxQuotedBytes))
			}
			seen[key] = true
			if err := walkJSON(dec, path+"."+key); err != nil {
				return err
			}
		}
	case json.Delim('['):
		for dec.More() {
			if err := walkJSON(dec, path+"[]"); err != nil {
				return err
			}
		}
	default:
		return nil
	}
	if _, err := dec.Token(); err != nil { // the closing delimiter
		return describeDecodeError(err)
	}
	return nil
}

// describeDecodeError turns encoding/json's errors into one line naming the field.
func describeDecodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return fmt.Errorf("invalid spec: expected a JSON object, got %s", typeErr.Value)
	case errors.As(err, &typeErr):
		return fmt.Errorf("invalid spec: spec.%s must be %s, got %s", typeErr.Field, jsonKind(typeErr.Type), typeErr.Value)
	case errors.As(err, &syntaxErr):
		return fmt.Errorf("invalid spec: not valid JSON at offset %d: %s", syntaxErr.Offset, syntaxErr)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return errors.New("invalid spec: the JSON object is not terminated")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Errorf("invalid spec: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return fmt.Errorf("invalid spec: %w", err)
}

func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean (true or false)"
	case reflect.Int, reflect.Int64:
		return "an integer"
	}
	return t.String()
}
