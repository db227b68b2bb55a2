package bus

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

//go:embed testdata/schema/*.json
var schemaFS embed.FS

// schema is the part of JSON Schema (draft 4) that the meetbot-messages
// schemas use.
type schema struct {
	Type       string             `json:"type"`
	Format     string             `json:"format"`
	Required   []string           `json:"required"`
	Properties map[string]*schema `json:"properties"`
	// Contains is what the upstream schemas give for array items. Draft 4
	// validators ignore the keyword; this checker is stricter and holds
	// every item to it.
	Contains *schema `json:"contains"`
	Enum     []any   `json:"enum"`
}

func loadSchema(t testing.TB, name string) *schema {
	t.Helper()
	data, err := schemaFS.ReadFile("testdata/schema/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var s schema
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("schema %s: %v", name, err)
	}
	return &s
}

// validate checks v (decoded with UseNumber) against s and returns every
// violation, each with its JSON path.
func (s *schema) validate(path string, v any) []string {
	var errs []string
	bad := func(f string, a ...any) { errs = append(errs, path+": "+fmt.Sprintf(f, a...)) }
	switch s.Type {
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			bad("want an object, got %T", v)
			return errs
		}
		for _, k := range s.Required {
			if _, ok := obj[k]; !ok {
				bad("required %q missing", k)
			}
		}
		for k, ps := range s.Properties {
			if pv, ok := obj[k]; ok {
				errs = append(errs, ps.validate(path+"."+k, pv)...)
			}
		}
	case "array":
		arr, ok := v.([]any)
		if !ok {
			bad("want an array, got %T", v)
			return errs
		}
		if s.Contains != nil {
			for i, it := range arr {
				errs = append(errs, s.Contains.validate(fmt.Sprintf("%s[%d]", path, i), it)...)
			}
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			bad("want a string, got %T", v)
			return errs
		}
		switch s.Format {
		case "date-time":
			if _, err := time.Parse(time.RFC3339, str); err != nil {
				bad("not an RFC 3339 date-time: %q", str)
			}
		case "uri":
			if u, err := url.Parse(str); err != nil || !u.IsAbs() || u.Host == "" {
				bad("not an absolute URI: %q", str)
			}
		}
	case "integer":
		n, ok := v.(json.Number)
		if _, err := n.Int64(); !ok || err != nil {
			bad("want an integer, got %v", v)
		}
	case "number":
		if !isNumber(v) {
			bad("want a number, got %T", v)
		}
	case "":
	default:
		bad("schema type %q not supported by this checker", s.Type)
	}
	if len(s.Enum) > 0 && !slices.ContainsFunc(s.Enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) {
		bad("%v not one of %v", v, s.Enum)
	}
	return errs
}

func isNumber(v any) bool {
	switch v.(type) {
	case json.Number, int, int8, int16, int32, int64, uint8, uint16, uint32, float32, float64:
		return true
	}
	return false
}

// The checker itself catches what it should (a checker that passes
// everything would prove nothing).
func TestSchemaCheckerCatchesBadBodies(t *testing.T) {
	s := loadSchema(t, TopicComplete)
	good := `{"start_time":"2023-08-12T20:17:46+00:00","start_user":"a","end_time":"2023-08-12T20:45:59+00:00","end_user":"b",
	"location":"#x","meeting_name":"epel","url":"https://m.test/x/2023-08-12/epel.2023-08-12-20.17",
	"logs":[{"log_type":"HTML Log","log_url":"https://m.test/x.log.html"}],"chairs":["a"],"attendees":[{"name":"a","lines_said":3}]}`
	if errs := s.validate("$", decodeNumbers(t, good)); len(errs) > 0 {
		t.Fatalf("good body rejected: %v", errs)
	}
	for name, body := range map[string]string{
		"missing url":        `{"start_time":"2023-08-12T20:17:46+00:00","start_user":"a","end_time":"2023-08-12T20:45:59+00:00","end_user":"b","location":"#x","meeting_name":"e","logs":[],"chairs":[],"attendees":[]}`,
		"lines as string":    `{"start_time":"2023-08-12T20:17:46+00:00","start_user":"a","end_time":"2023-08-12T20:45:59+00:00","end_user":"b","location":"#x","meeting_name":"e","url":"https://m.test/e","logs":[],"chairs":[],"attendees":[{"name":"a","lines_said":"3"}]}`,
		"relative url":       `{"start_time":"2023-08-12T20:17:46+00:00","start_user":"a","end_time":"2023-08-12T20:45:59+00:00","end_user":"b","location":"#x","meeting_name":"e","url":"x/e","logs":[],"chairs":[],"attendees":[]}`,
		"bad time":           `{"start_time":"Sat Aug 12 20:17:46 2023","start_user":"a","end_time":"2023-08-12T20:45:59+00:00","end_user":"b","location":"#x","meeting_name":"e","url":"https://m.test/e","logs":[],"chairs":[],"attendees":[]}`,
		"chair not string":   `{"start_time":"2023-08-12T20:17:46+00:00","start_user":"a","end_time":"2023-08-12T20:45:59+00:00","end_user":"b","location":"#x","meeting_name":"e","url":"https://m.test/e","logs":[],"chairs":[1],"attendees":[]}`,
		"body not an object": `["x"]`,
	} {
		if errs := s.validate("$", decodeNumbers(t, body)); len(errs) == 0 {
			t.Errorf("%s: accepted", name)
		}
	}
}

func decodeNumbers(t testing.TB, s string) any {
	t.Helper()
	var v any
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	return v
}
