package report

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/hotlinecc/hotline/internal/errs"
)

// CostModel prices the center for cost per contact: the seats paid for around the
// clock of the period, at a cost per seat hour, and the telephone trunk by the minute.
type CostModel struct {
	Seats           int
	SeatHourCost    float64
	TrunkMinuteCost float64
	Currency        string
}

// Costs returns the stored cost model (zero costs, CNY, when none was saved).
func (s *Service) Costs(ctx context.Context) (CostModel, error) {
	m := CostModel{Currency: "CNY"}
	err := s.db.Read().QueryRowContext(ctx, `SELECT seats, seat_hour_cost, trunk_minute_cost, currency FROM report_costs WHERE id = 1`).
		Scan(&m.Seats, &m.SeatHourCost, &m.TrunkMinuteCost, &m.Currency)
	if err != nil && err != sql.ErrNoRows {
		return m, fmt.Errorf("report: read cost model: %w", err)
	}
	return m, nil
}

// ParseCosts reads a cost model from form values.
func ParseCosts(seats, seatHour, trunkMinute, currency string) (CostModel, error) {
	m := CostModel{Currency: strings.ToUpper(strings.TrimSpace(currency))}
	if m.Currency == "" {
		m.Currency = "CNY"
	}
	n, err := strconv.Atoi(strings.TrimSpace(seats))
	if err != nil || n < 0 || n > 1_000_000 {
		return m, errs.Field("seats", "Seats must be a whole number from 0 to 1,000,000.").WithKey("report_seats")
	}
	m.Seats = n
	for _, f := range []struct {
		name, value string
		dst         *float64
	}{{"seat_hour_cost", seatHour, &m.SeatHourCost}, {"trunk_minute_cost", trunkMinute, &m.TrunkMinuteCost}} {
		v, err := strconv.ParseFloat(strings.TrimSpace(f.value), 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) || v > 1e9 {
			return m, errs.Field(f.name, "Costs must be numbers of zero or more.").WithKey("report_cost")
		}
		*f.dst = v
	}
	if len(m.Currency) != 3 {
		return m, errs.Field("currency", "The currency is a three-letter code such as CNY.").WithKey("report_currency")
	}
	return m, nil
}

// SetCosts stores the cost model.
func (s *Service) SetCosts(ctx context.Context, m CostModel, by int64) error {
	if _, err := ParseCosts(strconv.Itoa(m.Seats), strconv.FormatFloat(m.SeatHourCost, 'f', -1, 64),
		strconv.FormatFloat(m.TrunkMinuteCost, 'f', -1, 64), m.Currency); err != nil {
		return err
	}
	var actor any
	if by != 0 {
		actor = by
	}
	_, err := s.db.Write().ExecContext(ctx, `INSERT INTO report_costs (id, seats, seat_hour_cost, trunk_minute_cost, currency, updated_at, updated_by)
		VALUES (1, $1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET seats = excluded.seats, seat_hour_cost = excluded.seat_hour_cost,
		trunk_minute_cost = excluded.trunk_minute_cost, currency = excluded.currency, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		m.Seats, m.SeatHourCost, m.TrunkMinuteCost, m.Currency, utc(s.now()), actor)
	if err != nil {
		return fmt.Errorf("report: save cost model: %w", err)
	}
	return nil
}

// labels returns display names of a grouping's keys: queue names in lang, agent names.
func (s *Service) labels(ctx context.Context, g Group, lang string) (map[string]string, error) {
	var query string
	switch g {
	case GroupQueue:
		col := "name_zh"
		if lang == "en" {
			col = "name_en"
		}
		query = `SELECT code, ` + col + ` FROM queues`
	case GroupAgent:
		query = `SELECT id, display_name FROM users`
	default:
		return map[string]string{}, nil
	}
	rows, err := s.db.Read().QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("report: labels: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var key, name string
		if err := rows.Scan(&key, &name); err != nil {
			return nil, err
		}
		out[key] = name
	}
	return out, rows.Err()
}
