package api

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func openAPI(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return doc
}

// resolve follows a local reference such as "#/components/schemas/Stage".
func resolve(doc map[string]any, ref string) bool {
	var node any = doc
	for _, seg := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := node.(map[string]any)
		if !ok {
			return false
		}
		if node, ok = m[seg]; !ok {
			return false
		}
	}
	return true
}

// walkRefs calls f with every "$ref" in v.
func walkRefs(v any, f func(string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "$ref" {
				f(s)
			}
			walkRefs(x, f)
		}
	case []any:
		for _, x := range v {
			walkRefs(x, f)
		}
	}
}

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

func TestOpenAPIDocument(t *testing.T) {
	doc := openAPI(t)
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi %v", doc["openapi"])
	}
	components := doc["components"].(map[string]any)
	if b, _ := components["securitySchemes"].(map[string]any)["bearer"].(map[string]any); b["type"] != "http" || b["scheme"] != "bearer" {
		t.Errorf("bearer scheme %v", b)
	}
	walkRefs(doc, func(ref string) {
		if !strings.HasPrefix(ref, "#/") || !resolve(doc, ref) {
			t.Errorf("$ref %s does not resolve", ref)
		}
	})
	ids := map[string]bool{}
	for path, item := range doc["paths"].(map[string]any) {
		item := item.(map[string]any)
		for _, method := range methods {
			op, ok := item[method].(map[string]any)
			if !ok {
				continue
			}
			name := strings.ToUpper(method) + " " + path
			id, _ := op["operationId"].(string)
			if id == "" || ids[id] {
				t.Errorf("%s: operationId %q missing or repeated", name, id)
			}
			ids[id] = true
			declared := map[string]bool{}
			for _, params := range []any{item["parameters"], op["parameters"]} {
				ps, _ := params.([]any)
				for _, p := range ps {
					p := p.(map[string]any)
					if ref, ok := p["$ref"].(string); ok {
						p = components["parameters"].(map[string]any)[strings.TrimPrefix(ref, "#/components/parameters/")].(map[string]any)
					}
					if p["in"] == "path" {
						declared[p["name"].(string)] = true
					}
				}
			}
			for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
				if !declared[m[1]] {
					t.Errorf("%s: path parameter %s is not declared", name, m[1])
				}
			}
			responses := op["responses"].(map[string]any)
			if !slices.ContainsFunc(slices.Collect(maps.Keys(responses)), func(code string) bool { return code[0] == '2' }) {
				t.Errorf("%s: no success response", name)
			}
			for code, r := range responses {
				ref, _ := r.(map[string]any)["$ref"].(string)
				if code[0] >= '4' && !strings.HasPrefix(ref, "#/components/responses/") {
					t.Errorf("%s: %s is not a problem response", name, code)
				}
			}
			if _, restricted := op["x-roles"]; restricted && (responses["401"] == nil || responses["403"] == nil || op["security"] == nil) {
				t.Errorf("%s: a restricted operation without bearer security, 401 and 403", name)
			}
		}
	}

	a := newAPIServer(t)
	res := a.do("GET", "/v1/openapi.json", "", nil)
	if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "application/json" || !bytes.Equal(res.Body, openAPIDocument) {
		t.Errorf("GET /v1/openapi.json: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
}

// TestOpenAPIMatchesRoutes holds the document to the mux both ways: every
// route registered through Server.handle under /v1 is documented, and
// every documented operation is served, by the pattern it documents.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	s := New(Options{Temporal: stack.temporal, Store: stack.store})
	mux := http.NewServeMux()
	s.routes(mux)

	documented := map[string]bool{}
	for path, item := range openAPI(t)["paths"].(map[string]any) {
		for _, method := range methods {
			if _, ok := item.(map[string]any)[method]; ok {
				documented[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	for _, pattern := range s.patterns {
		if !documented[pattern] {
			t.Errorf("%s is served but not documented", pattern)
		}
	}
	for route := range documented {
		t.Run(route, func(t *testing.T) {
			method, path, _ := strings.Cut(route, " ")
			req := httptest.NewRequest(method, pathParam.ReplaceAllString(path, "p"), nil)
			if _, pattern := mux.Handler(req); pattern != route {
				t.Errorf("documented but not served (the mux answers %q)", pattern)
			}
		})
	}
}
