package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/hotlinecc/hotline/internal/app"
	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/ticket"
)

// multipartPost sends a form with one file the way a browser does.
func (b *browser) multipartPost(path string, fields url.Values, fileField, fileName string, content []byte) (*http.Response, string) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if fields.Get("csrf_token") == "" {
		fields.Set("csrf_token", b.csrf)
	}
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if fileField != "" {
		fw, _ := mw.CreateFormFile(fileField, fileName)
		fw.Write(content)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", b.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept-Language", b.lang)
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, string(data)
}

func principalOf(t *testing.T, a *app.App, username string) *auth.Principal {
	t.Helper()
	u, err := a.Auth.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return &auth.Principal{User: u}
}

func countTickets(t *testing.T, a *app.App) int {
	_, n, err := a.Tickets.List(context.Background(), principalOf(t, a, "admin"), ticket.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")

func TestTicketConsole(t *testing.T) {
	srv, a := testServer(t)
	ctx := context.Background()
	agent := newBrowser(t, srv)
	agent.signIn("agent2")

	resp, body := agent.get("/tickets?view=all")
	if resp.StatusCode != 200 || !strings.Contains(body, "笔记本无法开机") || !strings.Contains(body, `data-shortcut="n"`) {
		t.Fatalf("ticket list: %d", resp.StatusCode)
	}
	resp, body = agent.get("/tickets/new?customer=5&type=repair")
	for _, want := range []string{`id="script-panel"`, `hx-get="/kb/scripts?type=repair"`, `name="fv_address"`, `name="f_photo"`, `type="date"`, `name="customer_id" value="5"`} {
		if !strings.Contains(body, want) {
			t.Errorf("intake form lacks %s", want)
		}
	}
	if resp, _ = agent.get("/tickets/new?q=%E7%8E%8B"); resp.StatusCode != 200 {
		t.Fatalf("customer search on intake: %d", resp.StatusCode)
	}

	repair, _ := a.Tickets.TypeByCode(ctx, "repair")
	form := url.Values{"type_id": {fmt.Sprint(repair.ID)}, "customer_id": {"5"}, "title": {"上门维修"}, "priority": {"high"}, "channel": {"phone"},
		"fv_asset": {"SN-9"}, "fv_fault": {"屏幕不亮"}, "fv_service": {"上门"}}
	before := countTickets(t, a)
	// A required field missing: the form comes back with the error, nothing is stored.
	resp, body = agent.post("/tickets", form)
	if resp.StatusCode != 400 || !strings.Contains(body, "data-testid=\"form-error\"") || !strings.Contains(body, `value="SN-9"`) {
		t.Fatalf("invalid intake: %d", resp.StatusCode)
	}
	if n := countTickets(t, a); n != before {
		t.Fatalf("invalid intake stored a ticket: %d -> %d", before, n)
	}
	form.Set("fv_address", "北京市海淀区学院路 30 号")
	form.Set("fv_appointment", "2026-11-30")
	resp, _ = agent.multipartPost("/tickets", form, "f_photo", "屏幕.png", pngBytes)
	loc := resp.Header.Get("Location")
	m := regexp.MustCompile(`^/tickets/(\d+)\?ok=ticket_created$`).FindStringSubmatch(loc)
	if resp.StatusCode != 303 || m == nil {
		t.Fatalf("create: %d %s", resp.StatusCode, loc)
	}
	id := m[1]
	resp, body = agent.get("/tickets/" + id)
	if resp.StatusCode != 200 || !strings.Contains(body, "屏幕.png") || !strings.Contains(body, `data-testid="history"`) || !strings.Contains(body, "<kbd>e</kbd>") {
		t.Fatalf("ticket page: %d", resp.StatusCode)
	}
	// A bad edit changes nothing; a good one is in the history with old and new values.
	resp, _ = agent.post("/tickets/"+id, url.Values{"title": {"上门维修"}, "priority": {"high"}, "fv_asset": {"SN-9"}, "fv_fault": {"屏幕不亮"},
		"fv_service": {"上门"}, "fv_address": {"北京"}, "fv_appointment": {"下周一"}})
	if resp.StatusCode != 400 {
		t.Fatalf("bad edit: %d", resp.StatusCode)
	}
	resp, _ = agent.post("/tickets/"+id, url.Values{"title": {"上门维修"}, "priority": {"urgent"}, "fv_asset": {"SN-9"}, "fv_fault": {"屏幕不亮"},
		"fv_service": {"上门"}, "fv_address": {"北京市海淀区学院路 30 号"}, "fv_appointment": {"2026-12-01"}})
	if resp.StatusCode != 303 {
		t.Fatalf("edit: %d", resp.StatusCode)
	}
	var tid int64
	fmt.Sscan(id, &tid)
	changes, _ := a.Tickets.Changes(ctx, principalOf(t, a, "admin"), tid)
	found := false
	for _, c := range changes {
		if c.Field == "field.appointment" && c.Old == "2026-11-30" && c.New == "2026-12-01" {
			found = true
		}
		if c.New == "北京" || c.New == "下周一" {
			t.Fatalf("a refused edit was recorded: %+v", c)
		}
	}
	if !found {
		t.Fatalf("history %+v", changes)
	}
	// Tier 1 may not dispatch; a senior dispatches to the repair station.
	resp, _ = agent.post("/tickets/"+id+"/dispatch", url.Values{"partner_id": {"1"}})
	if resp.StatusCode != 403 {
		t.Fatalf("tier 1 dispatch: %d", resp.StatusCode)
	}
	resp, _ = agent.post("/tickets/"+id+"/notes", url.Values{"body": {"内部：客户脾气急"}, "internal": {"on"}})
	if resp.StatusCode != 303 {
		t.Fatalf("note: %d", resp.StatusCode)
	}
	senior := newBrowser(t, srv)
	senior.signIn("senior1")
	senior.get("/tickets/" + id)
	if resp, _ = senior.post("/tickets/"+id+"/dispatch", url.Values{"partner_id": {"1"}, "department_id": {"1"}}); resp.StatusCode != 303 {
		t.Fatalf("dispatch: %d", resp.StatusCode)
	}
	if resp, _ = senior.post("/tickets/"+id+"/status", url.Values{"to": {"dispatched"}, "note": {"请今天联系客户"}}); resp.StatusCode != 303 {
		t.Fatalf("status: %d", resp.StatusCode)
	}
	if resp, _ = senior.post("/tickets/"+id+"/status", url.Values{"to": {"closed"}}); resp.StatusCode != 400 {
		t.Fatalf("a transition that does not exist: %d", resp.StatusCode)
	}

	// The station sees its orders and what the job needs, and nothing else.
	station := newBrowser(t, srv)
	station.signIn("station")
	resp, body = station.get("/orders")
	if resp.StatusCode != 200 || !strings.Contains(body, "上门维修") || !strings.Contains(body, "笔记本无法开机") {
		t.Fatalf("orders: %d", resp.StatusCode)
	}
	resp, body = station.get("/orders/" + id)
	if resp.StatusCode != 200 || !strings.Contains(body, "北京市海淀区学院路 30 号") || !strings.Contains(body, "请今天联系客户") {
		t.Fatalf("order page: %d", resp.StatusCode)
	}
	if strings.Contains(body, "客户脾气急") || strings.Contains(body, `data-testid="history"`) {
		t.Fatal("the partner sees an internal note or the history")
	}
	for path, status := range map[string]int{"/orders/1": 404, "/orders/99999": 404, "/tickets/" + id: 403, "/tickets": 403, "/customers": 403,
		"/tickets/files/1": 403, "/orders/files/99999": 404} {
		if resp, _ := station.get(path); resp.StatusCode != status {
			t.Errorf("station GET %s: %d, want %d", path, resp.StatusCode, status)
		}
	}
	atts, _ := a.Tickets.Attachments(ctx, principalOf(t, a, "admin"), tid)
	resp, body = station.get(fmt.Sprintf("/orders/files/%d", atts[0].ID))
	if resp.StatusCode != 200 || body != string(pngBytes) || resp.Header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "filename*=UTF-8''%E5%B1%8F%E5%B9%95.png") {
		t.Fatalf("download: %d %v", resp.StatusCode, resp.Header)
	}
	// Ticket 1 is not the station's: its files are not either, by id guessing.
	other, _ := a.Tickets.AddAttachment(ctx, principalOf(t, a, "agent1"), 1, ticket.Upload{Name: "内部.txt", Body: strings.NewReader("机密")})
	if resp, _ := station.get(fmt.Sprintf("/orders/files/%d", other.ID)); resp.StatusCode != 404 {
		t.Fatalf("station downloads another ticket's file: %d", resp.StatusCode)
	}
	station.get("/orders/" + id)
	if resp, _ = station.post("/orders/1/status", url.Values{"to": {"accepted"}}); resp.StatusCode != 404 {
		t.Fatalf("station moves another order: %d", resp.StatusCode)
	}
	if resp, _ = station.post("/orders/"+id+"/status", url.Values{"to": {"accepted"}, "note": {"已接单，下午上门"}}); resp.StatusCode != 303 {
		t.Fatalf("station accepts: %d", resp.StatusCode)
	}
	if resp, _ = station.multipartPost("/orders/"+id+"/attachments", url.Values{}, "file", "evil.html", []byte("<html><script>x</script>")); resp.StatusCode != 400 {
		t.Fatalf("html upload: %d", resp.StatusCode)
	}
	if got, _, _ := a.Tickets.Get(ctx, principalOf(t, a, "admin"), tid); got.Status != "accepted" {
		t.Fatalf("status %s", got.Status)
	}
}

func TestTicketSettingsConsole(t *testing.T) {
	srv, a := testServer(t)
	ctx := context.Background()
	admin := newBrowser(t, srv)
	admin.signIn("admin")
	resp, body := admin.get("/settings/ticket-types/3")
	if resp.StatusCode != 200 || !strings.Contains(body, `value="on_site"`) || !strings.Contains(body, `name="tr_perm"`) {
		t.Fatalf("type editor: %d", resp.StatusCode)
	}
	types, _ := a.Tickets.Types(ctx)
	form := url.Values{"code": {"callback"}, "name_zh": {"回电"}, "name_en": {"Callback"}, "default_priority": {"normal"},
		"field_code": {"when", ""}, "field_name_zh": {"时间", ""}, "field_name_en": {"When", ""}, "field_kind": {"choice", "text"},
		"field_required": {"1", ""}, "field_options": {"上午，下午", ""}, "field_width": {"half", "full"}, "field_section": {"", ""}, "field_pos": {"0", "1"},
		"status_code": {"new", "done"}, "status_name_zh": {"新建", "完成"}, "status_name_en": {"New", "Done"}, "status_category": {"open", "resolved"},
		"status_initial": {"0"}, "tr_from": {"new"}, "tr_to": {"done"}, "tr_perm": {"tickets.write"}}
	// No closed status: refused, nothing stored.
	resp, body = admin.post("/settings/ticket-types", form)
	if resp.StatusCode != 400 || !strings.Contains(body, "closed category") {
		t.Fatalf("invalid type: %d", resp.StatusCode)
	}
	if after, _ := a.Tickets.Types(ctx); len(after) != len(types) {
		t.Fatal("an invalid type was stored")
	}
	form.Set("status_category", "open")
	form["status_category"] = []string{"open", "closed"}
	resp, _ = admin.post("/settings/ticket-types", form)
	if resp.StatusCode != 303 {
		t.Fatalf("valid type: %d", resp.StatusCode)
	}
	cb, err := a.Tickets.TypeByCode(ctx, "callback")
	if err != nil || len(cb.Fields) != 1 || len(cb.Fields[0].Options) != 2 || !cb.Fields[0].Required || cb.Initial().Code != "new" {
		t.Fatalf("stored type %+v %v", cb, err)
	}
	resp, _ = admin.post("/settings/departments", url.Values{"code": {"Bad Code"}, "name_zh": {"坏"}, "name_en": {"Bad"}})
	if resp.StatusCode != 400 {
		t.Fatalf("invalid department: %d", resp.StatusCode)
	}
	resp, _ = admin.post("/settings/departments", url.Values{"code": {"finance"}, "name_zh": {"财务部"}, "name_en": {"Finance"}, "members": {"2", "3"}})
	if resp.StatusCode != 303 {
		t.Fatalf("department: %d", resp.StatusCode)
	}
	ds, _ := a.Tickets.Departments(ctx)
	if len(ds) != 4 {
		t.Fatalf("%d departments", len(ds))
	}
}

func TestTicketAPI(t *testing.T) {
	srv, a := testServer(t)
	token := func(username string) string { return bearer(t, a, username) }
	call := func(auth, method, path, body string) (int, map[string]any) {
		return apiCall(t, srv, auth, method, path, "", []byte(body))
	}
	senior, agent, station := token("senior1"), token("agent1"), token("station")
	before := countTickets(t, a)
	for _, c := range []struct {
		name, auth, method, path, body string
		status                         int
	}{
		{"types", agent, "GET", "/api/v1/ticket-types", "", 200},
		{"type", agent, "GET", "/api/v1/ticket-types/3", "", 200},
		{"agent defines a type", agent, "POST", "/api/v1/ticket-types", `{"code":"x","name_zh":"甲","name_en":"X","statuses":[]}`, 403},
		{"missing required", agent, "POST", "/api/v1/tickets", `{"type":"repair","customer_id":7,"title":"修","fields":{"asset":"SN"}}`, 400},
		{"unknown field", agent, "POST", "/api/v1/tickets", `{"type":"inquiry","customer_id":7,"title":"问","fields":{"colour":"red"}}`, 400},
		{"bad option", agent, "POST", "/api/v1/tickets", `{"type":"inquiry","customer_id":7,"title":"问","fields":{"topic":"天气"}}`, 400},
		{"unknown customer", agent, "POST", "/api/v1/tickets", `{"type":"inquiry","customer_id":99999,"title":"问"}`, 400},
		{"unknown type", agent, "POST", "/api/v1/tickets", `{"type":"nope","customer_id":7,"title":"问"}`, 400},
		{"wrong JSON type", agent, "POST", "/api/v1/tickets", `{"type":"inquiry","customer_id":"7","title":"问"}`, 400},
		{"partner lists tickets", station, "GET", "/api/v1/tickets", "", 403},
		{"partner reads a ticket", station, "GET", "/api/v1/tickets/2", "", 403},
		{"partner reads another order", station, "GET", "/api/v1/orders/1", "", 404},
		{"partner reads own order", station, "GET", "/api/v1/orders/2", "", 200},
		{"partner closes", station, "POST", "/api/v1/orders/2/status", `{"status":"closed"}`, 400},
		{"partner internal note", station, "POST", "/api/v1/orders/2/notes", `{"body":"x","internal":true}`, 403},
		{"tier 1 dispatches", agent, "POST", "/api/v1/tickets/1/dispatch", `{"partner_id":1}`, 403},
		{"departments", agent, "GET", "/api/v1/departments", "", 200},
	} {
		if status, out := call(c.auth, c.method, c.path, c.body); status != c.status {
			t.Errorf("%s: %d %v, want %d", c.name, status, out, c.status)
		}
	}
	if n := countTickets(t, a); n != before {
		t.Fatalf("refused calls stored tickets: %d -> %d", before, n)
	}
	status, created := call(agent, "POST", "/api/v1/tickets", `{"type":"inquiry","customer_id":7,"title":"保修期多久","fields":{"topic":"保修政策"}}`)
	if status != 201 || created["channel"] != "api" || created["status"] != "new" {
		t.Fatalf("create: %d %v", status, created)
	}
	id := int64(created["id"].(float64))
	status, patched := call(agent, "PATCH", fmt.Sprintf("/api/v1/tickets/%d", id), `{"priority":"high","fields":{"topic":"价格"}}`)
	if status != 200 || patched["priority"] != "high" {
		t.Fatalf("patch: %d %v", status, patched)
	}
	status, _ = call(senior, "POST", fmt.Sprintf("/api/v1/tickets/%d/status", id), `{"status":"in_progress","note":"已回电"}`)
	if status != 200 {
		t.Fatalf("status: %d", status)
	}
	status, hist := call(agent, "GET", fmt.Sprintf("/api/v1/tickets/%d/history", id), "")
	if status != 200 || hist["total"].(float64) < 4 {
		t.Fatalf("history: %d %v", status, hist)
	}
	// Partner orders: the station's view has the customer's phone and no routing.
	status, order := call(station, "GET", "/api/v1/orders/2", "")
	if status != 200 || order["customer_phone"] == "" || order["partner"] != nil || order["assignee"] != nil {
		t.Fatalf("order: %v", order)
	}
	status, notes := call(station, "GET", "/api/v1/orders/2/notes", "")
	if status != 200 {
		t.Fatal(status)
	}
	for _, n := range notes["items"].([]any) {
		if n.(map[string]any)["internal"] == true {
			t.Fatal("the partner reads an internal note")
		}
	}
	if status, _ := call(station, "POST", "/api/v1/orders/2/status", `{"status":"accepted","note":"收到"}`); status != 200 {
		t.Fatalf("partner status: %d", status)
	}
	// Upload and download through the API.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "现场.png")
	fw.Write(pngBytes)
	mw.Close()
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/orders/2/attachments", &buf)
	req.Header.Set("Authorization", station)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var att map[string]any
	json.NewDecoder(resp.Body).Decode(&att)
	resp.Body.Close()
	if resp.StatusCode != 201 || att["content_type"] != "image/png" {
		t.Fatalf("upload: %d %v", resp.StatusCode, att)
	}
	aid := int64(att["id"].(float64))
	for _, c := range []struct {
		auth, path string
		status     int
	}{
		{station, fmt.Sprintf("/api/v1/orders/2/attachments/%d", aid), 200},
		{agent, fmt.Sprintf("/api/v1/tickets/2/attachments/%d", aid), 200},
		{agent, fmt.Sprintf("/api/v1/tickets/1/attachments/%d", aid), 404},
		{station, fmt.Sprintf("/api/v1/orders/1/attachments/%d", aid), 404},
	} {
		req, _ := http.NewRequest("GET", srv.URL+c.path, nil)
		req.Header.Set("Authorization", c.auth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || (c.status == 200 && (!bytes.Equal(data, pngBytes) || resp.Header.Get("X-Content-Type-Options") != "nosniff")) {
			t.Errorf("GET %s: %d", c.path, resp.StatusCode)
		}
	}
}
