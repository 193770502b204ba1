package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/hotlinecc/hotline/internal/calendar"
	"github.com/hotlinecc/hotline/internal/sla"
	"github.com/hotlinecc/hotline/internal/todo"
)

// China2026 is the demo's list of China's 2026 public holidays and make-up working days
// (调休), as set by the State Council's notice of 4 November 2025 (国办发明电〔2025〕7号):
// 元旦 1-3 Jan (work Sun 4 Jan); 春节 15-23 Feb (work Sat 14 Feb and Sat 28 Feb); 清明
// 4-6 Apr; 劳动节 1-5 May (work Sat 9 May); 端午 19-21 Jun; 中秋 25-27 Sep; 国庆 1-7 Oct
// (work Sun 20 Sep and Sat 10 Oct). A real center keeps its own list up to date.
func China2026() ([]calendar.Holiday, []calendar.WorkDay) {
	var hs []calendar.Holiday
	add := func(name string, from string, days int) {
		t, _ := calendar.ParseDate(from)
		for i := 0; i < days; i++ {
			hs = append(hs, calendar.Holiday{Date: t.AddDate(0, 0, i).Format(time.DateOnly), Name: name})
		}
	}
	add("元旦", "2026-01-01", 3)
	add("春节", "2026-02-15", 9)
	add("清明节", "2026-04-04", 3)
	add("劳动节", "2026-05-01", 5)
	add("端午节", "2026-06-19", 3)
	add("中秋节", "2026-09-25", 3)
	add("国庆节", "2026-10-01", 7)
	office := []calendar.Span{{Start: 9 * 60, End: 18 * 60}}
	ws := []calendar.WorkDay{
		{Date: "2026-01-04", Name: "元旦调休上班", Spans: office},
		{Date: "2026-02-14", Name: "春节调休上班", Spans: office},
		{Date: "2026-02-28", Name: "春节调休上班", Spans: office},
		{Date: "2026-05-09", Name: "劳动节调休上班", Spans: office},
		{Date: "2026-09-20", Name: "国庆节调休上班", Spans: office},
		{Date: "2026-10-10", Name: "国庆节调休上班", Spans: office},
	}
	return hs, ws
}

// createCalendars adds the hotline's calendar ("Hotline hours", 08:00-22:00 every day,
// which the demo IVR asks) and the office's, and returns the hotline calendar's id. It runs
// before the IVR flows are loaded, since they refer to it.
func createCalendars(ctx context.Context, s Services) (hotlineID int64, err error) {
	hotline := &calendar.Calendar{NameZH: "热线服务时间", NameEN: "Hotline hours", TimeZone: "Asia/Shanghai"}
	for d := range hotline.Week {
		hotline.Week[d] = []calendar.Span{{Start: 8 * 60, End: 22 * 60}}
	}
	office := &calendar.Calendar{NameZH: "办公时间", NameEN: "Office hours", TimeZone: "Asia/Shanghai"}
	for d := time.Monday; d <= time.Friday; d++ {
		office.Week[d] = []calendar.Span{{Start: 9 * 60, End: 18 * 60}}
	}
	office.Holidays, office.WorkDays = China2026()
	for _, c := range []*calendar.Calendar{hotline, office} {
		if err := s.Calendars.Create(ctx, c); err != nil {
			return 0, fmt.Errorf("demo: calendar %s: %w", c.NameEN, err)
		}
	}
	return hotline.ID, nil
}

// loadCalendars adds a few escalation rules and some to-dos for the demo agents.
func loadCalendars(ctx context.Context, s Services, userIDs, queueIDs map[string]int64, customerIDs []int64) error {
	rules := []*sla.Rule{
		{Name: "首次响应即将超时：提醒组长", Enabled: true, Clock: sla.FirstResponse, On: sla.OnWarning,
			Actions: []sla.Action{{Kind: sla.Notify, UserIDs: []int64{userIDs["supervisor"]}}}},
		{Name: "首次响应超时：升级优先级并通知技术支持组", Enabled: true, Clock: sla.FirstResponse, On: sla.OnBreached,
			Actions: []sla.Action{{Kind: sla.RaisePriority}, {Kind: sla.Notify, GroupID: queueIDs["support"]}}},
		{Name: "投诉超时两小时：转组长处理", Enabled: true, TicketType: "complaint", Clock: sla.Resolution, On: sla.OnBreached, AfterMinutes: 120,
			Actions: []sla.Action{{Kind: sla.Reassign, UserIDs: []int64{userIDs["supervisor"]}}, {Kind: sla.RaisePriority, Priority: "urgent"}}},
	}
	for _, r := range rules {
		if err := s.SLARules.Create(ctx, r); err != nil {
			return fmt.Errorf("demo: rule %s: %w", r.Name, err)
		}
	}
	now := time.Now()
	agent := todo.Actor{UserID: userIDs["agent1"]}
	todos := []struct {
		actor todo.Actor
		in    todo.Input
	}{
		{agent, todo.Input{Title: "回电确认主板检测结果", Kind: todo.Callback, DueAt: now.Add(-90 * time.Minute), CustomerID: customerIDs[0],
			Note: "客户上午不方便接听，约定下午回电。"}},
		{agent, todo.Input{Title: "发送电子保修单", Kind: todo.SendDocument, DueAt: now.Add(2 * time.Hour), CustomerID: customerIDs[1]}},
		{agent, todo.Input{Title: "测试返修笔记本电池", Kind: todo.TestUnit, DueAt: now.Add(50 * time.Hour), CustomerID: customerIDs[2]}},
		{todo.System, todo.Input{Title: "语音留言：客户要求回电", Kind: todo.Callback, DueAt: now.Add(-20 * time.Minute), QueueID: queueIDs["support"],
			CustomerID: customerIDs[3]}},
		{todo.Actor{UserID: userIDs["senior1"]}, todo.Input{Title: "跟进维修站取件进度", Kind: todo.Other, DueAt: now.Add(26 * time.Hour)}},
	}
	for _, t := range todos {
		if _, err := s.Todos.Create(ctx, t.actor, t.in); err != nil {
			return fmt.Errorf("demo: to-do %s: %w", t.in.Title, err)
		}
	}
	return nil
}
