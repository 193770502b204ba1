package voicetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hotlinecc/hotline/internal/voice"
)

// run starts an engine inside a synctest bubble with handler h and closes it at the end.
func run(t *testing.T, o Options, h voice.Handler, test func(e *Engine)) {
	synctest.Test(t, func(t *testing.T) {
		e := New(o)
		if h != nil {
			e.OnInbound(h)
		}
		test(e)
		e.Close()
	})
}

func TestMenuWithBargeIn(t *testing.T) {
	type result struct {
		digits string
		err    error
		at     time.Duration
	}
	got := make(chan result, 1)
	h := func(ctx context.Context, c voice.Call) {
		start := time.Now()
		if err := c.Answer(ctx); err != nil {
			t.Error(err)
		}
		_ = c.Play(ctx, voice.Prompt{ID: "welcome"})
		_ = c.Play(ctx, voice.Prompt{ID: "menu", BargeIn: true})
		d, err := c.Collect(ctx, voice.Collect{Max: 1, Timeout: 5 * time.Second})
		got <- result{d, err, time.Since(start)}
		_ = c.Play(ctx, voice.Prompt{ID: "bye"})
	}
	run(t, Options{Lengths: map[string]time.Duration{"welcome": 2 * time.Second, "menu": 10 * time.Second}}, h, func(e *Engine) {
		c := e.Inbound("13812345678", "4008001234")
		time.Sleep(3 * time.Second) // one second into the menu
		c.Press("2")
		r := <-got
		if r.digits != "2" || r.err != nil || r.at != 3*time.Second {
			t.Fatalf("collect = %+v, want 2 at 3s", r)
		}
		<-c.Done()
		if names := c.PlayedNames(); !slices.Equal(names, []string{"welcome", "menu", "bye"}) {
			t.Fatalf("played %v", names)
		}
		p := c.Played()
		if p[0].Interrupted || !p[1].Interrupted || p[1].Length != time.Second {
			t.Fatalf("played %+v", p)
		}
		if c.From() != "13812345678" || c.To() != "4008001234" || c.Direction() != voice.Inbound {
			t.Fatalf("call %s %s %s", c.From(), c.To(), c.Direction())
		}
		if c.Cause() != voice.CauseNormal || c.RemoteEnded() {
			t.Fatalf("ended by %s remote=%v; want the handler's return to hang up", c.Cause(), c.RemoteEnded())
		}
	})
}

func TestTypeAheadSkipsPrompt(t *testing.T) {
	var played []Played
	h := func(ctx context.Context, c voice.Call) {
		_ = c.Answer(ctx)
		time.Sleep(time.Second)
		_ = c.Play(ctx, voice.Prompt{ID: "menu", BargeIn: true})
		_ = c.Play(ctx, voice.Prompt{ID: "notice"}) // no barge-in: plays in full
		d, _ := c.Collect(ctx, voice.Collect{Max: 2})
		if d != "12" {
			t.Errorf("collect %q, want 12", d)
		}
		played = c.(*Call).Played()
	}
	run(t, Options{}, h, func(e *Engine) {
		c := e.Inbound("1", "2")
		c.Press("12")
		<-c.Done()
		if played[0].Length != 0 || !played[0].Interrupted || played[1].Length != time.Second {
			t.Fatalf("played %+v", played)
		}
	})
}

func TestCollect(t *testing.T) {
	tests := []struct {
		name  string
		opt   voice.Collect
		press []string // one string per second, starting at 0 s
		want  string
		took  time.Duration
	}{
		{"timeout without input", voice.Collect{Max: 1, Timeout: 5 * time.Second}, nil, "", 5 * time.Second},
		{"max digits", voice.Collect{Max: 3}, []string{"1", "2", "3", "4"}, "123", 2 * time.Second},
		{"terminator", voice.Collect{Max: 10, Terminators: "#"}, []string{"1", "2#"}, "12", time.Second},
		{"inter-digit timeout", voice.Collect{Max: 10, Timeout: 5 * time.Second, InterDigit: 2 * time.Second}, []string{"1", "2"}, "12", 3 * time.Second},
		{"star as terminator", voice.Collect{Max: 4, Terminators: "*#"}, []string{"9*"}, "9", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			var took time.Duration
			h := func(ctx context.Context, c voice.Call) {
				_ = c.Answer(ctx)
				start := time.Now()
				got, _ = c.Collect(ctx, tt.opt)
				took = time.Since(start)
			}
			run(t, Options{}, h, func(e *Engine) {
				c := e.Inbound("1", "2")
				for i, p := range tt.press {
					if i > 0 {
						time.Sleep(time.Second)
					}
					c.Press(p)
				}
				<-c.Done()
			})
			if got != tt.want || took != tt.took {
				t.Fatalf("collect %q after %v, want %q after %v", got, took, tt.want, tt.took)
			}
		})
	}
}

func TestRemoteHangupStopsPlayAndCollect(t *testing.T) {
	errs := make(chan error, 2)
	h := func(ctx context.Context, c voice.Call) {
		_ = c.Answer(ctx)
		errs <- c.Play(ctx, voice.Prompt{ID: "moh", Loop: true})
		_, err := c.Collect(ctx, voice.Collect{})
		errs <- err
	}
	run(t, Options{}, h, func(e *Engine) {
		c := e.Inbound("1", "2")
		time.Sleep(time.Minute)
		c.Press("5")
		c.RemoteHangup()
		if err := <-errs; !errors.Is(err, voice.ErrHangup) {
			t.Fatalf("play: %v", err)
		}
		if err := <-errs; !errors.Is(err, voice.ErrHangup) {
			t.Fatalf("collect: %v", err)
		}
		var kinds []string
		for ev := range c.Events() {
			kinds = append(kinds, string(ev.Kind)+string(ev.Digit))
		}
		if !slices.Equal(kinds, []string{"dtmf5", "hangup\x00"}) {
			t.Fatalf("events %q", kinds)
		}
		if !c.RemoteEnded() {
			t.Fatal("not ended by the far end")
		}
	})
}

func TestNotAnswered(t *testing.T) {
	h := func(ctx context.Context, c voice.Call) {
		if err := c.Play(ctx, voice.Prompt{ID: "x"}); !errors.Is(err, voice.ErrNotAnswered) {
			t.Errorf("play before answer: %v", err)
		}
		_ = c.Hangup(voice.CauseBusy)
	}
	run(t, Options{}, h, func(e *Engine) {
		c := e.Inbound("1", "2")
		<-c.Done()
		if c.Cause() != voice.CauseBusy || c.Answered() {
			t.Fatalf("cause %s answered %v", c.Cause(), c.Answered())
		}
	})
	synctest.Test(t, func(t *testing.T) {
		e := New(Options{}) // no handler
		if c := e.Inbound("1", "2"); c.Cause() != voice.CauseUnavailable {
			t.Fatalf("without handler: %s", c.Cause())
		}
	})
}

func TestOriginate(t *testing.T) {
	tests := []struct {
		name   string
		phone  func(*Phone)
		cancel time.Duration
		want   error
		took   time.Duration
	}{
		{"answers after ringing", func(p *Phone) { p.AnswerAfter(3 * time.Second) }, 0, nil, 3 * time.Second},
		{"busy", func(p *Phone) { p.Reject(voice.CauseBusy) }, 0, voice.ErrBusy, 0},
		{"declined", func(p *Phone) { p.Reject(voice.CauseDeclined) }, 0, voice.ErrDeclined, 0},
		{"rings out", func(p *Phone) { p.Ignore() }, 0, voice.ErrNoAnswer, 15 * time.Second},
		{"cancelled while ringing", func(p *Phone) { p.Ignore() }, 4 * time.Second, context.Canceled, 4 * time.Second},
		{"no such phone", nil, 0, voice.ErrUnavailable, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run(t, Options{}, nil, func(e *Engine) {
				if tt.phone != nil {
					tt.phone(e.Phone("1001"))
				}
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				if tt.cancel > 0 {
					time.AfterFunc(tt.cancel, cancel)
				}
				start := time.Now()
				d := voice.Dial{To: "1001", From: "13812345678", FromName: "王伟", Timeout: 15 * time.Second}
				c, err := e.Originate(ctx, d)
				if !errors.Is(err, tt.want) || time.Since(start) != tt.took {
					t.Fatalf("originate: %v after %v, want %v after %v", err, time.Since(start), tt.want, tt.took)
				}
				if got := e.Dials(); len(got) != 1 || got[0].FromName != "王伟" {
					t.Fatalf("dials %+v", got)
				}
				if err != nil {
					return
				}
				leg := <-e.Phone("1001").Answered()
				if leg != c || c.Direction() != voice.Outbound || c.From() != "13812345678" {
					t.Fatalf("leg %+v", leg)
				}
				leg.RemoteHangup()
				<-c.Done()
			})
		})
	}
}

func TestRoomMatrix(t *testing.T) {
	run(t, Options{}, nil, func(e *Engine) {
		ctx := context.Background()
		e.Phone("1001")
		e.Phone("2001")
		caller := e.Inbound("13812345678", "4008001234") // refused: no handler
		if caller.Cause() != voice.CauseUnavailable {
			t.Fatal(caller.Cause())
		}
		agent, _ := e.Originate(ctx, voice.Dial{To: "1001"})
		sup, _ := e.Originate(ctx, voice.Dial{To: "2001"})
		cust, _ := e.Originate(ctx, voice.Dial{To: "1001"})
		room := e.NewRoom().(*Room)
		if err := room.Join(caller, voice.Role{Kind: voice.Full}); !errors.Is(err, voice.ErrHangup) {
			t.Fatalf("join of an ended call: %v", err)
		}
		must(t, room.Join(cust, voice.Role{Kind: voice.Full}))
		must(t, room.Join(agent, voice.Role{Kind: voice.Full}))
		must(t, room.Join(sup, voice.Role{Kind: voice.Listen}))
		check := func(step string, want map[[2]voice.Call]bool) {
			t.Helper()
			for pair, w := range want {
				if got := room.Hears(pair[0], pair[1]); got != w {
					t.Errorf("%s: %s hears %s = %v, want %v", step, pair[0].To(), pair[1].ID(), got, w)
				}
			}
		}
		check("listen", map[[2]voice.Call]bool{
			{cust, agent}: true, {agent, cust}: true, {sup, cust}: true, {sup, agent}: true,
			{cust, sup}: false, {agent, sup}: false,
		})
		must(t, room.SetRole(sup, voice.Role{Kind: voice.Whisper, To: agent.ID()}))
		check("whisper", map[[2]voice.Call]bool{{agent, sup}: true, {cust, sup}: false, {sup, cust}: true})
		must(t, room.SetRole(sup, voice.Role{Kind: voice.Full}))
		check("barge", map[[2]voice.Call]bool{{agent, sup}: true, {cust, sup}: true})
		if err := room.SetRole(sup, voice.Role{Kind: voice.Whisper}); err == nil {
			t.Fatal("whisper without target accepted")
		}
		agent.(*Call).RemoteHangup()
		if _, ok := room.Members()[agent.ID()]; ok || agent.(*Call).Room() != nil {
			t.Fatal("hung-up agent still in the room")
		}
		if err := room.Leave(agent); !errors.Is(err, voice.ErrNotInRoom) {
			t.Fatalf("leave twice: %v", err)
		}
		other := e.NewRoom()
		must(t, other.Join(sup, voice.Role{Kind: voice.Full}))
		if _, ok := room.Members()[sup.ID()]; ok {
			t.Fatal("joining another room did not move the call")
		}
		rec, err := room.Record("/tmp/x.wav", cust)
		must(t, err)
		must(t, room.Close())
		<-rec.Done()
		if len(room.Members()) != 0 || cust.(*Call).Room() != nil {
			t.Fatal("close left members")
		}
		if err := room.Join(cust, voice.Role{Kind: voice.Full}); !errors.Is(err, voice.ErrRoomClosed) {
			t.Fatalf("join closed room: %v", err)
		}
	})
}

func TestRecordStops(t *testing.T) {
	tests := []struct {
		name string
		opt  voice.RecordOptions
		act  func(c *Call)
		term string
		took time.Duration
	}{
		{"terminator", voice.RecordOptions{Terminators: "#"}, func(c *Call) { time.Sleep(7 * time.Second); c.Press("#") }, "#", 7 * time.Second},
		{"max duration", voice.RecordOptions{MaxDuration: 30 * time.Second}, func(c *Call) {}, "", 30 * time.Second},
		{"hangup", voice.RecordOptions{Terminators: "#"}, func(c *Call) { time.Sleep(4 * time.Second); c.RemoteHangup() }, "", 4 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var info voice.RecordInfo
			h := func(ctx context.Context, c voice.Call) {
				_ = c.Answer(ctx)
				rec, err := c.Record("/tmp/vm.wav", tt.opt)
				must(t, err)
				<-rec.Done()
				info, err = rec.Stop()
				must(t, err)
			}
			run(t, Options{}, h, func(e *Engine) {
				c := e.Inbound("1", "2")
				tt.act(c)
				<-c.Done()
			})
			if info.Terminator != tt.term || info.Duration != tt.took || info.Path != "/tmp/vm.wav" {
				t.Fatalf("info %+v", info)
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
