package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The quality desk through the console and the API: the worklist, scoring with bad and
// good input, the agent's own evaluations only, the dispute flow and its permissions.
func TestQualityDesk(t *testing.T) {
	srv, a := testServer(t)
	qaB := newBrowser(t, srv)
	qaB.signIn("qa")
	resp, body := qaB.get("/qa/evaluate/2")
	if resp.StatusCode != 200 || !strings.Contains(body, `id="qa-audio"`) || !strings.Contains(body, "?recording=play") || !strings.Contains(body, `data-key="1.2"`) {
		t.Fatalf("evaluate page: %d", resp.StatusCode)
	}
	// An unanswered item: the page comes back with the error and what was typed.
	form := url.Values{"scorecard": {"1"}, "a_1.1": {"1"}, "c_1.1": {"报了工号"}}
	resp, body = qaB.post("/qa/evaluate/4", form)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "报了工号") {
		t.Fatalf("incomplete evaluation: %d", resp.StatusCode)
	}
	for k, v := range map[string]string{"1.2": "1", "2.1": "5", "2.2": "9", "2.3": "1", "3.1": "5", "3.2": "1"} {
		form.Set("a_"+k, v)
	}
	if resp, _ = qaB.post("/qa/evaluate/4", form); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("out of range: %d", resp.StatusCode)
	}
	form.Set("a_2.2", "5")
	form.Set("a_1.2", "0") // the critical item
	resp, _ = qaB.post("/qa/evaluate/4", form)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/qa/evaluations/3") {
		t.Fatalf("evaluate: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, body = qaB.get("/qa/evaluations/3"); !strings.Contains(body, "<strong>0</strong>") || !strings.Contains(body, "Critical fail") && !strings.Contains(body, "致命项不合格") {
		t.Fatal("a critical fail does not show")
	}
	// A call nobody answered cannot be scored.
	if resp, _ = qaB.post("/qa/evaluate/3", form); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unanswered call: %d", resp.StatusCode)
	}

	// senior1 (call 4's agent) sees only its own evaluation and acknowledges it.
	senior := newBrowser(t, srv)
	senior.signIn("senior1")
	if resp, body = senior.get("/qa"); resp.StatusCode != 200 || !strings.Contains(body, "qa-mine-3") || strings.Contains(body, "qa-mine-1") {
		t.Fatalf("own evaluations: %d", resp.StatusCode)
	}
	if resp, _ = senior.get("/qa/evaluations/3"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("agent on the evaluation page: %d", resp.StatusCode)
	}
	if resp, _ = senior.post("/qa/evaluations/1/dispute", url.Values{"comment": {"不是我的通话"}}); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("disputed someone else's evaluation: %d", resp.StatusCode)
	}
	if resp, _ = senior.post("/qa/evaluations/3/acknowledge", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("acknowledge: %d", resp.StatusCode)
	}
	if resp, _ = senior.post("/qa/evaluations/3/dispute", url.Values{"comment": {"晚了"}}); resp.StatusCode != http.StatusConflict {
		t.Fatalf("dispute after acknowledging: %d", resp.StatusCode)
	}

	// The demo dispute (evaluation 1, agent2's call 2): QA may not resolve, the supervisor may.
	if resp, _ = qaB.post("/qa/evaluations/1/resolve", url.Values{"decision": {"uphold"}, "note": {"x"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("QA resolved: %d", resp.StatusCode)
	}
	sup := newBrowser(t, srv)
	sup.signIn("supervisor")
	if _, body = sup.get("/qa/evaluations/1"); !strings.Contains(body, "qa-resolve") {
		t.Fatal("no resolve form for the supervisor")
	}
	if resp, _ = sup.post("/qa/evaluations/1/resolve", url.Values{"decision": {"adjust"}, "score": {"abc"}, "note": {"复听确认"}}); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad score: %d", resp.StatusCode)
	}
	if resp, _ = sup.post("/qa/evaluations/1/resolve", url.Values{"decision": {"adjust"}, "score": {"95"}, "note": {"复听确认已邀请评价"}, "back": {"evaluation"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("resolve: %d", resp.StatusCode)
	}

	// The API.
	agent2, qaTok := bearer(t, a, "agent2"), bearer(t, a, "qa")
	status, got := apiCall(t, srv, agent2, "GET", "/api/v1/qa/evaluations", "", nil)
	if status != 200 || got["total"].(float64) != 1 {
		t.Fatalf("agent2's evaluations: %d %v", status, got)
	}
	if status, got = apiCall(t, srv, agent2, "GET", "/api/v1/qa/evaluations/1", "", nil); status != 200 || got["score"].(float64) != 95 || got["status"] != "resolved" {
		t.Fatalf("resolved evaluation: %d %v", status, got)
	}
	if status, _ = apiCall(t, srv, agent2, "GET", "/api/v1/qa/evaluations/2", "", nil); status != 404 {
		t.Fatalf("agent2 read agent1's evaluation: %d", status)
	}
	if status, _ = apiCall(t, srv, agent2, "POST", "/api/v1/qa/evaluations", "", []byte(`{"call_id":2,"scorecard_id":1,"answers":{}}`)); status != 403 {
		t.Fatalf("agent scored: %d", status)
	}
	if status, _ = apiCall(t, srv, qaTok, "POST", "/api/v1/qa/evaluations", "", []byte(`{"call_id":2,"scorecard_id":1,"answers":{"1.1":{"value":1}}}`)); status != 400 {
		t.Fatalf("incomplete answers: %d", status)
	}
	if status, got = apiCall(t, srv, qaTok, "POST", "/api/v1/qa/scorecards", "", []byte(`{"name":"API","form":{"sections":[{"title":"A","weight":1,"items":[{"text":"x","weight":1,"kind":"scale","max":3}]}]}}`)); status != 201 || got["version"].(float64) != 1 {
		t.Fatalf("create scorecard: %d %v", status, got)
	}
	if status, _ = apiCall(t, srv, qaTok, "POST", "/api/v1/qa/scorecards", "", []byte(`{"name":"Bad","form":{"sections":[]}}`)); status != 400 {
		t.Fatalf("empty form: %d", status)
	}
	if status, got = apiCall(t, srv, qaTok, "GET", "/api/v1/calls/2/analysis", "", nil); status != 200 || got["agent_talk_ms"].(float64) != 5000 || got["overtalk_ms"].(float64) != 5000 {
		t.Fatalf("analysis: %d %v", status, got)
	}
	if status, _ = apiCall(t, srv, qaTok, "GET", "/api/v1/calls/3/analysis", "", nil); status != 404 {
		t.Fatalf("analysis of a call without a recording: %d", status)
	}
}
