package api

import (
	"net/http"
	"time"

	"github.com/hotlinecc/hotline/internal/report"
)

type kpiRowJSON struct {
	Start  time.Time           `json:"start"`
	End    time.Time           `json:"end"`
	Key    string              `json:"key,omitempty"`
	Label  string              `json:"label,omitempty"`
	Counts report.Counts       `json:"counts"`
	KPIs   map[string]*float64 `json:"kpis"`
}

type ticketKPIJSON struct {
	Key   string              `json:"key,omitempty"`
	Label string              `json:"label,omitempty"`
	KPIs  map[string]*float64 `json:"kpis"`
}

type kpisJSON struct {
	From     string          `json:"from"`
	To       string          `json:"to"`
	Interval string          `json:"interval"`
	Group    string          `json:"group"`
	TimeZone string          `json:"time_zone"`
	RolledTo *time.Time      `json:"rolled_to"`
	Rows     []kpiRowJSON    `json:"rows"`
	Keys     []kpiRowJSON    `json:"keys"`
	Total    kpiRowJSON      `json:"total"`
	Tickets  []ticketKPIJSON `json:"tickets"`
	TicketsT ticketKPIJSON   `json:"tickets_total"`
}

func callKPIs(b report.Basis) map[string]*float64 {
	out := map[string]*float64{}
	for _, d := range report.Defs {
		if d.Ticket {
			continue
		}
		if v, ok := b.Value(d.ID); ok {
			out[d.ID] = &v
		} else {
			out[d.ID] = nil
		}
	}
	return out
}

func ticketKPIs(r report.TicketRow) map[string]*float64 {
	out := map[string]*float64{}
	for _, d := range report.Defs {
		if !d.Ticket {
			continue
		}
		if v, ok := r.Value(d.ID); ok {
			out[d.ID] = &v
		} else {
			out[d.ID] = nil
		}
	}
	return out
}

// reportKPIs answers the call and ticket KPIs of a period: from and to are days in the
// center's time zone (to included), interval a bucket, group queue or agent.
func (a *API) reportKPIs(w http.ResponseWriter, r *http.Request) (int, any, error) {
	q := r.URL.Query()
	loc := a.Reports.Location()
	rq, err := report.ParseQuery(q.Get("from"), q.Get("to"), q.Get("interval"), q.Get("group"), time.Now(), loc)
	if err != nil {
		return 0, nil, err
	}
	lang := "en"
	if q.Get("lang") == "zh-CN" {
		lang = "zh-CN"
	}
	res, err := a.Reports.Report(r.Context(), rq, lang)
	if err != nil {
		return 0, nil, err
	}
	tickets, err := a.Reports.Tickets(r.Context(), rq.From, rq.To, report.TicketsByType, lang)
	if err != nil {
		return 0, nil, err
	}
	row := func(x report.Row) kpiRowJSON {
		return kpiRowJSON{Start: x.Start.UTC(), End: x.End.UTC(), Key: x.Key, Label: res.KeyLabel(x.Key, lang), Counts: x.Counts, KPIs: callKPIs(x.Basis)}
	}
	out := kpisJSON{From: rq.From.Format(time.DateOnly), To: rq.To.AddDate(0, 0, -1).Format(time.DateOnly), Interval: string(rq.Bucket),
		Group: string(rq.Group), TimeZone: loc.String(), Rows: []kpiRowJSON{}, Keys: []kpiRowJSON{}, Tickets: []ticketKPIJSON{},
		Total: row(res.Total), TicketsT: ticketKPIJSON{KPIs: ticketKPIs(tickets.Total)}}
	if !res.RolledTo.IsZero() {
		out.RolledTo = &res.RolledTo
	}
	for _, x := range res.Rows {
		out.Rows = append(out.Rows, row(x))
	}
	for _, x := range res.Keys {
		out.Keys = append(out.Keys, row(x))
	}
	for _, t := range tickets.Rows {
		out.Tickets = append(out.Tickets, ticketKPIJSON{Key: t.Key, Label: t.Label, KPIs: ticketKPIs(t)})
	}
	return http.StatusOK, out, nil
}

type kpiDefJSON struct {
	ID        string `json:"id"`
	Unit      string `json:"unit"`
	Ticket    bool   `json:"ticket"`
	NameEN    string `json:"name_en"`
	NameZH    string `json:"name_zh"`
	FormulaEN string `json:"formula_en"`
	FormulaZH string `json:"formula_zh"`
}

// reportDefinitions lists every KPI with its formula in both languages.
func (a *API) reportDefinitions(w http.ResponseWriter, r *http.Request) (int, any, error) {
	out := []kpiDefJSON{}
	for _, d := range report.Defs {
		out = append(out, kpiDefJSON{ID: d.ID, Unit: string(d.Unit), Ticket: d.Ticket, NameEN: d.NameEN, NameZH: d.NameZH, FormulaEN: d.FormulaEN, FormulaZH: d.FormulaZH})
	}
	return http.StatusOK, map[string]any{"kpis": out}, nil
}
