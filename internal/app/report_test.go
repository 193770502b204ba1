package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/hotlinecc/hotline/internal/demo"
)

// The demo's calls, rolled up, show on the reports page, export as CSV and .xlsx, and
// answer through the API; bad input gets a clear error; the cost model is saved.
func TestReports(t *testing.T) {
	srv, a := testServer(t)
	ctx := context.Background()
	if st, err := a.Reports.Rollup(ctx); err != nil || st.Calls != 8 {
		t.Fatalf("rollup of the demo calls: %+v %v", st, err)
	}
	b := newBrowser(t, srv)
	b.signIn("admin")
	resp, body := b.get("/reports?group=queue")
	if resp.StatusCode != 200 || !strings.Contains(body, `id="chart-volume"`) || !strings.Contains(body, "League table") || !strings.Contains(body, "echarts.min.js") {
		t.Fatalf("reports page: %d", resp.StatusCode)
	}
	resp, body = b.get("/reports/export?table=calls&format=csv")
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "\ufeffPeriod,Inbound calls,Offered,Answered") || !strings.Contains(resp.Header.Get("Content-Disposition"), ".csv") {
		t.Fatalf("CSV export: %d %q", resp.StatusCode, body[:min(len(body), 80)])
	}
	resp, body = b.get("/reports/export?table=league&format=xlsx&group=agent")
	x, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if resp.StatusCode != 200 || err != nil {
		t.Fatalf("xlsx export: %d %v", resp.StatusCode, err)
	}
	rows, _ := x.GetRows(x.GetSheetName(0))
	if len(rows) < 2 || rows[0][0] != "Agent" {
		t.Fatalf("xlsx league rows %v", rows)
	}
	if resp, body = b.get("/reports?interval=hour"); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Unknown interval") {
		t.Errorf("bad interval: %d", resp.StatusCode)
	}
	if resp, _ = b.get("/reports/export?table=nope"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad table: %d", resp.StatusCode)
	}
	b.get("/reports/definitions")
	if resp, _ = b.post("/reports/costs", url.Values{"seats": {"-3"}, "seat_hour_cost": {"30"}, "trunk_minute_cost": {"0.1"}, "currency": {"CNY"}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad cost model: %d", resp.StatusCode)
	}
	if resp, _ = b.post("/reports/costs", url.Values{"seats": {"20"}, "seat_hour_cost": {"30"}, "trunk_minute_cost": {"0.1"}, "currency": {"CNY"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cost model: %d", resp.StatusCode)
	}
	if m, _ := a.Reports.Costs(ctx); m.Seats != 20 || m.SeatHourCost != 30 {
		t.Errorf("cost model %+v", m)
	}
	resp, body = b.get("/reports/staffing?interval=60&aht=200")
	if resp.StatusCode != 200 || !strings.Contains(body, "Agents needed") {
		t.Fatalf("staffing: %d", resp.StatusCode)
	}
	if resp, _ = b.get("/reports/staffing?sl=150"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("staffing with a 150 %% target: %d", resp.StatusCode)
	}

	// The API answers the same numbers.
	_, p, err := a.Auth.Login(ctx, "analyst", demo.Password, "127.0.0.9", "")
	if err != nil {
		t.Fatal(err)
	}
	_, token, err := a.Auth.CreateToken(ctx, p, "reports", 0)
	if err != nil {
		t.Fatal(err)
	}
	resp, body = b.do("GET", "/api/v1/reports/kpis?group=queue", nil, map[string]string{"Authorization": "Bearer " + token})
	var out struct {
		Total struct {
			Counts struct{ Calls, Answered int64 }
			KPIs   map[string]*float64
		}
		Keys []struct{ Key string }
	}
	if err := json.Unmarshal([]byte(body), &out); resp.StatusCode != 200 || err != nil {
		t.Fatalf("API kpis: %d %v %s", resp.StatusCode, err, body)
	}
	if out.Total.Counts.Calls != 8 || out.Total.Counts.Answered != 6 || out.Total.KPIs["answer_rate"] == nil || *out.Total.KPIs["answer_rate"] != 6.0/8 || len(out.Keys) != 4 {
		t.Errorf("API totals %+v", out)
	}
	if resp, _ = b.do("GET", "/api/v1/reports/kpis?from=2026-13-01", nil, map[string]string{"Authorization": "Bearer " + token}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("API bad date: %d", resp.StatusCode)
	}
	if resp, body = b.do("GET", "/api/v1/reports/definitions", nil, map[string]string{"Authorization": "Bearer " + token}); resp.StatusCode != 200 || !strings.Contains(body, `"service_level_excl"`) {
		t.Errorf("API definitions: %d", resp.StatusCode)
	}
}
