package cli

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
)

// backup writes a consistent copy of the SQLite database while Hotline keeps running
// (VACUUM INTO reads one snapshot), then checks the copy's integrity.
func backup(ctx context.Context, env Env, args []string) error {
	c := newCommand("backup", env)
	var out string
	c.fs.StringVar(&out, "out", "", "file to write (default DATA/backups/hotline-YYYYMMDD-HHMMSS.db)")
	if err := c.parse(args, env); err != nil {
		return err
	}
	if c.cfg.IsPostgres() {
		return errors.New("backup: this database is PostgreSQL; back it up with pg_dump, e.g.\n  pg_dump --format=custom --file=hotline-$(date +%Y%m%d).dump \"$HOTLINE_DB\"")
	}
	src := c.cfg.SQLitePath()
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("backup: no database at %s: %w", src, err)
	}
	if out == "" {
		out = filepath.Join(c.cfg.DataDir, "backups", "hotline-"+time.Now().Format("20060102-150405")+".db")
	}
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("backup: %s exists; choose another --out", out)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o750); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	d, err := db.Open(ctx, src)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Write().ExecContext(ctx, `VACUUM INTO $1`, out); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := checkIntegrity(ctx, out); err != nil {
		os.Remove(out)
		return err
	}
	info, err := os.Stat(out)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "backup written to %s (%d bytes, integrity ok)\n", out, info.Size())
	return nil
}

func checkIntegrity(ctx context.Context, path string) error {
	copy, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer copy.Close()
	var result string
	if err := copy.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&result); err != nil {
		return fmt.Errorf("backup: check copy: %w", err)
	}
	if result != "ok" {
		return fmt.Errorf("backup: copy failed its integrity check: %s", result)
	}
	return nil
}
