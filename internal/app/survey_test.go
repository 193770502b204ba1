package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var surveyLink = regexp.MustCompile(`/s/([A-Za-z0-9_-]{43})`)

// An agent sends a survey link from a customer's page; the customer answers it without
// signing in, in the invitation's language; a second answer and a tampered link are
// refused; the answer shows on the results page and the customer's timeline.
func TestSurveyLinkFlow(t *testing.T) {
	srv, _ := testServer(t)
	agent := newBrowser(t, srv)
	agent.signIn("agent1")
	resp, body := agent.get("/surveys/send?customer_id=5")
	if resp.StatusCode != 200 || !strings.Contains(body, `name="questionnaire_id"`) {
		t.Fatalf("send form: %d", resp.StatusCode)
	}
	resp, body = agent.post("/surveys/invitations", url.Values{"customer_id": {"5"}, "questionnaire_id": {"1"}, "language": {"en"}})
	m := surveyLink.FindStringSubmatch(body)
	if resp.StatusCode != 200 || m == nil || !strings.Contains(body, "Please tell us how we did") {
		t.Fatalf("send: %d %s", resp.StatusCode, body)
	}
	token := m[1]
	// Agents may not open the editor or the settings.
	if resp, _ := agent.get("/surveys/questionnaires"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("agent opens the editor: %d", resp.StatusCode)
	}
	if resp, _ := agent.post("/surveys/settings/queues", url.Values{"queue": {"repair"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("agent changes settings: %d", resp.StatusCode)
	}

	customer := newBrowser(t, srv)
	customer.lang = "zh-CN" // the invitation's language wins over the browser's
	resp, body = customer.get("/s/" + token)
	if resp.StatusCode != 200 || !strings.Contains(body, "How satisfied are you") || len(resp.Cookies()) != 0 {
		t.Fatalf("public page: %d cookies %v", resp.StatusCode, resp.Cookies())
	}
	// Posted without any form token: the link's token is the credential.
	resp, body = customer.do("POST", "/s/"+token, url.Values{"q1": {"7"}}, nil)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "not one of the choices") {
		t.Fatalf("bad answer: %d", resp.StatusCode)
	}
	resp, body = customer.do("POST", "/s/"+token, url.Values{"q1": {"2"}, "q2": {"The repair took three weeks"}, "q3": {"4"}}, nil)
	if resp.StatusCode != 200 || !strings.Contains(body, `data-testid="survey-thanks"`) {
		t.Fatalf("answer: %d %s", resp.StatusCode, body)
	}
	resp, body = customer.do("POST", "/s/"+token, url.Values{"q1": {"5"}}, nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "already been answered") {
		t.Fatalf("second answer: %d", resp.StatusCode)
	}
	if resp, _ := customer.get("/s/" + token); resp.StatusCode != http.StatusConflict {
		t.Fatalf("answered link: %d", resp.StatusCode)
	}
	bad := []byte(token)
	bad[5] ^= 2
	if resp, body := customer.get("/s/" + string(bad)); resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "不是有效") && !strings.Contains(body, "无效") {
		t.Fatalf("tampered link: %d", resp.StatusCode)
	}

	sup := newBrowser(t, srv)
	sup.signIn("supervisor")
	resp, body = sup.get("/surveys?by=agent")
	if resp.StatusCode != 200 || !strings.Contains(body, "The repair took three weeks") {
		t.Fatalf("results: %d", resp.StatusCode)
	}
	resp, body = sup.get("/customers/5")
	if resp.StatusCode != 200 || !strings.Contains(body, "Survey answered") {
		t.Fatalf("timeline: %d", resp.StatusCode)
	}
	// The low score (2) opened a follow-up for the demo's follow-up supervisor.
	if _, body = sup.get("/todos"); !strings.Contains(body, "Low survey score") {
		t.Fatal("no follow-up to-do")
	}
}

func TestSurveyEditorAndCallback(t *testing.T) {
	srv, _ := testServer(t)
	admin := newBrowser(t, srv)
	admin.signIn("admin")
	admin.get("/surveys/questionnaires/new")
	form := url.Values{"name": {"测试问卷"}, "rows": {"2"}, "kind_1": {"nps"}, "zh_1": {"推荐吗？"}, "en_1": {"Recommend?"}, "branches_1": {"0-6:2, 7-10:end"},
		"kind_2": {"single"}, "zh_2": {"原因"}, "options_2": {"价格 | Price\n服务 | Service"}}
	resp, _ := admin.post("/surveys/questionnaires", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	form.Set("branches_1", "0-6:1")
	if resp, body := admin.post("/surveys/questionnaires", form); resp.StatusCode != 400 || !strings.Contains(body, "skip forward") {
		t.Fatalf("backward branch: %d", resp.StatusCode)
	}
	// The demo's callback invitation (2) is answered by the agent on the phone.
	agent := newBrowser(t, srv)
	agent.signIn("agent1")
	resp, body := agent.get("/surveys/callback/2")
	if resp.StatusCode != 200 || !strings.Contains(body, `name="q1"`) {
		t.Fatalf("callback page: %d", resp.StatusCode)
	}
	resp, _ = agent.post("/surveys/callback/2", url.Values{"q1": {"5"}, "q3": {"10"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("callback answer: %d", resp.StatusCode)
	}
	if resp, _ := agent.post("/surveys/callback/2", url.Values{"q1": {"4"}}); resp.StatusCode != http.StatusConflict {
		t.Fatalf("second callback answer: %d", resp.StatusCode)
	}
	if resp, _ := agent.post("/surveys/callback/1", url.Values{"q1": {"4"}}); resp.StatusCode != 400 {
		t.Fatalf("link invitation answered as callback: %d", resp.StatusCode)
	}
}
