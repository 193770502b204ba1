package demo

import (
	"bytes"
	"context"
	"fmt"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/calendar"
	"github.com/hotlinecc/hotline/internal/ticket"
)

func st(code, zh, en string, cat ticket.Category) ticket.Status {
	return ticket.Status{Code: code, NameZH: zh, NameEN: en, Category: cat}
}

func tr(from, to string, perm auth.Permission) ticket.Transition {
	return ticket.Transition{From: from, To: to, Perm: perm}
}

// simpleFlow is new → in progress → waiting on the customer → resolved → closed.
func simpleFlow() ([]ticket.Status, []ticket.Transition) {
	s := []ticket.Status{
		st("new", "新建", "New", ticket.CatOpen), st("in_progress", "处理中", "In progress", ticket.CatOpen),
		st("waiting", "等待客户", "Waiting on customer", ticket.CatWaiting), st("resolved", "已解决", "Resolved", ticket.CatResolved),
		st("closed", "已关闭", "Closed", ticket.CatClosed),
	}
	s[0].Initial = true
	w := auth.PermTicketsWrite
	return s, []ticket.Transition{
		tr("new", "in_progress", w), tr("new", "resolved", w), tr("in_progress", "waiting", w), tr("waiting", "in_progress", w),
		tr("in_progress", "resolved", w), tr("waiting", "resolved", w), tr("resolved", "closed", w), tr("resolved", "in_progress", w),
		tr("new", "closed", w),
	}
}

// TicketTypes are the demo center's business templates (T5).
func TicketTypes() []*ticket.Type {
	model := ticket.Field{Code: "model", NameZH: "产品型号", NameEN: "Product model", Kind: ticket.KindText, Width: "half"}
	var out []*ticket.Type
	add := func(t *ticket.Type, flow func() ([]ticket.Status, []ticket.Transition)) {
		t.Statuses, t.Transitions = flow()
		out = append(out, t)
	}
	add(&ticket.Type{Code: "presales", NameZH: "售前咨询", NameEN: "Pre-sales inquiry", DefaultPriority: "normal", FirstResponseMinutes: 60, ResolutionMinutes: 1440,
		Fields: []ticket.Field{
			model,
			{Code: "budget", NameZH: "预算（元）", NameEN: "Budget (CNY)", Kind: ticket.KindNumber, Width: "half"},
			{Code: "purpose", NameZH: "用途", NameEN: "Use", Kind: ticket.KindChoice, Options: []string{"家用", "办公", "游戏", "设计"}, Width: "half"},
			{Code: "city", NameZH: "所在城市", NameEN: "City", Kind: ticket.KindText, Width: "half"},
		}}, simpleFlow)
	add(&ticket.Type{Code: "support", NameZH: "技术支持", NameEN: "Technical support", DefaultPriority: "normal", FirstResponseMinutes: 30, ResolutionMinutes: 480,
		Fields: []ticket.Field{
			{Code: "asset", NameZH: "设备序列号", NameEN: "Device serial", Kind: ticket.KindAsset, Required: true, Width: "half"},
			{Code: "os", NameZH: "操作系统", NameEN: "Operating system", Kind: ticket.KindChoice, Options: []string{"Windows 11", "Windows 10", "统信 UOS", "麒麟 Kylin", "其他"}, Width: "half"},
			{Code: "symptoms", NameZH: "现象", NameEN: "Symptoms", Kind: ticket.KindMulti, Options: []string{"无法开机", "蓝屏", "死机", "网络", "驱动", "其他"}},
			{Code: "screenshot", NameZH: "截图", NameEN: "Screenshot", Kind: ticket.KindAttachment},
		}}, simpleFlow)
	repair := &ticket.Type{Code: "repair", NameZH: "维修/上门服务", NameEN: "Repair / on-site service", DefaultPriority: "high", FirstResponseMinutes: 120, ResolutionMinutes: 4320,
		Fields: []ticket.Field{
			{Code: "asset", NameZH: "设备序列号", NameEN: "Asset serial", Kind: ticket.KindAsset, Required: true, Width: "half", Section: "设备 Device"},
			model,
			{Code: "fault", NameZH: "故障描述", NameEN: "Fault description", Kind: ticket.KindLongText, Required: true, Section: "设备 Device"},
			{Code: "service", NameZH: "服务方式", NameEN: "Service", Kind: ticket.KindChoice, Required: true, Options: []string{"上门", "送修", "寄修"}, Width: "half", Section: "上门 Visit"},
			{Code: "address", NameZH: "服务地址", NameEN: "Address", Kind: ticket.KindText, Required: true, Section: "上门 Visit"},
			{Code: "appointment", NameZH: "预约日期", NameEN: "Appointment date", Kind: ticket.KindDate, Width: "half", Section: "上门 Visit"},
			{Code: "photo", NameZH: "故障照片", NameEN: "Fault photo", Kind: ticket.KindAttachment, Section: "上门 Visit"},
		}}
	repair.Fields[1].Section = "设备 Device"
	add(repair, func() ([]ticket.Status, []ticket.Transition) {
		s := []ticket.Status{
			st("new", "新建", "New", ticket.CatOpen), st("dispatched", "已派单", "Dispatched", ticket.CatOpen),
			st("accepted", "已接单", "Accepted", ticket.CatOpen), st("on_site", "已上门", "On site", ticket.CatOpen),
			st("waiting_parts", "等待配件", "Waiting for parts", ticket.CatWaiting), st("repaired", "已修复", "Repaired", ticket.CatResolved),
			st("closed", "已关闭", "Closed", ticket.CatClosed),
		}
		s[0].Initial = true
		p, d, w := auth.PermPartnerOrders, auth.PermTicketsDispatch, auth.PermTicketsWrite
		return s, []ticket.Transition{
			tr("new", "dispatched", d), tr("dispatched", "accepted", p), tr("accepted", "on_site", p), tr("on_site", "waiting_parts", p),
			tr("waiting_parts", "on_site", p), tr("on_site", "repaired", p), tr("repaired", "closed", w), tr("repaired", "on_site", w),
			tr("new", "closed", w),
		}
	})
	add(&ticket.Type{Code: "inquiry", NameZH: "咨询", NameEN: "Inquiry", DefaultPriority: "low", FirstResponseMinutes: 240, ResolutionMinutes: 2880,
		Fields: []ticket.Field{{Code: "topic", NameZH: "咨询主题", NameEN: "Topic", Kind: ticket.KindChoice, Options: []string{"保修政策", "维修进度", "价格", "其他"}, Width: "half"}}}, simpleFlow)
	add(&ticket.Type{Code: "complaint", NameZH: "投诉", NameEN: "Complaint", Complaint: true, DefaultPriority: "high", FirstResponseMinutes: 30, ResolutionMinutes: 2880,
		Fields: []ticket.Field{
			{Code: "against", NameZH: "投诉对象", NameEN: "About", Kind: ticket.KindChoice, Required: true, Options: []string{"产品质量", "服务态度", "维修站", "物流", "价格"}, Width: "half"},
			{Code: "order_no", NameZH: "订单号", NameEN: "Order number", Kind: ticket.KindText, Width: "half"},
			{Code: "demand", NameZH: "客户诉求", NameEN: "Customer's demand", Kind: ticket.KindLongText, Required: true},
		}}, func() ([]ticket.Status, []ticket.Transition) {
		s := []ticket.Status{
			st("new", "新建", "New", ticket.CatOpen), st("handling", "处理中", "Handling", ticket.CatOpen),
			st("replied", "已回复客户", "Replied to customer", ticket.CatWaiting), st("review", "结案审核", "Closure review", ticket.CatResolved),
			st("closed", "已结案", "Closed", ticket.CatClosed),
		}
		s[0].Initial = true
		h, c := auth.PermComplaintsHandle, auth.PermComplaintsClose
		return s, []ticket.Transition{
			tr("new", "handling", h), tr("handling", "replied", h), tr("replied", "handling", h), tr("replied", "review", h),
			tr("handling", "review", h), tr("review", "closed", c), tr("review", "handling", c),
		}
	})
	add(&ticket.Type{Code: "suggestion", NameZH: "建议", NameEN: "Suggestion", DefaultPriority: "low", ResolutionMinutes: 10080,
		Fields: []ticket.Field{{Code: "area", NameZH: "建议方向", NameEN: "Area", Kind: ticket.KindChoice, Options: []string{"产品", "服务", "网站", "其他"}, Width: "half"}}}, simpleFlow)
	return out
}

// departments of the demo company, with members by username.
var departments = []struct {
	dept    ticket.Department
	members []string
}{
	{ticket.Department{Code: "after_sales", NameZH: "售后服务部", NameEN: "After-sales service"}, []string{"senior1", "senior2"}},
	{ticket.Department{Code: "quality", NameZH: "质量管理部", NameEN: "Quality management"}, []string{"expert", "supervisor"}},
	{ticket.Department{Code: "logistics", NameZH: "物流部", NameEN: "Logistics"}, nil},
}

// demoPNG is a 1x1 PNG: the "photo" attached to the demo repair order.
var demoPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// loadTickets seeds types, departments and a few tickets: ticket 2 is a repair order
// dispatched to the demo repair station, with two attachments.
func loadTickets(ctx context.Context, s Services, station int64, userIDs map[string]int64, queueIDs map[string]int64) error {
	admin := &auth.Principal{User: &auth.User{ID: userIDs["admin"], Role: auth.RoleAdmin, DisplayName: "系统管理员"}}
	types := map[string]*ticket.Type{}
	cals, err := s.Calendars.List(ctx)
	if err != nil {
		return fmt.Errorf("demo: calendars: %w", err)
	}
	for _, t := range TicketTypes() {
		t.CalendarID = slaCalendar(t.Code, cals)
		if err := s.Tickets.SaveType(ctx, admin, t); err != nil {
			return fmt.Errorf("demo: ticket type %s: %w", t.Code, err)
		}
		types[t.Code] = t
	}
	deptIDs := map[string]int64{}
	for _, d := range departments {
		dep := d.dept
		for _, u := range d.members {
			dep.Members = append(dep.Members, ticket.Member{UserID: userIDs[u]})
		}
		if err := s.Tickets.SaveDepartment(ctx, admin, &dep); err != nil {
			return fmt.Errorf("demo: department %s: %w", dep.Code, err)
		}
		deptIDs[dep.Code] = dep.ID
	}
	agent := &auth.Principal{User: &auth.User{ID: userIDs["senior2"], Role: auth.RoleAgent, Tier: auth.TierSenior, DisplayName: "陈静"}}
	open := func(typ string, customer int64, title, desc, channel string, fields map[string]any, uploads ...ticket.Upload) (*ticket.Ticket, error) {
		return s.Tickets.Create(ctx, agent, ticket.NewTicket{TypeID: types[typ].ID, CustomerID: customer, Title: title, Description: desc,
			Channel: channel, Fields: fields, Uploads: uploads})
	}
	if _, err := open("presales", 1, "咨询商务笔记本配置", "客户想为公司采购 20 台轻薄本，询问配置与批量价格。", "phone",
		map[string]any{"model": "X14 Pro", "budget": "6000", "purpose": "办公", "city": "北京"}); err != nil {
		return fmt.Errorf("demo: ticket: %w", err)
	}
	rep, err := open("repair", 2, "笔记本无法开机，需上门维修", "客户反映电脑进水后无法开机，已在保修期内。", "phone",
		map[string]any{"asset": "SN-X14-2026-000187", "model": "X14 Pro", "fault": "进水后无法开机，电源灯不亮。", "service": "上门",
			"address": "北京市海淀区中关村南大街 5 号 3 单元 502", "appointment": "2026-11-25"},
		ticket.Upload{Field: "photo", Name: "故障照片.png", Body: bytes.NewReader(demoPNG)})
	if err != nil {
		return fmt.Errorf("demo: repair ticket: %w", err)
	}
	if _, err := s.Tickets.AddAttachment(ctx, agent, rep.ID, ticket.Upload{Name: "保修卡.txt", Body: bytes.NewReader([]byte("保修卡编号 WK-2026-3381，有效期至 2027-06-30。\n"))}); err != nil {
		return fmt.Errorf("demo: attachment: %w", err)
	}
	dept, group := deptIDs["after_sales"], queueIDs["repair"]
	if _, err := s.Tickets.Dispatch(ctx, agent, rep.ID, ticket.Dispatch{PartnerID: &station, DepartmentID: &dept, GroupID: &group}); err != nil {
		return fmt.Errorf("demo: dispatch: %w", err)
	}
	if _, err := s.Tickets.ChangeStatus(ctx, agent, rep.ID, "dispatched", "已派至华强维修站，请尽快联系客户确认上门时间。"); err != nil {
		return fmt.Errorf("demo: status: %w", err)
	}
	if _, err := s.Tickets.AddNote(ctx, agent, rep.ID, "客户为 VIP，注意服务态度。", true); err != nil {
		return fmt.Errorf("demo: note: %w", err)
	}
	comp, err := open("complaint", 3, "维修超时投诉", "客户投诉上次送修超过 15 天未修好。", "phone",
		map[string]any{"against": "维修站", "demand": "要求尽快修好并给予补偿。"})
	if err != nil {
		return fmt.Errorf("demo: complaint: %w", err)
	}
	if err := loadComplaint(ctx, s, agent, comp.ID, userIDs, deptIDs); err != nil {
		return err
	}
	sup, err := open("support", 4, "Windows 更新后蓝屏", "", "chat", map[string]any{"asset": "SN-A15-2025-004512", "os": "Windows 11", "symptoms": []any{"蓝屏", "驱动"}})
	if err != nil {
		return fmt.Errorf("demo: support: %w", err)
	}
	self := agent.User.ID
	if _, err := s.Tickets.Dispatch(ctx, agent, sup.ID, ticket.Dispatch{AssigneeID: &self}); err != nil {
		return fmt.Errorf("demo: assign: %w", err)
	}
	return nil
}

// slaCalendar picks the calendar a demo type's SLA clocks count in: the office's for
// work done by the back office (repairs, suggestions), the hotline's for the rest.
func slaCalendar(code string, cals []*calendar.Calendar) int64 {
	want := "Hotline hours"
	if code == "repair" || code == "suggestion" {
		want = "Office hours"
	}
	for _, c := range cals {
		if c.NameEN == want {
			return c.ID
		}
	}
	return 0
}

// loadComplaint works the demo complaint: handled by 陈静, split into two sub-tasks for
// departments, the quality department has replied and finished its part.
func loadComplaint(ctx context.Context, s Services, handler *auth.Principal, id int64, userIDs, deptIDs map[string]int64) error {
	self := handler.User.ID
	if _, err := s.Tickets.Dispatch(ctx, handler, id, ticket.Dispatch{AssigneeID: &self}); err != nil {
		return fmt.Errorf("demo: complaint handler: %w", err)
	}
	if _, err := s.Tickets.ChangeStatus(ctx, handler, id, "handling", "已联系客户致歉，正在核实。"); err != nil {
		return fmt.Errorf("demo: complaint status: %w", err)
	}
	quality, err := s.Tickets.AddSubtask(ctx, handler, id, deptIDs["quality"], "核实维修站维修记录与配件到货时间")
	if err != nil {
		return fmt.Errorf("demo: sub-task: %w", err)
	}
	if _, err := s.Tickets.AddSubtask(ctx, handler, id, deptIDs["after_sales"], "评估补偿方案（延保或代金券）"); err != nil {
		return fmt.Errorf("demo: sub-task: %w", err)
	}
	expert := &auth.Principal{User: &auth.User{ID: userIDs["expert"], Role: auth.RoleAgent, Tier: auth.TierExpert, DisplayName: "周杰"}}
	if _, err := s.Tickets.ReplySubtask(ctx, expert, id, quality.ID, "维修站记录显示主板配件缺货 12 天，已于昨日到货，预计明天修复。属维修站未及时告知客户。", true); err != nil {
		return fmt.Errorf("demo: sub-task reply: %w", err)
	}
	return nil
}
