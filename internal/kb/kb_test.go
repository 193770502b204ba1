package kb_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
	"github.com/hotlinecc/hotline/internal/kb"
)

// people are the users of a test: a curator (admin), a supervisor, an expert agent who
// writes knowledge, a first-line agent and a QA reviewer who read it, and an analyst who
// does not read it.
type people struct {
	admin, supervisor, expert, agent, qa, analyst, disabled *auth.User
}

func setup(t *testing.T, d *db.DB) (*kb.Service, people) {
	t.Helper()
	ctx := context.Background()
	a := auth.NewService(d, auth.Options{})
	mk := func(username, name string, role auth.Role, tier int) *auth.User {
		in := auth.UserInput{Username: username, DisplayName: &name, Role: &role, Password: "long-enough-pw"}
		if tier > 0 {
			in.Tier = &tier
		}
		u, err := a.CreateUser(ctx, auth.ActorSystem, in)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	p := people{
		admin:      mk("admin", "管理员", auth.RoleAdmin, 0),
		supervisor: mk("super", "李娜", auth.RoleSupervisor, 0),
		expert:     mk("expert", "周杰", auth.RoleAgent, auth.TierExpert),
		agent:      mk("agent", "王伟", auth.RoleAgent, auth.TierFirstLine),
		qa:         mk("qa", "孙丽", auth.RoleQA, 0),
		analyst:    mk("analyst", "吴强", auth.RoleAnalyst, 0),
		disabled:   mk("gone", "离职坐席", auth.RoleAgent, auth.TierFirstLine),
	}
	yes := true
	if _, err := a.UpdateUser(ctx, auth.ActorSystem, p.disabled.ID, auth.UserInput{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	return kb.New(d, events.New(d)), p
}

func code(err error) errs.Code { return errs.CodeOf(err) }

var corpus = []kb.ArticleInput{
	{Title: "笔记本电池不充电怎么办", Body: "先检查电源适配器指示灯。\n\n若电池鼓包，请停止使用并预约维修。", Tags: []string{"support", "电池"}, Status: kb.Published},
	{Title: "电脑无法开机的排查步骤", Body: "1. 长按电源键 15 秒放电\n2. 拔掉外接设备后再试", Tags: []string{"support", "repair"}, Status: kb.Published},
	{Title: "蓝屏后无法进入系统", Body: "记录蓝屏代码，进入安全模式卸载最近的驱动。", Tags: []string{"support"}, Status: kb.Published},
	{Title: "Battery not charging on ThinkPad X1", Body: "Check the AC adapter LED. Reset the embedded controller: hold the power button for 15 seconds.", Tags: []string{"support"}, Status: kb.Published},
	{Title: "E14 键盘失灵", Body: "E14 机型键盘驱动可在官网下载。", Tags: []string{"support"}, Status: kb.Published},
	{Title: "保修政策（草稿）", Body: "整机保修两年，电池保修一年。", Tags: []string{"presales"}, Status: kb.Draft},
}

func TestSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, p := setup(t, d)
		ids := map[string]int64{}
		for _, in := range corpus {
			a, err := s.CreateArticle(ctx, p.expert, in)
			if err != nil {
				t.Fatal(err)
			}
			ids[in.Title] = a.ID
		}
		tests := []struct {
			who   *auth.User
			q     string
			tag   string
			first string // title of the first result ("" for none)
			count int
		}{
			{p.agent, "电池", "", "笔记本电池不充电怎么办", 1}, // the draft also says 电池 but agents see published only
			{p.expert, "电池", "", "笔记本电池不充电怎么办", 1},
			{p.agent, "无法开机", "", "电脑无法开机的排查步骤", 1},
			{p.agent, "笔记本不充电", "", "笔记本电池不充电怎么办", 1},
			{p.agent, "battery charging", "", "Battery not charging on ThinkPad X1", 1},
			{p.agent, "thinkpad x1", "", "Battery not charging on ThinkPad X1", 1},
			{p.agent, "e14", "", "E14 键盘失灵", 1},
			{p.agent, "蓝屏", "", "蓝屏后无法进入系统", 1},
			{p.agent, "无法", "", "", 2}, // two titles hold 无法
			{p.agent, "屏", "", "蓝屏后无法进入系统", 1},
			{p.agent, "打印机卡纸", "", "", 0},
			{p.agent, "the", "", "", 0},
			{p.agent, "", "repair", "电脑无法开机的排查步骤", 1},
			{p.agent, "", "", "", 5},
			{p.qa, "保修", "", "", 0},
		}
		for _, tt := range tests {
			r, err := s.Search(ctx, tt.who, kb.Filter{Query: tt.q, Tag: tt.tag})
			if err != nil {
				t.Fatalf("%q: %v", tt.q, err)
			}
			if len(r.Articles) != tt.count || r.Total != tt.count {
				var titles []string
				for _, a := range r.Articles {
					titles = append(titles, a.Title)
				}
				t.Errorf("search %q tag %q as %s: %d results %q (total %d), want %d", tt.q, tt.tag, tt.who.Username, len(r.Articles), titles, r.Total, tt.count)
				continue
			}
			if tt.first != "" && r.Articles[0].Title != tt.first {
				t.Errorf("search %q: first %q, want %q", tt.q, r.Articles[0].Title, tt.first)
			}
		}
		// Title outranks body: 电池 is in one title and in the other article's body.
		r, _ := s.Search(ctx, p.expert, kb.Filter{Query: "电池", Status: "all"})
		if r.Total != 2 || r.Articles[0].Title != "笔记本电池不充电怎么办" || r.Articles[0].Score <= r.Articles[1].Score {
			t.Errorf("ranking: %+v", r.Articles)
		}
		// A reader cannot widen the status; a writer can ask for drafts.
		if r, _ := s.Search(ctx, p.agent, kb.Filter{Status: "draft"}); r.Total != 5 {
			t.Errorf("agent asking for drafts got %d", r.Total)
		}
		if r, _ := s.Search(ctx, p.expert, kb.Filter{Status: "draft"}); r.Total != 1 {
			t.Errorf("expert drafts: %d", r.Total)
		}
		if _, err := s.Search(ctx, p.expert, kb.Filter{Status: "bogus"}); code(err) != errs.Invalid {
			t.Errorf("bad status: %v", err)
		}
		if _, err := s.Search(ctx, p.analyst, kb.Filter{Query: "电池"}); code(err) != errs.Forbidden {
			t.Errorf("analyst search: %v", err)
		}
		// Paging keeps the total.
		r, _ = s.Search(ctx, p.agent, kb.Filter{Limit: 2, Offset: 4})
		if r.Total != 5 || len(r.Articles) != 1 {
			t.Errorf("paging: %d of %d", len(r.Articles), r.Total)
		}
		// Suggest: tagged and matching first, then matching, then tagged.
		sug, err := s.Suggest(ctx, "客户说电脑无法开机", "repair", 3)
		if err != nil || len(sug) == 0 || sug[0].ID != ids["电脑无法开机的排查步骤"] {
			t.Fatalf("suggest: %v %v", sug, err)
		}
		sug, _ = s.Suggest(ctx, "", "support", 10)
		if len(sug) != 5 {
			t.Errorf("suggest by type: %d", len(sug))
		}
		sug, _ = s.Suggest(ctx, "电池", "presales", 10)
		if len(sug) != 1 || sug[0].Title != "笔记本电池不充电怎么办" {
			t.Errorf("suggest does not show drafts to agents: %v", sug)
		}
	})
}

func TestArticleVersions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, p := setup(t, d)
		cat, err := s.CreateCategory(ctx, p.expert, kb.CategoryInput{Name: "电池与电源"})
		if err != nil {
			t.Fatal(err)
		}
		a, err := s.CreateArticle(ctx, p.expert, kb.ArticleInput{Title: "电池保养", Body: "第一版", CategoryID: cat.ID, Tags: []string{"Support", "support", "电池"}})
		if err != nil {
			t.Fatal(err)
		}
		if a.Version != 1 || a.Status != kb.Draft || a.CategoryName != "电池与电源" || len(a.Tags) != 2 || a.AuthorName != "周杰" {
			t.Fatalf("created %+v", a)
		}
		// Agents do not see drafts.
		if _, err := s.Article(ctx, p.agent, a.ID); code(err) != errs.NotFound {
			t.Errorf("agent reads draft: %v", err)
		}
		a, err = s.UpdateArticle(ctx, p.supervisor, a.ID, kb.ArticleInput{Title: "电池保养指南", Body: "第二版：避免长期满电。", Status: kb.Published, BaseVersion: 1, Note: "补充"})
		if err != nil {
			t.Fatal(err)
		}
		if a.Version != 2 || a.UpdatedByName != "李娜" || a.AuthorName != "周杰" || a.CategoryID != 0 || len(a.Tags) != 0 {
			t.Fatalf("updated %+v", a)
		}
		// A save based on an old version is refused and changes nothing.
		if _, err := s.UpdateArticle(ctx, p.expert, a.ID, kb.ArticleInput{Title: "覆盖", Body: "x", BaseVersion: 1}); code(err) != errs.Conflict {
			t.Fatalf("stale save: %v", err)
		}
		// The index follows the text: the old title's terms are gone.
		if r, _ := s.Search(ctx, p.agent, kb.Filter{Query: "满电"}); r.Total != 1 {
			t.Errorf("new text not indexed")
		}
		if r, _ := s.Search(ctx, p.agent, kb.Filter{Query: "第一版"}); r.Total != 0 {
			t.Errorf("old text still indexed")
		}
		vs, err := s.Versions(ctx, p.expert, a.ID)
		if err != nil || len(vs) != 2 || vs[0].Version != 2 || vs[1].Body != "第一版" || vs[1].SavedByName != "周杰" || vs[0].Note != "补充" || vs[1].CategoryID != cat.ID {
			t.Fatalf("versions %+v %v", vs, err)
		}
		if _, err := s.Versions(ctx, p.agent, a.ID); code(err) != errs.Forbidden {
			t.Errorf("agent reads versions: %v", err)
		}
		// Restoring version 1 makes version 3 with its text, category and tags.
		a, err = s.RestoreVersion(ctx, p.expert, a.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if a.Version != 3 || a.Body != "第一版" || a.CategoryID != cat.ID || len(a.Tags) != 2 || a.Status != kb.Draft {
			t.Fatalf("restored %+v", a)
		}
		v3, err := s.Version(ctx, p.expert, a.ID, 3)
		if err != nil || v3.Note != "restored version 1" {
			t.Fatalf("v3 %+v %v", v3, err)
		}
		if _, err := s.Version(ctx, p.expert, a.ID, 9); code(err) != errs.NotFound {
			t.Errorf("missing version: %v", err)
		}
		if _, err := s.RestoreVersion(ctx, p.agent, a.ID, 1); code(err) != errs.Forbidden {
			t.Errorf("agent restores: %v", err)
		}
		// Bad input is refused with the field named, and nothing is stored.
		for _, in := range []kb.ArticleInput{
			{Title: "", Body: "x"},
			{Title: "x", Body: "  "},
			{Title: "x", Body: "y", Status: "live"},
			{Title: "x", Body: "y", CategoryID: 999},
			{Title: string(make([]rune, kb.MaxTitle+1)), Body: "y"},
		} {
			if _, err := s.CreateArticle(ctx, p.expert, in); code(err) != errs.Invalid {
				t.Errorf("invalid %+v: %v", in, err)
			}
		}
		if _, err := s.CreateArticle(ctx, p.agent, kb.ArticleInput{Title: "x", Body: "y"}); code(err) != errs.Forbidden {
			t.Errorf("agent writes: %v", err)
		}
		if r, _ := s.Search(ctx, p.expert, kb.Filter{Status: "all"}); r.Total != 1 {
			t.Errorf("%d articles stored", r.Total)
		}
		if _, err := s.UpdateArticle(ctx, p.expert, 999, kb.ArticleInput{Title: "x", Body: "y"}); code(err) != errs.NotFound {
			t.Errorf("update missing: %v", err)
		}
	})
}

func TestCategories(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, p := setup(t, d)
		hw, err := s.CreateCategory(ctx, p.expert, kb.CategoryInput{Name: "硬件故障"})
		if err != nil {
			t.Fatal(err)
		}
		bat, err := s.CreateCategory(ctx, p.expert, kb.CategoryInput{Name: "电池", ParentID: hw.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateCategory(ctx, p.expert, kb.CategoryInput{Name: "政策"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateCategory(ctx, p.expert, kb.CategoryInput{Name: "电池", ParentID: hw.ID}); code(err) != errs.Invalid {
			t.Errorf("duplicate name: %v", err)
		}
		if _, err := s.CreateCategory(ctx, p.expert, kb.CategoryInput{Name: "政策"}); code(err) != errs.Invalid {
			t.Errorf("duplicate top-level name: %v", err)
		}
		if err := s.UpdateCategory(ctx, p.expert, hw.ID, kb.CategoryInput{Name: "硬件故障", ParentID: bat.ID}); code(err) != errs.Invalid {
			t.Errorf("cycle: %v", err)
		}
		if _, err := s.CreateCategory(ctx, p.agent, kb.CategoryInput{Name: "x"}); code(err) != errs.Forbidden {
			t.Errorf("agent creates category: %v", err)
		}
		cats, err := s.Categories(ctx)
		if err != nil || len(cats) != 3 || cats[0].Name != "政策" || cats[1].Name != "硬件故障" || cats[2].Name != "电池" || cats[2].Depth != 1 {
			t.Fatalf("tree %+v %v", cats, err)
		}
		if _, err := s.CreateArticle(ctx, p.expert, kb.ArticleInput{Title: "电池不充电", Body: "x", CategoryID: bat.ID, Status: kb.Published}); err != nil {
			t.Fatal(err)
		}
		// Filtering by a category includes the categories below it.
		if r, _ := s.Search(ctx, p.agent, kb.Filter{CategoryID: hw.ID}); r.Total != 1 {
			t.Errorf("category subtree: %d", r.Total)
		}
		if err := s.DeleteCategory(ctx, p.expert, bat.ID); code(err) != errs.Conflict {
			t.Errorf("delete used category: %v", err)
		}
		if err := s.DeleteCategory(ctx, p.expert, hw.ID); code(err) != errs.Conflict {
			t.Errorf("delete parent: %v", err)
		}
		if err := s.DeleteCategory(ctx, p.expert, cats[0].ID); err != nil {
			t.Errorf("delete empty: %v", err)
		}
		if err := s.DeleteCategory(ctx, p.expert, cats[0].ID); code(err) != errs.NotFound {
			t.Errorf("delete twice: %v", err)
		}
	})
}

func TestScripts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, p := setup(t, d)
		for _, c := range []struct{ typ, step, body string }{
			{"", "greeting", "您好，欢迎致电服务热线，工号 1024 为您服务。"},
			{"", "close", "感谢您的来电，祝您生活愉快！"},
			{"repair", "verify", "请提供产品序列号和购买日期。"},
			{"repair", "close", "维修工程师会在 24 小时内联系您。"},
		} {
			if err := s.SaveScript(ctx, p.expert, c.typ, c.step, c.body); err != nil {
				t.Fatal(err)
			}
		}
		steps, err := s.Script(ctx, p.agent, "repair")
		if err != nil || len(steps) != len(kb.Steps) {
			t.Fatalf("script %v %v", steps, err)
		}
		want := []struct {
			body    string
			general bool
		}{
			{"您好，欢迎致电服务热线，工号 1024 为您服务。", true},
			{"请提供产品序列号和购买日期。", false},
			{"", true},
			{"", true},
			{"维修工程师会在 24 小时内联系您。", false},
		}
		for i, w := range want {
			if steps[i].Step != kb.Steps[i] || steps[i].Body != w.body || steps[i].General != w.general {
				t.Errorf("step %d: %+v, want %+v", i, steps[i], w)
			}
		}
		// Clearing a type's step brings back the general wording.
		if err := s.SaveScript(ctx, p.expert, "repair", "close", " "); err != nil {
			t.Fatal(err)
		}
		steps, _ = s.Script(ctx, p.agent, "repair")
		if steps[4].Body != "感谢您的来电，祝您生活愉快！" || !steps[4].General {
			t.Errorf("cleared close: %+v", steps[4])
		}
		types, _ := s.ScriptTypes(ctx)
		if len(types) != len(kb.DefaultTicketTypes) {
			t.Errorf("types %v", types)
		}
		if err := s.SaveScript(ctx, p.expert, "warranty-ext", "offer", "延保优惠"); err != nil {
			t.Fatal(err)
		}
		if types, _ = s.ScriptTypes(ctx); types[len(types)-1] != "warranty-ext" {
			t.Errorf("types %v", types)
		}
		for _, c := range []struct {
			who       *auth.User
			typ, step string
			want      errs.Code
		}{
			{p.agent, "repair", "close", errs.Forbidden},
			{p.expert, "Repair!", "close", errs.Invalid},
			{p.expert, "repair", "goodbye", errs.Invalid},
		} {
			if err := s.SaveScript(ctx, c.who, c.typ, c.step, "x"); code(err) != c.want {
				t.Errorf("save %+v: %v", c, err)
			}
		}
		if _, err := s.Script(ctx, p.agent, "bad type"); code(err) != errs.Invalid {
			t.Errorf("bad type: %v", err)
		}
		if _, err := s.Script(ctx, p.analyst, "repair"); code(err) != errs.Forbidden {
			t.Errorf("analyst reads scripts: %v", err)
		}
	})
}

func TestAnnouncements(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, p := setup(t, d)
		in := kb.AnnouncementInput{Kind: kb.KindPrice, Source: "产品部", Title: "E14 系列 3 月 1 日起调价", Body: "E14 标准版下调 300 元。"}
		// Who may post: writers and supervisors; first-line agents and QA may not.
		for _, who := range []*auth.User{p.agent, p.qa, p.analyst} {
			if _, err := s.PostAnnouncement(ctx, who, in); code(err) != errs.Forbidden {
				t.Errorf("%s posts: %v", who.Username, err)
			}
		}
		a, err := s.PostAnnouncement(ctx, p.expert, in)
		if err != nil || a.Status != kb.Pending || a.AuthorName != "周杰" {
			t.Fatalf("post %+v %v", a, err)
		}
		if _, err := s.PostAnnouncement(ctx, p.supervisor, kb.AnnouncementInput{Kind: kb.KindQuality, Source: "质量部", Title: "质量通告", Body: "x"}); err != nil {
			t.Fatal(err)
		}
		for _, bad := range []kb.AnnouncementInput{
			{Kind: "gossip", Source: "x", Title: "x", Body: "x"},
			{Kind: kb.KindOther, Source: "", Title: "x", Body: "x"},
			{Kind: kb.KindOther, Source: "x", Title: "x", Body: ""},
			{Kind: kb.KindOther, Source: "x", Title: "x", Body: "x", EffectiveFrom: time.Now(), EffectiveTo: time.Now().Add(-time.Hour)},
		} {
			if _, err := s.PostAnnouncement(ctx, p.expert, bad); code(err) != errs.Invalid {
				t.Errorf("bad %+v: %v", bad, err)
			}
		}
		// Pending: agents neither see nor count it; the author and curators see it.
		if _, err := s.Announcement(ctx, p.agent, a.ID); code(err) != errs.NotFound {
			t.Errorf("agent sees pending: %v", err)
		}
		if n, _ := s.UnreadCount(ctx, p.agent.ID); n != 0 {
			t.Errorf("unread before approval: %d", n)
		}
		if list, _ := s.Announcements(ctx, p.expert, kb.AnnFilter{Status: kb.Pending}); len(list) != 1 {
			t.Errorf("author's pending: %d", len(list))
		}
		if list, _ := s.Announcements(ctx, p.admin, kb.AnnFilter{Status: kb.Pending}); len(list) != 2 {
			t.Errorf("curator's pending: %d", len(list))
		}
		// Only curators decide, whatever route calls: the expert who wrote it may not.
		if err := s.Approve(ctx, p.expert, a.ID); code(err) != errs.Forbidden {
			t.Errorf("expert approves: %v", err)
		}
		if err := s.Acknowledge(ctx, p.agent, a.ID); code(err) != errs.NotFound {
			t.Errorf("ack pending: %v", err)
		}
		if err := s.Reject(ctx, p.admin, a.ID, ""); code(err) != errs.Invalid {
			t.Errorf("reject without reason: %v", err)
		}
		if err := s.Approve(ctx, p.supervisor, a.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.Approve(ctx, p.admin, a.ID); code(err) != errs.Conflict {
			t.Errorf("approve twice: %v", err)
		}
		if err := s.Approve(ctx, p.admin, 999); code(err) != errs.NotFound {
			t.Errorf("approve missing: %v", err)
		}
		// Published: every reader counts it unread until acknowledging.
		for _, u := range []*auth.User{p.agent, p.qa, p.expert} {
			if n, err := s.UnreadCount(ctx, u.ID); n != 1 || err != nil {
				t.Errorf("%s unread %d %v", u.Username, n, err)
			}
		}
		if err := s.Acknowledge(ctx, p.agent, a.ID); err != nil {
			t.Fatal(err)
		}
		first, _ := s.Announcement(ctx, p.agent, a.ID)
		if err := s.Acknowledge(ctx, p.agent, a.ID); err != nil {
			t.Fatal(err)
		}
		again, _ := s.Announcement(ctx, p.agent, a.ID)
		if first.ReadAt.IsZero() || !again.ReadAt.Equal(first.ReadAt) || again.Unread() {
			t.Errorf("read at %v then %v", first.ReadAt, again.ReadAt)
		}
		if n, _ := s.UnreadCount(ctx, p.agent.ID); n != 0 {
			t.Errorf("agent unread after ack: %d", n)
		}
		if err := s.Acknowledge(ctx, p.analyst, a.ID); code(err) != errs.NotFound {
			t.Errorf("analyst acks: %v", err)
		}
		// Receipts: only curators; active readers of knowledge, split by read.
		if _, _, err := s.Reads(ctx, p.expert, a.ID); code(err) != errs.Forbidden {
			t.Errorf("expert reads receipts: %v", err)
		}
		read, unread, err := s.Reads(ctx, p.admin, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(read) != 1 || read[0].Username != "agent" || read[0].ReadAt.IsZero() {
			t.Errorf("read %+v", read)
		}
		var names []string
		for _, r := range unread {
			names = append(names, r.Username)
		}
		slices.Sort(names)
		// Not the analyst (no kb.read) nor the disabled agent.
		if fmt.Sprint(names) != "[admin expert qa super]" {
			t.Errorf("unread %v", names)
		}
		// The agent's list: unread first.
		b, err := s.PostAnnouncement(ctx, p.supervisor, kb.AnnouncementInput{Kind: kb.KindPromotion, Source: "市场部", Title: "开学季促销", Body: "学生凭证享 9 折。",
			EffectiveFrom: time.Now().Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Approve(ctx, p.admin, b.ID); err != nil {
			t.Fatal(err)
		}
		list, err := s.Announcements(ctx, p.agent, kb.AnnFilter{})
		if err != nil || len(list) != 2 || list[0].ID != b.ID || !list[0].Unread() || list[1].Unread() {
			t.Fatalf("agent list %+v %v", list, err)
		}
		// Rejected: the author sees the reason.
		pending, _ := s.Announcements(ctx, p.admin, kb.AnnFilter{Status: kb.Pending})
		if err := s.Reject(ctx, p.admin, pending[0].ID, "请补充生效日期"); err != nil {
			t.Fatal(err)
		}
		rj, err := s.Announcement(ctx, p.supervisor, pending[0].ID)
		if err != nil || rj.Status != kb.Rejected || rj.DecisionNote != "请补充生效日期" || rj.DecidedByName != "管理员" {
			t.Fatalf("rejected %+v %v", rj, err)
		}
		// An expired announcement leaves the badge and the list.
		c, err := s.PostAnnouncement(ctx, p.supervisor, kb.AnnouncementInput{Kind: kb.KindOther, Source: "客服部", Title: "旧通知", Body: "x",
			EffectiveFrom: time.Now().Add(-48 * time.Hour), EffectiveTo: time.Now().Add(-24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Approve(ctx, p.admin, c.ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.UnreadCount(ctx, p.qa.ID); n != 2 {
			t.Errorf("qa unread with an expired one: %d", n)
		}
		if list, _ := s.Announcements(ctx, p.qa, kb.AnnFilter{Expired: true}); len(list) != 3 {
			t.Errorf("with expired: %d", len(list))
		}
		// Decisions are in the event log.
		evs, _, err := events.New(d).List(ctx, events.Filter{Categories: []string{"announcement"}})
		if err != nil || len(evs) != 4 {
			t.Errorf("events %d %v", len(evs), err)
		}
	})
}
