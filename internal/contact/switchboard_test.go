package contact_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/contact"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/events"
	"github.com/hotlinecc/hotline/internal/voice"
	"github.com/hotlinecc/hotline/internal/voice/media"
	"github.com/hotlinecc/hotline/internal/voice/voicetest"
)

// scriptedIVR stands in for internal/ivr until it is wired: it plays a welcome prompt
// and routes every call to one outcome.
type scriptedIVR struct{ out contact.Outcome }

func (s scriptedIVR) Run(ctx context.Context, c voice.Call, in contact.IVRInput) (contact.Outcome, error) {
	out := s.out
	out.Trace = []string{"welcome"}
	if err := c.Play(ctx, voice.Prompt{ID: "welcome"}); err != nil {
		return out, err
	}
	out.Trace = append(out.Trace, "menu:"+string(out.Kind))
	return out, nil
}

// lookupCustomers finds customers through the real crm search and stands in for crm's
// RecordContact: a contact within 7 days of an earlier one repeats it.
type lookupCustomers struct {
	crm *crm.Store

	mu       sync.Mutex
	contacts map[int64][]time.Time
	ended    map[int64]int64 // contact id -> agent
}

func (l *lookupCustomers) LookupCaller(ctx context.Context, number string) (contact.Caller, error) {
	found, _, err := l.crm.Search(ctx, crm.Filter{Query: number, Limit: 1})
	if err != nil || len(found) == 0 {
		return contact.Caller{}, err
	}
	return contact.Caller{CustomerID: found[0].ID, Name: found[0].Name, VIPLevel: found[0].VIPLevel}, nil
}

func (l *lookupCustomers) RecordContact(ctx context.Context, customerID, callID int64, at time.Time) (contact.ContactInfo, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ci := contact.ContactInfo{ContactID: 1000 + callID}
	for i, t := range l.contacts[customerID] {
		if at.Sub(t) < 7*24*time.Hour {
			ci.Repeat = true
			ci.Earlier = append(ci.Earlier, 1000+int64(i))
		}
	}
	l.contacts[customerID] = append(l.contacts[customerID], at)
	return ci, nil
}

func (l *lookupCustomers) EndContact(ctx context.Context, contactID, agentID int64, at time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ended == nil {
		l.ended = map[int64]int64{}
	}
	l.ended[contactID] = agentID
	return nil
}

// taskList records the to-dos the switchboard asks for.
type taskList struct {
	mu         sync.Mutex
	voicemails []contact.VoicemailTask
	callbacks  []contact.CallbackTask
	followUps  []contact.FollowUpTask
}

func (t *taskList) FollowUp(ctx context.Context, f contact.FollowUpTask) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.followUps = append(t.followUps, f)
	return nil
}

func (t *taskList) Voicemail(ctx context.Context, v contact.VoicemailTask) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.voicemails = append(t.voicemails, v)
	return nil
}

func (t *taskList) Callback(ctx context.Context, c contact.CallbackTask) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.callbacks = append(t.callbacks, c)
	return nil
}

// extensions maps agents to extensions "1<id padded>".
type extensions map[int64]string

func (e extensions) Extension(ctx context.Context, agent int64) (string, error) { return e[agent], nil }
func (e extensions) Skills(ctx context.Context, agent int64) (map[string]int, error) {
	return nil, nil
}
func (e extensions) AgentByExtension(ctx context.Context, ext string) (int64, error) {
	for a, x := range e {
		if x == ext {
			return a, nil
		}
	}
	return 0, nil
}

// fixture is a real database with two agents and a customer, and the switchboard's
// services over it.
type fixture struct {
	d         *db.DB
	store     *contact.Store
	ev        *events.Log
	blocks    *crm.BlockStore
	customers *lookupCustomers
	tasks     *taskList
	agents    []int64
	ext       extensions
	customer  *crm.Customer
	dataDir   string
}

const customerPhone = "13812345678"

func newFixture(t *testing.T, d *db.DB) *fixture {
	ctx := context.Background()
	a := auth.NewService(d, auth.Options{})
	f := &fixture{d: d, ev: events.New(d), blocks: crm.NewBlockStore(d), tasks: &taskList{}, ext: extensions{}, dataDir: t.TempDir()}
	f.store = contact.NewStore(d, f.ev, f.dataDir)
	for i, name := range []string{"王伟", "张敏"} {
		role, tier := auth.RoleAgent, 1
		u, err := a.CreateUser(ctx, auth.ActorSystem, auth.UserInput{Username: fmt.Sprintf("agent%d", i+1), DisplayName: &name, Role: &role, Tier: &tier, Password: "long-enough-pw"})
		if err != nil {
			t.Fatal(err)
		}
		f.agents = append(f.agents, u.ID)
		f.ext[u.ID] = fmt.Sprintf("100%d", i+1)
	}
	cs := crm.NewStore(d)
	f.customer = &crm.Customer{Name: "李娜", VIPLevel: 2, Phones: []crm.Phone{{Number: customerPhone}}}
	if err := cs.Create(ctx, f.customer); err != nil {
		t.Fatal(err)
	}
	f.customers = &lookupCustomers{crm: cs, contacts: map[int64][]time.Time{}}
	// Open the pools' connections before the bubble, so none is born inside it: a
	// connection born inside must not be used after it (its timers belong to the bubble).
	// The read pool is held at the ten connections opened here.
	d.Read().SetMaxOpenConns(10)
	d.Read().SetMaxIdleConns(10)
	var conns []*sql.Conn
	for range 10 {
		c, err := d.Read().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Close()
	}
	return f
}

// queue is a queue of both agents with short times, changed by edit.
func queue(code string, edit func(q *acd.Queue)) acd.Queue {
	q := acd.Queue{Code: code, NameZH: code, NameEN: code, Strategy: acd.TopDown, SLSeconds: 20, RingSeconds: 10}
	if edit != nil {
		edit(&q)
	}
	return q
}

// switchboard runs test inside a synctest bubble with a voicetest engine and a started
// switchboard, both closed at the end.
func (f *fixture) switchboard(t *testing.T, ivr contact.Outcome, o contact.Options, test func(eng *voicetest.Engine, sb *contact.Switchboard)) {
	synctest.Test(t, func(t *testing.T) {
		eng := voicetest.New(voicetest.Options{})
		sb := contact.New(contact.Deps{Engine: eng, Store: f.store, IVR: scriptedIVR{ivr}, Customers: f.customers, Tasks: f.tasks,
			Directory: f.ext, Blocklist: f.blocks}, o)
		sb.Start(context.Background())
		for _, ext := range f.ext {
			eng.Phone(ext)
		}
		test(eng, sb)
		synctest.Wait()
		eng.Close()
		sb.Close()
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func members(agents ...int64) []acd.Member {
	var out []acd.Member
	for i, a := range agents {
		out = append(out, acd.Member{Agent: a, Proficiency: 3, Tier: 1, Order: i})
	}
	return out
}

// lastCall returns the newest call record.
func (f *fixture) lastCall(t *testing.T) *contact.Call {
	t.Helper()
	calls, _, err := f.store.List(context.Background(), contact.Filter{Limit: 1})
	must(t, err)
	if len(calls) == 0 {
		t.Fatal("no call record")
	}
	return calls[0]
}

func (f *fixture) queueKinds(t *testing.T, id int64) []string {
	t.Helper()
	evs, err := f.store.QueueEvents(context.Background(), id)
	must(t, err)
	var kinds []string
	for _, e := range evs {
		k := e.Kind
		if e.AgentID != 0 {
			k += fmt.Sprintf("@%d", e.AgentID)
		}
		kinds = append(kinds, k)
	}
	return kinds
}

// TestAnsweredCallIsRecordedInStereo: a queued caller reaches the agent, both speak, the
// caller hangs up; the stereo recording holds the caller's 1 kHz left and the agent's
// 2 kHz right, and the record, queue events and timeline are complete.
func TestAnsweredCallIsRecordedInStereo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		var dial voice.Dial
		f.switchboard(t, contact.Outcome{Kind: contact.OutcomeQueue, Queue: "support"}, contact.Options{}, func(eng *voicetest.Engine, sb *contact.Switchboard) {
			ctx := context.Background()
			must(t, sb.SetQueue(ctx, queue("support", nil), members(f.agents[0])))
			must(t, sb.Login(ctx, f.agents[0], nil))
			eng.Phone(f.ext[f.agents[0]]).AnswerAfter(3 * time.Second)
			caller := eng.Inbound(customerPhone, "4008001234")
			caller.Say(media.NewTone(1000, 8000, 0))
			leg := <-eng.Phone(f.ext[f.agents[0]]).Answered()
			dial = leg.Dial()
			leg.Say(media.NewTone(2000, 8000, 0))
			time.Sleep(time.Second)
			live, err := sb.Live(ctx)
			must(t, err)
			if len(live) != 1 || live[0].State != "talking" || live[0].CustomerID != f.customer.ID || live[0].AgentID != f.agents[0] {
				t.Errorf("live %+v", live)
			}
			time.Sleep(9 * time.Second)
			caller.RemoteHangup()
			<-leg.Done()
			synctest.Wait()
			st, err := sb.Agent(ctx, f.agents[0])
			must(t, err)
			if st.State != acd.WrapUp && st.State != acd.Available {
				t.Errorf("agent after the call: %s", st.State)
			}
		})
		if dial.Headers["X-Hotline-Customer"] != fmt.Sprint(f.customer.ID) || dial.Headers["X-Hotline-VIP"] != "2" || dial.From != customerPhone || dial.FromName != "李娜" {
			t.Errorf("the agent's phone rang with %+v", dial)
		}
		c := f.lastCall(t)
		if c.Status != contact.StatusCompleted || c.AgentID != f.agents[0] || c.CustomerID != f.customer.ID || c.VIPLevel != 2 ||
			c.WaitSeconds != 3 || c.TalkSeconds != 10 || c.EndedBy != contact.EndedByCaller || c.Queue != "support" ||
			!slices.Equal(c.IVRTrace, []string{"welcome", "menu:queue"}) || c.AgentName != "王伟" {
			t.Errorf("record %+v", c)
		}
		if c.RecordingSeconds < 9 || c.RecordingSeconds > 10 || c.RecordingPath != fmt.Sprintf("recordings/2000/01/01/%d.wav", c.ID) {
			t.Errorf("recording %s of %d s", c.RecordingPath, c.RecordingSeconds)
		}
		w, err := media.ReadWAV(f.store.Path(c.RecordingPath))
		must(t, err)
		if len(w.Channels) != 2 {
			t.Fatalf("%d channels", len(w.Channels))
		}
		mid := len(w.Channels[0]) / 2
		left, right := w.Channels[0][mid:mid+160], w.Channels[1][mid:mid+160]
		if media.ToneLevel(left, 1000) < 7000 || media.ToneLevel(left, 2000) > 100 || media.ToneLevel(right, 2000) < 7000 || media.ToneLevel(right, 1000) > 100 {
			t.Errorf("left 1k %.0f 2k %.0f, right 1k %.0f 2k %.0f", media.ToneLevel(left, 1000), media.ToneLevel(left, 2000),
				media.ToneLevel(right, 1000), media.ToneLevel(right, 2000))
		}
		a := f.agents[0]
		want := []string{"entered_queue", fmt.Sprintf("offered@%d", a), fmt.Sprintf("answered@%d", a), fmt.Sprintf("completed_by_caller@%d", a)}
		if got := f.queueKinds(t, c.ID); !slices.Equal(got, want) {
			t.Errorf("queue events %v, want %v", got, want)
		}
		evs, _, err := f.ev.List(context.Background(), events.Filter{CustomerID: f.customer.ID, Categories: []string{"call"}})
		must(t, err)
		var kinds []string
		for _, e := range evs {
			kinds = append(kinds, e.Kind)
			if e.ContactID != c.ContactID || e.Data["call_id"] != float64(c.ID) {
				t.Errorf("event %+v", e)
			}
		}
		if !slices.Equal(kinds, []string{"call.ended", "call.answered", "call.started"}) {
			t.Errorf("timeline %v", kinds)
		}
		if agent, ok := f.customers.ended[c.ContactID]; !ok || agent != a {
			t.Errorf("the customer's contact %d was not ended with agent %d (%v)", c.ContactID, a, f.customers.ended)
		}
	})
}

// TestQueueOutcomes covers the ways a call leaves a queue without a talk to its first agent.
func TestQueueOutcomes(t *testing.T) {
	type result struct {
		status contact.Status
		wait   int
		kinds  func(a1, a2 int64) []string
		agent  int // index+1 of the agent who took it, 0 for none
	}
	tests := []struct {
		name   string
		queues []acd.Queue
		login  int // how many agents log in
		phones func(eng *voicetest.Engine, f *fixture)
		caller func(c *voicetest.Call, eng *voicetest.Engine, f *fixture)
		want   result
	}{
		{
			name:   "abandoned while waiting",
			queues: []acd.Queue{queue("support", nil)},
			caller: func(c *voicetest.Call, eng *voicetest.Engine, f *fixture) {
				time.Sleep(46 * time.Second)
				c.RemoteHangup()
			},
			want: result{contact.StatusAbandoned, 46, func(a1, a2 int64) []string { return []string{"entered_queue", "abandoned"} }, 0},
		},
		{
			name:   "no answer goes to the next agent",
			queues: []acd.Queue{queue("support", nil)},
			login:  2,
			phones: func(eng *voicetest.Engine, f *fixture) { eng.Phone(f.ext[f.agents[0]]).Ignore() },
			caller: func(c *voicetest.Call, eng *voicetest.Engine, f *fixture) {
				leg := <-eng.Phone(f.ext[f.agents[1]]).Answered()
				time.Sleep(5 * time.Second)
				leg.RemoteHangup()
			},
			want: result{contact.StatusCompleted, 10, func(a1, a2 int64) []string {
				return []string{"entered_queue", fmt.Sprintf("offered@%d", a1), fmt.Sprintf("no_answer@%d", a1), fmt.Sprintf("offered@%d", a2),
					fmt.Sprintf("answered@%d", a2), fmt.Sprintf("completed_by_agent@%d", a2)}
			}, 2},
		},
		{
			name:   "busy agent goes to the next agent",
			queues: []acd.Queue{queue("support", nil)},
			login:  2,
			phones: func(eng *voicetest.Engine, f *fixture) { eng.Phone(f.ext[f.agents[0]]).Reject(voice.CauseBusy) },
			caller: func(c *voicetest.Call, eng *voicetest.Engine, f *fixture) {
				<-eng.Phone(f.ext[f.agents[1]]).Answered()
				time.Sleep(5 * time.Second)
				c.RemoteHangup()
			},
			want: result{contact.StatusCompleted, 0, func(a1, a2 int64) []string {
				return []string{"entered_queue", fmt.Sprintf("offered@%d", a1), fmt.Sprintf("no_answer@%d", a1), fmt.Sprintf("offered@%d", a2),
					fmt.Sprintf("answered@%d", a2), fmt.Sprintf("completed_by_caller@%d", a2)}
			}, 2},
		},
		{
			name:   "max wait sends to voicemail",
			queues: []acd.Queue{queue("support", func(q *acd.Queue) { q.MaxWaitSeconds = 30 })},
			caller: func(c *voicetest.Call, eng *voicetest.Engine, f *fixture) {
				time.Sleep(31500 * time.Millisecond) // 30 s wait, greeting 1 s, beep 0.5 s
				c.Say(media.NewTone(1000, 8000, 0))
				time.Sleep(8 * time.Second)
				c.Press("#")
			},
			want: result{contact.StatusVoicemail, 30, func(a1, a2 int64) []string { return []string{"entered_queue", "voicemail"} }, 0},
		},
		{
			name: "overflow to another queue",
			queues: []acd.Queue{
				queue("presales", func(q *acd.Queue) {
					q.MaxWaitSeconds = 20
					q.MaxWaitAction = acd.ExitOverflow
					q.OverflowQueue = "support"
				}),
				queue("support", nil),
			},
			login: 1,
			caller: func(c *voicetest.Call, eng *voicetest.Engine, f *fixture) {
				<-eng.Phone(f.ext[f.agents[0]]).Answered()
				time.Sleep(time.Second)
				c.RemoteHangup()
			},
			want: result{contact.StatusCompleted, 20, func(a1, a2 int64) []string {
				return []string{"entered_queue", "overflowed", fmt.Sprintf("offered@%d", a1), fmt.Sprintf("answered@%d", a1), fmt.Sprintf("completed_by_caller@%d", a1)}
			}, 1},
		},
		{
			name:   "callback after the maximum wait",
			queues: []acd.Queue{queue("support", func(q *acd.Queue) { q.MaxWaitSeconds = 60; q.MaxWaitAction = acd.ExitCallback })},
			caller: func(c *voicetest.Call, eng *voicetest.Engine, f *fixture) { <-c.Done() },
			want:   result{contact.StatusCompleted, 60, func(a1, a2 int64) []string { return []string{"entered_queue", "callback_requested"} }, 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				f := newFixture(t, d)
				first := tt.queues[0].Code
				var played []string
				f.switchboard(t, contact.Outcome{Kind: contact.OutcomeQueue, Queue: first}, contact.Options{}, func(eng *voicetest.Engine, sb *contact.Switchboard) {
					ctx := context.Background()
					for _, q := range tt.queues {
						ms := members(f.agents...)
						if q.Code == "presales" {
							ms = nil
						}
						must(t, sb.SetQueue(ctx, q, ms))
					}
					for _, a := range f.agents[:tt.login] {
						must(t, sb.Login(ctx, a, nil))
					}
					if tt.phones != nil {
						tt.phones(eng, f)
					}
					c := eng.Inbound("0755-88776655", "4008001234")
					time.Sleep(time.Second) // the IVR's welcome
					tt.caller(c, eng, f)
					<-c.Done()
					synctest.Wait()
					played = c.PlayedNames()
				})
				c := f.lastCall(t)
				if c.Status != tt.want.status || c.WaitSeconds != tt.want.wait || c.CustomerID != 0 {
					t.Errorf("record: status %s wait %d customer %d; want %s wait %d", c.Status, c.WaitSeconds, c.CustomerID, tt.want.status, tt.want.wait)
				}
				if tt.want.agent > 0 && c.AgentID != f.agents[tt.want.agent-1] {
					t.Errorf("agent %d, want %d", c.AgentID, f.agents[tt.want.agent-1])
				}
				want := tt.want.kinds(f.agents[0], f.agents[1])
				if got := f.queueKinds(t, c.ID); !slices.Equal(got, want) {
					t.Errorf("queue events %v, want %v", got, want)
				}
				if !slices.Contains(played, "moh") {
					t.Errorf("played %v: no music on hold", played)
				}
				switch tt.want.status {
				case contact.StatusVoicemail:
					if len(f.tasks.voicemails) != 1 || f.tasks.voicemails[0].Group != "support" || f.tasks.voicemails[0].CallID != c.ID {
						t.Fatalf("voicemail tasks %+v", f.tasks.voicemails)
					}
					if d := f.tasks.voicemails[0].Duration; c.VoicemailSeconds != 8 || d < 8*time.Second-40*time.Millisecond || d > 8*time.Second+40*time.Millisecond {
						t.Errorf("voicemail of %d s", c.VoicemailSeconds)
					}
					w, err := media.ReadWAV(f.store.Path(c.VoicemailPath))
					must(t, err)
					n := len(w.Channels[0])
					if len(w.Channels) != 1 || media.ToneLevel(w.Channels[0][n-160:], 1000) < 7000 {
						t.Errorf("voicemail file without the caller's voice")
					}
					if !slices.Contains(played, "voicemail.greeting") || !slices.Contains(played, "beep") {
						t.Errorf("played %v", played)
					}
				case contact.StatusAbandoned:
					if c.EndedBy != contact.EndedByCaller {
						t.Errorf("abandoned by %s", c.EndedBy)
					}
				}
				if tt.name == "callback after the maximum wait" && (len(f.tasks.callbacks) != 1 || f.tasks.callbacks[0].From != "0755-88776655") {
					t.Errorf("callback tasks %+v", f.tasks.callbacks)
				}
			})
		})
	}
}

// TestBlockedCallers: a listed number is refused busy and counted; a number that calls
// more than N times in M minutes is blocked by itself.
func TestBlockedCallers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		listed, err := f.blocks.Add(ctx, crm.BlockInput{Pattern: "170*", Reason: "诈骗号段"})
		must(t, err)
		var causes []voice.Cause
		o := contact.Options{AutoBlock: contact.AutoBlock{Calls: 2, Window: 10 * time.Minute}}
		f.switchboard(t, contact.Outcome{Kind: contact.OutcomeHangup}, o, func(eng *voicetest.Engine, sb *contact.Switchboard) {
			for _, from := range []string{"17012345678", "17012345678", "13900001111", "13900001111", "13900001111", "13900001111"} {
				c := eng.Inbound(from, "4008001234")
				<-c.Done()
				causes = append(causes, c.Cause())
				synctest.Wait()
				time.Sleep(time.Minute)
			}
		})
		want := []voice.Cause{voice.CauseBusy, voice.CauseBusy, voice.CauseNormal, voice.CauseNormal, voice.CauseBusy, voice.CauseBusy}
		if !slices.Equal(causes, want) {
			t.Fatalf("causes %v, want %v", causes, want)
		}
		list, err := f.blocks.List(ctx)
		must(t, err)
		if len(list) != 2 || list[1].ID != listed.ID || list[1].Hits != 2 || !list[0].Auto || list[0].Pattern != "+8613900001111" || list[0].Hits != 2 {
			t.Fatalf("blocklist %+v", list)
		}
		calls, _, err := f.store.List(ctx, contact.Filter{Status: contact.StatusBlocked})
		must(t, err)
		if len(calls) != 4 || calls[0].BlockID != list[0].ID || calls[3].BlockID != listed.ID || calls[0].EndedBy != contact.EndedBySystem {
			t.Fatalf("blocked records %+v", calls)
		}
	})
}
