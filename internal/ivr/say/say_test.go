package say

import "testing"

func TestInteger(t *testing.T) {
	for _, c := range []struct {
		n      int64
		zh, en string
	}{
		{0, "零", "zero"},
		{7, "七", "seven"},
		{10, "十", "ten"},
		{15, "十五", "fifteen"},
		{20, "二十", "twenty"},
		{110, "一百一十", "one hundred ten"},
		{101, "一百零一", "one hundred one"},
		{1005, "一千零五", "one thousand five"},
		{1050, "一千零五十", "one thousand fifty"},
		{12345, "一万二千三百四十五", "twelve thousand three hundred forty-five"},
		{100000, "十万", "one hundred thousand"},
		{100010, "十万零一十", "one hundred thousand ten"},
		{10001, "一万零一", "ten thousand one"},
		{1000010, "一百万零一十", "one million ten"},
		{20000000, "二千万", "twenty million"},
		{100000000, "一亿", "one hundred million"},
		{102030405, "一亿零二百零三万零四百零五", "one hundred two million thirty thousand four hundred five"},
		{-42, "负四十二", "minus forty-two"},
	} {
		if got := Integer(ZH, c.n); got != c.zh {
			t.Errorf("zh %d = %s, want %s", c.n, got, c.zh)
		}
		if got := Integer(EN, c.n); got != c.en {
			t.Errorf("en %d = %s, want %s", c.n, got, c.en)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		lang, as, in, want string
	}{
		{ZH, "number", "3.14", "三点一四"},
		{EN, "number", "-0.5", "minus zero point five"},
		{ZH, "amount", "2.50", "二元五角"},
		{ZH, "amount", "2.50元", "二元五角"},
		{ZH, "amount", "12.05", "十二元零五分"},
		{ZH, "amount", "0.5", "五角"},
		{ZH, "amount", "100", "一百元整"},
		{ZH, "amount", "¥1,299.99", "一千二百九十九元九角九分"},
		{EN, "amount", "2.50", "two dollars and fifty cents"},
		{EN, "amount", "$1.01", "one dollar and one cent"},
		{EN, "amount", "0.99", "ninety-nine cents"},
		{ZH, "date", "2026-11-25", "二零二六年十一月二十五日"},
		{EN, "date", "2026-11-25", "November twenty-fifth, twenty twenty-six"},
		{EN, "date", "2005-03-01", "March first, two thousand five"},
		{EN, "date", "1999-12-22", "December twenty-second, nineteen ninety-nine"},
		{ZH, "time", "14:30", "十四点三十分"},
		{ZH, "time", "08:00", "八点整"},
		{ZH, "time", "09:05", "九点零五分"},
		{EN, "time", "14:30", "two thirty p.m."},
		{EN, "time", "00:05", "twelve oh five a.m."},
		{EN, "time", "08:00", "eight o'clock a.m."},
		{ZH, "digits", "138-0013#", "幺三八零零幺三井号"},
		{EN, "digits", "400*1", "four zero zero star one"},
		{ZH, "text", "维修中", "维修中"},
	} {
		got, err := Format(c.lang, c.as, c.in)
		if err != nil || got != c.want {
			t.Errorf("%s %s %q = %q, %v; want %q", c.lang, c.as, c.in, got, err, c.want)
		}
	}
}

func TestFormatRejectsBadInput(t *testing.T) {
	for _, c := range []struct{ as, in string }{
		{"number", "abc"}, {"number", "1.2.3"}, {"number", ""}, {"number", "1."},
		{"amount", "lots"}, {"amount", ""}, {"date", "25/11/2026"}, {"time", "25:00"},
		{"number", "99999999999999999999"}, {"shout", "1"},
	} {
		if got, err := Format(ZH, c.as, c.in); err == nil {
			t.Errorf("%s %q = %q, want an error", c.as, c.in, got)
		}
	}
}
