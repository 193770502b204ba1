package qa

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/contact"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
	"github.com/hotlinecc/hotline/internal/voice"
	"github.com/hotlinecc/hotline/internal/voice/media"
)

const formText = `# Greeting | 20
- Uses the standard greeting | 1 | yes_no
- Verifies the caller | 1 | yes_no | critical

# Solving | 80
- Finds the cause | 3 | scale 5
- Explains the next steps | 1 | yes_no
`

func mustForm(t *testing.T) Form {
	t.Helper()
	f, err := ParseForm(formText)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestScore(t *testing.T) {
	f := mustForm(t)
	if f.Text() != formText {
		t.Fatalf("round trip:\n%s", f.Text())
	}
	ans := func(v ...int) map[string]Answer {
		keys := []string{"1.1", "1.2", "2.1", "2.2"}
		m := map[string]Answer{}
		for i, x := range v {
			m[keys[i]] = Answer{Value: x}
		}
		return m
	}
	for _, c := range []struct {
		name   string
		ans    map[string]Answer
		score  float64
		failed bool
		err    bool
	}{
		{"perfect", ans(1, 1, 5, 1), 100, false, false},
		// greeting 50% * 20 + solving (3*0.6 + 1)/4 = 70% * 80 = 10 + 56 = 66
		{"weighted", ans(0, 1, 3, 1), 66, false, false},
		{"critical fail", ans(1, 0, 5, 1), 0, true, false},
		{"missing item", ans(1, 1, 5), 0, false, true},
		{"out of range", ans(1, 1, 6, 1), 0, false, true},
		{"negative", ans(1, 1, -1, 1), 0, false, true},
	} {
		r, err := f.Score(c.ans)
		if (err != nil) != c.err {
			t.Errorf("%s: err %v", c.name, err)
			continue
		}
		if err == nil && (r.Score != c.score || r.Failed != c.failed) {
			t.Errorf("%s: %v %v, want %v %v", c.name, r.Score, r.Failed, c.score, c.failed)
		}
	}
	extra := ans(1, 1, 5, 1)
	extra["9.9"] = Answer{Value: 1}
	if _, err := f.Score(extra); err == nil {
		t.Error("an unknown item was accepted")
	}
	for _, bad := range []string{"", "- item before section | 1 | yes_no", "# S | x", "# S | 1\n- a | 1 | scale 11", "# S | 1\n- a | 0 | yes_no",
		"# S | 1\n- a | 1 | maybe", "# S | 1\n- a | 1 | yes_no | optional", "# S | 1", "text"} {
		if _, err := ParseForm(bad); err == nil {
			t.Errorf("form %q accepted", bad)
		}
	}
}

// tone writes frames of a 1 kHz tone (or silence when amp is 0) to a channel.
func fill(ch []int16, fromS, toS float64, amp float64) {
	for i := int(fromS * voice.SampleRate); i < int(toS*voice.SampleRate) && i < len(ch); i++ {
		ch[i] = int16(amp * math.Sin(2*math.Pi*1000*float64(i)/voice.SampleRate))
	}
}

func TestAnalyzeGeneratedWAV(t *testing.T) {
	n := 5 * voice.SampleRate
	for _, c := range []struct {
		name                                  string
		left, right                           [][2]float64
		caller, agent, overtalk, silence, dur int64
	}{
		// Caller 0-2 s, agent 1-3 s, nobody 3-5 s.
		{"overlap", [][2]float64{{0, 2}}, [][2]float64{{1, 3}}, 2000, 2000, 1000, 2000, 5000},
		// A 100 ms pause in the agent's speech is bridged by the hangover; 1 s is not.
		{"pauses", [][2]float64{{4, 5}}, [][2]float64{{0, 1}, {1.1, 2}, {3, 3.5}}, 1000, 2500, 0, 1000, 5000},
		{"silent", nil, nil, 0, 0, 0, 5000, 5000},
	} {
		w := &media.WAV{Channels: [][]int16{make([]int16, n), make([]int16, n)}}
		for _, r := range c.left {
			fill(w.Channels[0], r[0], r[1], 8000)
		}
		for _, r := range c.right {
			fill(w.Channels[1], r[0], r[1], 8000)
		}
		// Line noise below the threshold is quiet.
		for i := range w.Channels[0] {
			if i%7 == 0 {
				w.Channels[0][i] += 40
				w.Channels[1][i] -= 40
			}
		}
		a := DefaultVAD.Analyze(w)
		if a.CallerTalkMS != c.caller || a.AgentTalkMS != c.agent || a.OvertalkMS != c.overtalk || a.LongestSilenceMS != c.silence || a.DurationMS != c.dur {
			t.Errorf("%s: %+v", c.name, a)
		}
	}
}

type fixture struct {
	qa       *Store
	calls    *contact.Store
	d        *db.DB
	qaUser   *auth.Principal
	qa2      *auth.Principal
	agent    *auth.Principal
	other    *auth.Principal
	super    *auth.Principal
	dataDir  string
	card     *Scorecard
	callIDs  []int64
	week     time.Time
	customer int64
}

func setup(t *testing.T, d *db.DB) *fixture {
	ctx := context.Background()
	ev := events.New(d)
	a := auth.NewService(d, auth.Options{})
	f := &fixture{d: d, dataDir: t.TempDir()}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	f.qa = New(d, ev, Options{Location: loc, DataDir: f.dataDir})
	f.calls = contact.NewStore(d, ev, f.dataDir)
	mk := func(name string, role auth.Role, tier int) *auth.Principal {
		in := auth.UserInput{Username: name, DisplayName: &name, Role: &role, Password: "long-enough-password-1"}
		if tier > 0 {
			in.Tier = &tier
		}
		u, err := a.CreateUser(ctx, auth.ActorSystem, in)
		if err != nil {
			t.Fatal(err)
		}
		return &auth.Principal{User: u}
	}
	f.qaUser, f.qa2 = mk("qa", auth.RoleQA, 0), mk("qa2", auth.RoleQA, 0)
	f.agent, f.other = mk("agent", auth.RoleAgent, 1), mk("other", auth.RoleAgent, 1)
	f.super = mk("super", auth.RoleSupervisor, 0)
	var err error
	f.card, err = f.qa.CreateScorecard(ctx, f.qaUser.User.ID, ScorecardInput{Name: "General", Active: true, Form: mustForm(t)})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := d.Write().QueryRowContext(ctx, `INSERT INTO customers (name, created_at, updated_at) VALUES ('张三', $1, $1) RETURNING id`, now.UTC()).Scan(&f.customer); err != nil {
		t.Fatal(err)
	}
	f.week = f.qa.WeekStart(now.AddDate(0, 0, -7))
	// Six calls for agent, three for other, in last week: long, repeat, transferred,
	// analysed with a long silence, and plain ones.
	for i, spec := range []struct {
		agent    *auth.Principal
		talk     int
		repeat   bool
		transfer bool
	}{
		{f.agent, 1200, false, false}, {f.agent, 60, true, false}, {f.agent, 60, false, true},
		{f.agent, 60, false, false}, {f.agent, 60, false, false}, {f.agent, 60, false, false},
		{f.other, 60, false, false}, {f.other, 60, false, false}, {f.other, 60, false, false},
	} {
		at := f.week.Add(time.Duration(24+i) * time.Hour)
		c := &contact.Call{UID: fmt.Sprintf("c%d", i), Direction: "inbound", From: "13812345678", Dialed: "4008001234", StartedAt: at}
		if err := f.calls.Begin(ctx, c); err != nil {
			t.Fatal(err)
		}
		c.AgentID, c.Queue, c.TalkSeconds, c.Repeat, c.Status = spec.agent.User.ID, "support", spec.talk, spec.repeat, contact.StatusCompleted
		c.AnsweredAt, c.EndedAt = at.Add(10*time.Second), at.Add(time.Duration(10+spec.talk)*time.Second)
		ch := contact.Change{At: c.EndedAt}
		if spec.transfer {
			ch.Queue = &contact.QueueEvent{Kind: contact.QueueTransferred, Detail: "1002"}
		}
		if err := f.calls.Save(ctx, c, ch); err != nil {
			t.Fatal(err)
		}
		f.callIDs = append(f.callIDs, c.ID)
	}
	return f
}

func TestEvaluationsAndDisputes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		full := map[string]Answer{"1.1": {Value: 1}, "1.2": {Value: 1}, "2.1": {Value: 3, Comment: "missed the driver"}, "2.2": {Value: 1}}
		in := EvaluationInput{CallID: f.callIDs[0], ScorecardID: f.card.ID, Answers: full}
		if _, err := f.qa.Evaluate(ctx, f.agent, in); !isCode(err, errs.Forbidden) {
			t.Fatalf("an agent scored a call: %v", err)
		}
		e, err := f.qa.Evaluate(ctx, f.qaUser, in)
		if err != nil {
			t.Fatal(err)
		}
		// (1+1)/2 * 20 + (3*0.6+1)/4 * 80 = 20 + 56
		if e.Score != 76 || e.Failed || e.AgentID != f.agent.User.ID || e.Version != 1 || e.Answers["2.1"].Comment != "missed the driver" {
			t.Fatalf("evaluation %+v", e)
		}
		// A new version: the old evaluation keeps its form.
		form := mustForm(t)
		form.Sections[0].Items = form.Sections[0].Items[:1]
		card, err := f.qa.UpdateScorecard(ctx, f.qaUser.User.ID, f.card.ID, ScorecardInput{Name: "General", Active: true, Form: form})
		if err != nil || card.Version != 2 {
			t.Fatalf("update: %v %+v", err, card)
		}
		if same, _ := f.qa.UpdateScorecard(ctx, f.qaUser.User.ID, f.card.ID, ScorecardInput{Name: "General", Description: "d", Active: true, Form: form}); same.Version != 2 {
			t.Fatal("an unchanged form made a version")
		}
		if vs, _ := f.qa.Versions(ctx, f.card.ID); len(vs) != 2 {
			t.Fatalf("versions %d", len(vs))
		}
		old, err := f.qa.Evaluation(ctx, f.qaUser, e.ID)
		if err != nil || len(old.Form.Items()) != 4 || old.Version != 1 || old.Score != 76 {
			t.Fatalf("old evaluation %v %+v", err, old)
		}
		if _, err := f.qa.Evaluate(ctx, f.qaUser, in); err == nil {
			t.Fatal("answers to an old version's items were accepted on the new one")
		}
		failed, err := f.qa.Evaluate(ctx, f.qaUser, EvaluationInput{CallID: f.callIDs[1], ScorecardID: f.card.ID,
			Answers: map[string]Answer{"1.1": {Value: 0}, "2.1": {Value: 5}, "2.2": {Value: 1}}})
		if err != nil || failed.Score != 80 || failed.Failed {
			t.Fatalf("v2 evaluation %v %+v", err, failed)
		}

		// Who sees what.
		if _, err := f.qa.Evaluation(ctx, f.other, e.ID); !isCode(err, errs.NotFound) {
			t.Fatalf("another agent saw the evaluation: %v", err)
		}
		if list, n, _ := f.qa.Evaluations(ctx, f.other, EvaluationFilter{AgentID: f.agent.User.ID}); n != 0 || len(list) != 0 {
			t.Fatal("another agent listed the evaluations")
		}
		if _, n, _ := f.qa.Evaluations(ctx, f.agent, EvaluationFilter{}); n != 2 {
			t.Fatalf("own evaluations %d", n)
		}
		// The dispute flow.
		if _, err := f.qa.Dispute(ctx, f.other, e.ID, "not mine"); err == nil {
			t.Fatal("another agent disputed")
		}
		if _, err := f.qa.Dispute(ctx, f.qaUser, e.ID, "evaluator"); !isCode(err, errs.Forbidden) {
			t.Fatalf("the evaluator disputed: %v", err)
		}
		if _, err := f.qa.Dispute(ctx, f.agent, e.ID, "  "); !isCode(err, errs.Invalid) {
			t.Fatalf("a dispute without a reason: %v", err)
		}
		if _, err := f.qa.Resolve(ctx, f.super, e.ID, Resolution{Note: "x"}); !isCode(err, errs.Conflict) {
			t.Fatalf("resolved an undisputed evaluation: %v", err)
		}
		if e, err = f.qa.Dispute(ctx, f.agent, e.ID, "I did explain the steps"); err != nil || e.Status != StatusDisputed {
			t.Fatalf("dispute %v", err)
		}
		if _, err := f.qa.Acknowledge(ctx, f.agent, e.ID); !isCode(err, errs.Conflict) {
			t.Fatalf("acknowledged a disputed evaluation: %v", err)
		}
		if _, err := f.qa.Resolve(ctx, f.qaUser, e.ID, Resolution{Adjust: true, Score: 90, Note: "ok"}); !isCode(err, errs.Forbidden) {
			t.Fatalf("QA staff resolved: %v", err)
		}
		for _, bad := range []Resolution{{Adjust: true, Score: 101, Note: "x"}, {Adjust: true, Score: 90}} {
			if _, err := f.qa.Resolve(ctx, f.super, e.ID, bad); !isCode(err, errs.Invalid) {
				t.Fatalf("resolution %+v: %v", bad, err)
			}
		}
		if e, err = f.qa.Resolve(ctx, f.super, e.ID, Resolution{Adjust: true, Score: 90, Note: "the steps were explained at 03:10"}); err != nil {
			t.Fatal(err)
		}
		if e.Status != StatusResolved || e.Score != 90 || e.OriginalScore != 76 || e.Resolution != ResolutionAdjusted || e.ResolvedBy != f.super.User.ID {
			t.Fatalf("resolved %+v", e)
		}
		if failed, err = f.qa.Acknowledge(ctx, f.agent, failed.ID); err != nil || failed.Status != StatusAcknowledged || failed.AcknowledgedAt.IsZero() {
			t.Fatalf("acknowledge %v", err)
		}
	})
}

func isCode(err error, code errs.Code) bool {
	var e *errs.Error
	return errors.As(err, &e) && e.Code == code
}

func TestSampleWeek(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		// Call 4 was analysed with a long silence.
		if err := f.qa.saveAnalysis(ctx, &Analysis{CallID: f.callIDs[3], AnalyzedAt: time.Now(), DurationMS: 60000, LongestSilenceMS: 45000}); err != nil {
			t.Fatal(err)
		}
		rules := DefaultSampling
		rules.RandomPerAgent, rules.LongCallMinutes = 1, 10
		if err := f.qa.SaveSamplingRules(ctx, rules); err != nil {
			t.Fatal(err)
		}
		if err := f.qa.SaveSamplingRules(ctx, Sampling{RandomPerAgent: -1}); err == nil {
			t.Fatal("negative rule accepted")
		}
		n, err := f.qa.SampleWeek(ctx, f.week.Add(50*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		// long, repeat, transfer, silence + 1 random for agent, 1 random for other.
		if n != 6 {
			t.Fatalf("sampled %d", n)
		}
		list, err := f.qa.Worklist(ctx, WorklistFilter{Week: f.week.Format("2006-01-02")})
		if err != nil {
			t.Fatal(err)
		}
		reasons := map[int64]string{}
		for _, it := range list {
			reasons[it.CallID] = it.Reason
		}
		want := map[int64]string{f.callIDs[0]: ReasonLongCall, f.callIDs[1]: ReasonRepeat, f.callIDs[2]: ReasonTransfer, f.callIDs[3]: ReasonSilence}
		for id, r := range want {
			if reasons[id] != r {
				t.Errorf("call %d: %q, want %q", id, reasons[id], r)
			}
		}
		if again, err := f.qa.SampleWeek(ctx, f.week); err != nil || again != 0 {
			t.Fatalf("rerun added %d (%v)", again, err)
		}
		// Another week has nothing.
		if other, _ := f.qa.SampleWeek(ctx, f.week.AddDate(0, 0, 14)); other != 0 {
			t.Fatalf("empty week sampled %d", other)
		}
		// Assigning and evaluating a sampled call.
		if err := f.qa.Assign(ctx, list[0].ID, f.qaUser.User.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.qa.Assign(ctx, 9999, f.qaUser.User.ID); !isCode(err, errs.NotFound) {
			t.Fatalf("assign unknown: %v", err)
		}
		mine, _ := f.qa.Worklist(ctx, WorklistFilter{AssignedTo: f.qaUser.User.ID})
		if len(mine) != 1 {
			t.Fatalf("assigned %d", len(mine))
		}
		if _, err := f.qa.Evaluate(ctx, f.qaUser, EvaluationInput{CallID: mine[0].CallID, ScorecardID: f.card.ID,
			Answers: map[string]Answer{"1.1": {Value: 1}, "1.2": {Value: 1}, "2.1": {Value: 5}, "2.2": {Value: 1}}}); err != nil {
			t.Fatal(err)
		}
		if mine, _ = f.qa.Worklist(ctx, WorklistFilter{AssignedTo: f.qaUser.User.ID, Status: "done"}); len(mine) != 1 {
			t.Fatal("the evaluated sample is not done")
		}
		// Raising the random number tops the draw up, keeping the first pick.
		rules.RandomPerAgent = 2
		f.qa.SaveSamplingRules(ctx, rules)
		if more, _ := f.qa.SampleWeek(ctx, f.week); more != 2 {
			t.Fatalf("top-up added %d", more)
		}
	})
}

func TestCalibrationAndReport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		k, err := f.qa.CreateCalibration(ctx, f.qaUser.User.ID, f.callIDs[0], f.card.ID, "March")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			p  *auth.Principal
			v1 int
		}{{f.qaUser, 5}, {f.qa2, 3}, {f.super, 1}} {
			_, err := f.qa.Evaluate(ctx, c.p, EvaluationInput{CallID: f.callIDs[0], CalibrationID: k.ID,
				Answers: map[string]Answer{"1.1": {Value: 1}, "1.2": {Value: 1}, "2.1": {Value: c.v1}, "2.2": {Value: 1}}})
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.qa.Evaluate(ctx, f.qa2, EvaluationInput{CallID: f.callIDs[0], CalibrationID: k.ID,
			Answers: map[string]Answer{"1.1": {Value: 1}, "1.2": {Value: 1}, "2.1": {Value: 1}, "2.2": {Value: 1}}}); !isCode(err, errs.Conflict) {
			t.Fatalf("scored a calibration twice: %v", err)
		}
		if _, err := f.qa.Evaluate(ctx, f.qa2, EvaluationInput{CallID: f.callIDs[1], CalibrationID: k.ID}); err == nil {
			t.Fatal("calibration of another call accepted")
		}
		sp, evs, err := f.qa.CalibrationSpread(ctx, k.ID)
		if err != nil || len(evs) != 3 || len(sp) != 5 {
			t.Fatalf("spread %v %d %d", err, len(evs), len(sp))
		}
		// Item 2.1: 100, 60, 20 -> mean 60, stddev sqrt((1600+0+1600)/3) = 32.66.
		if s := sp[2]; s.Key != "2.1" || s.Min != 20 || s.Max != 100 || s.Mean != 60 || s.StdDev != 32.66 {
			t.Fatalf("item spread %+v", s)
		}
		if s := sp[0]; s.StdDev != 0 || s.Mean != 100 {
			t.Fatalf("agreed item %+v", s)
		}
		// Totals: 20 + 80*(3*x+1)/4 for x = 1, .6, .2: 100, 76, 52.
		if s := sp[4]; s.Key != "" || s.Min != 52 || s.Max != 100 || s.Mean != 76 {
			t.Fatalf("total spread %+v", s)
		}
		// Calibration scorings stay out of the agent's view and the report.
		if _, n, _ := f.qa.Evaluations(ctx, f.agent, EvaluationFilter{}); n != 0 {
			t.Fatalf("agent sees %d calibration scorings", n)
		}
		for i, v := range []int{1, 0} {
			if _, err := f.qa.Evaluate(ctx, f.qaUser, EvaluationInput{CallID: f.callIDs[i], ScorecardID: f.card.ID,
				Answers: map[string]Answer{"1.1": {Value: 1}, "1.2": {Value: v}, "2.1": {Value: 5}, "2.2": {Value: 1}}}); err != nil {
				t.Fatal(err)
			}
		}
		r, err := f.qa.Report(ctx, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if r.Total.Count != 2 || r.Total.Average != 50 || r.Total.Fails != 1 || len(r.ByAgent) != 1 || r.ByAgent[0].Key != "agent" || len(r.ByWeek) != 1 {
			t.Fatalf("report %+v", r)
		}
		var verify ReportRow
		for _, row := range r.ByItem {
			if row.Key == "Verifies the caller" {
				verify = row
			}
		}
		if verify.Count != 2 || verify.Average != 50 || verify.Fails != 1 || verify.Scorecard != "General" {
			t.Fatalf("item row %+v", verify)
		}
	})
}

func TestAnalyzePending(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		// A recording for the first call: caller 0-2 s, agent 1-3 s, silence to 5 s.
		rel := "recordings/test/1.wav"
		path := filepath.Join(f.dataDir, rel)
		os.MkdirAll(filepath.Dir(path), 0o750)
		w, err := media.CreateWAV(path, 2)
		if err != nil {
			t.Fatal(err)
		}
		caller, agent := media.NewTone(1000, 6000, 0), media.NewTone(2000, 6000, 0)
		var l, r, quiet voice.Frame
		for i := range 250 {
			caller.ReadFrame(&l)
			agent.ReadFrame(&r)
			left, right := &l, &r
			if i >= 100 {
				left = &quiet
			}
			if i < 50 || i >= 150 {
				right = &quiet
			}
			if err := w.WriteStereo(left, right); err != nil {
				t.Fatal(err)
			}
		}
		w.Close()
		if _, err := d.Write().ExecContext(ctx, `UPDATE calls SET recording_path = $1 WHERE id = $2`, rel, f.callIDs[0]); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Write().ExecContext(ctx, `UPDATE calls SET recording_path = 'recordings/missing.wav' WHERE id = $1`, f.callIDs[1]); err != nil {
			t.Fatal(err)
		}
		n, err := f.qa.AnalyzePending(ctx, 10)
		if err != nil || n != 2 {
			t.Fatalf("analysed %d: %v", n, err)
		}
		a, err := f.qa.CallAnalysis(ctx, f.callIDs[0])
		if err != nil {
			t.Fatal(err)
		}
		if a.CallerTalkMS != 2000 || a.AgentTalkMS != 2000 || a.OvertalkMS != 1000 || a.LongestSilenceMS != 2000 || a.TalkRatio != 0.5 || a.Error != "" {
			t.Fatalf("analysis %+v", a)
		}
		if b, _ := f.qa.CallAnalysis(ctx, f.callIDs[1]); b == nil || b.Error == "" {
			t.Fatalf("missing file: %+v", b)
		}
		if _, err := f.qa.CallAnalysis(ctx, f.callIDs[2]); !isCode(err, errs.NotFound) {
			t.Fatalf("no analysis: %v", err)
		}
		if again, _ := f.qa.AnalyzePending(ctx, 10); again != 0 {
			t.Fatalf("analysed again %d", again)
		}
	})
}
