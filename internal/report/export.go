package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hotlinecc/hotline/internal/errs"
)

// Table is one report table ready to show or export: a header and rows of cells, each
// a string or a float64 (shown with Format).
type Table struct {
	Name   string // file name stem, e.g. "calls"
	Text   int    // the leading columns that are text (labels); the rest are numbers
	Header []string
	Rows   [][]any
}

// CallColumns are the call KPIs the tables show, in order.
func CallColumns(withCost bool) []Def {
	var out []Def
	for _, d := range Defs {
		if d.Ticket || d.ID == "trunk_minutes" || (d.ID == "cost_per_contact" && !withCost) {
			continue
		}
		out = append(out, d)
	}
	return out
}

// Header returns the column title of a KPI: its name and unit.
func (d Def) Header(lang string) string {
	unit := map[Unit][2]string{UnitPercent: {"%", "%"}, UnitSeconds: {"s", "秒"}, UnitHours: {"h", "小时"}, UnitMinutes: {"min", "分钟"}}[d.Unit]
	if unit[0] == "" {
		return d.Name(lang)
	}
	if lang == "en" {
		return d.Name(lang) + " (" + unit[0] + ")"
	}
	return d.Name(lang) + "（" + unit[1] + "）"
}

// Cell returns a KPI's value as a table cell: a number in the unit of the header
// (percentages as 0-100), or "" when undefined.
func (d Def) Cell(v float64, ok bool) any {
	if !ok {
		return ""
	}
	switch d.Unit {
	case UnitPercent:
		return math.Round(v*1000) / 10
	case UnitCount, UnitMinutes:
		return math.Round(v)
	}
	return math.Round(v*100) / 100
}

// Format writes a cell for people and for CSV.
func Format(c any) string {
	switch v := c.(type) {
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case string:
		return v
	}
	return fmt.Sprint(c)
}

// BucketLabel writes a bucket's start in the center's time zone.
func BucketLabel(b Bucket, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	switch b {
	case BucketDay, BucketWeek:
		return t.Format(time.DateOnly)
	case BucketMonth:
		return t.Format("2006-01")
	}
	return t.Format("2006-01-02 15:04")
}

// KeyLabel names a queue or agent of a grouped report in lang.
func (r *Result) KeyLabel(key, lang string) string {
	if r.Query.Group == GroupNone {
		return ""
	}
	if name := r.Labels[key]; name != "" {
		return name
	}
	if key == "" || key == "0" {
		none := map[Group][2]string{GroupQueue: {"(no queue)", "（未进队列）"}, GroupAgent: {"(not answered)", "（未接听）"}}[r.Query.Group]
		if lang == "en" {
			return none[0]
		}
		return none[1]
	}
	return key
}

func (r *Result) groupHeader(lang string) string {
	names := map[Group][2]string{GroupQueue: {"Queue", "队列"}, GroupAgent: {"Agent", "坐席"}}[r.Query.Group]
	if lang == "en" {
		return names[0]
	}
	return names[1]
}

// RowsTable is the KPIs by bucket (and queue or agent).
func (r *Result) RowsTable(lang string) Table {
	cols := CallColumns(r.Query.Group == GroupNone)
	t := Table{Name: "calls", Text: 1, Header: []string{map[bool]string{true: "Period", false: "时段"}[lang == "en"]}}
	if r.Query.Group != GroupNone {
		t.Header, t.Text = append(t.Header, r.groupHeader(lang)), 2
	}
	for _, d := range cols {
		t.Header = append(t.Header, d.Header(lang))
	}
	for _, row := range r.Rows {
		cells := []any{BucketLabel(r.Query.Bucket, row.Start, r.Query.From.Location())}
		if r.Query.Group != GroupNone {
			cells = append(cells, r.KeyLabel(row.Key, lang))
		}
		for _, d := range cols {
			cells = append(cells, d.Cell(d.Value(row.Basis)))
		}
		t.Rows = append(t.Rows, cells)
	}
	return t
}

// KeysTable is the league table: the KPIs per queue or agent over the period.
func (r *Result) KeysTable(lang string) Table {
	cols := CallColumns(false)
	t := Table{Name: "league", Text: 1, Header: []string{r.groupHeader(lang)}}
	for _, d := range cols {
		t.Header = append(t.Header, d.Header(lang))
	}
	for _, row := range r.Keys {
		cells := []any{r.KeyLabel(row.Key, lang)}
		for _, d := range cols {
			cells = append(cells, d.Cell(d.Value(row.Basis)))
		}
		t.Rows = append(t.Rows, cells)
	}
	return t
}

// Table is the ticket KPIs by type or channel, with the total last.
func (t *TicketResult) Table(lang string) Table {
	out := Table{Name: "tickets", Text: 1, Header: []string{map[bool]string{true: "Type or channel", false: "类型或渠道"}[lang == "en"]}}
	var cols []Def
	for _, d := range Defs {
		if d.Ticket {
			cols = append(cols, d)
			out.Header = append(out.Header, d.Header(lang))
		}
	}
	add := func(label string, row TicketRow) {
		cells := []any{label}
		for _, d := range cols {
			cells = append(cells, d.Cell(row.Value(d.ID)))
		}
		out.Rows = append(out.Rows, cells)
	}
	for _, r := range t.Rows {
		add(r.Label, r)
	}
	add(map[bool]string{true: "Total", false: "合计"}[lang == "en"], t.Total)
	return out
}

// Write writes the table as "csv" (UTF-8 with a byte order mark, so Excel reads it) or
// "xlsx".
func (t Table) Write(w io.Writer, format string) error {
	switch format {
	case "csv":
		if _, err := w.Write([]byte("\ufeff")); err != nil {
			return err
		}
		cw := csv.NewWriter(w)
		cw.Write(t.Header)
		for _, r := range t.Rows {
			rec := make([]string, len(r))
			for i, c := range r {
				rec[i] = Format(c)
			}
			cw.Write(rec)
		}
		cw.Flush()
		return cw.Error()
	case "xlsx":
		x := excelize.NewFile()
		defer x.Close()
		sw, err := x.NewStreamWriter(x.GetSheetName(0))
		if err != nil {
			return err
		}
		header := make([]any, len(t.Header))
		for i, h := range t.Header {
			header[i] = h
		}
		if err := sw.SetRow("A1", header); err != nil {
			return err
		}
		for i, r := range t.Rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			if err := sw.SetRow(cell, r); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
		return x.Write(w)
	}
	return errs.E(errs.Invalid, "Export format must be csv or xlsx.").WithKey("export_format")
}

// Display returns the rows formatted for people.
func (t Table) Display() [][]string {
	out := make([][]string, len(t.Rows))
	for i, r := range t.Rows {
		out[i] = make([]string, len(r))
		for j, c := range r {
			out[i][j] = Format(c)
		}
	}
	return out
}
