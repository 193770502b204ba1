package kb

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/errs"
)

// Call scripts give agents the center's standard wording for each step of a call. The
// general script (ticket type "") holds what is said on every call, such as the greeting
// and the closing; a ticket type's script holds what is said on calls of that type, and
// where a type has no wording for a step, the general wording stands.

// Steps of a call, in the order they happen.
var Steps = []string{"greeting", "verify", "diagnose", "offer", "close"}

// DefaultTicketTypes are the ticket type codes the scripts page offers even before any
// script names them. Ticket types themselves belong to the ticket package; here a type is
// only its code.
var DefaultTicketTypes = []string{"presales", "support", "repair", "inquiry", "complaint", "suggestion"}

var typeCode = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)

// MaxScript is the longest wording of one step.
const MaxScript = 4000

// ValidTicketType reports whether code may name a ticket type ("" is the general script).
func ValidTicketType(code string) bool { return code == "" || typeCode.MatchString(code) }

// ScriptStep is the wording of one step for one ticket type.
type ScriptStep struct {
	Step string
	Body string // the type's wording, or the general one when General is set
	// General reports that the type has no wording of its own for this step.
	General       bool
	UpdatedAt     time.Time
	UpdatedByName string
}

// Script returns every step of a ticket type's script in call order; steps with no
// wording (neither the type's nor the general one) have an empty Body.
func (s *Service) Script(ctx context.Context, by *auth.User, ticketType string) ([]ScriptStep, error) {
	if err := need(by, auth.PermKBRead); err != nil {
		return nil, err
	}
	ticketType = strings.TrimSpace(ticketType)
	if !ValidTicketType(ticketType) {
		return nil, errs.Field("type", "A ticket type code has 1 to 32 characters: a-z, 0-9, - or _, starting with a letter.").WithKey("script_type")
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT s.ticket_type, s.step, s.body, s.updated_at, COALESCE(u.display_name, '')
		FROM kb_scripts s LEFT JOIN users u ON u.id = s.updated_by WHERE s.ticket_type IN ('', $1)`, ticketType)
	if err != nil {
		return nil, fmt.Errorf("kb: script %q: %w", ticketType, err)
	}
	defer rows.Close()
	own, general := map[string]ScriptStep{}, map[string]ScriptStep{}
	for rows.Next() {
		var tt string
		var st ScriptStep
		if err := rows.Scan(&tt, &st.Step, &st.Body, &st.UpdatedAt, &st.UpdatedByName); err != nil {
			return nil, fmt.Errorf("kb: scan script: %w", err)
		}
		if tt == ticketType {
			own[st.Step] = st
		} else {
			st.General = true
			general[st.Step] = st
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]ScriptStep, 0, len(Steps))
	for _, step := range Steps {
		st, ok := own[step]
		if !ok {
			st, ok = general[step]
		}
		if !ok {
			st = ScriptStep{Step: step, General: ticketType != ""}
		}
		out = append(out, st)
	}
	return out, nil
}

// SaveScript sets the wording of one step of a ticket type's script ("" for the general
// script); empty wording removes the step, so the general wording stands again.
func (s *Service) SaveScript(ctx context.Context, by *auth.User, ticketType, step, body string) error {
	if err := need(by, auth.PermKBWrite); err != nil {
		return err
	}
	ticketType = strings.TrimSpace(ticketType)
	if !ValidTicketType(ticketType) {
		return errs.Field("type", "A ticket type code has 1 to 32 characters: a-z, 0-9, - or _, starting with a letter.").WithKey("script_type")
	}
	pos := slices.Index(Steps, step)
	if pos < 0 {
		return errs.Field("step", "Unknown step of a call.").WithKey("script_step")
	}
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	if utf8.RuneCountInString(body) > MaxScript {
		return errs.Field("body", fmt.Sprintf("The wording of a step must have at most %d characters.", MaxScript)).WithKey("script_body", MaxScript)
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM kb_scripts WHERE ticket_type = $1 AND step = $2`, ticketType, step); err != nil {
			return fmt.Errorf("kb: save script: %w", err)
		}
		if body == "" {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO kb_scripts (ticket_type, step, position, body, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			ticketType, step, pos, body, nullID(by.ID), s.clock()); err != nil {
			return fmt.Errorf("kb: save script: %w", err)
		}
		return nil
	})
}

// ScriptTypes returns the ticket type codes to offer: the defaults, then every other type
// that has a script (not the general script).
func (s *Service) ScriptTypes(ctx context.Context) ([]string, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT DISTINCT ticket_type FROM kb_scripts WHERE ticket_type <> ''`)
	if err != nil {
		return nil, fmt.Errorf("kb: script types: %w", err)
	}
	defer rows.Close()
	out := slices.Clone(DefaultTicketTypes)
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, rows.Err()
}
