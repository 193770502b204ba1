// Package kb is the center's knowledge: articles in categories with every version kept
// and a search that works for Chinese on both database engines, call scripts per ticket
// type and step, and announcements (price changes, promotions, product and quality
// notices) that a curator approves and every agent acknowledges.
//
// Every method that reads or changes knowledge takes the acting user and checks what
// that user may do, so the rules hold whichever adapter (console, API, demo) calls.
package kb

import (
	"fmt"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
)

// Service reads and writes knowledge.
type Service struct {
	db     *db.DB
	events *events.Log // may be nil
	now    func() time.Time
}

// New returns the service over d; log receives announcement events (it may be nil).
func New(d *db.DB, log *events.Log) *Service {
	return &Service{db: d, events: log, now: time.Now}
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// need returns a Forbidden error unless by may do perm.
func need(by *auth.User, perm auth.Permission) error {
	if !by.Can(perm) {
		return errs.E(errs.Forbidden, "You do not have permission to do this.").WithKey("forbidden")
	}
	return nil
}

func notFound(what string) error {
	return errs.E(errs.NotFound, "%s not found.", what).WithKey("not_found")
}

// placeholders returns "$from, $from+1, ..." for n arguments.
func placeholders(from, n int) string {
	ph := make([]string, n)
	for i := range ph {
		ph[i] = fmt.Sprintf("$%d", from+i)
	}
	return strings.Join(ph, ", ")
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Truncate(time.Microsecond)
}
