package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hotlinecc/hotline/internal/i18n"
	"github.com/hotlinecc/hotline/internal/kb"
)

// Every message the knowledge pages can show exists in both catalogs: the kb service's
// error keys, and the keys built from statuses, steps, kinds and ticket types.
func TestKnowledgeStringsInBothCatalogs(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	withKey := regexp.MustCompile(`WithKey\("([a-z_]+)"`)
	flash := regexp.MustCompile(`ok=([a-z_]+)|"ok": \{"([a-z_]+)"\}|c\.annAction\(w, r, "([a-z_]+)"|, "(kb_category_[a-z]+)"\)`)
	files, _ := filepath.Glob("../kb/*.go")
	more, _ := filepath.Glob("kb*.go")
	more2, _ := filepath.Glob("announcement*.go")
	for _, f := range append(append(files, more...), more2...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		for _, m := range withKey.FindAllStringSubmatch(string(b), -1) {
			keys["err."+m[1]] = true
		}
		for _, m := range flash.FindAllStringSubmatch(string(b), -1) {
			keys["flash."+m[1]+m[2]+m[3]+m[4]] = true
		}
	}
	if len(keys) < 30 {
		t.Fatalf("found only %d keys; is the scan broken?", len(keys))
	}
	for _, s := range kb.Statuses {
		keys["kb.status."+string(s)] = true
	}
	for _, s := range kb.Steps {
		keys["kb.step."+s] = true
	}
	for _, k := range kb.Kinds {
		keys["ann.kind."+string(k)] = true
	}
	for _, s := range kb.AnnStatuses {
		keys["ann.status."+string(s)] = true
	}
	for _, s := range []kb.AnnStatus{kb.AnnPublished, kb.Rejected} {
		keys["ann.decided."+string(s)] = true
	}
	for _, tt := range kb.DefaultTicketTypes {
		keys["kb.type."+tt] = true
	}
	for _, lang := range i18n.Languages {
		l := cat.Locale(lang)
		for k := range keys {
			if !l.Has(k) {
				t.Errorf("%s: missing %q", lang, k)
			}
		}
	}
}
