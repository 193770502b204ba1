package config

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func load(t *testing.T, args []string, env map[string]string) (Config, error) {
	t.Helper()
	var scratch Config
	fs := FlagSet("test", &scratch, io.Discard)
	return Load(fs, args, func(k string) string { return env[k] })
}

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "hotline.conf")
	os.WriteFile(file, []byte("# a comment\nhttp = 127.0.0.1:9000\ndata = /srv/hotline\nlog-format = json\nsession-ttl = 8h\n"), 0o600)
	for _, c := range []struct {
		name string
		args []string
		env  map[string]string
		want func(Config) bool
	}{
		{"defaults", nil, nil, func(c Config) bool {
			return c.HTTPAddr == "127.0.0.1:8080" && c.SIPAddr == "127.0.0.1:5060" && c.DataDir == "./data" && !c.Demo && c.TimeZone == "Asia/Shanghai"
		}},
		{"file over defaults", []string{"--config", file}, nil, func(c Config) bool {
			return c.HTTPAddr == "127.0.0.1:9000" && c.DataDir == "/srv/hotline" && c.LogFormat == "json" && c.SessionTTL == 8*time.Hour
		}},
		{"env names the file", nil, map[string]string{"HOTLINE_CONFIG": file}, func(c Config) bool { return c.HTTPAddr == "127.0.0.1:9000" }},
		{"env over file", []string{"--config", file}, map[string]string{"HOTLINE_HTTP": "127.0.0.1:9100", "HOTLINE_DEMO": "true"}, func(c Config) bool {
			return c.HTTPAddr == "127.0.0.1:9100" && c.DataDir == "/srv/hotline" && c.Demo
		}},
		{"flags over env", []string{"--config", file, "--http", "127.0.0.1:9200", "--demo=false"}, map[string]string{"HOTLINE_HTTP": "127.0.0.1:9100", "HOTLINE_DEMO": "true"}, func(c Config) bool {
			return c.HTTPAddr == "127.0.0.1:9200" && !c.Demo && c.LogFormat == "json"
		}},
		{"postgres", []string{"--db", "postgres://u:p@localhost/hotline"}, nil, func(c Config) bool { return c.IsPostgres() }},
	} {
		cfg, err := load(t, c.args, c.env)
		if err != nil || !c.want(cfg) {
			t.Errorf("%s: %+v %v", c.name, cfg, err)
		}
	}
}

func TestInvalid(t *testing.T) {
	dir := t.TempDir()
	typo := filepath.Join(dir, "typo.conf")
	os.WriteFile(typo, []byte("htpp = 127.0.0.1:1\n"), 0o600)
	for _, c := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"unknown flag", []string{"--nope"}, nil, "not defined"},
		{"bad bool env", nil, map[string]string{"HOTLINE_DEMO": "maybe"}, "HOTLINE_DEMO"},
		{"bad duration", []string{"--session-ttl", "forever"}, nil, "duration"},
		{"file typo", []string{"--config", typo}, nil, `unknown key "htpp"`},
		{"missing file", []string{"--config", filepath.Join(dir, "none")}, nil, "no such file"},
		{"bad db", []string{"--db", "mysql://x"}, nil, "want empty"},
		{"bad zone", []string{"--timezone", "Mars/Base"}, nil, "timezone"},
		{"bad log format", []string{"--log-format", "xml"}, nil, "log-format"},
		{"short ttl", []string{"--session-ttl", "1s"}, nil, "session-ttl"},
	} {
		_, err := load(t, c.args, c.env)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error containing %q", c.name, err, c.want)
		}
	}
}
