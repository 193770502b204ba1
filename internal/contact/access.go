package contact

import (
	"context"
	"os"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/errs"
)

// Who sees which calls. The console and the API check the route's permission
// (auth.PermCallsRead); these methods apply the rules that depend on the row:
//
//   - the whole center's records: users who may hear any recording, monitor calls or read
//     reports;
//   - everyone else: the calls they took, and the calls of customers they may read (those
//     are on the customer's timeline anyway);
//   - recordings: PermRecordingsAll hears any, PermRecordingsOwn only the calls the user
//     answered as the agent.

// SeesAll reports whether p may list every call of the center.
func SeesAll(p *auth.Principal) bool {
	return p.Can(auth.PermRecordingsAll) || p.Can(auth.PermCallsMonitor) || p.Can(auth.PermReportsRead)
}

// MayHear reports whether p may replay the recording of c.
func MayHear(p *auth.Principal, c *Call) bool {
	if p.Can(auth.PermRecordingsAll) {
		return true
	}
	return p.Can(auth.PermRecordingsOwn) && c.AgentID != 0 && c.AgentID == p.User.ID
}

func maySee(p *auth.Principal, c *Call) bool {
	return SeesAll(p) || (c.AgentID != 0 && c.AgentID == p.User.ID) || (c.CustomerID != 0 && p.Can(auth.PermCustomersRead))
}

// ListFor lists calls for p: those without the whole center's view see only the calls
// they took, whatever f says.
func (s *Store) ListFor(ctx context.Context, p *auth.Principal, f Filter) ([]*Call, int, error) {
	if !SeesAll(p) {
		f.AgentID = p.User.ID
	}
	return s.List(ctx, f)
}

// GetFor returns a call p may see; others are not found (their existence is not told).
func (s *Store) GetFor(ctx context.Context, p *auth.Principal, id int64) (*Call, error) {
	c, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !maySee(p, c) {
		return nil, errs.E(errs.NotFound, "No such call.").WithKey("call_not_found")
	}
	return c, nil
}

// Recording opens the recording of call id for p. The caller closes the file (and
// serves it with http.ServeContent, which answers Range requests).
func (s *Store) Recording(ctx context.Context, p *auth.Principal, id int64) (*Call, *os.File, error) {
	c, err := s.GetFor(ctx, p, id)
	if err != nil {
		return nil, nil, err
	}
	if !MayHear(p, c) {
		return nil, nil, errs.E(errs.Forbidden, "You may not hear this recording.").WithKey("recording_forbidden")
	}
	if !c.HasRecording() {
		return nil, nil, errs.E(errs.NotFound, "This call has no recording.").WithKey("recording_missing")
	}
	f, err := os.Open(s.Path(c.RecordingPath))
	if os.IsNotExist(err) {
		return nil, nil, errs.E(errs.NotFound, "This call has no recording.").WithKey("recording_missing")
	}
	if err != nil {
		return nil, nil, err
	}
	return c, f, nil
}
