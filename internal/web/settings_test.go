package web

import (
	"strings"
	"testing"

	"github.com/hotlinecc/hotline/internal/i18n"
)

// The navigation and the settings page link only to console routes, with labels in both
// languages, and no two sections share a "g" shortcut.
func TestNavigationAndSettingsLinkToRoutes(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	gets := map[string]bool{}
	for _, rt := range (&Console{}).Routes() {
		if path, ok := strings.CutPrefix(rt.Pattern, "GET "); ok {
			gets[strings.TrimSuffix(path, "{$}")] = true
		}
	}
	check := func(key, href string) {
		t.Helper()
		if !gets[href] {
			t.Errorf("%s links to %s, which is no GET route", key, href)
		}
		for _, lang := range i18n.Languages {
			if !cat.Locale(lang).Has(key) {
				t.Errorf("%s has no %s label", key, lang)
			}
		}
	}
	shortcuts := map[string]string{}
	for _, n := range nav {
		check(n.Key, n.Href)
		if other, dup := shortcuts[n.Shortcut]; dup {
			t.Errorf("g %s is the shortcut of %s and %s", n.Shortcut, other, n.Href)
		}
		shortcuts[n.Shortcut] = n.Href
	}
	for _, g := range settingsGroups {
		for _, it := range g.Items {
			check(it.Key, it.Href)
		}
	}
}
