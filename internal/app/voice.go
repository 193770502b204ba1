package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hotlinecc/hotline/internal/acd/acdstore"
	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/contact"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/ivr"
	"github.com/hotlinecc/hotline/internal/ivr/say"
	"github.com/hotlinecc/hotline/internal/ivr/tts"
	"github.com/hotlinecc/hotline/internal/ticket"
	"github.com/hotlinecc/hotline/internal/todo"
	"github.com/hotlinecc/hotline/internal/voice"
	"github.com/hotlinecc/hotline/internal/voice/media"
	"github.com/hotlinecc/hotline/internal/voice/sip"
)

// The voice wiring: the switchboard (internal/contact) takes the SIP engine's inbound
// calls and drives the real packages through the small adapters below.
//
// Agents log in through the console (Switchboard.LoginAt), naming their phone; a
// registered phone only makes the agent reachable. With --agent-auto-login a registering
// phone logs its agent in as well. When the phone's last registration ends (unregistered
// or expired), the agent is logged out, unless on a call or wrapping up.

// promptLang is the language of the switchboard's own prompts (hold announcements,
// voicemail greeting): the center's, Chinese.
const promptLang = "zh"

// queueReload is how often the switchboard reloads queue settings and members, so that
// changes made in the console reach the ACD without a restart.
const queueReload = time.Minute

// buildSwitchboard builds the switchboard over the app's services; StartSIP starts it.
func (a *App) buildSwitchboard() {
	a.Switchboard = contact.New(contact.Deps{
		Engine:    a.SIP,
		Store:     a.Calls,
		IVR:       &ivrFlows{flows: a.IVR, runner: a.IVRRunner, users: a.Auth, phones: a.SIPStore},
		Customers: &callers{crm: a.Customers, calls: a.Calls},
		Tasks:     &callTasks{todos: a.Todos, queues: a},
		Directory: &phoneBook{phones: a.SIPStore, queues: a.Queues},
		Blocklist: a.Blocklist,
		Prompts:   &shippedPrompts{prompts: a.IVR},
		Log:       a.Log.With("component", "switchboard"),
		Tickets:   &screenPopTickets{tickets: a.Tickets},
	}, contact.Options{AutoBlock: contact.AutoBlock{Calls: int(a.Config.AutoBlockCalls), Window: a.Config.AutoBlockWindow},
		AutoLogin: a.Config.AgentAutoLogin, Location: a.Config.Location()})
	a.Runner.Every("calls.purge_recordings", 24*time.Hour, func(ctx context.Context) error {
		n, err := a.Calls.PurgeRecordings(ctx, int(a.Config.RecordingRetention), time.Now())
		if n > 0 {
			a.Log.Info("purged old recordings", "count", n, "retention_days", a.Config.RecordingRetention)
		}
		return err
	})
}

// startSwitchboard starts the router, loads the queues (and reloads them every
// queueReload) and makes registering phones log their agents in. The engine starts
// after it, so that no call arrives before the queues are there.
func (a *App) startSwitchboard(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	a.Switchboard.Start(ctx)
	if err := a.loadQueues(ctx); err != nil {
		cancel()
		a.Switchboard.Close()
		return err
	}
	reloaded := make(chan struct{})
	a.stopVoice = func() {
		cancel()
		<-reloaded
		a.Switchboard.Close()
	}
	go func() {
		defer close(reloaded)
		t := time.NewTicker(queueReload)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := a.loadQueues(ctx); err != nil && ctx.Err() == nil {
					a.Log.Warn("reload queues", "err", err)
				}
			}
		}
	}()
	a.SIP.OnRegistration(func(ctx context.Context, ext string, registered bool) {
		var err error
		if registered {
			err = a.Switchboard.PhoneRegistered(ctx, ext)
		} else {
			err = a.Switchboard.PhoneUnregistered(ctx, ext)
		}
		if err != nil && !errors.Is(err, contact.ErrClosed) {
			a.Log.Warn("agent state from phone registration", "extension", ext, "registered", registered, "err", err)
		}
	})
	return nil
}

// loadQueues gives the switchboard every queue with its members.
func (a *App) loadQueues(ctx context.Context) error {
	qs, err := a.Queues.Routing(ctx)
	if err != nil {
		return fmt.Errorf("app: load queues: %w", err)
	}
	for _, q := range qs {
		if err := a.Switchboard.SetQueue(ctx, q.Queue, q.Members); err != nil {
			if errors.Is(err, contact.ErrClosed) {
				return nil
			}
			return fmt.Errorf("app: queue %s: %w", q.Queue.Code, err)
		}
	}
	return nil
}

// queueID finds a queue by its code (0 when there is none).
func (a *App) queueID(ctx context.Context, code string) (int64, error) {
	qs, err := a.Queues.Queues(ctx)
	if err != nil {
		return 0, err
	}
	for _, q := range qs {
		if q.Code == code {
			return q.ID, nil
		}
	}
	return 0, nil
}

// ivrFlows runs the IVR flow of a call: the flow of the DID the call came in on, else
// the default flow.
type ivrFlows struct {
	flows  *ivr.Store
	runner *ivr.Runner
	users  *auth.Service
	phones *sip.Store
}

func (f *ivrFlows) Run(ctx context.Context, c voice.Call, in contact.IVRInput) (contact.Outcome, error) {
	var flow *ivr.Flow
	var err error
	if r, ok := c.(interface{ FlowID() int64 }); ok && r.FlowID() != 0 {
		flow, err = f.flows.Flow(ctx, r.FlowID())
	} else {
		flow, err = f.flows.DefaultFlow(ctx)
	}
	if err != nil {
		return contact.Outcome{Kind: contact.OutcomeHangup}, fmt.Errorf("ivr flow for %s: %w", in.Dialed, err)
	}
	vars := map[string]string{}
	if in.CustomerID != 0 {
		vars[ivr.VarCustomerID] = strconv.FormatInt(in.CustomerID, 10)
		vars[ivr.VarVIP] = strconv.Itoa(in.VIPLevel)
	}
	if in.Repeat {
		vars["repeat"] = "1"
	}
	out, err := f.runner.Run(ctx, flow, c, vars)
	res := contact.Outcome{Kind: contact.OutcomeKind(out.Kind), Queue: out.Queue, Priority: out.Priority, Group: out.Box}
	for _, s := range out.Trace {
		res.Trace = append(res.Trace, s.Node)
	}
	if err != nil {
		return res, err
	}
	if out.Kind == ivr.OutcomeTransfer {
		res.To = out.Number
		if out.Target == ivr.TargetAgent { // the agent's username: ring their phone
			res.To, err = f.agentExtension(ctx, out.Number)
		}
	}
	return res, err
}

func (f *ivrFlows) agentExtension(ctx context.Context, username string) (string, error) {
	u, err := f.users.UserByUsername(ctx, username)
	if err != nil {
		return "", fmt.Errorf("ivr transfer to agent %q: %w", username, err)
	}
	ext, err := f.phones.ExtensionOf(ctx, u.ID)
	if err == nil && ext == "" {
		err = fmt.Errorf("ivr transfer to agent %q: the agent has no phone", username)
	}
	return ext, err
}

// callers finds callers among the customers and records their calls as contacts.
type callers struct {
	crm   *crm.Store
	calls *contact.Store
}

func (c *callers) LookupCaller(ctx context.Context, number string) (contact.Caller, error) {
	cs, err := c.crm.LookupByPhone(ctx, number)
	if errs.Is(err, errs.Invalid) || len(cs) == 0 { // an anonymous or odd caller id
		return contact.Caller{}, nil
	}
	if err != nil {
		return contact.Caller{}, err
	}
	return contact.Caller{CustomerID: cs[0].ID, Name: cs[0].Name, VIPLevel: cs[0].VIPLevel}, nil
}

func (c *callers) RecordContact(ctx context.Context, customerID, callID int64, at time.Time) (contact.ContactInfo, error) {
	call, err := c.calls.Get(ctx, callID)
	if err != nil {
		return contact.ContactInfo{}, err
	}
	ct := &crm.Contact{CustomerID: customerID, Channel: crm.ChannelCall, Direction: crm.Inbound,
		From: call.From, To: call.Dialed, StartedAt: at}
	rep, err := c.crm.RecordContact(ctx, ct)
	if err != nil {
		return contact.ContactInfo{}, err
	}
	info := contact.ContactInfo{ContactID: ct.ID, Repeat: rep.IsRepeat()}
	for _, e := range rep.Earlier {
		info.Earlier = append(info.Earlier, e.ID)
		if info.LastAgent == 0 {
			info.LastAgent = e.AgentID
		}
	}
	return info, nil
}

func (c *callers) EndContact(ctx context.Context, contactID, agentID int64, at time.Time) error {
	return c.crm.EndContact(ctx, contactID, agentID, at)
}

// callTasks leaves the to-dos of voicemail and callback requests for the queue that
// the message or request is for. A voicemail box in an IVR flow names a queue code.
type callTasks struct {
	todos  *todo.Store
	queues interface {
		queueID(ctx context.Context, code string) (int64, error)
	}
}

// taskDue is how soon a message or callback request should be answered.
const taskDue = time.Hour

func (t *callTasks) create(ctx context.Context, group, title, note string, customerID int64) error {
	qid, err := t.queues.queueID(ctx, group)
	if err != nil {
		return err
	}
	if qid == 0 {
		return fmt.Errorf("no queue %q to leave the to-do %q for (a voicemail box must name a queue code)", group, title)
	}
	_, err = t.todos.Create(ctx, todo.System, todo.Input{Title: title, Kind: todo.Callback, Note: note,
		DueAt: time.Now().Add(taskDue), QueueID: qid, CustomerID: customerID})
	return err
}

func (t *callTasks) Voicemail(ctx context.Context, v contact.VoicemailTask) error {
	return t.create(ctx, v.Group, "语音留言："+caller(v.From),
		fmt.Sprintf("Voicemail of call %d, %d s: /calls/%d", v.CallID, int(v.Duration.Round(time.Second)/time.Second), v.CallID), v.CustomerID)
}

func (t *callTasks) Callback(ctx context.Context, c contact.CallbackTask) error {
	return t.create(ctx, c.Group, "客户要求回电："+caller(c.From),
		fmt.Sprintf("Callback requested in call %d: /calls/%d", c.CallID, c.CallID), c.CustomerID)
}

func (t *callTasks) FollowUp(ctx context.Context, f contact.FollowUpTask) error {
	_, err := t.todos.Create(ctx, todo.System, todo.Input{Title: "回访客户", Kind: todo.Callback,
		Note: fmt.Sprintf("Follow-up of call %d: /calls/%d\n%s", f.CallID, f.CallID, f.Note), DueAt: f.At, AssigneeID: f.AgentID, CustomerID: f.CustomerID})
	return err
}

// screenPopTickets lists a caller's open tickets for the agent's screen pop.
type screenPopTickets struct{ tickets *ticket.Service }

// screenPopReader reads tickets for the switchboard (every ticket, as a supervisor would).
var screenPopReader = &auth.Principal{User: &auth.User{Username: "switchboard", Role: auth.RoleSupervisor}}

func (o *screenPopTickets) OpenTickets(ctx context.Context, customerID int64) ([]contact.TicketRef, error) {
	ts, _, err := o.tickets.List(ctx, screenPopReader, ticket.Filter{CustomerID: customerID, Open: true, Limit: 10})
	if err != nil {
		return nil, err
	}
	out := make([]contact.TicketRef, 0, len(ts))
	for _, t := range ts {
		out = append(out, contact.TicketRef{ID: t.ID, Number: t.Number, Title: t.Title})
	}
	return out, nil
}

func caller(from string) string {
	if from == "" {
		return "未知号码"
	}
	return from
}

// phoneBook maps agents to their SIP extensions and knows their routing skills.
type phoneBook struct {
	phones *sip.Store
	queues *acdstore.Store
}

func (p *phoneBook) Skills(ctx context.Context, agentID int64) (map[string]int, error) {
	list, err := p.queues.Skills(ctx, agentID)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	skills := make(map[string]int, len(list))
	for _, sk := range list {
		skills[sk.Name] = sk.Proficiency
	}
	return skills, nil
}

func (p *phoneBook) Extension(ctx context.Context, agentID int64) (string, error) {
	return p.phones.ExtensionOf(ctx, agentID)
}

func (p *phoneBook) AgentByExtension(ctx context.Context, ext string) (int64, error) {
	acc, err := p.phones.Account(ctx, ext)
	if errors.Is(err, sip.ErrNoAccount) || acc.Disabled {
		return 0, nil
	}
	return acc.UserID, err
}

// shippedPrompts plays the IVR's prompts (uploads over the shipped ones) to waiting
// callers: the music on hold, the position and wait announcements, the voicemail
// greeting.
type shippedPrompts struct{ prompts *ivr.Store }

func (p *shippedPrompts) prompt(name string) (voice.Prompt, bool) {
	pr, err := p.prompts.Prompt(context.Background(), promptLang, name)
	return pr, err == nil
}

// MusicOnHold is the prompt named by the queue's class, or the shipped music.
func (p *shippedPrompts) MusicOnHold(class string) voice.Prompt {
	pr, ok := p.prompt(class)
	if class == "" || !ok {
		pr, _ = p.prompt(ivr.MusicOnHold)
	}
	pr.Loop = true
	return pr
}

// Announcement says the callers ahead (your position, in English) and the expected wait
// in whole minutes.
func (p *shippedPrompts) Announcement(pos int, wait time.Duration, known bool) []voice.Prompt {
	n := pos
	if promptLang == "zh" { // 您前面还有 N (callers ahead of you)
		n = pos - 1
	}
	out := p.sequence("position")
	out = append(out, p.number(n)...)
	if known {
		m := max(1, int((wait+time.Minute-1)/time.Minute))
		out = append(out, p.sequence("estimated_wait")...)
		out = append(out, p.number(m)...)
		out = append(out, p.sequence("minutes")...)
	}
	return out
}

func (p *shippedPrompts) sequence(names ...string) []voice.Prompt {
	var out []voice.Prompt
	for _, n := range names {
		if pr, ok := p.prompt(n); ok {
			out = append(out, pr)
		}
	}
	return out
}

func (p *shippedPrompts) number(n int) []voice.Prompt {
	text, err := say.Format(promptLang, string(ivr.SayNumber), strconv.Itoa(n))
	if err != nil {
		return nil
	}
	words, _ := tts.Words(promptLang, text)
	return p.sequence(words...)
}

// Prompt plays the voicemail greeting ("voicemail"), a half-second 1 kHz beep, and
// "goodbye" after a callback request.
func (p *shippedPrompts) Prompt(id string) voice.Prompt {
	if id == "voicemail.beep" {
		return voice.Prompt{Source: media.NewTone(1000, 8000, 25), Text: "beep"}
	}
	name := map[string]string{"voicemail.greeting": "voicemail", "callback.confirm": "goodbye"}[id]
	if pr, ok := p.prompt(name); ok {
		return pr
	}
	return contact.DefaultPrompts{}.Prompt(id)
}
