package survey

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
)

// Dimensions results are grouped by.
var Dimensions = []string{"queue", "agent", "ticket_type", "day", "month"}

// Filter selects responses (and invitations) made in [From, To).
type Filter struct {
	From, To time.Time
	By       string // one of Dimensions
	Channel  string // keypad, link, callback or "" for all
}

// Row is the results of one group.
type Row struct {
	Key         string  `json:"key"`
	Label       string  `json:"label"`
	Invitations int     `json:"invitations"` // link and callback invitations made
	Answered    int     `json:"answered"`    // of those, answered
	Responses   int     `json:"responses"`   // every response, keypad ratings included
	Ratings     int     `json:"ratings"`     // responses with a 1-5 rating
	Average     float64 `json:"average"`     // mean rating
	CSAT        float64 `json:"csat"`        // percent of ratings that are 4 or 5
	NPSAnswers  int     `json:"nps_answers"`
	NPS         float64 `json:"nps"` // percent promoters (9-10) minus percent detractors (0-6)
	Low         int     `json:"low"` // responses with a low score
}

// ResponseRate is the percent of invitations answered (-1 when none were made).
func (r Row) ResponseRate() float64 {
	if r.Invitations == 0 {
		return -1
	}
	return pct(r.Answered, r.Invitations)
}

func pct(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) * 100 / float64(d)
}

// Results are the rows by the filter's dimension, the total, and the latest comments.
type Results struct {
	Filter   Filter      `json:"-"`
	Total    Row         `json:"total"`
	Rows     []Row       `json:"rows"`
	Comments []*Response `json:"comments"`
}

// InvitationRef is what results need of an invitation.
type InvitationRef struct {
	Queue, TicketType string
	AgentID           int64
	CreatedAt         time.Time
	Answered          bool
}

func groupKey(by string, queue, ticketType string, agent int64, at time.Time, loc *time.Location) string {
	switch by {
	case "agent":
		return strconv.FormatInt(agent, 10)
	case "ticket_type":
		return ticketType
	case "day":
		return at.In(loc).Format(time.DateOnly)
	case "month":
		return at.In(loc).Format("2006-01")
	}
	return queue
}

// Summarize computes the results of responses and invitations grouped by dimension by.
func Summarize(rs []*Response, invs []InvitationRef, by string, low Config, loc *time.Location) (Row, []Row) {
	rows := map[string]*Row{}
	total := &Row{Key: "", Label: ""}
	get := func(k string) *Row {
		if rows[k] == nil {
			rows[k] = &Row{Key: k, Label: k}
		}
		return rows[k]
	}
	type acc struct{ sum, happy, prom, det int }
	accs := map[*Row]*acc{}
	add := func(row *Row, r *Response) {
		a := accs[row]
		if a == nil {
			a = &acc{}
			accs[row] = a
		}
		row.Responses++
		if r.Score > 0 {
			row.Ratings++
			a.sum += r.Score
			if r.Score >= 4 {
				a.happy++
			}
		}
		if r.NPS >= 0 {
			row.NPSAnswers++
			if r.NPS >= 9 {
				a.prom++
			} else if r.NPS <= 6 {
				a.det++
			}
		}
		if low.Low(r.Score, r.NPS) {
			row.Low++
		}
	}
	for _, r := range rs {
		add(total, r)
		add(get(groupKey(by, r.Queue, r.TicketType, r.AgentID, r.CreatedAt, loc)), r)
	}
	for _, inv := range invs {
		for _, row := range []*Row{total, get(groupKey(by, inv.Queue, inv.TicketType, inv.AgentID, inv.CreatedAt, loc))} {
			row.Invitations++
			if inv.Answered {
				row.Answered++
			}
		}
	}
	finish := func(row *Row) {
		a := accs[row]
		if a == nil {
			return
		}
		if row.Ratings > 0 {
			row.Average = float64(a.sum) / float64(row.Ratings)
			row.CSAT = pct(a.happy, row.Ratings)
		}
		if row.NPSAnswers > 0 {
			row.NPS = pct(a.prom, row.NPSAnswers) - pct(a.det, row.NPSAnswers)
		}
	}
	finish(total)
	out := make([]Row, 0, len(rows))
	for _, row := range rows {
		finish(row)
		out = append(out, *row)
	}
	slices.SortFunc(out, func(a, b Row) int {
		if by == "day" || by == "month" {
			return compareStr(a.Key, b.Key)
		}
		return b.Responses - a.Responses
	})
	return *total, out
}

func compareStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// MaxResponses caps how many responses one results page reads.
const MaxResponses = 100000

// Results computes the results of a period.
func (s *Store) Results(ctx context.Context, f Filter) (*Results, error) {
	if f.By == "" {
		f.By = "queue"
	}
	if !slices.Contains(Dimensions, f.By) {
		return nil, errs.Field("by", "Group by queue, agent, ticket type, day or month.").WithKey("survey_by")
	}
	if f.To.IsZero() || !f.From.Before(f.To) {
		return nil, errs.Field("from", "The period's start must come before its end.").WithKey("survey_period")
	}
	cfg, err := s.Config(ctx)
	if err != nil {
		return nil, err
	}
	rs, err := s.responses(ctx, `r.created_at >= $1 AND r.created_at < $2 AND ($3 = '' OR r.channel = $3) ORDER BY r.id DESC LIMIT `+strconv.Itoa(MaxResponses),
		f.From.UTC(), f.To.UTC(), f.Channel)
	if err != nil {
		return nil, err
	}
	var invs []InvitationRef
	if f.Channel != ChannelKeypad {
		rows, err := s.db.Read().QueryContext(ctx, `SELECT queue_code, ticket_type, COALESCE(agent_id, 0), created_at, answered_at IS NOT NULL
			FROM survey_invitations WHERE created_at >= $1 AND created_at < $2 AND ($3 = '' OR channel = $3)`, f.From.UTC(), f.To.UTC(), f.Channel)
		if err != nil {
			return nil, fmt.Errorf("survey: results: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var i InvitationRef
			if err := rows.Scan(&i.Queue, &i.TicketType, &i.AgentID, &i.CreatedAt, &i.Answered); err != nil {
				return nil, err
			}
			invs = append(invs, i)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	res := &Results{Filter: f}
	res.Total, res.Rows = Summarize(rs, invs, f.By, cfg, s.loc)
	if f.By == "agent" {
		names := map[string]string{}
		for _, r := range rs {
			names[strconv.FormatInt(r.AgentID, 10)] = r.AgentName
		}
		for i := range res.Rows {
			res.Rows[i].Label = names[res.Rows[i].Key]
		}
	}
	for _, r := range rs {
		if r.Comment != "" && len(res.Comments) < 50 {
			res.Comments = append(res.Comments, r)
		}
	}
	return res, nil
}

// Responses lists the latest responses of a customer (all when 0).
func (s *Store) Responses(ctx context.Context, customerID int64, limit int) ([]*Response, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	return s.responses(ctx, `($1 = 0 OR r.customer_id = $1) ORDER BY r.id DESC LIMIT `+strconv.Itoa(limit), customerID)
}

func (s *Store) responses(ctx context.Context, where string, args ...any) ([]*Response, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT r.id, COALESCE(r.invitation_id, 0), COALESCE(r.version_id, 0), r.channel, r.language,
		COALESCE(r.call_id, 0), COALESCE(r.ticket_id, 0), COALESCE(r.customer_id, 0), COALESCE(r.agent_id, 0), r.queue_code, r.ticket_type,
		r.score, r.nps, r.comment, r.answers, COALESCE(r.answered_by, 0), r.created_at, COALESCE(u.display_name, ''), COALESCE(c.name, '')
		FROM survey_responses r LEFT JOIN users u ON u.id = r.agent_id LEFT JOIN customers c ON c.id = r.customer_id WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("survey: responses: %w", err)
	}
	defer rows.Close()
	var out []*Response
	for rows.Next() {
		var r Response
		var score, nps sql.NullInt64
		var ans string
		if err := rows.Scan(&r.ID, &r.InvitationID, &r.VersionID, &r.Channel, &r.Language, &r.CallID, &r.TicketID, &r.CustomerID, &r.AgentID,
			&r.Queue, &r.TicketType, &score, &nps, &r.Comment, &ans, &r.AnsweredBy, &r.CreatedAt, &r.AgentName, &r.CustomerName); err != nil {
			return nil, err
		}
		r.Score, r.NPS = int(score.Int64), -1
		if nps.Valid {
			r.NPS = int(nps.Int64)
		}
		_ = json.Unmarshal([]byte(ans), &r.Answers)
		out = append(out, &r)
	}
	return out, rows.Err()
}
