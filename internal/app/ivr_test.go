package app_test

import (
	"bytes"
	"context"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hotlinecc/hotline/internal/ivr"
	"github.com/hotlinecc/hotline/internal/ivr/wav"
)

func wavTone(seconds float64, rate int) []byte {
	s := make([]int16, int(seconds*float64(rate)))
	for i := range s {
		s[i] = int16(6000 * math.Sin(2*math.Pi*523*float64(i)/float64(rate)))
	}
	var b bytes.Buffer
	wav.Encode(&b, rate, s)
	return b.Bytes()
}

func TestIVRAPI(t *testing.T) {
	srv, a := testServer(t)
	ctx := context.Background()
	token := func(user string) string { return bearer(t, a, user) }
	admin, agent := token("admin"), token("agent1")
	call := func(method, path, ctype string, body []byte, auth string) (int, map[string]any) {
		return apiCall(t, srv, auth, method, path, ctype, body)
	}
	def, err := a.IVR.DefaultFlow(ctx)
	if err != nil || def.Language != "zh" || def.Node("menu").Exit("3") != "repair_lookup" {
		t.Fatalf("demo default flow: %v", err)
	}
	good := `{"name":"简易流程","language":"zh","start":"hi","nodes":[
		{"id":"hi","kind":"play","params":{"prompt":"welcome"},"exits":[{"name":"next","to":"q"}]},
		{"id":"q","kind":"queue","params":{"queue":"support","priority":3}}]}`
	bad := strings.Replace(good, `"to":"q"`, `"to":"nowhere"`, 1)
	for _, c := range []struct {
		name, method, path, ctype, body, auth string
		status                                int
		check                                 func(map[string]any) bool
	}{
		{"list", "GET", "/api/v1/ivr/flows", "", "", admin, 200, func(m map[string]any) bool { return m["total"] == 2.0 }},
		{"agent may not", "GET", "/api/v1/ivr/flows", "", "", agent, 403, nil},
		{"get", "GET", "/api/v1/ivr/flows/1", "", "", admin, 200, func(m map[string]any) bool { return m["is_default"] == true && m["start"] == "hours" }},
		{"missing", "GET", "/api/v1/ivr/flows/999", "", "", admin, 404, nil},
		{"validate bad", "POST", "/api/v1/ivr/validate", "application/json", bad, admin, 200, func(m map[string]any) bool {
			ps, _ := m["problems"].([]any)
			return m["valid"] == false && len(ps) > 0 && strings.Contains(ps[0].(map[string]any)["message"].(string), "nowhere")
		}},
		{"validate good", "POST", "/api/v1/ivr/validate", "application/json", good, admin, 200, func(m map[string]any) bool { return m["valid"] == true }},
		{"create bad", "POST", "/api/v1/ivr/flows", "application/json", bad, admin, 400, func(m map[string]any) bool {
			e := m["error"].(map[string]any)
			return e["code"] == "invalid" && len(e["problems"].([]any)) >= 2 // dangling exit, unreachable queue
		}},
		{"unknown field", "POST", "/api/v1/ivr/flows", "application/json", `{"name":"x","colour":"red"}`, admin, 400, nil},
		{"create", "POST", "/api/v1/ivr/flows", "application/json", good, admin, 201, func(m map[string]any) bool { return m["id"] == 3.0 && m["version"] == 1.0 }},
		{"stale replace", "PUT", "/api/v1/ivr/flows/1", "application/json", strings.Replace(good, `"start"`, `"version":99,"start"`, 1), admin, 409, nil},
		{"replace", "PUT", "/api/v1/ivr/flows/3", "application/json", strings.Replace(good, `"start"`, `"version":1,"is_default":true,"start"`, 1), admin, 200,
			func(m map[string]any) bool { return m["version"] == 2.0 && m["is_default"] == true }},
		{"delete default", "DELETE", "/api/v1/ivr/flows/3", "", "", admin, 409, nil},
		{"make default", "POST", "/api/v1/ivr/flows/1/default", "", "", admin, 200, func(m map[string]any) bool { return m["is_default"] == true }},
		{"delete", "DELETE", "/api/v1/ivr/flows/3", "", "", admin, 204, nil},
		{"prompts", "GET", "/api/v1/prompts?language=en", "", "", admin, 200, func(m map[string]any) bool { return m["total"].(float64) > 40 }},
		{"prompts bad language", "GET", "/api/v1/prompts?language=fr", "", "", admin, 400, nil},
		{"upload wrong type", "POST", "/api/v1/prompts?language=zh&name=promo", "application/json", "{}", admin, 400, nil},
		{"upload 16 kHz", "POST", "/api/v1/prompts?language=zh&name=promo", "audio/wav", string(wavTone(1, 16000)), admin, 400, nil},
		{"upload", "POST", "/api/v1/prompts?language=zh&name=promo", "audio/wav", string(wavTone(1, 8000)), admin, 201,
			func(m map[string]any) bool { return m["name"] == "promo" && m["duration_ms"] == 1000.0 }},
		{"agent may not upload", "POST", "/api/v1/prompts?language=zh&name=promo2", "audio/wav", string(wavTone(1, 8000)), agent, 403, nil},
		{"delete prompt", "DELETE", "/api/v1/prompts/1", "", "", admin, 204, nil},
		{"delete missing prompt", "DELETE", "/api/v1/prompts/1", "", "", admin, 404, nil},
	} {
		status, body := call(c.method, c.path, c.ctype, []byte(c.body), c.auth)
		if status != c.status || (c.check != nil && !c.check(body)) {
			t.Errorf("%s: %d %v, want %d", c.name, status, body, c.status)
		}
	}
	if def, _ := a.IVR.DefaultFlow(ctx); def.ID != 1 {
		t.Fatalf("default flow is %d", def.ID)
	}
	// The demo lookup endpoint exists only on a server started with --demo.
	resp, err := http.Get(srv.URL + ivr.DemoRepairPath + "?phone=13800138000")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatalf("demo endpoint without --demo: %d", resp.StatusCode)
	}
}

func TestIVRConsole(t *testing.T) {
	srv, a := testServer(t)
	ctx := context.Background()
	b := newBrowser(t, srv)
	b.signIn("admin")
	resp, body := b.get("/settings/ivr")
	if resp.StatusCode != 200 || !strings.Contains(body, "服务热线") || !strings.Contains(body, `data-testid="default-flow"`) {
		t.Fatalf("flows: %d", resp.StatusCode)
	}
	resp, body = b.get("/settings/ivr/1")
	if resp.StatusCode != 200 || !strings.Contains(body, "[3] → repair_lookup") || !strings.Contains(body, `name="n2.exit2.to" value="repair_lookup"`) {
		t.Fatalf("editor: %d", resp.StatusCode)
	}
	form := func(change func(url.Values)) url.Values {
		v := url.Values{"name": {"服务热线"}, "language": {"zh"}, "start": {"hello"}, "version": {"1"}, "nodes": {"3"},
			"n0.id": {"hello"}, "n0.kind": {"play"}, "n0.prompt": {"welcome"}, "n0.exit0.name": {"next"}, "n0.exit0.to": {"q"},
			"n1.id": {"q"}, "n1.kind": {"queue"}, "n1.queue": {"support"}, "n1.priority": {"2"},
			"n2.id": {""}, "n2.kind": {"play"}}
		change(v)
		return v
	}
	// A dangling exit is shown beside its node and nothing is saved.
	resp, body = b.post("/settings/ivr/1", form(func(v url.Values) { v.Set("n0.exit0.to", "nowhere") }))
	if resp.StatusCode != 400 || !strings.Contains(body, "The exit next leads to &#34;nowhere&#34;, which does not exist.") || !strings.Contains(body, `id="node-hello"`) {
		t.Fatalf("invalid save: %d %s", resp.StatusCode, body)
	}
	if f, _ := a.IVR.Flow(ctx, 1); f.Version != 1 || len(f.Nodes) != 16 {
		t.Fatalf("invalid save changed the flow: v%d, %d nodes", f.Version, len(f.Nodes))
	}
	b.lang = "zh-CN"
	b.get("/settings/ivr/1")
	resp, body = b.post("/settings/ivr/1", form(func(v url.Values) { v.Set("n1.queue", "nope") }))
	if resp.StatusCode != 400 || !strings.Contains(body, "未知的队列") {
		t.Fatalf("problem in Chinese: %d", resp.StatusCode)
	}
	resp, _ = b.post("/settings/ivr/1", form(func(url.Values) {}))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("valid save: %d", resp.StatusCode)
	}
	if f, _ := a.IVR.Flow(ctx, 1); f.Version != 2 || len(f.Nodes) != 2 || f.Node("q").Params.Priority != 2 || !f.IsDefault {
		t.Fatalf("saved flow: %+v", f)
	}
	// The same form again is stale now.
	resp, _ = b.post("/settings/ivr/1", form(func(url.Values) {}))
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("stale save: %d", resp.StatusCode)
	}
	resp, _ = b.post("/settings/ivr/1/delete", nil)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("delete default: %d", resp.StatusCode)
	}
	resp, _ = b.post("/settings/ivr", url.Values{"name": {""}, "language": {"zh"}})
	if resp.StatusCode != 400 {
		t.Fatalf("new flow without a name: %d", resp.StatusCode)
	}

	// Prompts: play in the browser, upload with validation.
	resp, body = b.get("/settings/prompts/audio?language=en&name=welcome")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "audio/wav" || !strings.HasPrefix(body, "RIFF") {
		t.Fatalf("audio: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	upload := func(name string, data []byte) (*http.Response, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("csrf_token", b.csrf)
		mw.WriteField("language", "zh")
		mw.WriteField("name", name)
		fw, _ := mw.CreateFormFile("file", "promo.wav")
		fw.Write(data)
		mw.Close()
		req, _ := http.NewRequest("POST", srv.URL+"/settings/prompts", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Accept-Language", "en")
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp, string(out)
	}
	b.get("/settings/prompts")
	resp, body = upload("promo", wavTone(0.5, 44100))
	if resp.StatusCode != 400 || !strings.Contains(body, "44100 Hz") {
		t.Fatalf("upload 44.1 kHz: %d", resp.StatusCode)
	}
	resp, _ = upload("promo", wavTone(2, 8000))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	ps, _ := a.IVR.Prompts(ctx, "zh")
	found := false
	for _, p := range ps {
		found = found || p.Name == "promo" && p.DurationMS == 2000
	}
	if !found {
		t.Fatal("uploaded prompt not listed")
	}
	resp, body = b.get("/settings/prompts")
	if resp.StatusCode != 200 || !strings.Contains(body, "name=promo") {
		t.Fatalf("prompts page: %d", resp.StatusCode)
	}
	// Agents may not edit flows.
	ag := newBrowser(t, srv)
	ag.signIn("agent1")
	if resp, _ := ag.get("/settings/ivr/1"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("agent editor: %d", resp.StatusCode)
	}
}
