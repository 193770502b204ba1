package app_test

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hotlinecc/hotline/internal/app"
	"github.com/hotlinecc/hotline/internal/kb"
)

// The knowledge console over the demo center: search in Chinese with highlighting,
// writing with versions, bad input, the script panel, and announcements from posting to
// read receipts.
func TestKnowledgeConsole(t *testing.T) {
	srv, a := testServer(t)
	agent := newBrowser(t, srv)
	agent.lang = "zh-CN"
	agent.signIn("agent1")

	resp, body := agent.get("/kb?q=" + url.QueryEscape("无法开机"))
	if resp.StatusCode != 200 || !strings.Contains(body, "电脑<mark>无法开机</mark>的排查步骤") {
		t.Fatalf("search 无法开机: %d", resp.StatusCode)
	}
	resp, body = agent.do("GET", "/kb?q="+url.QueryEscape("电池"), nil, map[string]string{"HX-Request": "true", "HX-Target": "kb-results"})
	if resp.StatusCode != 200 || strings.Contains(body, "<html") || !strings.Contains(body, "笔记本<mark>电池</mark>不充电怎么办") {
		t.Fatalf("htmx results: %d %s", resp.StatusCode, body)
	}
	// The draft is not shown to first-line agents, not even by its address.
	_, body = agent.get("/kb?status=draft")
	if strings.Contains(body, "E14 Gen 6 新品配置说明") {
		t.Error("agent sees a draft in search")
	}
	draft := findArticle(t, a, "E14 Gen 6 新品配置说明（待发布）")
	if resp, _ = agent.get("/kb/articles/" + draft); resp.StatusCode != 404 {
		t.Errorf("agent opens a draft: %d", resp.StatusCode)
	}
	// Article bodies are rendered from the Markdown subset, escaped.
	resp, body = agent.get("/kb/articles/" + findArticle(t, a, "笔记本电池不充电怎么办"))
	if resp.StatusCode != 200 || !strings.Contains(body, "<strong>电池养护模式</strong>") || !strings.Contains(body, "<ol>") {
		t.Fatalf("article page: %d", resp.StatusCode)
	}
	// The badge counts the one published announcement.
	if !strings.Contains(body, `data-testid="unread-count" title="1 条未读公告">1<`) {
		t.Error("no unread badge for agent1")
	}

	// The script panel for another page's side panel: a fragment with the type's steps,
	// the general greeting, and articles tagged with the type.
	resp, body = agent.do("GET", "/kb/scripts?type=repair&topic="+url.QueryEscape("电脑无法开机"), nil, map[string]string{"HX-Request": "true"})
	if resp.StatusCode != 200 || strings.Contains(body, "<html") || !strings.Contains(body, "欢迎致电服务热线") ||
		!strings.Contains(body, "请提供产品序列号和购买日期") || !strings.Contains(body, "电脑无法开机的排查步骤") {
		t.Fatalf("script panel: %d %s", resp.StatusCode, body)
	}
	if resp, _ = agent.do("GET", "/kb/scripts?type=Bad+Type", nil, map[string]string{"HX-Request": "true"}); resp.StatusCode != 400 {
		t.Errorf("bad type: %d", resp.StatusCode)
	}
	// An agent without kb.write cannot save a script.
	agent.get("/kb/scripts")
	if resp, _ = agent.post("/kb/scripts", url.Values{"type": {"repair"}, "step": {"close"}, "body": {"x"}}); resp.StatusCode != 403 {
		t.Errorf("agent saves script: %d", resp.StatusCode)
	}

	// The expert writes: bad input is shown again and changes nothing.
	expert := newBrowser(t, srv)
	expert.signIn("expert")
	expert.get("/kb/articles/new")
	resp, body = expert.post("/kb/articles", url.Values{"title": {""}, "body": {"正文"}, "status": {"published"}, "tags": {"support"}})
	if resp.StatusCode != 400 || !strings.Contains(body, "Title must have 1 to 200 characters.") || !strings.Contains(body, "正文") {
		t.Fatalf("empty title: %d", resp.StatusCode)
	}
	resp, _ = expert.post("/kb/articles", url.Values{"title": {"x"}, "body": {"y"}, "category_id": {"abc"}})
	if resp.StatusCode != 400 {
		t.Errorf("bad category: %d", resp.StatusCode)
	}
	before := countArticles(t, a)
	resp, _ = expert.post("/kb/articles", url.Values{"title": {"扩展坞无法识别显示器"}, "body": {"先更新扩展坞固件。<script>alert(1)</script>"}, "status": {"published"}, "tags": {"support，扩展坞"}})
	if resp.StatusCode != 303 || countArticles(t, a) != before+1 {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	id := regexp.MustCompile(`/kb/articles/(\d+)`).FindStringSubmatch(loc)[1]
	resp, body = expert.get("/kb/articles/" + id)
	if strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;") || !strings.Contains(body, "#扩展坞") {
		t.Fatal("article body not escaped or tags lost")
	}
	expert.get("/kb/articles/" + id + "/edit")
	resp, _ = expert.post("/kb/articles/"+id, url.Values{"title": {"扩展坞无法识别外接显示器"}, "body": {"先更新扩展坞固件，再换线。"}, "status": {"published"}, "base_version": {"1"}, "note": {"补充换线"}})
	if resp.StatusCode != 303 {
		t.Fatalf("update: %d", resp.StatusCode)
	}
	// A stale form (based on version 1) is refused with 409 and the text kept.
	resp, body = expert.post("/kb/articles/"+id, url.Values{"title": {"旧稿"}, "body": {"旧稿正文"}, "status": {"published"}, "base_version": {"1"}})
	if resp.StatusCode != 409 || !strings.Contains(body, "旧稿正文") {
		t.Fatalf("stale save: %d", resp.StatusCode)
	}
	resp, body = expert.get("/kb/articles/" + id + "/versions?v=2")
	if resp.StatusCode != 200 || !strings.Contains(body, "补充换线") || !strings.Contains(body, `class="dadd">+ 先更新扩展坞固件，再换线。`) {
		t.Fatalf("versions: %d %s", resp.StatusCode, body)
	}
	if resp, _ = expert.get("/kb/articles/" + id + "/versions?v=9"); resp.StatusCode != 404 {
		t.Errorf("missing version: %d", resp.StatusCode)
	}
	resp, _ = expert.post("/kb/articles/"+id+"/versions/1/restore", nil)
	if resp.StatusCode != 303 {
		t.Fatalf("restore: %d", resp.StatusCode)
	}
	if resp, body = agent.get("/kb?q=" + url.QueryEscape("扩展坞")); !strings.Contains(body, "<mark>扩展坞</mark>无法识别显示器") {
		t.Error("restored title not found by search")
	}
	// Categories: a duplicate name is refused on the page.
	expert.get("/kb/categories")
	if resp, body = expert.post("/kb/categories", url.Values{"name": {"服务政策"}}); resp.StatusCode != 400 || !strings.Contains(body, "A category of this name exists") {
		t.Errorf("duplicate category: %d", resp.StatusCode)
	}
	if resp, _ = expert.post("/kb/categories", url.Values{"name": {"配件"}, "position": {"x"}}); resp.StatusCode != 400 {
		t.Errorf("bad position: %d", resp.StatusCode)
	}
	if resp, _ = expert.post("/kb/categories", url.Values{"name": {"配件"}, "position": {"3"}}); resp.StatusCode != 303 {
		t.Errorf("new category: %d", resp.StatusCode)
	}
	// Scripts: the expert edits the repair closing; a bad step is refused.
	if resp, _ = expert.post("/kb/scripts", url.Values{"type": {"repair"}, "step": {"close"}, "body": {"维修结束语（新）"}}); resp.StatusCode != 303 {
		t.Errorf("save script: %d", resp.StatusCode)
	}
	if resp, _ = expert.post("/kb/scripts", url.Values{"type": {"repair"}, "step": {"goodbye"}, "body": {"x"}}); resp.StatusCode != 400 {
		t.Errorf("bad step: %d", resp.StatusCode)
	}
	if _, body = agent.get("/kb/scripts?type=repair"); !strings.Contains(body, "维修结束语（新）") {
		t.Error("saved script not shown")
	}

	// Announcements: the expert posts; the agent neither sees nor acknowledges it; the
	// expert cannot approve (route), the supervisor does; the agent acknowledges; the
	// supervisor sees the receipt.
	expert.get("/announcements/new")
	if resp, _ = expert.post("/announcements", url.Values{"kind": {"quality"}, "source": {"质量部"}, "title": {"X1 批次电池召回"}, "body": {"序列号 PF3 开头的机器免费更换电池。"},
		"effective_from": {"2026-03-01"}, "effective_to": {"2026-02-01"}}); resp.StatusCode != 400 {
		t.Errorf("end before start: %d", resp.StatusCode)
	}
	if resp, _ = expert.post("/announcements", url.Values{"kind": {"quality"}, "source": {"质量部"}, "title": {"x"}, "body": {"y"}, "effective_from": {"03/01/2026"}}); resp.StatusCode != 400 {
		t.Errorf("bad date: %d", resp.StatusCode)
	}
	resp, _ = expert.post("/announcements", url.Values{"kind": {"quality"}, "source": {"质量部"}, "title": {"X1 批次电池召回"}, "body": {"序列号 PF3 开头的机器免费更换电池。"}})
	if resp.StatusCode != 303 {
		t.Fatalf("post announcement: %d", resp.StatusCode)
	}
	annID := regexp.MustCompile(`/announcements/(\d+)`).FindStringSubmatch(resp.Header.Get("Location"))[1]
	if resp, _ = agent.get("/announcements/" + annID); resp.StatusCode != 404 {
		t.Errorf("agent sees pending: %d", resp.StatusCode)
	}
	if resp, _ = expert.post("/announcements/"+annID+"/approve", nil); resp.StatusCode != 403 {
		t.Errorf("expert approves: %d", resp.StatusCode)
	}
	super := newBrowser(t, srv)
	super.signIn("supervisor")
	if resp, body = super.post("/announcements/"+annID+"/reject", url.Values{"note": {""}}); resp.StatusCode != 400 {
		t.Errorf("reject without reason: %d", resp.StatusCode)
	}
	if resp, _ = super.post("/announcements/"+annID+"/approve", nil); resp.StatusCode != 303 {
		t.Fatalf("approve: %d", resp.StatusCode)
	}
	if resp, _ = super.post("/announcements/"+annID+"/approve", nil); resp.StatusCode != 409 {
		t.Errorf("approve twice: %d", resp.StatusCode)
	}
	_, body = agent.get("/announcements")
	if !strings.Contains(body, `data-testid="unread-count" title="2 条未读公告">2<`) || !strings.Contains(body, `data-shortcut="a"`) || !strings.Contains(body, "我已阅读") {
		t.Fatal("agent list: no badge of 2 or no acknowledge button")
	}
	agent.get("/announcements/" + annID)
	if resp, _ = agent.post("/announcements/"+annID+"/ack", nil); resp.StatusCode != 303 {
		t.Fatalf("ack: %d", resp.StatusCode)
	}
	_, body = agent.get("/announcements")
	if !strings.Contains(body, `title="1 条未读公告">1<`) {
		t.Error("badge did not drop to 1")
	}
	resp, body = super.get("/announcements/" + annID)
	if resp.StatusCode != 200 || !strings.Contains(body, "1 read,") || !regexp.MustCompile(`王伟</td><td class="muted">agent1</td><td>\d{4}-`).MatchString(body) {
		t.Fatalf("receipts: %d", resp.StatusCode)
	}
	if strings.Contains(body, "吴强") || strings.Contains(body, "黄师傅") {
		t.Error("receipts list users who do not read knowledge")
	}
}

// findArticle returns the id of the article with title, as a path segment.
func findArticle(t *testing.T, a *app.App, title string) string {
	t.Helper()
	admin, _ := a.Auth.UserByUsername(context.Background(), "admin")
	r, err := a.KB.Search(context.Background(), admin, kb.Filter{Status: "all", Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, art := range r.Articles {
		if art.Title == title {
			return strconv.FormatInt(art.ID, 10)
		}
	}
	t.Fatalf("no article %q", title)
	return ""
}

func countArticles(t *testing.T, a *app.App) int {
	t.Helper()
	admin, _ := a.Auth.UserByUsername(context.Background(), "admin")
	r, err := a.KB.Search(context.Background(), admin, kb.Filter{Status: "all"})
	if err != nil {
		t.Fatal(err)
	}
	return r.Total
}

func TestKnowledgeAPI(t *testing.T) {
	srv, a := testServer(t)
	token := func(username string) string { return bearer(t, a, username) }
	agent, expert, super := token("agent1"), token("expert"), token("supervisor")
	call := func(method, path, body, auth string) (int, map[string]any) {
		return apiCall(t, srv, auth, method, path, "", []byte(body))
	}
	items := func(m map[string]any) []any { l, _ := m["items"].([]any); return l }
	field := func(v any, k string) any { m, _ := v.(map[string]any); return m[k] }

	status, out := call("GET", "/api/v1/kb/articles?q="+url.QueryEscape("电池"), "", agent)
	if status != 200 || len(items(out)) == 0 || field(items(out)[0], "title") != "笔记本电池不充电怎么办" {
		t.Fatalf("search: %d %v", status, out)
	}
	status, out = call("GET", "/api/v1/kb/articles?q=serial+number", "", agent)
	if status != 200 || field(items(out)[0], "title") != "How to find the serial number" {
		t.Fatalf("English search: %d %v", status, out)
	}
	for _, c := range []struct {
		name, method, path, body, auth string
		status                         int
	}{
		{"bad category param", "GET", "/api/v1/kb/articles?category=x", "", agent, 400},
		{"bad limit", "GET", "/api/v1/kb/articles?limit=-1", "", agent, 400},
		{"agent creates", "POST", "/api/v1/kb/articles", `{"title":"x","body":"y"}`, agent, 403},
		{"unknown field", "POST", "/api/v1/kb/articles", `{"title":"x","body":"y","html":"<b>"}`, expert, 400},
		{"wrong type", "POST", "/api/v1/kb/articles", `{"title":"x","body":"y","tags":"a"}`, expert, 400},
		{"empty body", "POST", "/api/v1/kb/articles", `{"title":"x","body":""}`, expert, 400},
		{"bad status", "POST", "/api/v1/kb/articles", `{"title":"x","body":"y","status":"live"}`, expert, 400},
		{"missing article", "GET", "/api/v1/kb/articles/99999", "", agent, 404},
		{"agent versions", "GET", "/api/v1/kb/articles/1/versions", "", agent, 403},
		{"bad script type", "GET", "/api/v1/kb/scripts?type=Bad!", "", agent, 400},
		{"agent posts announcement", "POST", "/api/v1/announcements", `{"kind":"price","source":"x","title":"x","body":"y"}`, agent, 403},
		{"bad kind", "POST", "/api/v1/announcements", `{"kind":"gossip","source":"x","title":"x","body":"y"}`, expert, 400},
		{"expert approves", "POST", "/api/v1/announcements/1/approve", "", expert, 403},
		{"expert reads receipts", "GET", "/api/v1/announcements/2/reads", "", expert, 403},
		{"ack pending", "POST", "/api/v1/announcements/1/ack", "", agent, 404},
		{"reject without note", "POST", "/api/v1/announcements/1/reject", `{"note":""}`, super, 400},
		{"agent categories", "POST", "/api/v1/kb/categories", `{"name":"x"}`, agent, 403},
	} {
		if status, out := call(c.method, c.path, c.body, c.auth); status != c.status {
			t.Errorf("%s: %d %v, want %d", c.name, status, out, c.status)
		}
	}
	if n := countArticles(t, a); n != 15 {
		t.Errorf("bad requests stored articles: %d", n)
	}
	status, out = call("POST", "/api/v1/kb/articles", `{"title":"E14 指纹识别失灵","body":"重新录入指纹。","tags":["support"],"status":"published"}`, expert)
	if status != 201 || out["version"] != 1.0 || out["author_name"] != "周杰" {
		t.Fatalf("create: %d %v", status, out)
	}
	id := strconv.FormatFloat(out["id"].(float64), 'f', 0, 64)
	status, out = call("PUT", "/api/v1/kb/articles/"+id, `{"title":"E14 指纹识别失灵","body":"先更新指纹驱动，再重新录入指纹。","status":"published","base_version":1,"note":"驱动"}`, expert)
	if status != 200 || out["version"] != 2.0 {
		t.Fatalf("update: %d %v", status, out)
	}
	if status, _ = call("PUT", "/api/v1/kb/articles/"+id, `{"title":"x","body":"y","base_version":1}`, expert); status != 409 {
		t.Errorf("stale update: %d", status)
	}
	status, out = call("GET", "/api/v1/kb/articles/"+id+"/versions", "", expert)
	if status != 200 || out["total"] != 2.0 || field(items(out)[1], "body") != "重新录入指纹。" {
		t.Fatalf("versions: %d %v", status, out)
	}
	status, out = call("GET", "/api/v1/kb/scripts?type=complaint&topic="+url.QueryEscape("退货"), "", agent)
	steps, _ := out["steps"].([]any)
	sug, _ := out["suggested"].([]any)
	if status != 200 || len(steps) != 5 || field(steps[0], "general") != false || len(sug) == 0 || field(sug[0], "title") != "退换货政策" {
		t.Fatalf("script: %d %v", status, out)
	}
	// Announcements: the agent's list flags the unread one; ack clears it; receipts.
	status, out = call("GET", "/api/v1/announcements", "", agent)
	if status != 200 || len(items(out)) != 1 || field(items(out)[0], "unread") != true {
		t.Fatalf("list: %d %v", status, out)
	}
	if status, out = call("POST", "/api/v1/announcements/2/ack", "", agent); status != 200 || out["unread"] != false || out["read_at"] == nil {
		t.Fatalf("ack: %d %v", status, out)
	}
	status, out = call("GET", "/api/v1/announcements/2/reads", "", super)
	read, _ := out["read"].([]any)
	if status != 200 || len(read) != 1 || field(read[0], "username") != "agent1" {
		t.Fatalf("reads: %d %v", status, out)
	}
	if status, out = call("POST", "/api/v1/announcements/1/reject", `{"note":"促销细则未定"}`, super); status != 200 || out["status"] != "rejected" {
		t.Fatalf("reject: %d %v", status, out)
	}
	if status, _ = call("POST", "/api/v1/announcements/1/approve", "", super); status != 409 {
		t.Errorf("approve a rejected one: %d", status)
	}
	status, out = call("POST", "/api/v1/announcements", `{"kind":"product","source":"产品部","title":"新品上市","body":"E14 Gen 6 上市。","effective_to":"2030-01-01T00:00:00Z"}`, super)
	if status != 201 || out["status"] != "pending" {
		t.Fatalf("post: %d %v", status, out)
	}
}
