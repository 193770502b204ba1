package config

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// README.md's configuration table lists every setting with its environment variable and
// default, so the table cannot drift from the code.
func TestREADMEListsEverySetting(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	def := Default()
	for _, s := range settings() {
		value := s.value(&def).String()
		shown := "`" + value + "`"
		if value == "" {
			shown = "empty"
		}
		row := fmt.Sprintf("| `%s` | `%s` | %s |", s.name, EnvName(s.name), shown)
		if !strings.Contains(readme, row) {
			t.Errorf("README.md has no configuration row starting %s", row)
		}
	}
}
