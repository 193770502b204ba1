package web

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/i18n"
)

// Every key the console can ask for exists in both catalogs: the literal keys in the
// templates and Go code, and the keys built from roles, permissions and other values.
func TestEveryUIStringIsInBothCatalogs(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	literal := regexp.MustCompile(`\.T "([a-z_.0-9]+)"`)
	fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(templateFS, path)
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = true
		}
		return nil
	})
	goKey := regexp.MustCompile(`(?:page\(r, |Key: )"([a-z_.]+)"|WithKey\("([a-z_]+)"`)
	for _, dir := range []string{".", "../auth", "../crm", "../acd", "../acd/acdstore", "../app", "../ticket"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, _ := os.ReadFile(f)
			for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
				if m[1] != "" {
					keys[m[1]] = true
				} else {
					keys["err."+m[2]] = true
				}
			}
		}
	}
	if len(keys) < 100 {
		t.Fatalf("found only %d keys; is the scan broken?", len(keys))
	}
	for _, r := range auth.Roles {
		keys["role."+string(r)] = true
		keys["home.role."+string(r)] = true
	}
	for _, p := range auth.AllPermissions {
		keys["perm."+string(p)] = true
	}
	for _, s := range acd.Strategies {
		keys["strategy."+string(s)] = true
	}
	for _, a := range auth.AuditActions {
		keys["audit.act."+a] = true
	}
	for _, k := range auth.PartnerKinds {
		keys["partner."+k] = true
	}
	for _, s := range []int{400, 401, 403, 404, 405, 409, 413, 429, 500} {
		keys[fmt.Sprintf("error.status.%d", s)] = true
	}
	for _, f := range []string{"user_created", "user_saved", "partner_created", "profile_saved", "password_changed", "token_revoked",
		"ticket_created", "ticket_saved", "ticket_status", "ticket_dispatched", "ticket_note", "ticket_attached", "ticket_type_saved", "department_saved"} {
		keys["flash."+f] = true
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
