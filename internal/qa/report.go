package qa

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// ReportRow is one line of a quality report: evaluations counted, their mean score and
// critical fails.
type ReportRow struct {
	Key       string // agent name, item text or week (YYYY-MM-DD of the Monday)
	Count     int
	Average   float64
	Fails     int
	Disputes  int
	AgentID   int64 // by-agent rows
	Scorecard string
}

// Report is the quality report of a period.
type Report struct {
	From, To time.Time
	Total    ReportRow
	ByAgent  []ReportRow
	ByItem   []ReportRow // item scores 0-100, by scorecard and item text
	ByWeek   []ReportRow // oldest first
}

type acc struct {
	row ReportRow
	sum float64
}

func (a *acc) add(score float64, failed, disputed bool) {
	a.row.Count++
	a.sum += score
	if failed {
		a.row.Fails++
	}
	if disputed {
		a.row.Disputes++
	}
}

func (a *acc) done() ReportRow {
	if a.row.Count > 0 {
		a.row.Average = round2(a.sum / float64(a.row.Count))
	}
	return a.row
}

// Report computes averages by agent, by item and by week of the evaluations created in
// [from, to) (calibration scorings left out).
func (s *Store) Report(ctx context.Context, from, to time.Time) (*Report, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+evaluationCols+` WHERE e.calibration_id IS NULL AND e.created_at >= $1 AND e.created_at < $2 ORDER BY e.id`,
		utc(from), utc(to))
	if err != nil {
		return nil, fmt.Errorf("qa: report: %w", err)
	}
	defer rows.Close()
	r := &Report{From: from, To: to}
	total := &acc{}
	agents, items, weeks := map[string]*acc{}, map[string]*acc{}, map[string]*acc{}
	get := func(m map[string]*acc, key string) *acc {
		if m[key] == nil {
			m[key] = &acc{row: ReportRow{Key: key}}
		}
		return m[key]
	}
	for rows.Next() {
		e, err := scanEvaluation(rows)
		if err != nil {
			return nil, err
		}
		disputed := e.DisputedAt != (time.Time{})
		total.add(e.Score, e.Failed, disputed)
		a := get(agents, fmt.Sprintf("%s\x00%d", e.AgentName, e.AgentID))
		a.row.AgentID = e.AgentID
		a.add(e.Score, e.Failed, disputed)
		get(weeks, s.WeekStart(e.CreatedAt).Format("2006-01-02")).add(e.Score, e.Failed, disputed)
		for _, it := range e.Form.Items() {
			if ans, ok := e.Answers[it.Key]; ok {
				i := get(items, e.ScorecardName+"\x00"+it.Text)
				i.row.Scorecard = e.ScorecardName
				i.add(float64(ans.Value)/float64(it.Max)*100, it.Critical && ans.Value == 0, false)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	r.Total = total.done()
	flatten := func(m map[string]*acc, strip bool) []ReportRow {
		var out []ReportRow
		for _, a := range m {
			row := a.done()
			if strip {
				for i := range len(row.Key) {
					if row.Key[i] == 0 {
						row.Key = row.Key[:i]
						break
					}
				}
			}
			out = append(out, row)
		}
		return out
	}
	r.ByAgent = flatten(agents, true)
	slices.SortFunc(r.ByAgent, func(a, b ReportRow) int { return int(b.Average*100 - a.Average*100) })
	r.ByItem = flatten(items, false)
	for i := range r.ByItem {
		r.ByItem[i].Key = r.ByItem[i].Key[len(r.ByItem[i].Scorecard)+1:]
	}
	slices.SortFunc(r.ByItem, func(a, b ReportRow) int { return int(a.Average*100 - b.Average*100) })
	r.ByWeek = flatten(weeks, false)
	slices.SortFunc(r.ByWeek, func(a, b ReportRow) int { return compareStrings(a.Key, b.Key) })
	return r, nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
