package voice

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestHears(t *testing.T) {
	tests := []struct {
		name              string
		listener, speaker string
		role              Role
		want              bool
	}{
		{"full speaker reaches everyone", "caller", "agent", Role{Kind: Full}, true},
		{"nobody hears himself", "agent", "agent", Role{Kind: Full}, false},
		{"listener is heard by none", "caller", "sup", Role{Kind: Listen}, false},
		{"whisper reaches its target", "agent", "sup", Role{Kind: Whisper, To: "agent"}, true},
		{"whisper skips the caller", "caller", "sup", Role{Kind: Whisper, To: "agent"}, false},
		{"unknown role is silent", "caller", "x", Role{Kind: "shout"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Hears(tt.listener, tt.speaker, tt.role); got != tt.want {
				t.Fatalf("Hears = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRoleValid(t *testing.T) {
	for _, tt := range []struct {
		r    Role
		want bool
	}{
		{Role{Kind: Full}, true}, {Role{Kind: Listen}, true},
		{Role{Kind: Whisper, To: "a"}, true}, {Role{Kind: Whisper}, false}, {Role{}, false},
	} {
		if got := tt.r.Valid(); got != tt.want {
			t.Errorf("%+v.Valid() = %v, want %v", tt.r, got, tt.want)
		}
	}
}

func TestDialErrorIs(t *testing.T) {
	for cause, target := range map[Cause]error{
		CauseBusy: ErrBusy, CauseDeclined: ErrDeclined, CauseNoAnswer: ErrNoAnswer, CauseUnavailable: ErrUnavailable,
	} {
		err := fmt.Errorf("ring: %w", &DialError{To: "1001", Cause: cause})
		if !errors.Is(err, target) {
			t.Errorf("%s: errors.Is(%v, %v) = false", cause, err, target)
		}
		if errors.Is(err, ErrHangup) {
			t.Errorf("%s matches ErrHangup", cause)
		}
	}
	if errors.Is(&DialError{Cause: CauseFailed}, ErrBusy) {
		t.Error("failed matches busy")
	}
}

func TestCollectDefaults(t *testing.T) {
	got := Collect{}.Defaults()
	if got.Max != 1 || got.Timeout != 5*time.Second || got.InterDigit != 5*time.Second {
		t.Fatalf("defaults = %+v", got)
	}
	got = Collect{Max: 4, Timeout: time.Second, InterDigit: 2 * time.Second}.Defaults()
	if got.Max != 4 || got.Timeout != time.Second || got.InterDigit != 2*time.Second {
		t.Fatalf("kept = %+v", got)
	}
}
