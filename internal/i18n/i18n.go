// Package i18n holds the console's message catalogs (zh-CN and en) and picks a language
// for a request. Every string a person reads in the console comes from a catalog.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"golang.org/x/text/language"
)

//go:embed locales/*.json
var locales embed.FS

// Languages the console speaks, the default first: our users are Chinese service centers.
var Languages = []string{"zh-CN", "en"}

// Default is the language when nothing else decides.
const Default = "zh-CN"

var matcher = language.NewMatcher([]language.Tag{language.SimplifiedChinese, language.English})

// Catalog holds every message in every language.
type Catalog struct {
	messages map[string]map[string]string // lang -> key -> text
}

// Load reads the embedded catalogs. A language's messages are <lang>.json plus one file per
// console area named <area>.<lang>.json, so areas are written apart; a key defined in two
// files is an error.
func Load() (*Catalog, error) { return load(locales) }

func load(files fs.FS) (*Catalog, error) {
	names, err := fs.Glob(files, "locales/*.json")
	if err != nil {
		return nil, err
	}
	c := &Catalog{messages: map[string]map[string]string{}}
	for _, lang := range Languages {
		c.messages[lang] = map[string]string{}
	}
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".json")
		lang := base[strings.LastIndex(base, ".")+1:]
		msgs, ok := c.messages[lang]
		if !ok {
			return nil, fmt.Errorf("i18n: %s: %q is not a language of the console", name, lang)
		}
		b, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", name, err)
		}
		for k, v := range m {
			if _, dup := msgs[k]; dup {
				return nil, fmt.Errorf("i18n: %s: key %q is defined in two files", name, k)
			}
			msgs[k] = v
		}
	}
	for _, lang := range Languages {
		if len(c.messages[lang]) == 0 {
			return nil, fmt.Errorf("i18n: no messages for %s", lang)
		}
	}
	return c, nil
}

// Keys returns the keys of one language's catalog.
func (c *Catalog) Keys(lang string) []string {
	var keys []string
	for k := range c.messages[lang] {
		keys = append(keys, k)
	}
	return keys
}

// Locale returns the messages of lang (or the default language if lang is unknown).
func (c *Catalog) Locale(lang string) *Locale {
	lang = Normalize(lang)
	if lang == "" {
		lang = Default
	}
	return &Locale{Lang: lang, msgs: c.messages[lang], fallback: c.messages["en"]}
}

// Locale is one language's messages.
type Locale struct {
	Lang     string
	msgs     map[string]string
	fallback map[string]string
}

// T returns the message for key, formatted with args (fmt verbs). A missing key shows
// itself, so a gap is visible rather than blank; a test keeps the catalogs complete.
func (l *Locale) T(key string, args ...any) string {
	s, ok := l.msgs[key]
	if !ok {
		if s, ok = l.fallback[key]; !ok {
			return key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether key exists in this language.
func (l *Locale) Has(key string) bool { _, ok := l.msgs[key]; return ok }

// Normalize maps a language name to a supported one, or "" if it is not supported.
func Normalize(lang string) string {
	switch strings.ToLower(strings.TrimSpace(lang)) {
	case "zh", "zh-cn", "zh-hans", "zh_cn", "zh-hans-cn":
		return "zh-CN"
	case "en", "en-us", "en-gb", "en_us":
		return "en"
	}
	return ""
}

// FromAcceptLanguage picks the best supported language for an Accept-Language header.
func FromAcceptLanguage(header string) string {
	if strings.TrimSpace(header) == "" {
		return Default
	}
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return Default
	}
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No {
		return Default
	}
	return Languages[idx]
}
