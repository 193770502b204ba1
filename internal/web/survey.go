package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/acd/acdstore"
	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/survey"
)

// Surveys: results, the questionnaire editor, the keypad settings per queue, the
// callback questionnaire an agent fills during the call, and the send form that ticket
// and customer pages load. The public answer page is survey_public.go.

// surveyLang is the survey language ("zh" or "en") of a console language.
func surveyLang(consoleLang string) string {
	if strings.HasPrefix(consoleLang, "en") {
		return "en"
	}
	return "zh"
}

type surveyResultsData struct {
	From, To, By, Channel string
	Dimensions            []string
	Results               *survey.Results
	Lines                 []survey.Row // the rows, then the total
	Error                 string
}

func (c *Console) surveyResults(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	today := time.Now().In(c.Location)
	d := &surveyResultsData{From: q.Get("from"), To: q.Get("to"), By: q.Get("by"), Channel: q.Get("channel"), Dimensions: survey.Dimensions}
	if d.From == "" {
		d.From = today.AddDate(0, 0, -30).Format(time.DateOnly)
	}
	if d.To == "" {
		d.To = today.Format(time.DateOnly)
	}
	if d.By == "" {
		d.By = "queue"
	}
	from, ok1 := c.parseDay(d.From)
	to, ok2 := c.parseDay(d.To)
	var err error
	if !ok1 || !ok2 {
		err = errs.Field("from", "Dates must be written as 2026-03-01.").WithKey("survey_date")
	} else {
		d.Results, err = c.Surveys.Results(r.Context(), survey.Filter{From: from, To: to.AddDate(0, 0, 1), By: d.By, Channel: d.Channel})
	}
	if err != nil {
		if show, msg, _ := c.formError(r, err); show {
			d.Error = msg
		} else {
			c.Fail(w, r, err)
			return
		}
	}
	p := c.page(r, "survey.title", d)
	if d.Results != nil {
		total := d.Results.Total
		total.Label = p.T("survey.total")
		d.Lines = append(append(d.Lines, d.Results.Rows...), total)
	}
	c.render(w, r, http.StatusOK, "surveys", p)
}

type questionnairesData struct {
	Items []*survey.Questionnaire
}

func (c *Console) questionnaires(w http.ResponseWriter, r *http.Request) {
	list, err := c.Surveys.Questionnaires(r.Context(), true)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "survey_questionnaires", c.page(r, "survey.questionnaires", &questionnairesData{Items: list}))
}

// questionRow is one row of the editor: a question as form text.
type questionRow struct {
	N                               int
	Kind, Zh, En, Options, Branches string
	Required                        bool
}

type questionnaireFormData struct {
	ID       int64
	Name     string
	Version  int
	Archived bool
	Rows     []questionRow
	Kinds    []survey.Kind
	Error    string
}

// blankRows is how many empty question rows the editor offers below the questions.
const blankRows = 3

func formRows(qs []survey.Question) []questionRow {
	var rows []questionRow
	for i, q := range qs {
		row := questionRow{N: i + 1, Kind: string(q.Kind), Zh: q.Text[0], En: q.Text[1], Required: q.Required}
		var opts, brs []string
		for _, o := range q.Options {
			opts = append(opts, o[0]+" | "+o[1])
		}
		for _, b := range q.Branches {
			to := strconv.Itoa(b.Goto)
			if b.Goto == 0 {
				to = "end"
			}
			brs = append(brs, b.When+":"+to)
		}
		row.Options, row.Branches = strings.Join(opts, "\n"), strings.Join(brs, ", ")
		rows = append(rows, row)
	}
	for range blankRows {
		rows = append(rows, questionRow{N: len(rows) + 1})
	}
	return rows
}

// parseQuestions reads the editor's rows; rows without a kind are left out.
func parseQuestions(r *http.Request) (survey.QuestionnaireInput, []questionRow, error) {
	in := survey.QuestionnaireInput{Name: r.PostFormValue("name")}
	n, _ := strconv.Atoi(r.PostFormValue("rows"))
	var rows []questionRow
	var bad error
	for i := 1; i <= n && i <= 40; i++ {
		f := func(k string) string { return strings.TrimSpace(r.PostFormValue(fmt.Sprintf("%s_%d", k, i))) }
		row := questionRow{Kind: f("kind"), Zh: f("zh"), En: f("en"), Options: f("options"), Branches: f("branches"), Required: f("required") != ""}
		if row.Kind == "" {
			continue
		}
		row.N = len(rows) + 1
		rows = append(rows, row)
		q := survey.Question{Kind: survey.Kind(row.Kind), Text: [2]string{row.Zh, row.En}, Required: row.Required}
		for line := range strings.SplitSeq(row.Options, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				zh, en, _ := strings.Cut(line, "|")
				q.Options = append(q.Options, [2]string{strings.TrimSpace(zh), strings.TrimSpace(en)})
			}
		}
		for part := range strings.SplitSeq(row.Branches, ",") {
			if part = strings.TrimSpace(part); part == "" {
				continue
			}
			when, to, ok := strings.Cut(part, ":")
			g, err := strconv.Atoi(strings.TrimSpace(to))
			if strings.TrimSpace(to) == "end" {
				g, err = 0, nil
			}
			if !ok || err != nil {
				bad = errs.Field("questions", fmt.Sprintf("Question %d: write branches as 1-2:4 or 5:end.", row.N)).WithKey("survey_q_branch_when", row.N)
			}
			q.Branches = append(q.Branches, survey.Branch{When: strings.TrimSpace(when), Goto: g})
		}
		in.Questions = append(in.Questions, q)
	}
	for range blankRows {
		rows = append(rows, questionRow{N: len(rows) + 1})
	}
	return in, rows, bad
}

func (c *Console) questionnaireForm(w http.ResponseWriter, r *http.Request) {
	d := &questionnaireFormData{Kinds: survey.Kinds}
	if id := r.PathValue("id"); id != "" {
		n, _ := strconv.ParseInt(id, 10, 64)
		q, err := c.Surveys.Questionnaire(r.Context(), n)
		if err != nil {
			c.Fail(w, r, err)
			return
		}
		d.ID, d.Name, d.Version, d.Archived, d.Rows = q.ID, q.Name, q.Version, q.Archived, formRows(q.Questions)
	} else {
		d.Rows = formRows([]survey.Question{{Kind: survey.Rating, Text: [2]string{"您对本次服务满意吗？", "How satisfied are you with our service?"}, Required: true}})
	}
	c.render(w, r, http.StatusOK, "survey_questionnaire", c.page(r, "survey.questionnaire", d))
}

func (c *Console) saveQuestionnaire(w http.ResponseWriter, r *http.Request) {
	in, rows, err := parseQuestions(r)
	d := &questionnaireFormData{Name: in.Name, Rows: rows, Kinds: survey.Kinds, Archived: r.PostFormValue("archived") != ""}
	var q *survey.Questionnaire
	if err == nil {
		if id := r.PathValue("id"); id != "" {
			d.ID, _ = strconv.ParseInt(id, 10, 64)
			q, err = c.Surveys.UpdateQuestionnaire(r.Context(), me(r).ID, d.ID, in, d.Archived)
		} else {
			q, err = c.Surveys.CreateQuestionnaire(r.Context(), me(r).ID, in)
		}
	}
	if err == nil {
		http.Redirect(w, r, fmt.Sprintf("/surveys/questionnaires/%d?ok=survey_saved", q.ID), http.StatusSeeOther)
		return
	}
	if show, msg, _ := c.formError(r, err); show {
		d.Error = msg
		c.render(w, r, httpx.Status(errs.CodeOf(err)), "survey_questionnaire", c.page(r, "survey.questionnaire", d))
		return
	}
	c.Fail(w, r, err)
}

type surveySettingsData struct {
	Config         survey.Config
	Queues         []acdstore.QueueSummary
	Settings       map[string]survey.QueueSetting
	Questionnaires []*survey.Questionnaire
	Users          []surveyUser
	Planned        string
	Error          string
}

type surveyUser struct {
	ID   int64
	Name string
}

func (c *Console) surveySettings(w http.ResponseWriter, r *http.Request) {
	c.renderSurveySettings(w, r, http.StatusOK, nil, "")
}

func (c *Console) renderSurveySettings(w http.ResponseWriter, r *http.Request, status int, cfg *survey.Config, msg string) {
	ctx := r.Context()
	d := &surveySettingsData{Error: msg, Planned: r.URL.Query().Get("planned")}
	var err error
	if cfg != nil {
		d.Config = *cfg
	} else if d.Config, err = c.Surveys.Config(ctx); err != nil {
		c.Fail(w, r, err)
		return
	}
	if d.Queues, err = c.Queues.Queues(ctx); err == nil {
		if d.Settings, err = c.Surveys.QueueSettings(ctx); err == nil {
			d.Questionnaires, err = c.Surveys.Questionnaires(ctx, false)
		}
	}
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	users, _, err := c.Auth.ListUsers(ctx, auth.UserFilter{Limit: 1000})
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	for _, u := range users {
		if u.Role == "supervisor" || u.Role == "admin" || u.Role == "qa" {
			d.Users = append(d.Users, surveyUser{u.ID, u.DisplayName})
		}
	}
	c.render(w, r, status, "survey_settings", c.page(r, "survey.settings", d))
}

// formInt64 reads a whole number from the form, 0 when empty or not a number.
func formInt64(r *http.Request, k string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(r.PostFormValue(k)), 10, 64)
	return n
}

func (c *Console) saveSurveyConfig(w http.ResponseWriter, r *http.Request) {
	cfg := survey.Config{LowScore: int(formInt64(r, "low_score")), LowNPS: int(formInt64(r, "low_nps")), CallbackDays: int(formInt64(r, "callback_days")),
		LinkDays: int(formInt64(r, "link_days")), CallbackQueueID: formInt64(r, "callback_queue_id"), CallbackQuestionnaireID: formInt64(r, "callback_questionnaire_id")}
	target := r.PostFormValue("followup")
	if id, ok := strings.CutPrefix(target, "user:"); ok {
		cfg.FollowupUserID, _ = strconv.ParseInt(id, 10, 64)
	} else if id, ok := strings.CutPrefix(target, "queue:"); ok {
		cfg.FollowupQueueID, _ = strconv.ParseInt(id, 10, 64)
	}
	err := c.Surveys.SaveConfig(r.Context(), cfg)
	if err == nil {
		http.Redirect(w, r, "/surveys/settings?ok=survey_saved", http.StatusSeeOther)
		return
	}
	if show, msg, _ := c.formError(r, err); show {
		c.renderSurveySettings(w, r, httpx.Status(errs.CodeOf(err)), &cfg, msg)
		return
	}
	c.Fail(w, r, err)
}

func (c *Console) saveSurveyQueue(w http.ResponseWriter, r *http.Request) {
	q := survey.QueueSetting{Queue: r.PostFormValue("queue"), Enabled: r.PostFormValue("enabled") != "", SamplePercent: int(formInt64(r, "sample_percent")),
		Language: r.PostFormValue("language"), Q1: [2]string{r.PostFormValue("q1_zh"), r.PostFormValue("q1_en")}, Q2Enabled: r.PostFormValue("q2_enabled") != "",
		Q2: [2]string{r.PostFormValue("q2_zh"), r.PostFormValue("q2_en")}}
	err := c.Surveys.SaveQueueSetting(r.Context(), q)
	if err == nil {
		http.Redirect(w, r, "/surveys/settings?ok=survey_saved", http.StatusSeeOther)
		return
	}
	if show, msg, _ := c.formError(r, err); show {
		c.renderSurveySettings(w, r, httpx.Status(errs.CodeOf(err)), nil, msg)
		return
	}
	c.Fail(w, r, err)
}

func (c *Console) planSurveyCallbacks(w http.ResponseWriter, r *http.Request) {
	invs, err := c.Surveys.PlanCallbacks(r.Context(), time.Now())
	if err == nil {
		http.Redirect(w, r, "/surveys/settings?planned="+strconv.Itoa(len(invs)), http.StatusSeeOther)
		return
	}
	if show, msg, _ := c.formError(r, err); show {
		c.renderSurveySettings(w, r, httpx.Status(errs.CodeOf(err)), nil, msg)
		return
	}
	c.Fail(w, r, err)
}

// option is a choice as the form posts it (its number) and shows it.
type option struct{ Value, Label string }

// questionView is a question as a form shows it, in one language.
type questionView struct {
	N        int
	Key      string
	Kind     string
	Label    string
	Options  []option
	Required bool
	Branches string // JSON for survey.js, which hides skipped questions
	Answer   string
}

func questionViews(qs []survey.Question, lang string, answers map[string]string) []questionView {
	out := make([]questionView, len(qs))
	for i, q := range qs {
		b, _ := json.Marshal(q.Branches)
		out[i] = questionView{N: i + 1, Key: survey.Key(i), Kind: string(q.Kind), Label: q.Label(lang),
			Required: q.Required, Branches: string(b), Answer: answers[survey.Key(i)]}
		for j, o := range q.OptionLabels(lang) {
			out[i].Options = append(out[i].Options, option{strconv.Itoa(j + 1), o})
		}
	}
	return out
}

// formAnswers reads the answers of a questions form (multi choices joined by commas).
func formAnswers(r *http.Request, n int) map[string]string {
	_ = r.ParseForm()
	out := map[string]string{}
	for i := range n {
		k := survey.Key(i)
		if vs := r.PostForm[k]; len(vs) > 0 {
			out[k] = strings.Join(slices.DeleteFunc(slices.Clone(vs), func(s string) bool { return s == "" }), ",")
		}
	}
	return out
}

type surveyCallbackData struct {
	Invitation *survey.Invitation
	Version    *survey.Version
	Questions  []questionView
	Error      string
	Done       bool
}

func (c *Console) surveyCallback(w http.ResponseWriter, r *http.Request) {
	c.renderSurveyCallback(w, r, http.StatusOK, nil, "")
}

func (c *Console) renderSurveyCallback(w http.ResponseWriter, r *http.Request, status int, answers map[string]string, msg string) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	inv, err := c.Surveys.Invitation(r.Context(), id)
	var v *survey.Version
	if err == nil {
		v, err = c.Surveys.Version(r.Context(), inv.VersionID)
	}
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	d := &surveyCallbackData{Invitation: inv, Version: v, Error: msg, Done: !inv.AnsweredAt.IsZero(),
		Questions: questionViews(v.Questions, surveyLang(Language(r)), answers)}
	c.render(w, r, status, "survey_callback", c.page(r, "survey.callback", d))
}

func (c *Console) answerSurveyCallback(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	inv, err := c.Surveys.Invitation(r.Context(), id)
	var v *survey.Version
	if err == nil {
		v, err = c.Surveys.Version(r.Context(), inv.VersionID)
	}
	if err == nil && inv.Channel != survey.ChannelCallback {
		err = errs.E(errs.Invalid, "This invitation is answered by its link, not by a callback.").WithKey("survey_not_callback")
	}
	var answers map[string]string
	if err == nil {
		answers = formAnswers(r, len(v.Questions))
		_, err = c.Surveys.AnswerCallback(r.Context(), me(r).ID, id, answers)
	}
	if err == nil {
		http.Redirect(w, r, fmt.Sprintf("/surveys/callback/%d?ok=survey_recorded", id), http.StatusSeeOther)
		return
	}
	if show, msg, _ := c.formError(r, err); show {
		c.renderSurveyCallback(w, r, httpx.Status(errs.CodeOf(err)), answers, msg)
		return
	}
	c.Fail(w, r, err)
}

type surveySendData struct {
	CustomerID, TicketID int64
	Questionnaires       []*survey.Questionnaire
	Invitations          []*survey.Invitation
	Sent                 *survey.Invitation
	Error                string
}

// baseURL is the console's address as the browser reached it, for invitation links.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// surveySend is the send form that ticket and customer pages load by htmx
// (hx-get="/surveys/send?customer_id=..&ticket_id=..").
func (c *Console) surveySend(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := &surveySendData{}
	d.CustomerID, _ = strconv.ParseInt(q.Get("customer_id"), 10, 64)
	d.TicketID, _ = strconv.ParseInt(q.Get("ticket_id"), 10, 64)
	c.renderSurveySend(w, r, http.StatusOK, d)
}

func (c *Console) renderSurveySend(w http.ResponseWriter, r *http.Request, status int, d *surveySendData) {
	var err error
	if d.Questionnaires, err = c.Surveys.Questionnaires(r.Context(), false); err == nil && d.CustomerID > 0 {
		d.Invitations, err = c.Surveys.Invitations(r.Context(), d.CustomerID, 5)
	}
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	block := "layout"
	if r.Header.Get("HX-Request") == "true" {
		block = "survey_send"
	}
	c.renderBlock(w, r, status, "survey_send", block, c.page(r, "survey.send", d))
}

func (c *Console) sendSurvey(w http.ResponseWriter, r *http.Request) {
	d := &surveySendData{CustomerID: formInt64(r, "customer_id"), TicketID: formInt64(r, "ticket_id")}
	lang := r.PostFormValue("language")
	inv, err := c.Surveys.Invite(r.Context(), me(r).ID, survey.InviteInput{QuestionnaireID: formInt64(r, "questionnaire_id"), CustomerID: d.CustomerID,
		TicketID: d.TicketID, Language: lang, BaseURL: baseURL(r)})
	status := http.StatusOK
	if err != nil {
		show, msg, _ := c.formError(r, err)
		if !show {
			c.Fail(w, r, err)
			return
		}
		d.Error, status = msg, httpx.Status(errs.CodeOf(err))
	}
	d.Sent = inv
	c.renderSurveySend(w, r, status, d)
}
