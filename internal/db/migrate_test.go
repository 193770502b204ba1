package db

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
)

// The two engines' migration folders must hold the same versions with the same names, so
// a schema change can never reach one engine only.
func TestMigrationFoldersMatch(t *testing.T) {
	names := func(dir string) []string {
		entries, err := fs.ReadDir(migrations, dir)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".sql") {
				out = append(out, e.Name())
			}
		}
		return out
	}
	lite, pg := names("migrations/sqlite"), names("migrations/postgres")
	if len(lite) == 0 || !slices.Equal(lite, pg) {
		t.Fatalf("sqlite migrations %v, postgres migrations %v", lite, pg)
	}
}
