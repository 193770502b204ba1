package auth

import (
	"time"

	"github.com/hotlinecc/hotline/internal/db"
)

// Service holds the auth store and its rules.
type Service struct {
	db         *db.DB
	now        func() time.Time
	sessionTTL time.Duration
	limiter    *Limiter
}

// Options tune a Service; zero values take defaults.
type Options struct {
	SessionTTL time.Duration    // idle lifetime of a console session (default 12h)
	Now        func() time.Time // clock, for tests
	// Failed sign-ins allowed per client address per minute (default 20). Only failures
	// count: a whole office signing in at shift start behind one address is normal.
	FailedLoginsPerMinute int
}

// Lockout rules: after MaxFailedLogins wrong passwords in a row the account is locked
// for LockoutDuration, whatever address the attempts came from.
const (
	MaxFailedLogins = 5
	LockoutDuration = 15 * time.Minute
)

// NewService returns a Service over d.
func NewService(d *db.DB, o Options) *Service {
	if o.SessionTTL == 0 {
		o.SessionTTL = 12 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.FailedLoginsPerMinute == 0 {
		o.FailedLoginsPerMinute = 20
	}
	s := &Service{db: d, now: o.Now, sessionTTL: o.SessionTTL}
	s.limiter = NewLimiter(o.FailedLoginsPerMinute, time.Minute, s.clock)
	return s
}

// clock returns the current time in UTC at microsecond precision, which both engines
// store exactly, so a value read back equals the value written.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }
