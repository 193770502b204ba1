package i18n

import (
	"sort"
	"strings"
	"testing"
	"testing/fstest"
)

func TestCatalogsHaveTheSameKeys(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	zh, en := c.Keys("zh-CN"), c.Keys("en")
	sort.Strings(zh)
	sort.Strings(en)
	if len(zh) < 50 {
		t.Fatalf("zh-CN has only %d messages", len(zh))
	}
	for lang, keys := range map[string][]string{"zh-CN": zh, "en": en} {
		other := "en"
		if lang == "en" {
			other = "zh-CN"
		}
		for _, k := range keys {
			if !c.Locale(other).Has(k) {
				t.Errorf("%s has %q but %s does not", lang, k, other)
			}
			if strings.TrimSpace(c.Locale(lang).T(k)) == "" {
				t.Errorf("%s: %q is empty", lang, k)
			}
		}
	}
	// Same format verbs in both languages, or Sprintf garbles one of them.
	for _, k := range en {
		if verbs(c.Locale("en").T(k)) != verbs(c.Locale("zh-CN").T(k)) {
			t.Errorf("%q: format verbs differ between en and zh-CN", k)
		}
	}
}

func verbs(s string) string {
	var b strings.Builder
	for i := 0; i < len(s)-1; i++ {
		if s[i] == '%' {
			b.WriteByte(s[i+1])
			i++
		}
	}
	return b.String()
}

func TestFromAcceptLanguage(t *testing.T) {
	for _, c := range []struct{ header, want string }{
		{"", "zh-CN"},
		{"zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"},
		{"zh-TW", "zh-CN"},
		{"en-US,en;q=0.9", "en"},
		{"de-DE,en;q=0.5", "en"},
		{"fr", "zh-CN"},
		{"garbage;;q", "zh-CN"},
	} {
		if got := FromAcceptLanguage(c.header); got != c.want {
			t.Errorf("FromAcceptLanguage(%q) = %q, want %q", c.header, got, c.want)
		}
	}
}

func TestLoadMergesAreaFiles(t *testing.T) {
	tests := []struct {
		name    string
		files   fstest.MapFS
		wantErr string
	}{
		{"areas merge", fstest.MapFS{
			"locales/en.json": {Data: []byte(`{"a":"A"}`)}, "locales/zh-CN.json": {Data: []byte(`{"a":"甲"}`)},
			"locales/desk.en.json": {Data: []byte(`{"b":"B"}`)}, "locales/desk.zh-CN.json": {Data: []byte(`{"b":"乙"}`)},
		}, ""},
		{"duplicate key", fstest.MapFS{
			"locales/en.json": {Data: []byte(`{"a":"A"}`)}, "locales/zh-CN.json": {Data: []byte(`{"a":"甲"}`)},
			"locales/desk.en.json": {Data: []byte(`{"a":"B"}`)},
		}, `key "a" is defined in two files`},
		{"unknown language", fstest.MapFS{
			"locales/en.json": {Data: []byte(`{"a":"A"}`)}, "locales/zh-CN.json": {Data: []byte(`{"a":"甲"}`)},
			"locales/desk.fr.json": {Data: []byte(`{"b":"B"}`)},
		}, `"fr" is not a language`},
		{"language missing", fstest.MapFS{"locales/en.json": {Data: []byte(`{"a":"A"}`)}}, "no messages for zh-CN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := load(tt.files)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Locale("zh-CN").T("b"); got != "乙" {
				t.Fatalf("T(b) = %q", got)
			}
		})
	}
}
