package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/demo"
)

// The customer pages end to end: create, profile, note, contact, lead, bad input,
// read-only roles, and partners kept to their own leads.
func TestCustomerPages(t *testing.T) {
	srv, a := testServer(t)
	ctx := context.Background()
	b := newBrowser(t, srv)
	b.signIn("agent1")
	b.get("/customers/new")
	resp, body := b.post("/customers", url.Values{"name": {"测试客户"}, "phone": {"12345", ""}, "phone_label": {"mobile", "office"}, "vip_level": {"0"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Not a phone number: 12345.") {
		t.Fatalf("bad phone: %d", resp.StatusCode)
	}
	resp, _ = b.post("/customers", url.Values{"name": {"测试客户"}, "company": {"武汉光谷软件园"}, "phone": {"027-81886666", "139 0000 1234"}, "phone_label": {"office", "mobile"},
		"emails": {"test@example.cn"}, "tags": {"测试, VIP"}, "vip_level": {"2"}, "addr_street": {"光谷大道 77 号"}, "addr_city": {"武汉市"},
		"asset_kind": {"device"}, "asset_number": {"pf9x9x9"}, "asset_product": {"ThinkPad X1"}, "asset_warranty": {"2028-01-01"}, "field_industry": {"教育"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	path := strings.SplitN(loc, "?", 2)[0]
	resp, body = b.get(loc)
	for _, want := range []string{"测试客户", "027-81886666", "PF9X9X9", "光谷大道 77 号", "教育", "/tickets/new?customer="} {
		if !strings.Contains(body, want) {
			t.Errorf("profile lacks %q", want)
		}
	}
	if resp.StatusCode != 200 {
		t.Fatalf("profile: %d", resp.StatusCode)
	}
	if _, body := b.post(path+"/notes", url.Values{"text": {""}}); !strings.Contains(body, "A note must have") {
		t.Error("empty note accepted")
	}
	b.post(path+"/notes", url.Values{"text": {"客户希望周五回电"}})
	b.post(path+"/contacts", url.Values{"channel": {"call"}, "direction": {"in"}, "number": {"13900001234"}, "summary": {"咨询保修"}})
	resp, _ = b.post(path+"/contacts", url.Values{"channel": {"call"}, "direction": {"in"}, "number": {"13900001234"}, "summary": {"再次来电"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("contact: %d", resp.StatusCode)
	}
	b.post(path+"/leads", url.Values{"product": {"ThinkPad X1"}, "partner_id": {"1"}})
	_, body = b.get(path)
	for _, want := range []string{"客户希望周五回电", "Repeat contact: 2", "Lead created", "ThinkPad X1", "inbound"} {
		if !strings.Contains(body, want) {
			t.Errorf("timeline lacks %q", want)
		}
	}
	_, body = b.get(path + "?category=contact")
	if strings.Contains(body, "客户希望周五回电") || !strings.Contains(body, "再次来电") {
		t.Error("category filter")
	}
	// Search finds the new customer by a two-character part of the name and by serial.
	for _, q := range []string{"测试", "pf9x9x9", "+86 27 8188 6666"} {
		if _, body := b.get("/customers?q=" + url.QueryEscape(q)); !strings.Contains(body, "测试客户") {
			t.Errorf("search %q", q)
		}
	}
	resp, _ = b.get("/customers/export?format=xlsx&q=" + url.QueryEscape("测试"))
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	// QA reads but cannot write.
	qa := newBrowser(t, srv)
	qa.signIn("qa")
	if resp, _ := qa.get(path); resp.StatusCode != 200 {
		t.Fatalf("qa profile: %d", resp.StatusCode)
	}
	if resp, _ := qa.post(path+"/notes", url.Values{"text": {"x"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("qa note: %d", resp.StatusCode)
	}

	// The station's partner user sees only its own leads, and no customer pages.
	st := newBrowser(t, srv)
	st.signIn("station")
	if resp, _ := st.get(path); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("partner on a customer page: %d", resp.StatusCode)
	}
	_, body = st.get("/partner/leads")
	if !strings.Contains(body, "拯救者 Y9000P") || strings.Contains(body, "ThinkCentre M90") {
		t.Fatalf("partner leads: %s", body)
	}
	staff := newBrowser(t, srv)
	staff.signIn("admin")
	_, all := staff.get("/leads")
	if !strings.Contains(all, "ThinkCentre M90") {
		t.Fatal("admin leads list lacks the dealer's lead")
	}
	if resp, _ := st.get("/partner/leads/3"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("partner reads the dealer's lead: %d", resp.StatusCode)
	}
	st.get("/partner/leads/1")
	if resp, _ := st.post("/partner/leads/1", url.Values{"status": {"won"}, "follow_up": {""}, "note": {"已成交"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("partner update: %d", resp.StatusCode)
	}
	if resp, _ := st.post("/partner/leads/3", url.Values{"status": {"lost"}}); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("partner updates the dealer's lead: %d", resp.StatusCode)
	}

	// Merge from the duplicates page keeps everything.
	id := customerID(t, path)
	dup := &crm.Customer{Name: "测试客户（重复）", Phones: []crm.Phone{{Number: "13900001234"}}}
	if err := a.Customers.Create(ctx, dup); err != nil {
		t.Fatal(err)
	}
	_, body = b.get("/customers/duplicates")
	if !strings.Contains(body, "测试客户（重复）") {
		t.Fatal("duplicates page lacks the pair")
	}
	resp, _ = b.post("/customers/merge", url.Values{"keep": {fmt.Sprint(id)}, "drop": {fmt.Sprint(dup.ID)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("merge: %d", resp.StatusCode)
	}
	if _, err := a.Customers.Get(ctx, dup.ID); err == nil {
		t.Fatal("merged customer still there")
	}

	// Import: dry run reports rows, then the confirmed import stores them.
	csv := "姓名,手机,序列号\n导入一,13500001111,SN-A1\n导入二,bad,\n"
	status, body := b.upload("/customers/import", "c.csv", csv, url.Values{"mode": {"all"}})
	if status != 200 || !strings.Contains(body, "Not a phone number: bad.") {
		t.Fatalf("import dry run: %d", status)
	}
	status, body = b.upload("/customers/import", "c.csv", csv, url.Values{"mode": {"skip"}, "confirm": {"1"}})
	if status != 200 || !strings.Contains(body, "1 customers imported") {
		t.Fatalf("import: %d %s", status, body)
	}
	if cs, _ := a.Customers.LookupByPhone(ctx, "135 0000 1111"); len(cs) != 1 || cs[0].Name != "导入一" {
		t.Fatalf("imported: %v", cs)
	}
	status, body = b.upload("/customers/import", "c.pdf", "x", nil)
	if status != http.StatusBadRequest || !strings.Contains(body, "Upload a .csv or .xlsx file.") {
		t.Fatalf("pdf: %d", status)
	}
}

func customerID(t *testing.T, path string) int64 {
	var id int64
	if _, err := fmt.Sscanf(path, "/customers/%d", &id); err != nil {
		t.Fatal(err)
	}
	return id
}

// upload posts a multipart form with one file.
func (b *browser) upload(path, name, content string, fields url.Values) (int, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf_token", b.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write([]byte(content))
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
	return resp.StatusCode, string(data)
}

func TestCustomerAPI(t *testing.T) {
	srv, a := testServer(t)
	ctx := context.Background()
	token := func(user string) string { return bearer(t, a, user) }
	agent, station := token("agent1"), token("station")
	call := func(auth, method, path, ctype, body string) (int, map[string]any) {
		return apiCall(t, srv, auth, method, path, ctype, []byte(body))
	}
	const js = "application/json"
	status, c := call(agent, "POST", "/api/v1/customers", js, `{"name":"接口客户","phones":[{"number":"0755-8765432","label":"office"}],"assets":[{"kind":"device","number":"pf1a2b3","warranty_end":"2027/1/2"}]}`)
	if status != 201 {
		t.Fatalf("create: %d %v", status, c)
	}
	id := int64(c["id"].(float64))
	for _, tc := range []struct {
		name, auth, method, path, ctype, body string
		status                                int
	}{
		{"lookup any format", agent, "GET", "/api/v1/customers/lookup?phone=%2B86%20755%208765432", "", "", 200},
		{"lookup not a number", agent, "GET", "/api/v1/customers/lookup?phone=abc", "", "", 400},
		{"get", agent, "GET", fmt.Sprintf("/api/v1/customers/%d", id), "", "", 200},
		{"patch", agent, "PATCH", fmt.Sprintf("/api/v1/customers/%d", id), js, `{"tags":["接口"],"vip_level":1}`, 200},
		{"patch bad vip", agent, "PATCH", fmt.Sprintf("/api/v1/customers/%d", id), js, `{"vip_level":9}`, 400},
		{"note", agent, "POST", fmt.Sprintf("/api/v1/customers/%d/notes", id), js, `{"text":"接口备注"}`, 201},
		{"contact by number", agent, "POST", "/api/v1/contacts", js, `{"channel":"call","from":"0755 8765432","summary":"来电"}`, 201},
		{"timeline", agent, "GET", fmt.Sprintf("/api/v1/customers/%d/timeline?category=customer", id), "", "", 200},
		{"timeline missing", agent, "GET", "/api/v1/customers/99999/timeline", "", "", 404},
		{"merge self", agent, "POST", "/api/v1/customers/merge", js, fmt.Sprintf(`{"keep":%d,"drop":%d}`, id, id), 400},
		{"import dry run", agent, "POST", "/api/v1/customers/import?dry_run=true", "text/csv", "name,mobile\n甲,13600002222\n", 200},
		{"import wrong type", agent, "POST", "/api/v1/customers/import", "application/pdf", "x", 400},
		{"export", agent, "GET", "/api/v1/customers/export?format=csv", "", "", 200},
		{"partner leads", station, "GET", "/api/v1/partner/leads", "", "", 200},
		{"partner may not re-refer", station, "PATCH", "/api/v1/partner/leads/1", js, `{"partner_id":2}`, 403},
		{"partner other lead", station, "GET", "/api/v1/partner/leads/3", "", "", 404},
		{"partner no customers", station, "GET", "/api/v1/customers", "", "", 403},
		{"partner status", station, "PATCH", "/api/v1/partner/leads/2", js, `{"status":"won"}`, 200},
	} {
		status, body := call(tc.auth, tc.method, tc.path, tc.ctype, tc.body)
		if status != tc.status {
			t.Errorf("%s: %d %v, want %d", tc.name, status, body, tc.status)
		}
	}
	_, got := call(agent, "GET", fmt.Sprintf("/api/v1/customers/%d/timeline", id), "", "")
	if got["total"].(float64) != 4 { // created, updated, note, call
		t.Errorf("timeline total %v", got["total"])
	}
	_, leads := call(station, "GET", "/api/v1/partner/leads", "", "")
	for _, l := range leads["items"].([]any) {
		if l.(map[string]any)["partner_name"] != "华强电脑维修站（中关村）" {
			t.Errorf("partner sees %v", l)
		}
	}
	if n, _ := a.Customers.Count(ctx); n != demo.CustomerCount+1 {
		t.Errorf("dry-run import stored rows: %d customers", n)
	}
}
