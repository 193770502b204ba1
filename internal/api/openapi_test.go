package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hotlinecc/hotline/internal/auth"
)

// openAPIMethods are the keys of an OpenAPI path item that are operations.
var openAPIMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

var pathParamPattern = regexp.MustCompile(`\{([^}]*)\}`)

// openAPIPath turns a ServeMux pattern's path into OpenAPI's template syntax:
// {name...} becomes {name}, and a trailing {$} is dropped.
func openAPIPath(p string) string {
	p = strings.TrimSuffix(p, "{$}")
	return pathParamPattern.ReplaceAllStringFunc(p, func(s string) string {
		return strings.Replace(s, "...", "", 1)
	})
}

// checkOpenAPI returns every way in which doc fails to document routes exactly.
func checkOpenAPI(doc []byte, routes []Route) []string {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	var root map[string]any
	if err := json.Unmarshal(doc, &root); err != nil {
		return []string{"document is not valid JSON: " + err.Error()}
	}
	if v, _ := root["openapi"].(string); v != "3.0.3" {
		bad("openapi is %q, want 3.0.3", v)
	}
	if info, _ := root["info"].(map[string]any); info == nil || info["title"] != "Hotline API" || info["version"] != "1" {
		bad(`info must have title "Hotline API" and version "1"`)
	}
	scheme, _ := resolve(root, "#/components/securitySchemes/bearerAuth").(map[string]any)
	if scheme == nil || scheme["type"] != "http" || scheme["scheme"] != "bearer" {
		bad("components.securitySchemes.bearerAuth must be an http bearer scheme")
	}
	if !requiresBearer(root["security"]) {
		bad("the document's global security must require bearerAuth")
	}

	// Every $ref resolves to a component.
	walk(root, "#", func(at string, m map[string]any) {
		ref, ok := m["$ref"]
		if !ok {
			return
		}
		s, _ := ref.(string)
		switch {
		case !strings.HasPrefix(s, "#/components/"):
			bad("%s: $ref %q does not point into #/components/", at, s)
		case resolve(root, s) == nil:
			bad("%s: $ref %q does not resolve", at, s)
		}
	})

	paths, _ := root["paths"].(map[string]any)
	if paths == nil {
		return append(problems, "document has no paths")
	}

	// Every route is documented.
	documented := map[string]bool{} // "get /api/v1/me"
	for _, rt := range routes {
		path, method := openAPIPath(rt.Path), strings.ToLower(rt.Method)
		key := method + " " + path
		if documented[key] {
			bad("route %s %s is listed twice", rt.Method, rt.Path)
			continue
		}
		documented[key] = true
		item, _ := paths[path].(map[string]any)
		op, _ := item[method].(map[string]any)
		if op == nil {
			bad("route %s %s is not documented", rt.Method, rt.Path)
			continue
		}
		sec, hasSec := op["security"]
		empty := false
		if list, ok := sec.([]any); ok && len(list) == 0 {
			empty = true
		}
		switch {
		case rt.Access.Public && !(hasSec && empty):
			bad("%s %s is public but does not set security: []", method, path)
		case !rt.Access.Public && hasSec && !requiresBearer(sec):
			bad("%s %s needs a signed-in caller but its security does not require bearerAuth", method, path)
		}
		if !rt.Access.Public {
			want := "Requires permission " + string(rt.Access.Perm)
			if desc, _ := op["description"].(string); !containsWord(desc, want) {
				bad("%s %s: description does not say %q", method, path, want)
			}
		}
	}

	// Every operation is a route, well formed, with a unique operationId.
	opIDs := map[string]string{}
	pathKeys := make([]string, 0, len(paths))
	for p := range paths {
		pathKeys = append(pathKeys, p)
	}
	sort.Strings(pathKeys)
	for _, path := range pathKeys {
		item, ok := paths[path].(map[string]any)
		if !ok {
			bad("path %s is not an object", path)
			continue
		}
		for _, method := range openAPIMethods {
			raw, ok := item[method]
			if !ok {
				continue
			}
			where := method + " " + path
			op, ok := raw.(map[string]any)
			if !ok {
				bad("%s is not an object", where)
				continue
			}
			if !documented[where] {
				bad("%s is documented but is not a route", where)
			}
			id, _ := op["operationId"].(string)
			switch {
			case id == "":
				bad("%s has no operationId", where)
			case opIDs[id] != "":
				bad("%s repeats the operationId %q of %s", where, id, opIDs[id])
			default:
				opIDs[id] = where
			}
			if s, _ := op["summary"].(string); strings.TrimSpace(s) == "" {
				bad("%s has no summary", where)
			}
			if tags, _ := op["tags"].([]any); len(tags) == 0 {
				bad("%s has no tags", where)
			}
			responses, _ := op["responses"].(map[string]any)
			ok2xx := false
			for code := range responses {
				ok2xx = ok2xx || (len(code) == 3 && code[0] == '2')
			}
			if !ok2xx {
				bad("%s has no 2xx response", where)
			}
			// Each {param} of the path is declared as a required path parameter.
			declared := map[string]bool{}
			for _, list := range []any{item["parameters"], op["parameters"]} {
				params, _ := list.([]any)
				for _, p := range params {
					pm, _ := p.(map[string]any)
					if ref, ok := pm["$ref"].(string); ok {
						pm, _ = resolve(root, ref).(map[string]any)
					}
					if pm["in"] == "path" && pm["required"] == true {
						name, _ := pm["name"].(string)
						declared[name] = true
					}
				}
			}
			for _, m := range pathParamPattern.FindAllStringSubmatch(path, -1) {
				if !declared[m[1]] {
					bad("%s does not declare the required path parameter %s", where, m[1])
				}
			}
		}
	}
	return problems
}

// requiresBearer reports whether a security requirement list includes bearerAuth.
func requiresBearer(sec any) bool {
	list, _ := sec.([]any)
	for _, req := range list {
		if m, ok := req.(map[string]any); ok {
			if _, ok := m["bearerAuth"]; ok {
				return true
			}
		}
	}
	return false
}

// containsWord reports whether s contains sub, not followed by more of a permission name
// (a sentence's full stop may follow).
func containsWord(s, sub string) bool {
	return regexp.MustCompile(regexp.QuoteMeta(sub) + `([^a-z_.]|\.([^a-z_]|$)|$)`).MatchString(s)
}

// resolve follows a local JSON pointer ("#/a/b") in root, or returns nil.
func resolve(root any, ref string) any {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil
	}
	cur := root
	for _, tok := range strings.Split(rest, "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		if cur, ok = m[tok]; !ok {
			return nil
		}
	}
	return cur
}

// walk calls f for every object in v, with a JSON pointer to it.
func walk(v any, at string, f func(at string, m map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		f(at, v)
		for k, c := range v {
			walk(c, at+"/"+strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1"), f)
		}
	case []any:
		for i, c := range v {
			walk(c, fmt.Sprintf("%s/%d", at, i), f)
		}
	}
}

func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	for _, p := range checkOpenAPI(openAPI, (&API{}).Routes()) {
		t.Error(p)
	}
}

// Routes only builds the table: a zero API gives every route with a handler, and the
// document check above can run without a database.
func TestOpenAPIRoutesOfZeroAPI(t *testing.T) {
	routes := (&API{}).Routes()
	if len(routes) == 0 {
		t.Fatal("Routes() of a zero API is empty")
	}
	for _, rt := range routes {
		if rt.Handler == nil {
			t.Errorf("%s %s has no handler", rt.Method, rt.Path)
		}
		if !strings.HasPrefix(rt.Path, "/api/v1/") {
			t.Errorf("%s %s is not under /api/v1/", rt.Method, rt.Path)
		}
		if !rt.Access.Public && rt.Access.Perm == "" {
			t.Errorf("%s %s is neither public nor needs a permission", rt.Method, rt.Path)
		}
		if rt.Access.Perm != "" && !slices.Contains(auth.AllPermissions, rt.Access.Perm) {
			t.Errorf("%s %s needs unknown permission %q", rt.Method, rt.Path, rt.Access.Perm)
		}
	}
}

func TestOpenAPIServed(t *testing.T) {
	rec := httptest.NewRecorder()
	(&API{}).openapi(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, Content-Type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if rec.Body.String() != string(openAPI) {
		t.Error("the served document differs from the embedded one")
	}
}

// The check must find each kind of drift between the routes and the document.
func TestOpenAPICheckFindsProblems(t *testing.T) {
	type doc = map[string]any
	op := func(d doc, path, method string) doc {
		return d["paths"].(doc)[path].(doc)[method].(doc)
	}
	tests := []struct {
		name   string
		edit   func(d doc, routes []Route) []Route
		raw    string // used instead of the edited document when set
		expect string // part of one reported problem
	}{
		{
			name:   "path removed",
			edit:   func(d doc, rs []Route) []Route { delete(d["paths"].(doc), "/api/v1/queues"); return rs },
			expect: "route GET /api/v1/queues is not documented",
		},
		{
			name:   "operation removed",
			edit:   func(d doc, rs []Route) []Route { delete(d["paths"].(doc)["/api/v1/users"].(doc), "post"); return rs },
			expect: "route POST /api/v1/users is not documented",
		},
		{
			name: "route added",
			edit: func(d doc, rs []Route) []Route {
				return append(rs, Route{"POST", "/api/v1/queues/{id}/pause", auth.Need(auth.PermSettingsManage), nil})
			},
			expect: "route POST /api/v1/queues/{id}/pause is not documented",
		},
		{
			name: "route removed",
			edit: func(d doc, rs []Route) []Route {
				return slices.DeleteFunc(rs, func(r Route) bool { return r.Path == "/api/v1/audit" })
			},
			expect: "get /api/v1/audit is documented but is not a route",
		},
		{
			name:   "no operationId",
			edit:   func(d doc, rs []Route) []Route { delete(op(d, "/api/v1/me", "get"), "operationId"); return rs },
			expect: "get /api/v1/me has no operationId",
		},
		{
			name:   "operationId repeated",
			edit:   func(d doc, rs []Route) []Route { op(d, "/api/v1/roles", "get")["operationId"] = "getMe"; return rs },
			expect: `repeats the operationId "getMe"`,
		},
		{
			name:   "no summary",
			edit:   func(d doc, rs []Route) []Route { op(d, "/api/v1/partners", "get")["summary"] = " "; return rs },
			expect: "get /api/v1/partners has no summary",
		},
		{
			name: "no 2xx response",
			edit: func(d doc, rs []Route) []Route {
				delete(op(d, "/api/v1/tokens/{id}", "delete")["responses"].(doc), "204")
				return rs
			},
			expect: "delete /api/v1/tokens/{id} has no 2xx response",
		},
		{
			name:   "dangling $ref",
			edit:   func(d doc, rs []Route) []Route { delete(d["components"].(doc)["schemas"].(doc), "Queue"); return rs },
			expect: `$ref "#/components/schemas/Queue" does not resolve`,
		},
		{
			name: "security: [] on a protected route",
			edit: func(d doc, rs []Route) []Route {
				op(d, "/api/v1/customers", "get")["security"] = []any{}
				return rs
			},
			expect: "get /api/v1/customers needs a signed-in caller",
		},
		{
			name:   "public route without security: []",
			edit:   func(d doc, rs []Route) []Route { delete(op(d, "/api/v1/openapi.json", "get"), "security"); return rs },
			expect: "get /api/v1/openapi.json is public but does not set security: []",
		},
		{
			name: "permission not stated",
			edit: func(d doc, rs []Route) []Route {
				op(d, "/api/v1/audit", "get")["description"] = "Requires permission audit.reader."
				return rs
			},
			expect: `get /api/v1/audit: description does not say "Requires permission audit.read"`,
		},
		{
			name: "path parameter not declared",
			edit: func(d doc, rs []Route) []Route {
				delete(op(d, "/api/v1/users/{id}", "get"), "parameters")
				return rs
			},
			expect: "get /api/v1/users/{id} does not declare the required path parameter id",
		},
		{
			name:   "no global bearerAuth",
			edit:   func(d doc, rs []Route) []Route { delete(d, "security"); return rs },
			expect: "global security must require bearerAuth",
		},
		{
			name:   "not JSON",
			raw:    `{"openapi": "3.0.3",`,
			expect: "document is not valid JSON",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			routes := (&API{}).Routes()
			body := []byte(tt.raw)
			if tt.raw == "" {
				var d doc
				if err := json.Unmarshal(openAPI, &d); err != nil {
					t.Fatal(err)
				}
				routes = tt.edit(d, routes)
				var err error
				if body, err = json.Marshal(d); err != nil {
					t.Fatal(err)
				}
			}
			problems := checkOpenAPI(body, routes)
			for _, p := range problems {
				if strings.Contains(p, tt.expect) {
					return
				}
			}
			t.Errorf("no problem reported containing %q; got %q", tt.expect, problems)
		})
	}
}

func TestBuildOpenAPIMergesAreas(t *testing.T) {
	base := `{"openapi":"3.0.3","tags":[{"name":"a"}],"paths":{"/x":{}},"components":{"schemas":{"X":{}}}}`
	tests := []struct {
		name, area, wantErr string
	}{
		{"adds", `{"tags":[{"name":"b"}],"paths":{"/y":{}},"components":{"schemas":{"Y":{}}}}`, ""},
		{"duplicate path", `{"paths":{"/x":{}}}`, `"/x" is defined twice`},
		{"duplicate schema", `{"components":{"schemas":{"X":{}}}}`, `"X" is defined twice`},
		{"other keys", `{"info":{}}`, `not "info"`},
		{"bad json", `{`, "area.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := buildOpenAPI(fstest.MapFS{
				"openapi/base.json": {Data: []byte(base)},
				"openapi/area.json": {Data: []byte(tt.area)},
			})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var d map[string]any
			json.Unmarshal(b, &d)
			if _, ok := d["paths"].(map[string]any)["/y"]; !ok || len(d["tags"].([]any)) != 2 {
				t.Fatalf("merged = %s", b)
			}
		})
	}
}
