package survey_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
	"github.com/hotlinecc/hotline/internal/survey"
	"github.com/hotlinecc/hotline/internal/todo"
	"github.com/hotlinecc/hotline/internal/voice"
	"github.com/hotlinecc/hotline/internal/voice/voicetest"
)

type fixture struct {
	d                 *db.DB
	s                 *survey.Store
	log               *events.Log
	todos             *todo.Store
	agent, supervisor int64
	queue, customer   int64
	ticket            int64
	now               time.Time
}

var shanghai = time.FixedZone("CST", 8*3600)

func setup(t *testing.T, d *db.DB) *fixture {
	ctx := context.Background()
	f := &fixture{d: d, log: events.New(d), now: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
	f.todos = todo.NewStore(d, f.log)
	f.s = survey.New(d, f.log, f.todos, shanghai)
	f.s.SetClock(func() time.Time { return f.now })
	q := func(dst *int64, sql string, args ...any) {
		t.Helper()
		if err := d.Write().QueryRowContext(ctx, sql, args...).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	q(&f.agent, `INSERT INTO users (username, display_name, role, password_hash, password_changed_at, created_at, updated_at) VALUES ('agent1', '李娜', 'agent', 'x', $1, $1, $1) RETURNING id`, f.now)
	q(&f.supervisor, `INSERT INTO users (username, display_name, role, password_hash, password_changed_at, created_at, updated_at) VALUES ('sup1', '王强', 'supervisor', 'x', $1, $1, $1) RETURNING id`, f.now)
	q(&f.queue, `INSERT INTO queues (code, name_zh, name_en, created_at) VALUES ('repair', '维修', 'Repair', $1) RETURNING id`, f.now)
	q(&f.customer, `INSERT INTO customers (name, created_at, updated_at) VALUES ('张伟', $1, $1) RETURNING id`, f.now)
	var tt int64
	q(&tt, `INSERT INTO ticket_types (code, name_zh, name_en, definition, created_at, updated_at) VALUES ('repair', '维修单', 'Repair', '{}', $1, $1) RETURNING id`, f.now)
	closed := time.Date(2026, 3, 9, 15, 0, 0, 0, shanghai) // yesterday in Shanghai
	q(&f.ticket, `INSERT INTO tickets (number, type_id, customer_id, title, priority, channel, status, status_category, assignee_id, created_at, updated_at, closed_at)
		VALUES ('T1', $1, $2, '屏幕不亮', 'normal', 'phone', 'closed', 'done', $3, $4, $4, $5) RETURNING id`, tt, f.customer, f.agent, f.now.Add(-48*time.Hour), closed)
	return f
}

func questionnaire(t *testing.T, f *fixture) *survey.Questionnaire {
	t.Helper()
	q, err := f.s.CreateQuestionnaire(context.Background(), f.supervisor, survey.QuestionnaireInput{Name: "服务回访", Questions: []survey.Question{
		{Kind: survey.Rating, Text: [2]string{"您对服务满意吗？", "How satisfied are you?"}, Required: true, Branches: []survey.Branch{{When: "4-5", Goto: 3}}},
		{Kind: survey.Text, Text: [2]string{"哪里做得不好？", "What went wrong?"}},
		{Kind: survey.NPS, Text: [2]string{"您有多大可能推荐我们？", "How likely are you to recommend us?"}},
		{Kind: survey.Multi, Text: [2]string{"您用过哪些渠道？", "Which channels did you use?"}, Options: [][2]string{{"电话", "Phone"}, {"微信", "WeChat"}, {"门店", "Store"}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestKeypadRating(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		if err := f.s.SaveQueueSetting(ctx, survey.QueueSetting{Queue: "repair", Enabled: true, SamplePercent: 50, Language: "en"}); err != nil {
			t.Fatal(err)
		}
		if err := f.s.SaveQueueSetting(ctx, survey.QueueSetting{Queue: "nope", Enabled: true, SamplePercent: 50, Language: "en"}); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("unknown queue: %v", err)
		}
		k := &survey.Keypad{Store: f.s, Roll: func() int { return 10 }}
		info := survey.CallInfo{CallID: 1, AgentID: f.agent, CustomerID: f.customer, Queue: "repair"}
		// run answers a call, runs the survey and lets press act as the caller.
		run := func(info survey.CallInfo, press func(c *voicetest.Call)) (*survey.Response, []string, error) {
			var r *survey.Response
			var err error
			var names []string
			synctest.Test(t, func(t *testing.T) {
				e := voicetest.New(voicetest.Options{})
				done := make(chan struct{})
				e.OnInbound(func(ctx context.Context, c voice.Call) {
					defer close(done)
					_ = c.Answer(ctx)
					r, err = k.Run(ctx, c, info)
				})
				c := e.Inbound("13812345678", "4008001234")
				press(c)
				<-done
				names = c.PlayedNames()
				e.Close()
			})
			return r, names, err
		}
		// The caller presses 4 during the question: stored with call, agent and customer.
		r, names, err := run(info, func(c *voicetest.Call) { time.Sleep(2 * time.Second); c.Press("4") })
		if err != nil || r == nil || r.Score != 4 || r.CallID != 1 || r.AgentID != f.agent || r.CustomerID != f.customer || r.Language != "en" {
			t.Fatalf("rating %+v %v", r, err)
		}
		if strings.Join(names, ",") != "survey.rate,survey.thanks" {
			t.Fatalf("played %v", names)
		}
		got, _ := f.s.Responses(ctx, f.customer, 10)
		if len(got) != 1 || got[0].Score != 4 || got[0].Channel != survey.ChannelKeypad {
			t.Fatalf("stored %+v", got)
		}
		evs, _, err := f.log.List(ctx, events.Filter{CustomerID: f.customer, Limit: 10})
		if err != nil || len(evs) == 0 || evs[0].Kind != "survey.answered" {
			t.Fatalf("events %+v %v", evs, err)
		}
		// No input: nothing stored.
		info.CallID = 2
		r, _, err = run(info, func(c *voicetest.Call) {})
		if r != nil || err != nil {
			t.Fatalf("no input: %+v %v", r, err)
		}
		// A wrong digit: asked once more; then 5 is stored.
		info.CallID = 3
		r, names, err = run(info, func(c *voicetest.Call) {
			time.Sleep(time.Second)
			c.Press("9")
			time.Sleep(10 * time.Second) // after the wrong-digit prompt and the question again
			c.Press("5")
		})
		if err != nil || r == nil || r.Score != 5 || strings.Join(names, ",") != "survey.rate,survey.invalid,survey.rate,survey.thanks" {
			t.Fatalf("retry: %+v %v %v", r, names, err)
		}
		// Two wrong digits: nothing stored.
		info.CallID = 4
		r, _, _ = run(info, func(c *voicetest.Call) {
			time.Sleep(time.Second)
			c.Press("0")
			time.Sleep(30 * time.Second)
			c.Press("#")
		})
		if r != nil {
			t.Fatalf("two wrong digits stored %+v", r)
		}
		// Outside the sample, and queues without the survey: not asked.
		k.Roll = func() int { return 50 }
		info.CallID = 5
		if r, names, _ = run(info, func(c *voicetest.Call) { c.Press("4") }); r != nil || len(names) != 0 {
			t.Fatalf("outside the sample: %+v %v", r, names)
		}
		if got, _ := f.s.Responses(ctx, 0, 10); len(got) != 2 {
			t.Fatalf("%d responses, want 2", len(got))
		}
	})
}

func TestKeypadSecondQuestionAndHangup(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		if err := f.s.SaveQueueSetting(ctx, survey.QueueSetting{Queue: "repair", Enabled: true, SamplePercent: 100, Language: "zh", Q2Enabled: true}); err != nil {
			t.Fatal(err)
		}
		k := &survey.Keypad{Store: f.s}
		synctest.Test(t, func(t *testing.T) {
			e := voicetest.New(voicetest.Options{})
			done := make(chan *survey.Response, 1)
			e.OnInbound(func(ctx context.Context, c voice.Call) {
				_ = c.Answer(ctx)
				r, _ := k.Run(ctx, c, survey.CallInfo{CallID: 7, AgentID: f.agent, Queue: "repair"})
				done <- r
			})
			c := e.Inbound("13812345678", "4008001234")
			time.Sleep(time.Second)
			c.Press("2")
			time.Sleep(time.Second)
			c.RemoteHangup() // gone during the second question: the first answer stays
			r := <-done
			if r == nil || r.Score != 2 || r.Answers["q2"] != "" {
				t.Fatalf("response %+v", r)
			}
			e.Close()
		})
		// A rating of 2 is low, but no follow-up target is set: no to-do.
		if _, n, _ := f.todos.List(ctx, todo.Filter{Status: "all"}, f.now); n != 0 {
			t.Fatalf("%d to-dos", n)
		}
	})
}

func TestQuestionnaireVersionsAndBranching(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		q := questionnaire(t, f)
		if q.Version != 1 {
			t.Fatalf("version %d", q.Version)
		}
		// Branching: 4-5 skips the "what went wrong" question.
		if p := survey.Path(q.Questions, map[string]string{"q1": "5"}); len(p) != 3 || p[1] != 2 {
			t.Fatalf("path %v", p)
		}
		if p := survey.Path(q.Questions, map[string]string{"q1": "2"}); len(p) != 4 {
			t.Fatalf("path %v", p)
		}
		// Bad questionnaires change nothing.
		for name, in := range map[string]survey.QuestionnaireInput{
			"no name":        {Questions: q.Questions},
			"no questions":   {Name: "x"},
			"backward":       {Name: "x", Questions: []survey.Question{{Kind: survey.Rating, Text: [2]string{"a", ""}}, {Kind: survey.Rating, Text: [2]string{"b", ""}, Branches: []survey.Branch{{When: "1", Goto: 1}}}}},
			"one option":     {Name: "x", Questions: []survey.Question{{Kind: survey.Single, Text: [2]string{"a", ""}, Options: [][2]string{{"x", "x"}}}}},
			"text branches":  {Name: "x", Questions: []survey.Question{{Kind: survey.Text, Text: [2]string{"a", ""}, Branches: []survey.Branch{{When: "1", Goto: 0}}}}},
			"unknown kind":   {Name: "x", Questions: []survey.Question{{Kind: "essay", Text: [2]string{"a", ""}}}},
			"bad branch val": {Name: "x", Questions: []survey.Question{{Kind: survey.Rating, Text: [2]string{"a", ""}, Branches: []survey.Branch{{When: "good", Goto: 0}}}}},
		} {
			if _, err := f.s.UpdateQuestionnaire(ctx, f.supervisor, q.ID, in, false); errs.CodeOf(err) != errs.Invalid {
				t.Errorf("%s: %v", name, err)
			}
		}
		inv, err := f.s.Invite(ctx, f.agent, survey.InviteInput{QuestionnaireID: q.ID, CustomerID: f.customer, Language: "en", BaseURL: "https://hl.example"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(inv.Message, "https://hl.example/s/"+inv.Token) {
			t.Fatalf("message %q", inv.Message)
		}
		// Editing makes version 2; the invitation keeps version 1.
		in := survey.QuestionnaireInput{Name: "服务回访 v2", Questions: q.Questions[:3]}
		q2, err := f.s.UpdateQuestionnaire(ctx, f.supervisor, q.ID, in, false)
		if err != nil || q2.Version != 2 || len(q2.Questions) != 3 {
			t.Fatalf("update: %+v %v", q2, err)
		}
		// Saving the same questions again makes no new version.
		if q3, _ := f.s.UpdateQuestionnaire(ctx, f.supervisor, q.ID, in, false); q3.Version != 2 {
			t.Fatalf("version %d", q3.Version)
		}
		_, v, err := f.s.ByToken(ctx, inv.Token)
		if err != nil || v.Version != 1 || len(v.Questions) != 4 {
			t.Fatalf("invitation's version %+v %v", v, err)
		}
		// Answers on a skipped question are dropped; invalid answers refused.
		if _, err := f.s.Submit(ctx, inv.Token, map[string]string{"q1": "6"}); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("rating 6: %v", err)
		}
		if _, err := f.s.Submit(ctx, inv.Token, map[string]string{"q2": "bad"}); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("required missing: %v", err)
		}
		r, err := f.s.Submit(ctx, inv.Token, map[string]string{"q1": "5", "q2": "skipped", "q3": "9", "q4": "3,1"})
		if err != nil || r.Score != 5 || r.NPS != 9 || r.Answers["q2"] != "" || r.Answers["q4"] != "1,3" || r.Comment != "" {
			t.Fatalf("submit %+v %v", r, err)
		}
	})
}

func TestInvitationTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		q := questionnaire(t, f)
		inv, err := f.s.Invite(ctx, f.agent, survey.InviteInput{QuestionnaireID: q.ID, CustomerID: f.customer, TicketID: f.ticket})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Invite(ctx, f.agent, survey.InviteInput{QuestionnaireID: q.ID, CustomerID: f.customer, TicketID: f.ticket}); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("second invitation for the ticket: %v", err)
		}
		if _, err := f.s.Invite(ctx, f.agent, survey.InviteInput{QuestionnaireID: q.ID, CustomerID: 999}); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("unknown customer: %v", err)
		}
		// Tampered tokens are refused.
		b := []byte(inv.Token)
		b[3] ^= 1
		for _, tok := range []string{string(b), inv.Token[:20], "", "!!!"} {
			if _, _, err := f.s.ByToken(ctx, tok); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("tampered %q: %v", tok, err)
			}
		}
		// A token signed by another key is refused.
		if _, err := survey.Verify([]byte("0123456789abcdef0123456789abcdef"), inv.Token, f.now); err == nil {
			t.Fatal("foreign key accepted")
		}
		// Answered once, then refused with a clear error.
		if _, err := f.s.Submit(ctx, inv.Token, map[string]string{"q1": "1", "q2": "太慢了"}); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.Submit(ctx, inv.Token, map[string]string{"q1": "5"})
		if e, ok := errs.As(err); !ok || e.Code != errs.Conflict || e.Key != "survey_answered" {
			t.Fatalf("second answer: %v", err)
		}
		// Expired links are refused.
		inv2, _ := f.s.Invite(ctx, f.agent, survey.InviteInput{QuestionnaireID: q.ID, CustomerID: f.customer})
		f.now = f.now.Add(8 * 24 * time.Hour)
		if _, _, err := f.s.ByToken(ctx, inv2.Token); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("expired: %v", err)
		}
	})
}

func TestLowScoreFollowUpAndCallbacks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		q := questionnaire(t, f)
		if err := f.s.SaveConfig(ctx, survey.Config{LowScore: 2, LowNPS: 6, FollowupUserID: f.supervisor, FollowupQueueID: f.queue, CallbackDays: 1, LinkDays: 7}); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("two targets: %v", err)
		}
		if _, err := f.s.PlanCallbacks(ctx, f.now); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("callbacks without settings: %v", err)
		}
		if err := f.s.SaveConfig(ctx, survey.Config{LowScore: 2, LowNPS: 6, FollowupUserID: f.supervisor, CallbackQueueID: f.queue,
			CallbackQuestionnaireID: q.ID, CallbackDays: 1, LinkDays: 7}); err != nil {
			t.Fatal(err)
		}
		invs, err := f.s.PlanCallbacks(ctx, f.now)
		if err != nil || len(invs) != 1 || invs[0].TicketID != f.ticket || invs[0].TodoID == 0 || invs[0].TicketType != "维修单" {
			t.Fatalf("callbacks %+v %v", invs, err)
		}
		if again, err := f.s.PlanCallbacks(ctx, f.now); err != nil || len(again) != 0 {
			t.Fatalf("second plan: %d %v", len(again), err)
		}
		td, _ := f.todos.Get(ctx, invs[0].TodoID)
		if td.QueueID != f.queue || !strings.Contains(td.Note, "/surveys/callback/") {
			t.Fatalf("callback to-do %+v", td)
		}
		// The agent takes the answers; a low score opens a follow-up for the supervisor.
		r, err := f.s.AnswerCallback(ctx, f.agent, invs[0].ID, map[string]string{"q1": "2", "q2": "等太久", "q3": "3"})
		if err != nil || r.AnsweredBy != f.agent || r.Comment != "等太久" {
			t.Fatalf("callback answer %+v %v", r, err)
		}
		if _, err := f.s.AnswerCallback(ctx, f.agent, invs[0].ID, map[string]string{"q1": "5"}); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("second callback answer: %v", err)
		}
		list, _, _ := f.todos.List(ctx, todo.Filter{UserID: f.supervisor}, f.now)
		if len(list) != 1 || !strings.Contains(list[0].Title, "2/5") || list[0].CustomerID != f.customer {
			t.Fatalf("follow-ups %+v", list)
		}
		// Link invitations after tickets close.
		made, err := f.s.InviteClosedTickets(ctx, q.ID, f.now.Add(-72*time.Hour), f.now, "https://x")
		if err != nil || len(made) != 1 || made[0].Token == "" {
			t.Fatalf("closed-ticket invitations %+v %v", made, err)
		}
	})
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestResultsFormulas(t *testing.T) {
	day := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	rs := []*survey.Response{
		{Queue: "a", AgentID: 1, Score: 5, NPS: 10, CreatedAt: day},
		{Queue: "a", AgentID: 1, Score: 4, NPS: 8, CreatedAt: day},
		{Queue: "a", AgentID: 2, Score: 1, NPS: 3, CreatedAt: day.Add(24 * time.Hour)},
		{Queue: "b", AgentID: 2, Score: 3, NPS: -1, CreatedAt: day.Add(24 * time.Hour)},
		{Queue: "b", AgentID: 2, Score: 0, NPS: 9, CreatedAt: day.Add(24 * time.Hour)},
	}
	invs := []survey.InvitationRef{{Queue: "a", Answered: true, CreatedAt: day}, {Queue: "a", CreatedAt: day},
		{Queue: "b", Answered: true, CreatedAt: day}, {Queue: "b", CreatedAt: day}}
	cfg := survey.Config{LowScore: 2, LowNPS: 6}
	total, rows := survey.Summarize(rs, invs, "queue", cfg, shanghai)
	if total.Responses != 5 || total.Ratings != 4 || !near(total.Average, 13.0/4) || !near(total.CSAT, 50) || total.NPSAnswers != 4 ||
		!near(total.NPS, 25) || total.Low != 1 || !near(total.ResponseRate(), 50) {
		t.Fatalf("total %+v", total)
	}
	if len(rows) != 2 || rows[0].Key != "a" || !near(rows[0].CSAT, 200.0/3) || !near(rows[0].NPS, 0) || rows[1].Key != "b" || !near(rows[1].NPS, 100) {
		t.Fatalf("rows %+v", rows)
	}
	_, byDay := survey.Summarize(rs, nil, "day", cfg, shanghai)
	if len(byDay) != 2 || byDay[0].Key != "2026-03-01" || byDay[0].Responses != 2 || byDay[1].ResponseRate() != -1 {
		t.Fatalf("by day %+v", byDay)
	}
}

func TestResultsStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		q := questionnaire(t, f)
		inv, _ := f.s.Invite(ctx, f.agent, survey.InviteInput{QuestionnaireID: q.ID, CustomerID: f.customer, AgentID: f.agent, Queue: "repair"})
		f.s.Invite(ctx, f.agent, survey.InviteInput{QuestionnaireID: q.ID, CustomerID: f.customer, AgentID: f.agent, Queue: "repair"})
		if _, err := f.s.Submit(ctx, inv.Token, map[string]string{"q1": "2", "q2": "态度差"}); err != nil {
			t.Fatal(err)
		}
		res, err := f.s.Results(ctx, survey.Filter{From: f.now.Add(-time.Hour), To: f.now.Add(time.Hour), By: "agent"})
		if err != nil || res.Total.Responses != 1 || !near(res.Total.ResponseRate(), 50) || len(res.Rows) != 1 || res.Rows[0].Label != "李娜" ||
			len(res.Comments) != 1 || res.Comments[0].Comment != "态度差" {
			t.Fatalf("results %+v %v", res, err)
		}
		if _, err := f.s.Results(ctx, survey.Filter{From: f.now, To: f.now, By: "queue"}); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("empty period: %v", err)
		}
		if _, err := f.s.Results(ctx, survey.Filter{From: f.now, To: f.now.Add(time.Hour), By: "colour"}); !errors.Is(err, err) || errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("bad dimension: %v", err)
		}
	})
}
