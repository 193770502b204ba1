package api

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
)

// The OpenAPI document is written by hand in parts: openapi/base.json holds the info,
// security and shared components; every other file under openapi/ documents one area's
// paths, tags and components. They are merged once at start; a name defined twice is an
// error, so two areas cannot silently overwrite each other.
//
//go:embed openapi/*.json
var openAPIParts embed.FS

var openAPI = mustBuildOpenAPI()

func mustBuildOpenAPI() []byte {
	b, err := buildOpenAPI(openAPIParts)
	if err != nil {
		panic(err)
	}
	return b
}

func buildOpenAPI(parts fs.FS) ([]byte, error) {
	names, err := fs.Glob(parts, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var root map[string]any
	for _, name := range append([]string{"openapi/base.json"}, names...) {
		b, err := fs.ReadFile(parts, name)
		if err != nil {
			return nil, fmt.Errorf("openapi: %w", err)
		}
		var part map[string]any
		if err := json.Unmarshal(b, &part); err != nil {
			return nil, fmt.Errorf("openapi: %s: %w", name, err)
		}
		if root == nil {
			root = part
			continue
		}
		if path.Base(name) == "base.json" {
			continue
		}
		if err := mergeOpenAPI(root, part, name); err != nil {
			return nil, err
		}
	}
	return json.MarshalIndent(root, "", "  ")
}

// mergeOpenAPI adds an area's tags, paths and components to root.
func mergeOpenAPI(root, part map[string]any, name string) error {
	for key, v := range part {
		switch key {
		case "tags":
			tags, _ := v.([]any)
			existing, _ := root["tags"].([]any)
			root["tags"] = append(existing, tags...)
		case "paths":
			if err := mergeMap(root, "paths", v, name+": paths"); err != nil {
				return err
			}
		case "components":
			comps, _ := v.(map[string]any)
			rootComps, _ := root["components"].(map[string]any)
			if rootComps == nil {
				rootComps = map[string]any{}
				root["components"] = rootComps
			}
			for kind, defs := range comps {
				if err := mergeMap(rootComps, kind, defs, name+": components."+kind); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("openapi: %s: only tags, paths and components may be in an area file, not %q", name, key)
		}
	}
	return nil
}

func mergeMap(into map[string]any, key string, v any, where string) error {
	src, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("openapi: %s is not an object", where)
	}
	dst, _ := into[key].(map[string]any)
	if dst == nil {
		dst = map[string]any{}
		into[key] = dst
	}
	for k, def := range src {
		if _, dup := dst[k]; dup {
			return fmt.Errorf("openapi: %s: %q is defined twice", where, k)
		}
		dst[k] = def
	}
	return nil
}
