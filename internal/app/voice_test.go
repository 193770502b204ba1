package app

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/config"
	"github.com/hotlinecc/hotline/internal/contact"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/todo"
	"github.com/hotlinecc/hotline/internal/voice"
)

// TestVoiceAdapters checks the adapters that the switchboard drives, over the demo
// center: prompts, phones, to-dos and callers. The calls themselves are in e2e/voice.
func TestVoiceAdapters(t *testing.T) {
	ctx := context.Background()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	a, err := Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "test")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}

	p := &shippedPrompts{prompts: a.IVR}
	if moh := p.MusicOnHold(""); moh.Source == nil || !moh.Loop {
		t.Errorf("music on hold %+v", moh)
	}
	if moh := p.MusicOnHold("no_such_class"); moh.Source == nil || moh.Text != "moh" {
		t.Errorf("music on hold of an unknown class %+v", moh)
	}
	texts := func(ps []voice.Prompt) []string {
		var out []string
		for _, p := range ps {
			if p.Source == nil {
				t.Errorf("prompt %q has no audio", p.Text)
			}
			out = append(out, p.Text)
		}
		return out
	}
	// Third in the queue: two callers ahead; 90 s is two minutes.
	if got, want := texts(p.Announcement(3, 90*time.Second, true)), []string{"position", "say_2", "estimated_wait", "say_2", "minutes"}; !slices.Equal(got, want) {
		t.Errorf("announcement %v, want %v", got, want)
	}
	if got, want := texts(p.Announcement(12, 0, false)), []string{"position", "say_ten", "say_1"}; !slices.Equal(got, want) {
		t.Errorf("announcement %v, want %v", got, want)
	}
	for id, want := range map[string]string{"voicemail.greeting": "voicemail", "callback.confirm": "goodbye", "voicemail.beep": "beep"} {
		if pr := p.Prompt(id); pr.Source == nil || pr.Text != want {
			t.Errorf("prompt %s: %+v", id, pr)
		}
	}

	agent1, err := a.Auth.UserByUsername(ctx, "agent1")
	if err != nil {
		t.Fatal(err)
	}
	book := &phoneBook{phones: a.SIPStore, queues: a.Queues}
	if ext, err := book.Extension(ctx, agent1.ID); err != nil || ext != "1001" {
		t.Errorf("agent1's extension %q, %v", ext, err)
	}
	if id, err := book.AgentByExtension(ctx, "1001"); err != nil || id != agent1.ID {
		t.Errorf("1001 is agent %d, %v", id, err)
	}
	if id, err := book.AgentByExtension(ctx, "9999"); err != nil || id != 0 {
		t.Errorf("an unknown extension is agent %d, %v", id, err)
	}
	if sk, err := book.Skills(ctx, agent1.ID); err != nil || len(sk) != 1 || sk["thinkpad"] != 3 {
		t.Errorf("agent1's skills %v, %v; want thinkpad 3", sk, err)
	}

	cs, _, err := a.Customers.Search(ctx, crm.Filter{Limit: 1})
	if err != nil || len(cs) == 0 {
		t.Fatal(err)
	}
	cust := cs[0]
	who := &callers{crm: a.Customers, calls: a.Calls}
	if c, err := who.LookupCaller(ctx, strings.TrimPrefix(cust.Phones[0].Number, "+86")); err != nil || c.CustomerID != cust.ID || c.Name != cust.Name {
		t.Errorf("caller %+v, %v; want customer %d", c, err, cust.ID)
	}
	if c, err := who.LookupCaller(ctx, "anonymous"); err != nil || c.CustomerID != 0 {
		t.Errorf("anonymous caller %+v, %v", c, err)
	}

	tasks := &callTasks{todos: a.Todos, queues: a}
	if err := tasks.Voicemail(ctx, contact.VoicemailTask{CallID: 7, Group: "support", From: "13700000009", CustomerID: cust.ID, Duration: 12 * time.Second}); err != nil {
		t.Fatal(err)
	}
	if err := tasks.Callback(ctx, contact.CallbackTask{CallID: 8, Group: "no_such_queue", From: "13700000009"}); err == nil {
		t.Error("a to-do for a group that is no queue was accepted")
	}
	list, _, err := a.Todos.List(ctx, todo.Filter{UserID: agent1.ID, CustomerID: cust.ID}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(list, func(td *todo.Todo) bool { return strings.Contains(td.Title, "13700000009") })
	if i < 0 || list[i].Kind != todo.Callback || !strings.Contains(list[i].Note, "12 s") {
		t.Fatalf("voicemail to-do not in agent1's list: %+v", list)
	}
}
