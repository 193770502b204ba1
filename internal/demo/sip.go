package demo

import (
	"context"
	"fmt"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/voice/sip"
)

// SIPPhone is a demo agent's softphone login.
type SIPPhone struct {
	Agent, Extension, Password string
}

// SIPPhones are the demo agents' SIP accounts. The passwords are for the demo only and
// printed at start; real accounts get random passwords shown once.
var SIPPhones = []SIPPhone{
	{"agent1", "1001", "demo-sip-1001"},
	{"agent2", "1002", "demo-sip-1002"},
	{"agent3", "1003", "demo-sip-1003"},
}

// DemoDID is the demo hotline number: the demo trunk delivers it to the default flow.
const DemoDID = "4008001234"

// loadSIP creates the demo SIP accounts and an inbound-only demo trunk.
func loadSIP(ctx context.Context, a *auth.Service, s *sip.Store) error {
	for _, p := range SIPPhones {
		u, err := a.UserByUsername(ctx, p.Agent)
		if err != nil {
			return fmt.Errorf("demo: SIP phone of %s: %w", p.Agent, err)
		}
		if _, _, err := s.CreateAccount(ctx, u.ID, p.Extension, p.Password); err != nil {
			return fmt.Errorf("demo: SIP phone %s: %w", p.Extension, err)
		}
	}
	t := sip.Trunk{Name: "演示中继", Enabled: true, DIDs: []sip.DID{{Number: DemoDID}}}
	if err := s.SaveTrunk(ctx, &t); err != nil {
		return fmt.Errorf("demo: trunk: %w", err)
	}
	return nil
}
