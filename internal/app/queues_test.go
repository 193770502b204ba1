package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/acd/acdstore"
)

func TestQueuesAPI(t *testing.T) {
	srv, a := testServer(t)
	ctx := context.Background()
	token := func(user string) string { return bearer(t, a, user) }
	admin, supervisor, agent := token("admin"), token("supervisor"), token("agent1")
	call := func(method, path, body, auth string) (int, map[string]any) {
		return apiCall(t, srv, auth, method, path, "", []byte(body))
	}
	agent1, _ := a.Auth.UserByUsername(ctx, "agent1")
	senior1, _ := a.Auth.UserByUsername(ctx, "senior1")
	qa, _ := a.Auth.UserByUsername(ctx, "qa")
	const newQueue = `{"code":"insurance","name_zh":"延保咨询","name_en":"Extended warranty","strategy":"top_down","priority":3,
		"sl_seconds":20,"wrap_up_seconds":10,"max_wait_seconds":120,"max_wait_action":"overflow","overflow_queue":"presales",
		"ring_seconds":15,"max_misses":2,"announce_seconds":30,"music_on_hold":"calm","join_empty":"no_agents","leave_empty":"no_active",
		"tier2_seconds":20,"tier3_seconds":60}`
	status, body := call("POST", "/api/v1/queues", newQueue, admin)
	if status != 201 || body["code"] != "insurance" || body["overflow_queue"] != "presales" || body["tier3_seconds"] != 60.0 || body["member_count"] != 0.0 {
		t.Fatalf("create: %d %v", status, body)
	}
	id := int64(body["id"].(float64))
	path := fmt.Sprintf("/api/v1/queues/%d", id)
	for _, c := range []struct {
		name, method, path, body, auth string
		status                         int
	}{
		{"list as supervisor", "GET", "/api/v1/queues", "", supervisor, 200},
		{"get as supervisor", "GET", path, "", supervisor, 200},
		{"agents do not read queue settings", "GET", path, "", agent, 403},
		{"supervisors do not create", "POST", "/api/v1/queues", newQueue, supervisor, 403},
		{"agents do not change", "PUT", path, newQueue, agent, 403},
		{"agents do not set members", "PUT", path + "/members", `{"members":[]}`, agent, 403},
		{"agents do not set skills", "PUT", fmt.Sprintf("/api/v1/agents/%d/skills", agent1.ID), `{"skills":[]}`, agent, 403},
		{"duplicate code", "POST", "/api/v1/queues", newQueue, admin, 400},
		{"unknown field", "POST", "/api/v1/queues", `{"code":"x","bogus":1}`, admin, 400},
		{"wrong type", "POST", "/api/v1/queues", `{"code":5}`, admin, 400},
		{"unknown strategy", "POST", "/api/v1/queues", `{"code":"x","name_zh":"x","name_en":"x","strategy":"random","sl_seconds":20}`, admin, 400},
		{"overflow to nowhere", "PUT", path, strings.Replace(newQueue, `"overflow_queue":"presales"`, `"overflow_queue":"nowhere"`, 1), admin, 400},
		{"code cannot change", "PUT", path, strings.Replace(newQueue, `"code":"insurance"`, `"code":"warranty"`, 1), admin, 400},
		{"tier 3 before tier 2", "PUT", path, strings.Replace(newQueue, `"tier3_seconds":60`, `"tier3_seconds":10`, 1), admin, 400},
		{"missing queue", "GET", "/api/v1/queues/99999", "", admin, 404},
		{"update missing queue", "PUT", "/api/v1/queues/99999", newQueue, admin, 404},
		{"members of missing queue", "PUT", "/api/v1/queues/99999/members", `{"members":[]}`, admin, 404},
		{"member twice", "PUT", path + "/members", fmt.Sprintf(`{"members":[{"agent_id":%d,"proficiency":3},{"agent_id":%d,"proficiency":4}]}`, agent1.ID, agent1.ID), admin, 400},
		{"member not an agent", "PUT", path + "/members", fmt.Sprintf(`{"members":[{"agent_id":%d,"proficiency":3}]}`, qa.ID), admin, 400},
		{"member proficiency", "PUT", path + "/members", fmt.Sprintf(`{"members":[{"agent_id":%d,"proficiency":9}]}`, agent1.ID), admin, 400},
		{"skills of a missing user", "GET", "/api/v1/agents/99999/skills", "", admin, 404},
		{"skill level", "PUT", fmt.Sprintf("/api/v1/agents/%d/skills", agent1.ID), `{"skills":[{"skill":"english","proficiency":6}]}`, admin, 400},
	} {
		if status, body := call(c.method, c.path, c.body, c.auth); status != c.status {
			t.Errorf("%s: %d %v, want %d", c.name, status, body, c.status)
		}
	}
	status, body = call("PUT", path, strings.Replace(newQueue, `"max_wait_action":"overflow"`, `"max_wait_action":"callback"`, 1), admin)
	if status != 200 || body["max_wait_action"] != "callback" || body["overflow_queue"] != "" {
		t.Fatalf("update: %d %v", status, body)
	}
	status, body = call("PUT", path+"/members", fmt.Sprintf(`{"members":[{"agent_id":%d,"proficiency":5,"tier":3},{"agent_id":%d,"proficiency":2}]}`, senior1.ID, agent1.ID), admin)
	members, _ := body["members"].([]any)
	if status != 200 || len(members) != 2 || body["member_count"] != 2.0 {
		t.Fatalf("set members: %d %v", status, body)
	}
	first := members[0].(map[string]any)
	if first["username"] != "senior1" || first["tier"] != 3.0 || first["tier_override"] != 3.0 || first["position"] != 0.0 {
		t.Fatalf("first member %v", first)
	}
	skillsPath := fmt.Sprintf("/api/v1/agents/%d/skills", agent1.ID)
	status, body = call("PUT", skillsPath, `{"skills":[{"skill":"English","proficiency":4},{"skill":"粤语","proficiency":2}]}`, admin)
	if status != 200 || len(body["skills"].([]any)) != 2 {
		t.Fatalf("set skills: %d %v", status, body)
	}
	if status, body = call("GET", skillsPath, "", supervisor); status != 200 || body["skills"].([]any)[0].(map[string]any)["skill"] != "english" {
		t.Fatalf("get skills: %d %v", status, body)
	}

	// The router gets what was stored.
	rq, err := a.Queues.Routing(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(rq, func(r acdstore.RoutingQueue) bool {
		return r.Queue.Code == "insurance"
	})
	if i < 0 || rq[i].Queue.MaxWaitAction != acd.ExitCallback || rq[i].Queue.RingSeconds != 15 ||
		!slices.Equal(rq[i].Members, []acd.Member{{Agent: senior1.ID, Proficiency: 5, Tier: 3, Order: 0}, {Agent: agent1.ID, Proficiency: 2, Tier: 1, Order: 1}}) {
		t.Fatalf("routing: %+v", rq)
	}
	skills, err := a.Queues.AllSkills(ctx)
	if err != nil || skills[agent1.ID]["english"] != 4 {
		t.Fatalf("skills for the router: %v %v", skills, err)
	}
}

func TestQueueSettingsConsole(t *testing.T) {
	srv, a := testServer(t)
	ctx := context.Background()
	b := newBrowser(t, srv)
	b.signIn("admin")
	resp, body := b.get("/settings")
	if resp.StatusCode != 200 || !strings.Contains(body, `href="/settings/queues"`) {
		t.Fatalf("settings page does not link the queue settings: %d", resp.StatusCode)
	}
	b.get("/settings/queues/new")
	form := url.Values{"code": {"kids"}, "name_zh": {"儿童平板"}, "name_en": {"Kids tablets"}, "strategy": {"round_robin"}, "priority": {"2"},
		"sl_seconds": {"20"}, "wrap_up_seconds": {"10"}, "max_wait_seconds": {"300"}, "max_wait_action": {"overflow"}, "overflow_queue": {"support"},
		"ring_seconds": {"18"}, "max_misses": {"2"}, "announce_seconds": {"45"}, "join_empty": {"no_agents"}, "leave_empty": {""},
		"tier2_seconds": {"30"}, "tier3_seconds": {"90"}}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("ring_seconds", "abc")
	resp, body = b.post("/settings/queues", bad)
	if resp.StatusCode != 400 || !strings.Contains(body, `data-testid="form-error"`) || !strings.Contains(body, `value="儿童平板"`) {
		t.Fatalf("bad number: %d", resp.StatusCode)
	}
	bad.Set("ring_seconds", "18")
	bad.Set("overflow_queue", "")
	if resp, _ = b.post("/settings/queues", bad); resp.StatusCode != 400 {
		t.Fatalf("overflow without a queue: %d", resp.StatusCode)
	}
	if qs, _ := a.Queues.Queues(ctx); slices.ContainsFunc(qs, func(q acdstore.QueueSummary) bool { return q.Code == "kids" }) {
		t.Fatal("a refused form created the queue")
	}
	resp, _ = b.post("/settings/queues", form)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/settings/queues/") {
		t.Fatalf("create: %d %s", resp.StatusCode, loc)
	}
	editPath := strings.SplitN(loc, "?", 2)[0]
	resp, body = b.get(loc)
	if resp.StatusCode != 200 || !strings.Contains(body, `data-testid="member-form"`) || !strings.Contains(body, `value="18"`) {
		t.Fatalf("edit page: %d", resp.StatusCode)
	}
	agent2, _ := a.Auth.UserByUsername(ctx, "agent2")
	expert, _ := a.Auth.UserByUsername(ctx, "expert")
	members := url.Values{"m0.agent": {fmt.Sprint(agent2.ID)}, "m0.proficiency": {"4"}, "m0.position": {"1"}, "m0.tier": {"0"},
		"m1.agent": {fmt.Sprint(expert.ID)}, "m1.proficiency": {"5"}, "m1.position": {"0"}, "m1.tier": {"2"},
		"m2.agent": {""}, "m2.proficiency": {"3"}, "m2.position": {"2"}, "m2.tier": {"0"}}
	members.Set("m0.proficiency", "7")
	if resp, body = b.post(editPath+"/members", members); resp.StatusCode != 400 || !strings.Contains(body, `data-testid="member-error"`) {
		t.Fatalf("bad proficiency: %d", resp.StatusCode)
	}
	members.Set("m0.proficiency", "4")
	if resp, _ = b.post(editPath+"/members", members); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("members: %d", resp.StatusCode)
	}
	var id int64
	fmt.Sscanf(strings.TrimPrefix(editPath, "/settings/queues/"), "%d", &id)
	ms, err := a.Queues.Members(ctx, id)
	if err != nil || len(ms) != 2 || ms[0].Username != "expert" || ms[0].Tier != 2 || ms[1].Username != "agent2" || ms[1].Proficiency != 4 {
		t.Fatalf("members %+v %v", ms, err)
	}
	members.Set("m1.remove", "1")
	b.post(editPath+"/members", members)
	if ms, _ = a.Queues.Members(ctx, id); len(ms) != 1 || ms[0].Username != "agent2" {
		t.Fatalf("after removing: %+v", ms)
	}
	form.Set("strategy", "best_skill")
	form.Set("code", "changed")
	if resp, _ = b.post(editPath, form); resp.StatusCode != 400 {
		t.Fatalf("code change: %d", resp.StatusCode)
	}
	form.Set("code", "kids")
	if resp, _ = b.post(editPath, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: %d", resp.StatusCode)
	}
	if q, _ := a.Queues.Queue(ctx, id); q.Strategy != acd.BestSkill || q.OverflowQueue != "support" || q.Tier3Seconds != 90 {
		t.Fatalf("updated %+v", q)
	}

	skillsPath := fmt.Sprintf("/settings/agents/%d/skills", agent2.ID)
	b.get(skillsPath)
	if resp, body = b.post(skillsPath, url.Values{"skills": {"english four"}}); resp.StatusCode != 400 || !strings.Contains(body, "english four") {
		t.Fatalf("bad skill line: %d", resp.StatusCode)
	}
	if resp, _ = b.post(skillsPath, url.Values{"skills": {"English 4\n粤语=2\n"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("skills: %d", resp.StatusCode)
	}
	if sk, _ := a.Queues.Skills(ctx, agent2.ID); len(sk) != 2 || sk[0].Name != "english" || sk[1].Proficiency != 2 {
		t.Fatalf("skills %+v", sk)
	}
	resp, body = b.get("/settings/queues")
	if resp.StatusCode != 200 || !strings.Contains(body, "english 4, 粤语 2") || !strings.Contains(body, "Kids tablets") {
		t.Fatalf("queue settings list: %d", resp.StatusCode)
	}

	sup := newBrowser(t, srv)
	sup.signIn("supervisor")
	if resp, body = sup.get("/queues"); resp.StatusCode != 200 || !strings.Contains(body, "Kids tablets") || strings.Contains(body, editPath) {
		t.Fatalf("supervisor's queue list: %d", resp.StatusCode)
	}
	if resp, _ = sup.post(editPath, form); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("supervisor saves queue settings: %d", resp.StatusCode)
	}
}

// The demo IVR asks the demo "Hotline hours" calendar (08:00-22:00 every day), and the
// runner's calendar adapter answers open, closed and holidays in the calendar's zone.
func TestDemoIVRUsesHotlineCalendar(t *testing.T) {
	_, a := testServer(t)
	ctx := context.Background()
	cals, err := a.Calendars.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, c := range cals {
		ids[c.NameEN] = c.ID
	}
	f, err := a.IVR.DefaultFlow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if h := f.Node("hours").Params.Hours; h == nil || h.CalendarID == 0 || h.CalendarID != ids["Hotline hours"] {
		t.Fatalf("the default flow's hours node: %+v, calendars %v", f.Node("hours"), ids)
	}
	if ps, err := a.IVR.Check(ctx, f); err != nil || len(ps) != 0 {
		t.Fatalf("default flow problems: %v %v", ps, err)
	}
	f.Node("hours").Params.Hours.CalendarID = 9999
	if ps, _ := a.IVR.Check(ctx, f); len(ps) != 1 || ps[0].Key != "calendar" {
		t.Fatalf("unknown calendar: %v", ps)
	}
	sh, _ := time.LoadLocation("Asia/Shanghai")
	for _, c := range []struct {
		calendar      string
		at            string
		open, holiday bool
	}{
		{"Hotline hours", "2026-11-24 07:59", false, false},
		{"Hotline hours", "2026-11-24 08:00", true, false},
		{"Hotline hours", "2026-10-01 21:59", true, false}, // the hotline works on National Day
		{"Hotline hours", "2026-11-28 22:00", false, false},
		{"Office hours", "2026-10-01 10:00", false, true},
		{"Office hours", "2026-10-10 10:00", true, false}, // a make-up working Saturday
	} {
		at, _ := time.ParseInLocation("2006-01-02 15:04", c.at, sh)
		open, holiday, err := a.IVRRunner.Calendars.HoursAt(ctx, ids[c.calendar], at.UTC())
		if err != nil || open != c.open || holiday != c.holiday {
			t.Errorf("%s at %s: open %v holiday %v %v", c.calendar, c.at, open, holiday, err)
		}
	}
	if _, _, err := a.IVRRunner.Calendars.HoursAt(ctx, 9999, time.Now()); err == nil {
		t.Error("a missing calendar answers")
	}
}

// The IVR editor offers the business calendars for an hours node and saves the choice.
func TestIVRConsoleHoursCalendar(t *testing.T) {
	srv, a := testServer(t)
	ctx := context.Background()
	b := newBrowser(t, srv)
	b.signIn("admin")
	f, err := a.IVR.DefaultFlow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cal := f.Node("hours").Params.Hours.CalendarID
	editor := fmt.Sprintf("/settings/ivr/%d", f.ID)
	resp, body := b.get(editor)
	if resp.StatusCode != 200 || !strings.Contains(body, fmt.Sprintf(`<option value="%d" selected>Hotline hours</option>`, cal)) {
		t.Fatalf("editor: %d", resp.StatusCode)
	}
	form := func(calendar string) url.Values {
		return url.Values{"name": {f.Name}, "language": {f.Language}, "start": {"hours"}, "version": {fmt.Sprint(f.Version)}, "nodes": {"4"},
			"n0.id": {"hours"}, "n0.kind": {"hours"}, "n0.calendar_id": {calendar},
			"n0.exit0.name": {"open"}, "n0.exit0.to": {"q"}, "n0.exit1.name": {"closed"}, "n0.exit1.to": {"vm"},
			"n1.id": {"q"}, "n1.kind": {"queue"}, "n1.queue": {"support"},
			"n2.id": {"vm"}, "n2.kind": {"voicemail"}, "n2.box": {"closed"},
			"n3.id": {""}, "n3.kind": {"play"}}
	}
	if resp, body = b.post(editor, form("9999")); resp.StatusCode != 400 || !strings.Contains(body, "Business calendar 9999 does not exist.") {
		t.Fatalf("unknown calendar: %d", resp.StatusCode)
	}
	if resp, _ = b.post(editor, form(fmt.Sprint(cal))); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	saved, _ := a.IVR.Flow(ctx, f.ID)
	if h := saved.Node("hours").Params.Hours; h.CalendarID != cal || h.Week != nil {
		t.Fatalf("saved hours %+v", h)
	}
}
