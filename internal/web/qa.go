package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/contact"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/qa"
)

// qaRoutes are the quality pages: the worklist, scoring a call, evaluations with the
// agent's acknowledgement or dispute and the reviewer's resolution, scorecards,
// calibration and reports.
func (c *Console) qaRoutes() []Route {
	calls, eval := auth.Need(auth.PermCallsRead), auth.Need(auth.PermQualityEvaluate)
	return []Route{
		{"GET /qa", calls, c.qaHome},
		{"GET /qa/mine", calls, c.qaMine},
		{"POST /qa/sampling", eval, c.qaSaveSampling},
		{"POST /qa/sample", eval, c.qaSampleNow},
		{"POST /qa/samples/{id}/assign", eval, c.qaAssign},
		{"GET /qa/evaluate/{id}", eval, c.qaEvaluatePage},
		{"POST /qa/evaluate/{id}", eval, c.qaEvaluate},
		{"GET /qa/evaluations/{id}", eval, c.qaEvaluation},
		{"POST /qa/evaluations/{id}/acknowledge", calls, c.qaAcknowledge},
		{"POST /qa/evaluations/{id}/dispute", calls, c.qaDispute},
		{"POST /qa/evaluations/{id}/resolve", auth.Need(auth.PermQualityReview), c.qaResolve},
		{"GET /qa/scorecards", eval, c.qaScorecards},
		{"GET /qa/scorecards/new", eval, c.qaNewScorecard},
		{"POST /qa/scorecards", eval, c.qaSaveScorecard},
		{"GET /qa/scorecards/{id}", eval, c.qaEditScorecard},
		{"POST /qa/scorecards/{id}", eval, c.qaSaveScorecard},
		{"GET /qa/calibration", eval, c.qaCalibration},
		{"POST /qa/calibration", eval, c.qaCreateCalibration},
		{"GET /qa/reports", auth.Need(auth.PermReportsRead), c.qaReports},
	}
}

type qaWorklist struct {
	Items    []qa.SampleItem
	Week     string
	Mine     bool
	Rules    qa.Sampling
	Staff    []*auth.User
	Error    string
	Analysis map[int64]*qa.Analysis
}

// qaHome is the worklist for the quality staff, and an agent's own evaluations for
// everyone else.
func (c *Console) qaHome(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	if !p.Can(auth.PermQualityEvaluate) {
		c.qaMine(w, r)
		return
	}
	c.qaWorklistPage(w, r, http.StatusOK, "")
}

func (c *Console) qaWorklistPage(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	p := auth.FromContext(r.Context())
	q := r.URL.Query()
	d := &qaWorklist{Week: q.Get("week"), Mine: q.Get("mine") == "1", Error: errMsg}
	if d.Week == "" {
		d.Week = c.QA.WeekStart(time.Now().AddDate(0, 0, -7)).Format("2006-01-02")
	}
	f := qa.WorklistFilter{Week: d.Week}
	if d.Mine {
		f.AssignedTo = p.User.ID
	}
	var err error
	if d.Items, err = c.QA.Worklist(r.Context(), f); err != nil {
		c.Fail(w, r, err)
		return
	}
	if d.Rules, err = c.QA.SamplingRules(r.Context()); err != nil {
		c.Fail(w, r, err)
		return
	}
	if d.Staff, err = c.qaStaff(r); err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, status, "qa", c.page(r, "qa.worklist", d))
}

// qaStaff lists the users who may evaluate, for assigning.
func (c *Console) qaStaff(r *http.Request) ([]*auth.User, error) {
	users, _, err := c.Auth.ListUsers(r.Context(), auth.UserFilter{Limit: 1000})
	var out []*auth.User
	for _, u := range users {
		if u.Can(auth.PermQualityEvaluate) {
			out = append(out, u)
		}
	}
	return out, err
}

func formInt(r *http.Request, name string) (int, error) {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, errs.Field(name, "Enter a whole number.").WithKey("qa_number")
	}
	return n, nil
}

func (c *Console) qaSaveSampling(w http.ResponseWriter, r *http.Request) {
	var rules qa.Sampling
	var err error
	for name, dst := range map[string]*int{"random_per_agent": &rules.RandomPerAgent, "long_call_minutes": &rules.LongCallMinutes,
		"silence_seconds": &rules.SilenceSeconds, "overtalk_seconds": &rules.OvertalkSeconds} {
		if *dst, err = formInt(r, name); err != nil {
			break
		}
	}
	rules.RepeatCallers, rules.Complaints, rules.Transfers = r.PostFormValue("repeat_callers") == "1", r.PostFormValue("complaints") == "1", r.PostFormValue("transfers") == "1"
	if err == nil {
		err = c.QA.SaveSamplingRules(r.Context(), rules)
	}
	if err != nil {
		c.qaWorklistPage(w, r, httpStatus(err), message(c.Catalog.Locale(Language(r)), err))
		return
	}
	http.Redirect(w, r, "/qa?ok=qa_saved", http.StatusSeeOther)
}

func httpStatus(err error) int { return httpx.Status(httpx.Public(err).Code) }

// qaSampleNow runs the sampling of the past and current week at once (the job runs it
// hourly too).
func (c *Console) qaSampleNow(w http.ResponseWriter, r *http.Request) {
	for _, t := range []time.Time{time.Now().AddDate(0, 0, -7), time.Now()} {
		if _, err := c.QA.SampleWeek(r.Context(), t); err != nil {
			c.Fail(w, r, err)
			return
		}
	}
	http.Redirect(w, r, "/qa?ok=qa_sampled", http.StatusSeeOther)
}

func (c *Console) qaAssign(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	user, _ := strconv.ParseInt(r.PostFormValue("user_id"), 10, 64)
	if user != 0 {
		u, err := c.Auth.User(r.Context(), user)
		if err != nil || !u.Can(auth.PermQualityEvaluate) {
			c.Fail(w, r, errs.Field("user_id", "Sampled calls go to quality staff.").WithKey("qa_assignee"))
			return
		}
	}
	if err := c.QA.Assign(r.Context(), id, user); err != nil {
		c.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/qa?ok=qa_assigned&week="+r.PostFormValue("week"), http.StatusSeeOther)
}

type qaEvaluateData struct {
	Call        *contact.Call
	Events      []contact.QueueEvent
	MayHear     bool
	AudioURL    string
	Analysis    *qa.Analysis
	Scorecards  []*qa.Scorecard
	Card        *qa.Scorecard
	Form        qa.Form
	Calibration int64
	Earlier     []*qa.Evaluation
	Given       map[string]string // the answers typed before a failed save, by item key
	Notes       map[string]string // their comments
	Comment     string
	Error       string
}

func (c *Console) qaEvaluatePage(w http.ResponseWriter, r *http.Request) {
	c.qaEvaluateRender(w, r, http.StatusOK, nil, "")
}

// qaEvaluateRender shows the scoring screen of a call: the player, the call record and
// the scorecard (the one asked for, or the first that applies to the call's queue).
func (c *Console) qaEvaluateRender(w http.ResponseWriter, r *http.Request, status int, answers map[string]qa.Answer, errMsg string) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	p := auth.FromContext(r.Context())
	d := &qaEvaluateData{Given: map[string]string{}, Notes: map[string]string{}, Error: errMsg, Comment: r.PostFormValue("comment")}
	for k, a := range answers {
		d.Given[k], d.Notes[k] = strconv.Itoa(a.Value), a.Comment
	}
	if d.Call, err = c.Calls.GetFor(r.Context(), p, id); err != nil {
		c.Fail(w, r, err)
		return
	}
	if d.Events, err = c.Calls.QueueEvents(r.Context(), id); err != nil {
		c.Fail(w, r, err)
		return
	}
	d.MayHear = contact.MayHear(p, d.Call) && d.Call.HasRecording()
	d.AudioURL = "/calls/" + strconv.FormatInt(id, 10) + "?recording=play"
	d.Analysis, _ = c.QA.CallAnalysis(r.Context(), id)
	if d.Scorecards, err = c.QA.Scorecards(r.Context()); err != nil {
		c.Fail(w, r, err)
		return
	}
	d.Earlier, _, _ = c.QA.Evaluations(r.Context(), p, qa.EvaluationFilter{CallID: id})
	want, _ := strconv.ParseInt(r.FormValue("scorecard"), 10, 64)
	for _, sc := range d.Scorecards {
		if sc.ID == want || (want == 0 && d.Card == nil && sc.Applies(d.Call.Queue, d.Call.Direction)) {
			d.Card = sc
		}
	}
	if d.Card != nil {
		d.Form = d.Card.Form
	}
	if k, _ := strconv.ParseInt(r.FormValue("calibration"), 10, 64); k > 0 {
		d.Calibration = k
	}
	c.render(w, r, status, "qa_evaluate", c.page(r, "qa.evaluate", d))
}

// qaAnswers reads the scorecard's answers from the form: a_<key> and c_<key>.
func qaAnswers(r *http.Request) map[string]qa.Answer {
	out := map[string]qa.Answer{}
	for name, vs := range r.PostForm {
		key, ok := strings.CutPrefix(name, "a_")
		if !ok || len(vs) == 0 || vs[0] == "" {
			continue
		}
		v, err := strconv.Atoi(vs[0])
		if err != nil {
			v = -1 // out of range: the store says so
		}
		out[key] = qa.Answer{Value: v, Comment: strings.TrimSpace(r.PostFormValue("c_" + key))}
	}
	return out
}

func (c *Console) qaEvaluate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		c.Fail(w, r, errs.E(errs.Invalid, "Bad form."))
		return
	}
	p := auth.FromContext(r.Context())
	card, _ := strconv.ParseInt(r.PostFormValue("scorecard"), 10, 64)
	cal, _ := strconv.ParseInt(r.PostFormValue("calibration"), 10, 64)
	answers := qaAnswers(r)
	if _, err := c.Calls.GetFor(r.Context(), p, id); err != nil {
		c.Fail(w, r, err)
		return
	}
	e, err := c.QA.Evaluate(r.Context(), p, qa.EvaluationInput{CallID: id, ScorecardID: card, CalibrationID: cal, Answers: answers, Comment: r.PostFormValue("comment")})
	if err != nil {
		if ae, ok := errs.As(err); ok && (ae.Code == errs.Invalid || ae.Code == errs.Conflict) {
			c.qaEvaluateRender(w, r, httpStatus(err), answers, message(c.Catalog.Locale(Language(r)), err))
			return
		}
		c.Fail(w, r, err)
		return
	}
	if cal != 0 {
		http.Redirect(w, r, "/qa/calibration?session="+strconv.FormatInt(cal, 10)+"&ok=qa_saved", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/qa/evaluations/"+strconv.FormatInt(e.ID, 10)+"?ok=qa_saved", http.StatusSeeOther)
}

type qaEvaluationData struct {
	E     *qa.Evaluation
	Call  *contact.Call
	Error string
}

func (c *Console) qaEvaluation(w http.ResponseWriter, r *http.Request) {
	c.qaEvaluationPage(w, r, http.StatusOK, "")
}

func (c *Console) qaEvaluationPage(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	p := auth.FromContext(r.Context())
	d := &qaEvaluationData{Error: errMsg}
	if d.E, err = c.QA.Evaluation(r.Context(), p, id); err != nil {
		c.Fail(w, r, err)
		return
	}
	d.Call, _ = c.Calls.GetFor(r.Context(), p, d.E.CallID)
	c.render(w, r, status, "qa_evaluation", c.page(r, "qa.evaluation", d))
}

// qaMine lists the evaluations of the signed-in user's calls, each with its answers and
// the acknowledge and dispute actions.
func (c *Console) qaMine(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	list, _, err := c.QA.Evaluations(r.Context(), p, qa.EvaluationFilter{AgentID: p.User.ID, Limit: 100})
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "qa_mine", c.page(r, "qa.mine", map[string]any{"Items": list, "Error": r.URL.Query().Get("error")}))
}

// qaStep runs one step of the dispute flow and goes back where the form came from.
func (c *Console) qaStep(w http.ResponseWriter, r *http.Request, do func(p *auth.Principal, id int64) error) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	p := auth.FromContext(r.Context())
	if err := do(p, id); err != nil {
		c.Fail(w, r, err)
		return
	}
	back := "/qa/mine?ok=qa_saved"
	if r.PostFormValue("back") == "evaluation" && p.Can(auth.PermQualityEvaluate) {
		back = "/qa/evaluations/" + strconv.FormatInt(id, 10) + "?ok=qa_saved"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func (c *Console) qaAcknowledge(w http.ResponseWriter, r *http.Request) {
	c.qaStep(w, r, func(p *auth.Principal, id int64) error {
		_, err := c.QA.Acknowledge(r.Context(), p, id)
		return err
	})
}

func (c *Console) qaDispute(w http.ResponseWriter, r *http.Request) {
	c.qaStep(w, r, func(p *auth.Principal, id int64) error {
		_, err := c.QA.Dispute(r.Context(), p, id, r.PostFormValue("comment"))
		return err
	})
}

func (c *Console) qaResolve(w http.ResponseWriter, r *http.Request) {
	c.qaStep(w, r, func(p *auth.Principal, id int64) error {
		res := qa.Resolution{Adjust: r.PostFormValue("decision") == "adjust", Note: r.PostFormValue("note")}
		if res.Adjust {
			s, err := strconv.ParseFloat(strings.TrimSpace(r.PostFormValue("score")), 64)
			if err != nil {
				return errs.Field("score", "The adjusted score is between 0 and 100.").WithKey("qa_score_range")
			}
			res.Score = s
		}
		_, err := c.QA.Resolve(r.Context(), p, id, res)
		return err
	})
}

func (c *Console) qaScorecards(w http.ResponseWriter, r *http.Request) {
	list, err := c.QA.Scorecards(r.Context())
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "qa_scorecards", c.page(r, "qa.scorecards", list))
}

type qaScorecardForm struct {
	ID                                 int64
	Name, Description, Queues, FormTxt string
	Inbound, Outbound, Active          bool
	Versions                           []qa.Version
	Error                              string
}

func (c *Console) qaNewScorecard(w http.ResponseWriter, r *http.Request) {
	f := &qaScorecardForm{Active: true, FormTxt: "# 开场 | 20\n- 使用标准问候语 | 1 | yes_no\n- 核实客户身份 | 1 | yes_no | critical\n\n# 解决问题 | 80\n- 准确判断问题 | 3 | scale 5\n"}
	c.render(w, r, http.StatusOK, "qa_scorecard", c.page(r, "qa.new_scorecard", f))
}

func (c *Console) qaEditScorecard(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	sc, err := c.QA.Scorecard(r.Context(), id)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	f := &qaScorecardForm{ID: id, Name: sc.Name, Description: sc.Description, Queues: strings.Join(sc.Queues, ", "), FormTxt: sc.Form.Text(), Active: sc.Active}
	for _, d := range sc.Directions {
		f.Inbound, f.Outbound = f.Inbound || d == "inbound", f.Outbound || d == "outbound"
	}
	if f.Versions, err = c.QA.Versions(r.Context(), id); err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "qa_scorecard", c.page(r, "qa.edit_scorecard", f))
}

func (c *Console) qaSaveScorecard(w http.ResponseWriter, r *http.Request) {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = pathID(r); err != nil {
			c.Fail(w, r, err)
			return
		}
	}
	p := auth.FromContext(r.Context())
	f := &qaScorecardForm{ID: id, Name: r.PostFormValue("name"), Description: r.PostFormValue("description"), Queues: r.PostFormValue("queues"),
		FormTxt: r.PostFormValue("form"), Inbound: r.PostFormValue("inbound") == "1", Outbound: r.PostFormValue("outbound") == "1", Active: r.PostFormValue("active") == "1"}
	in := qa.ScorecardInput{Name: f.Name, Description: strings.TrimSpace(f.Description), Queues: strings.FieldsFunc(f.Queues, func(r rune) bool { return r == ',' || r == ' ' || r == '，' }),
		Active: f.Active}
	if f.Inbound {
		in.Directions = append(in.Directions, "inbound")
	}
	if f.Outbound {
		in.Directions = append(in.Directions, "outbound")
	}
	form, err := qa.ParseForm(f.FormTxt)
	in.Form = form
	var sc *qa.Scorecard
	if err == nil {
		if id == 0 {
			sc, err = c.QA.CreateScorecard(r.Context(), p.User.ID, in)
		} else {
			sc, err = c.QA.UpdateScorecard(r.Context(), p.User.ID, id, in)
		}
	}
	if err != nil {
		if ae, ok := errs.As(err); ok && ae.Code == errs.Invalid {
			f.Error = message(c.Catalog.Locale(Language(r)), err)
			if id != 0 {
				f.Versions, _ = c.QA.Versions(r.Context(), id)
			}
			c.render(w, r, httpStatus(err), "qa_scorecard", c.page(r, "qa.edit_scorecard", f))
			return
		}
		c.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/qa/scorecards/"+strconv.FormatInt(sc.ID, 10)+"?ok=qa_saved", http.StatusSeeOther)
}

type qaCalibrationData struct {
	Sessions    []qa.Calibration
	Scorecards  []*qa.Scorecard
	Session     *qa.Calibration
	Spread      []qa.Spread
	Evaluations []*qa.Evaluation
	Error       string
}

func (c *Console) qaCalibration(w http.ResponseWriter, r *http.Request) {
	c.qaCalibrationPage(w, r, http.StatusOK, "")
}

func (c *Console) qaCalibrationPage(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	d := &qaCalibrationData{Error: errMsg}
	var err error
	if d.Sessions, err = c.QA.Calibrations(r.Context()); err != nil {
		c.Fail(w, r, err)
		return
	}
	if d.Scorecards, err = c.QA.Scorecards(r.Context()); err != nil {
		c.Fail(w, r, err)
		return
	}
	want, _ := strconv.ParseInt(r.URL.Query().Get("session"), 10, 64)
	for i := range d.Sessions {
		if d.Sessions[i].ID == want || (want == 0 && i == 0) {
			d.Session = &d.Sessions[i]
		}
	}
	if d.Session != nil {
		if d.Spread, d.Evaluations, err = c.QA.CalibrationSpread(r.Context(), d.Session.ID); err != nil {
			c.Fail(w, r, err)
			return
		}
	}
	c.render(w, r, status, "qa_calibration", c.page(r, "qa.calibration", d))
}

func (c *Console) qaCreateCalibration(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	call, _ := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("call_id")), 10, 64)
	card, _ := strconv.ParseInt(r.PostFormValue("scorecard"), 10, 64)
	k, err := c.QA.CreateCalibration(r.Context(), p.User.ID, call, card, r.PostFormValue("name"))
	if err != nil {
		if ae, ok := errs.As(err); ok && (ae.Code == errs.Invalid || ae.Code == errs.NotFound) {
			c.qaCalibrationPage(w, r, httpStatus(err), message(c.Catalog.Locale(Language(r)), err))
			return
		}
		c.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/qa/calibration?session="+strconv.FormatInt(k.ID, 10)+"&ok=qa_saved", http.StatusSeeOther)
}

func (c *Console) qaReports(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	to := time.Now().In(c.Location)
	from := c.QA.WeekStart(to.AddDate(0, 0, -7*7))
	if t, err := time.ParseInLocation("2006-01-02", q.Get("from"), c.Location); err == nil {
		from = t
	}
	if t, err := time.ParseInLocation("2006-01-02", q.Get("to"), c.Location); err == nil {
		to = t.AddDate(0, 0, 1)
	}
	rep, err := c.QA.Report(r.Context(), from, to)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "qa_reports", c.page(r, "qa.reports", map[string]any{"R": rep,
		"From": from.Format("2006-01-02"), "To": to.AddDate(0, 0, -1).Format("2006-01-02")}))
}
