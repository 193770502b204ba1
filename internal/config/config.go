// Package config holds Hotline's settings. Values come, in rising precedence, from the
// defaults, an optional file, HOTLINE_* environment variables and command-line flags.
// The Config is passed explicitly; there is no global.
package config

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of a Hotline process.
type Config struct {
	HTTPAddr      string        // console and API listen address
	SIPAddr       string        // SIP listen address (voice)
	DataDir       string        // folder for the SQLite database, recordings, backups
	DB            string        // "" = SQLite in DataDir; postgres://... = PostgreSQL
	Demo          bool          // load the demo center into an empty database
	LogFormat     string        // text or json
	LogLevel      string        // debug, info, warn, error
	TimeZone      string        // the center's time zone, e.g. Asia/Shanghai
	SessionTTL    time.Duration // idle lifetime of a console session
	SecureCookies string        // auto (Secure when served over TLS), always, never
	MaxBodyBytes  int64         // limit for JSON and form bodies
	RepeatWindow  time.Duration // a contact within this time of an earlier one is a repeat contact
	AttachMax     int64         // limit for one ticket attachment (uploads may be this large)
	ConfigFile    string        // the optional file these values were read from
	// RecordingRetention is how many days call recordings are kept; 0 keeps them forever.
	RecordingRetention int64
	// AutoBlockCalls blocks a number that calls more than this many times within
	// AutoBlockWindow (0: never).
	AutoBlockCalls  int64
	AutoBlockWindow time.Duration
	SIPPublicIP     string // IP advertised in SDP and Contact (empty: the SIP listen IP)
	RTPMin          int64  // lowest RTP port (0 with RTPMax 0: any free port)
	RTPMax          int64  // highest RTP port
	SIPTLSAddr      string // SIP over TLS listen address (needs SIPTLSCert and SIPTLSKey)
	SIPTLSCert      string // PEM certificate file for SIP over TLS
	SIPTLSKey       string // PEM key file for SIP over TLS
	// AgentAutoLogin logs an agent in (available) when their phone registers, without the
	// console's login; off, a registered phone only makes the agent reachable.
	AgentAutoLogin bool
}

// setting describes one configurable value once, for flags, env and file alike.
type setting struct {
	name  string // flag name and file key
	help  string
	value func(c *Config) flag.Value
}

func settings() []setting {
	return []setting{
		{"http", "console and API listen address", func(c *Config) flag.Value { return (*stringValue)(&c.HTTPAddr) }},
		{"sip", "SIP listen address", func(c *Config) flag.Value { return (*stringValue)(&c.SIPAddr) }},
		{"data", "data folder (SQLite database, recordings, backups)", func(c *Config) flag.Value { return (*stringValue)(&c.DataDir) }},
		{"db", "database: empty for SQLite in the data folder, or postgres://user:pass@host/db", func(c *Config) flag.Value { return (*stringValue)(&c.DB) }},
		{"demo", "load the demo center into an empty database", func(c *Config) flag.Value { return (*boolValue)(&c.Demo) }},
		{"log-format", "log format: text or json", func(c *Config) flag.Value { return (*stringValue)(&c.LogFormat) }},
		{"log-level", "log level: debug, info, warn, error", func(c *Config) flag.Value { return (*stringValue)(&c.LogLevel) }},
		{"timezone", "the center's time zone (IANA name)", func(c *Config) flag.Value { return (*stringValue)(&c.TimeZone) }},
		{"session-ttl", "idle lifetime of a console session", func(c *Config) flag.Value { return (*durationValue)(&c.SessionTTL) }},
		{"secure-cookies", "auto, always or never", func(c *Config) flag.Value { return (*stringValue)(&c.SecureCookies) }},
		{"max-body", "largest accepted JSON or form body in bytes", func(c *Config) flag.Value { return (*int64Value)(&c.MaxBodyBytes) }},
		{"repeat-window", "a contact within this time of the same customer's (or number's) earlier one is a repeat", func(c *Config) flag.Value { return (*durationValue)(&c.RepeatWindow) }},
		{"attachment-max", "largest accepted ticket attachment in bytes", func(c *Config) flag.Value { return (*int64Value)(&c.AttachMax) }},
		{"recording-retention", "days to keep call recordings; 0 keeps them forever", func(c *Config) flag.Value { return (*int64Value)(&c.RecordingRetention) }},
		{"autoblock-calls", "block a number that calls more than this many times within autoblock-window; 0 turns it off", func(c *Config) flag.Value { return (*int64Value)(&c.AutoBlockCalls) }},
		{"autoblock-window", "the window of autoblock-calls", func(c *Config) flag.Value { return (*durationValue)(&c.AutoBlockWindow) }},
		{"sip-public-ip", "IP address advertised in SIP Contact and SDP (empty: the SIP listen IP)", func(c *Config) flag.Value { return (*stringValue)(&c.SIPPublicIP) }},
		{"rtp-min", "lowest RTP port", func(c *Config) flag.Value { return (*int64Value)(&c.RTPMin) }},
		{"rtp-max", "highest RTP port", func(c *Config) flag.Value { return (*int64Value)(&c.RTPMax) }},
		{"sip-tls", "SIP over TLS listen address (empty: off)", func(c *Config) flag.Value { return (*stringValue)(&c.SIPTLSAddr) }},
		{"sip-tls-cert", "PEM certificate file for SIP over TLS", func(c *Config) flag.Value { return (*stringValue)(&c.SIPTLSCert) }},
		{"sip-tls-key", "PEM key file for SIP over TLS", func(c *Config) flag.Value { return (*stringValue)(&c.SIPTLSKey) }},
		{"agent-auto-login", "a registering phone logs its agent in without the console", func(c *Config) flag.Value { return (*boolValue)(&c.AgentAutoLogin) }},
	}
}

// Default returns the built-in defaults: safe for a first start on one machine.
func Default() Config {
	return Config{
		HTTPAddr:      "127.0.0.1:8080",
		SIPAddr:       "127.0.0.1:5060",
		DataDir:       "./data",
		LogFormat:     "text",
		LogLevel:      "info",
		TimeZone:      "Asia/Shanghai",
		SessionTTL:    12 * time.Hour,
		SecureCookies: "auto",
		MaxBodyBytes:  1 << 20,
		RepeatWindow:  7 * 24 * time.Hour,
		AttachMax:     10 << 20,
		// Auto-block: more than 20 calls in 10 minutes is a machine or a prank, not a customer.
		AutoBlockCalls:  20,
		AutoBlockWindow: 10 * time.Minute,
		RTPMin:          20000,
		RTPMax:          20999,
	}
}

// EnvName is the environment variable for a setting: "log-format" -> HOTLINE_LOG_FORMAT.
func EnvName(name string) string {
	return "HOTLINE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// FlagSet returns a flag set bound to c with every setting plus --config. Callers may add
// their own flags before parsing.
func FlagSet(name string, c *Config, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	for _, s := range settings() {
		fs.Var(s.value(c), s.name, s.help+" (env "+EnvName(s.name)+")")
	}
	fs.StringVar(&c.ConfigFile, "config", "", "optional settings file of key = value lines (env HOTLINE_CONFIG)")
	return fs
}

// Load resolves the configuration: defaults < file < env < flags. It parses args with fs,
// which must come from FlagSet bound to a scratch Config; the returned Config is the
// merged result. Remaining arguments stay available as fs.Args().
func Load(fs *flag.FlagSet, args []string, getenv func(string) string) (Config, error) {
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	cfg := Default()
	file := getenv("HOTLINE_CONFIG")
	if f := fs.Lookup("config"); f != nil && f.Value.String() != "" {
		file = f.Value.String()
	}
	if file != "" {
		if err := applyFile(&cfg, file); err != nil {
			return Config{}, err
		}
		cfg.ConfigFile = file
	}
	for _, s := range settings() {
		if v := getenv(EnvName(s.name)); v != "" {
			if err := s.value(&cfg).Set(v); err != nil {
				return Config{}, fmt.Errorf("config: %s=%q: %w", EnvName(s.name), v, err)
			}
		}
	}
	var flagErr error
	fs.Visit(func(f *flag.Flag) {
		for _, s := range settings() {
			if s.name == f.Name {
				if err := s.value(&cfg).Set(f.Value.String()); err != nil && flagErr == nil {
					flagErr = fmt.Errorf("config: --%s: %w", f.Name, err)
				}
			}
		}
	})
	if flagErr != nil {
		return Config{}, flagErr
	}
	return cfg, cfg.Validate()
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	var problems []string
	if c.HTTPAddr == "" {
		problems = append(problems, "http address is empty")
	}
	if c.DataDir == "" {
		problems = append(problems, "data folder is empty")
	}
	if c.DB != "" && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") && !strings.HasPrefix(c.DB, "sqlite:") {
		problems = append(problems, fmt.Sprintf("db %q: want empty, sqlite:PATH or postgres://...", c.DB))
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		problems = append(problems, fmt.Sprintf("log-format %q: want text or json", c.LogFormat))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		problems = append(problems, fmt.Sprintf("log-level %q: want debug, info, warn or error", c.LogLevel))
	}
	switch c.SecureCookies {
	case "auto", "always", "never":
	default:
		problems = append(problems, fmt.Sprintf("secure-cookies %q: want auto, always or never", c.SecureCookies))
	}
	if _, err := time.LoadLocation(c.TimeZone); err != nil {
		problems = append(problems, fmt.Sprintf("timezone %q: %v", c.TimeZone, err))
	}
	if c.SessionTTL < time.Minute {
		problems = append(problems, "session-ttl must be at least 1m")
	}
	if c.RepeatWindow < time.Minute || c.RepeatWindow > 366*24*time.Hour {
		problems = append(problems, "repeat-window must be 1m to 8784h (366 days)")
	}
	if c.RecordingRetention < 0 {
		problems = append(problems, "recording-retention must not be negative")
	}
	if c.AutoBlockCalls < 0 || (c.AutoBlockCalls > 0 && c.AutoBlockWindow < time.Minute) {
		problems = append(problems, "autoblock-calls must not be negative, and autoblock-window at least 1m")
	}
	if c.MaxBodyBytes < 1024 {
		problems = append(problems, "max-body must be at least 1024 bytes")
	}
	if c.AttachMax < 1024 {
		problems = append(problems, "attachment-max must be at least 1024 bytes")
	}
	if c.RTPMin < 0 || c.RTPMax > 65535 || c.RTPMin > c.RTPMax || (c.RTPMin > 0 && c.RTPMax-c.RTPMin < 10) {
		problems = append(problems, fmt.Sprintf("rtp-min %d, rtp-max %d: want 1-65535 with at least 10 ports, or both 0", c.RTPMin, c.RTPMax))
	}
	if c.SIPPublicIP != "" && net.ParseIP(c.SIPPublicIP) == nil {
		problems = append(problems, fmt.Sprintf("sip-public-ip %q is not an IP address", c.SIPPublicIP))
	}
	if c.SIPTLSAddr != "" && (c.SIPTLSCert == "" || c.SIPTLSKey == "") {
		problems = append(problems, "sip-tls needs sip-tls-cert and sip-tls-key")
	}
	if len(problems) > 0 {
		return errors.New("config: " + strings.Join(problems, "; "))
	}
	return nil
}

// Location returns the center's time zone; Validate has checked it loads.
func (c Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// SQLitePath is the database file when the SQLite engine is used.
func (c Config) SQLitePath() string {
	if strings.HasPrefix(c.DB, "sqlite:") {
		return strings.TrimPrefix(c.DB, "sqlite:")
	}
	return filepath.Join(c.DataDir, "hotline.db")
}

// IsPostgres reports whether the database is PostgreSQL.
func (c Config) IsPostgres() bool {
	return strings.HasPrefix(c.DB, "postgres://") || strings.HasPrefix(c.DB, "postgresql://")
}

// applyFile reads "key = value" lines; # starts a comment. Unknown keys are errors so
// that a typo does not silently keep a default.
func applyFile(c *Config, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	known := map[string]setting{}
	for _, s := range settings() {
		known[s.name] = s
	}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			return fmt.Errorf("config: %s:%d: want key = value", path, n)
		}
		key, value = strings.TrimSpace(key), strings.Trim(strings.TrimSpace(value), `"`)
		s, ok := known[key]
		if !ok {
			return fmt.Errorf("config: %s:%d: unknown key %q (known: %s)", path, n, key, strings.Join(Names(), ", "))
		}
		if err := s.value(c).Set(value); err != nil {
			return fmt.Errorf("config: %s:%d: %s: %w", path, n, key, err)
		}
	}
	return sc.Err()
}

// Names lists every setting name, sorted.
func Names() []string {
	var names []string
	for _, s := range settings() {
		names = append(names, s.name)
	}
	sort.Strings(names)
	return names
}

type stringValue string

func (v *stringValue) Set(s string) error { *v = stringValue(s); return nil }
func (v *stringValue) String() string     { return string(*v) }

type boolValue bool

func (v *boolValue) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("want true or false")
	}
	*v = boolValue(b)
	return nil
}
func (v *boolValue) String() string   { return strconv.FormatBool(bool(*v)) }
func (v *boolValue) IsBoolFlag() bool { return true }

type durationValue time.Duration

func (v *durationValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("want a duration such as 12h or 30m")
	}
	*v = durationValue(d)
	return nil
}
func (v *durationValue) String() string { return time.Duration(*v).String() }

type int64Value int64

func (v *int64Value) Set(s string) error {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("want a whole number")
	}
	*v = int64Value(n)
	return nil
}
func (v *int64Value) String() string { return strconv.FormatInt(int64(*v), 10) }
