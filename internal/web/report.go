package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/report"
	"github.com/hotlinecc/hotline/internal/wfm"
)

type reportData struct {
	From, To, Bucket, Group string
	Buckets                 []report.Bucket
	Groups                  []report.Group
	Error                   string
	Result                  *report.Result
	Tickets                 *report.TicketResult
	Cards                   []reportCard
	Rows, Keys, TicketTable report.Table
	Chart                   string // JSON for static/report.js
	Query                   string // the form's values, for export links
}

type reportCard struct {
	Name, Value, Formula string
}

// reportCardIDs are the KPIs shown as cards above the tables.
var reportCardIDs = []string{"offered", "answered", "service_level", "abandon_rate", "asa", "aht", "fcr", "repeat_rate", "cost_per_contact"}

// reportQuery reads the period and grouping of a report page or export.
func (c *Console) reportQuery(r *http.Request) (*reportData, report.Query, error) {
	q := r.URL.Query()
	d := &reportData{From: q.Get("from"), To: q.Get("to"), Bucket: q.Get("interval"), Group: q.Get("group"),
		Buckets: report.Buckets, Groups: report.Groups}
	rq, err := report.ParseQuery(d.From, d.To, d.Bucket, d.Group, time.Now(), c.Location)
	if err != nil {
		return d, rq, err
	}
	d.From, d.To = rq.From.Format(time.DateOnly), rq.To.AddDate(0, 0, -1).Format(time.DateOnly)
	d.Bucket, d.Group = string(rq.Bucket), string(rq.Group)
	d.Query = url.Values{"from": {d.From}, "to": {d.To}, "interval": {d.Bucket}, "group": {d.Group}}.Encode()
	return d, rq, nil
}

// reports shows the call and ticket KPIs of a period: cards, a volume and service-level
// chart, a weekday x hour heatmap, the table by interval, the league table and tickets.
func (c *Console) reports(w http.ResponseWriter, r *http.Request) {
	d, q, err := c.reportQuery(r)
	p := c.page(r, "report.title", d)
	if err != nil {
		d.Error = message(p.L, err)
		c.render(w, r, httpx.Status(httpx.Public(err).Code), "report", p)
		return
	}
	lang := p.L.Lang
	if d.Result, err = c.Reports.Report(r.Context(), q, lang); err != nil {
		c.Fail(w, r, err)
		return
	}
	if d.Tickets, err = c.Reports.Tickets(r.Context(), q.From, q.To, report.TicketsByType, lang); err != nil {
		c.Fail(w, r, err)
		return
	}
	for _, id := range reportCardIDs {
		def, _ := report.DefOf(id)
		v := report.Format(def.Cell(d.Result.Total.Value(id)))
		if v == "" {
			v = "—"
		} else if def.Unit == report.UnitPercent {
			v += "%"
		} else if def.Unit == report.UnitMoney {
			v += " " + d.Result.Cost.Currency
		} else if def.Unit == report.UnitSeconds {
			v = p.T("report.seconds", v)
		}
		d.Cards = append(d.Cards, reportCard{Name: def.Name(lang), Value: v, Formula: def.Formula(lang)})
	}
	d.Rows, d.TicketTable = d.Result.RowsTable(lang), d.Tickets.Table(lang)
	if q.Group != report.GroupNone {
		d.Keys = d.Result.KeysTable(lang)
	}
	d.Chart = c.reportChart(p, d.Result)
	c.render(w, r, http.StatusOK, "report", p)
}

// reportChart is the data of the two charts, with their labels in the page's language.
func (c *Console) reportChart(p *Page, res *report.Result) string {
	type series struct {
		Labels    []string          `json:"labels"`
		Offered   []int64           `json:"offered"`
		Answered  []int64           `json:"answered"`
		Abandoned []int64           `json:"abandoned"`
		SL        []*float64        `json:"sl"`
		Heat      [][3]int64        `json:"heat"`
		Weekdays  []string          `json:"weekdays"`
		Names     map[string]string `json:"names"`
	}
	s := series{Names: map[string]string{}}
	for _, b := range res.Buckets {
		s.Labels = append(s.Labels, report.BucketLabel(res.Query.Bucket, b.Start, c.Location))
		s.Offered = append(s.Offered, b.Offered)
		s.Answered = append(s.Answered, b.Answered)
		s.Abandoned = append(s.Abandoned, b.Abandoned)
		if v, ok := b.Value("service_level"); ok {
			pct := float64(int(v*1000+0.5)) / 10
			s.SL = append(s.SL, &pct)
		} else {
			s.SL = append(s.SL, nil)
		}
	}
	for wd := range 7 {
		s.Weekdays = append(s.Weekdays, p.T("report.weekday."+strconv.Itoa(wd)))
		for h := range 24 {
			s.Heat = append(s.Heat, [3]int64{int64(h), int64(wd), res.Heatmap[wd][h]})
		}
	}
	for _, k := range []string{"offered", "answered", "abandoned", "service_level", "volume_chart", "heatmap", "save_png"} {
		s.Names[k] = p.T("report.chart." + k)
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// exportReport downloads one table of a report as CSV or .xlsx: table is calls (by
// interval), league (per queue or agent) or tickets.
func (c *Console) exportReport(w http.ResponseWriter, r *http.Request) {
	_, q, err := c.reportQuery(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	lang := Language(r)
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "xlsx"
	}
	var t report.Table
	switch table := r.URL.Query().Get("table"); table {
	case "", "calls", "league":
		res, err := c.Reports.Report(r.Context(), q, lang)
		if err != nil {
			c.Fail(w, r, err)
			return
		}
		t = res.RowsTable(lang)
		if table == "league" {
			t = res.KeysTable(lang)
		}
	case "tickets":
		res, err := c.Reports.Tickets(r.Context(), q.From, q.To, report.TicketsByType, lang)
		if err != nil {
			c.Fail(w, r, err)
			return
		}
		t = res.Table(lang)
	default:
		c.Fail(w, r, errs.Field("table", "Unknown table: use calls, league or tickets.").WithKey("report_table"))
		return
	}
	var buf bytes.Buffer
	if err := t.Write(&buf, format); err != nil {
		c.Fail(w, r, err)
		return
	}
	ct := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	name := t.Name + "-" + q.From.Format("20060102") + "-" + q.To.AddDate(0, 0, -1).Format("20060102") + "." + format
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

type definitionsData struct {
	Defs  []report.Def
	Lang  string
	Costs report.CostModel
	Error string
}

// reportDefinitions states each KPI's formula, and the cost model.
func (c *Console) reportDefinitions(w http.ResponseWriter, r *http.Request) {
	c.renderDefinitions(w, r, http.StatusOK, nil)
}

func (c *Console) renderDefinitions(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	d := &definitionsData{Defs: report.Defs}
	p := c.page(r, "report.definitions", d)
	d.Lang = p.L.Lang
	var err error
	if d.Costs, err = c.Reports.Costs(r.Context()); err != nil {
		c.Fail(w, r, err)
		return
	}
	if formErr != nil {
		d.Error = message(p.L, formErr)
	}
	c.render(w, r, status, "report_definitions", p)
}

// saveReportCosts stores the cost model.
func (c *Console) saveReportCosts(w http.ResponseWriter, r *http.Request) {
	m, err := report.ParseCosts(r.PostFormValue("seats"), r.PostFormValue("seat_hour_cost"), r.PostFormValue("trunk_minute_cost"), r.PostFormValue("currency"))
	if err == nil {
		err = c.Reports.SetCosts(r.Context(), m, auth.FromContext(r.Context()).User.ID)
	}
	if err != nil {
		c.renderDefinitions(w, r, httpx.Status(httpx.Public(err).Code), err)
		return
	}
	http.Redirect(w, r, "/reports/definitions?ok=report_costs", http.StatusSeeOther)
}

type staffingData struct {
	Date, Interval, SL, Within, AHT, Shrinkage string
	Error                                      string
	Result                                     *report.Staffing
}

// reportStaffing plans a day's agents per interval by Erlang C from the forecast and
// sets the plan beside the agents who answered calls.
func (c *Console) reportStaffing(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := &staffingData{Date: q.Get("date"), Interval: q.Get("interval"), SL: q.Get("sl"), Within: q.Get("within"), AHT: q.Get("aht"), Shrinkage: q.Get("shrinkage")}
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&d.Date, time.Now().In(c.Location).Format(time.DateOnly))
	def(&d.Interval, "30")
	def(&d.SL, "80")
	def(&d.Within, "20")
	def(&d.Shrinkage, "30")
	p := c.page(r, "report.staffing", d)
	sq, err := staffingQuery(d)
	if err == nil {
		d.Result, err = c.Reports.Staffing(r.Context(), sq)
	}
	if err != nil {
		d.Error = message(p.L, err)
		c.render(w, r, httpx.Status(httpx.Public(err).Code), "report_staffing", p)
		return
	}
	c.render(w, r, http.StatusOK, "report_staffing", p)
}

func staffingQuery(d *staffingData) (report.StaffingQuery, error) {
	var q report.StaffingQuery
	day, err := wfm.ParseDate(d.Date)
	if err != nil {
		return q, err
	}
	q.Day = day
	num := func(field, s string) (float64, error) {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v < 0 {
			return 0, errs.Field(field, "Enter a number of zero or more.").WithKey("report_number")
		}
		return v, nil
	}
	iv, err := num("interval", d.Interval)
	if err != nil {
		return q, err
	}
	sl, err := num("sl", d.SL)
	if err != nil {
		return q, err
	}
	within, err := num("within", d.Within)
	if err != nil {
		return q, err
	}
	shrink, err := num("shrinkage", d.Shrinkage)
	if err != nil {
		return q, err
	}
	if d.AHT != "" {
		aht, err := num("aht", d.AHT)
		if err != nil {
			return q, err
		}
		q.AHT = time.Duration(aht * float64(time.Second))
	}
	q.Interval = time.Duration(iv) * time.Minute
	q.Target = wfm.Target{ServiceLevel: sl / 100, AnswerWithin: time.Duration(within * float64(time.Second)), Shrinkage: shrink / 100}
	return q, nil
}
