package calendar

import (
	"strings"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
)

func TestParseSpans(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{"", "", ""},
		{"closed", "", ""},
		{"08:00-22:00", "08:00-22:00", ""},
		{"00:00-24:00", "00:00-24:00", ""},
		{"13:30-18:00, 08:00-12:00", "08:00-12:00, 13:30-18:00", ""},
		{"08:00-12:00；13:00-17:00", "08:00-12:00, 13:00-17:00", ""},
		{"9:00-18:00", "09:00-18:00", ""},
		{"08:00-12:00 12:00-13:00", "08:00-12:00, 12:00-13:00", ""},
		{"08:00-12:00,11:00-13:00", "", "overlaps"},
		{"22:00-06:00", "", "cannot cross midnight"},
		{"09:00-09:00", "", "ends before"},
		{"25:00-26:00", "", "not a time of day"},
		{"24:30-24:45", "", "not a time of day"},
		{"08:60-09:00", "", "not a time of day"},
		{"8-17", "", "not a time of day"},
		{"0800-1700", "", "not a time of day"},
		{"09:00", "", "not a span"},
		{"a:bc-d:ef", "", "not a time of day"},
		{"1:00-2:00,3:00-4:00,5:00-6:00,7:00-8:00,9:00-10:00,11:00-12:00,13:00-14:00,15:00-16:00,17:00-18:00", "", "at most 8"},
	}
	for _, tt := range tests {
		got, err := ParseSpans(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseSpans(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || FormatSpans(got) != tt.want {
			t.Errorf("ParseSpans(%q) = %q, %v; want %q", tt.in, FormatSpans(got), err, tt.want)
		}
	}
}

func valid() *Calendar {
	c := &Calendar{NameZH: " 办公时间 ", NameEN: "Office hours", TimeZone: "Asia/Shanghai",
		Holidays: []Holiday{{"2026-10-02", "国庆节"}, {"2026-10-01", "国庆节"}},
		WorkDays: []WorkDay{{"2026-10-10", "国庆调休", []Span{{540, 1080}}}}}
	c.Week[time.Monday] = []Span{{780, 1080}, {540, 720}}
	return c
}

func TestValidate(t *testing.T) {
	c := valid()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.NameZH != "办公时间" || c.Holidays[0].Date != "2026-10-01" || c.Week[time.Monday][0].Start != 540 {
		t.Fatalf("not normalized: %+v", c)
	}
	tests := []struct {
		name, field string
		edit        func(c *Calendar)
	}{
		{"no Chinese name", "name_zh", func(c *Calendar) { c.NameZH = "  " }},
		{"no English name", "name_en", func(c *Calendar) { c.NameEN = "" }},
		{"long name", "name_zh", func(c *Calendar) { c.NameZH = strings.Repeat("长", 101) }},
		{"unknown zone", "time_zone", func(c *Calendar) { c.TimeZone = "Asia/Peking" }},
		{"empty zone", "time_zone", func(c *Calendar) { c.TimeZone = "" }},
		{"Local zone", "time_zone", func(c *Calendar) { c.TimeZone = "Local" }},
		{"overlapping spans", "hours_1", func(c *Calendar) { c.Week[1] = []Span{{540, 720}, {700, 800}} }},
		{"span past midnight", "hours_3", func(c *Calendar) { c.Week[3] = []Span{{1320, 1500}} }},
		{"empty span", "hours_0", func(c *Calendar) { c.Week[0] = []Span{{600, 600}} }},
		{"never open", "hours_1", func(c *Calendar) { c.Week = [7][]Span{} }},
		{"bad holiday date", "holidays", func(c *Calendar) { c.Holidays[0].Date = "2026-02-30" }},
		{"holiday twice", "holidays", func(c *Calendar) { c.Holidays[0].Date = "2026-10-01" }},
		{"holiday and make-up day", "workdays", func(c *Calendar) { c.WorkDays[0].Date = "2026-10-01" }},
		{"make-up day without hours", "workdays", func(c *Calendar) { c.WorkDays[0].Spans = nil }},
		{"make-up day overlapping", "workdays", func(c *Calendar) { c.WorkDays[0].Spans = []Span{{540, 700}, {600, 800}} }},
		{"long day name", "holidays", func(c *Calendar) { c.Holidays[0].Name = strings.Repeat("节", 101) }},
		{"too many days", "holidays", func(c *Calendar) { c.Holidays = make([]Holiday, 1001) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.edit(c)
			err := c.Validate()
			e, ok := errs.As(err)
			if !ok || e.Code != errs.Invalid || e.Fields[tt.field] == "" || e.Key == "" {
				t.Fatalf("error = %#v, want Invalid on %s with a key", err, tt.field)
			}
			if _, err := c.Schedule(); err == nil {
				t.Fatal("Schedule accepted an invalid calendar")
			}
		})
	}
}
