package db_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
)

func TestMigrateIsIdempotentAndCurrent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		applied, err := d.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Fatalf("second migrate applied %v, want nothing", applied)
		}
		cur, latest, err := d.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if cur != latest || cur == 0 {
			t.Fatalf("version %d, latest %d", cur, latest)
		}
	})
}

// The same query text, with $N placeholders and a time value, must work on both engines.
func TestPlaceholdersTimesAndTx(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		at := time.Date(2026, 11, 23, 8, 30, 15, 123456000, time.UTC)
		var id int64
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			return tx.QueryRowContext(ctx,
				`INSERT INTO partners (name, kind, phone, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
				"华强维修站", "repair_station", "010-12345678", at).Scan(&id)
		})
		if err != nil {
			t.Fatal(err)
		}
		var name string
		var got time.Time
		err = d.Read().QueryRowContext(ctx, `SELECT name, created_at FROM partners WHERE id = $1 AND kind = $2`, id, "repair_station").Scan(&name, &got)
		if err != nil {
			t.Fatal(err)
		}
		if name != "华强维修站" || !got.Equal(at) {
			t.Fatalf("got %q %v, want 华强维修站 %v", name, got, at)
		}
		// A failing function rolls the whole transaction back.
		boom := errors.New("boom")
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO partners (name, kind, created_at) VALUES ($1, $2, $3)`, "rolled back", "merchant", at); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Tx returned %v, want boom", err)
		}
		var n int
		d.Read().QueryRowContext(ctx, `SELECT count(*) FROM partners WHERE name = $1`, "rolled back").Scan(&n)
		if n != 0 {
			t.Fatal("rolled-back insert is visible")
		}
		// Unique violations are recognised on both engines.
		_, err = d.Write().ExecContext(ctx, `INSERT INTO partners (name, kind, created_at) VALUES ($1, $2, $3)`, "华强维修站", "merchant", at)
		if !db.IsUniqueViolation(err) {
			t.Fatalf("duplicate insert: %v, want a unique violation", err)
		}
	})
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		_, err := d.Write().ExecContext(ctx, `INSERT INTO audit_log (at, actor_name, action) VALUES ($1, $2, $3)`, time.Now().UTC(), "admin", "user.create")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Write().ExecContext(ctx, `UPDATE audit_log SET action = 'x'`); err == nil {
			t.Fatal("update of the audit log succeeded")
		}
		if _, err := d.Write().ExecContext(ctx, `DELETE FROM audit_log`); err == nil {
			t.Fatal("delete from the audit log succeeded")
		}
	})
}

func TestSQLiteReaderIsReadOnly(t *testing.T) {
	d := dbtest.SQLite(t)
	if _, err := d.Read().Exec(`INSERT INTO partners (name, kind, created_at) VALUES ('x', 'y', '2026-01-01')`); err == nil {
		t.Fatal("write through the read pool succeeded")
	}
}
