// Package say writes numbers, amounts, dates, times and digit strings as the words a
// person says, in Chinese and English, for text-to-speech and for joining recorded
// words: 12345 is 一万二千三百四十五 or "twelve thousand three hundred forty-five",
// 2.50 元 is 二元五角. Every function is pure.
package say

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// Languages: "zh" (Mandarin) and "en".
const (
	ZH = "zh"
	EN = "en"
)

// Integer says n.
func Integer(lang string, n int64) string {
	if lang == ZH {
		return zhInteger(n)
	}
	return enInteger(n)
}

// Number says a decimal number written with digits: "12345", "-3.05", "0.5".
func Number(lang, s string) (string, error) {
	neg, whole, frac, err := splitDecimal(s)
	if err != nil {
		return "", err
	}
	out := Integer(lang, whole)
	if frac != "" {
		if lang == ZH {
			out += "点" + zhYear(frac) // plain digits: 一, not the 幺 of phone numbers
		} else {
			out += " point " + Digits(EN, frac)
		}
	}
	if neg {
		if lang == ZH {
			return "负" + out, nil
		}
		return "minus " + out, nil
	}
	return out, nil
}

// Amount says a sum of money: yuan, jiao and fen in Chinese (2.50 -> 二元五角), dollars
// and cents in English. It rounds to cents.
func Amount(lang, s string) (string, error) {
	s = strings.TrimSpace(strings.NewReplacer("¥", "", "￥", "", "$", "", "元", "", ",", "").Replace(s))
	r, ok := new(big.Rat).SetString(s)
	if !ok || s == "" {
		return "", fmt.Errorf("say: %q is not an amount", s)
	}
	neg := r.Sign() < 0
	cents := new(big.Rat).Mul(new(big.Rat).Abs(r), big.NewRat(100, 1))
	c, _ := strconv.ParseInt(cents.FloatString(0), 10, 64)
	if c/100 > 1e15 {
		return "", fmt.Errorf("say: %q is too large", s)
	}
	var out string
	if lang == ZH {
		out = zhAmount(c)
		if neg {
			out = "负" + out
		}
	} else {
		out = enAmount(c)
		if neg {
			out = "minus " + out
		}
	}
	return out, nil
}

// Digits says each digit of s on its own, as phone and order numbers are read ("138" is
// 幺三八 in Chinese, where 1 is said 幺 so it is not heard as 七). Other characters are
// dropped, except * and # (星号, 井号 / star, hash).
func Digits(lang, s string) string {
	var words []string
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			if lang == ZH {
				words = append(words, zhDigitWord(r))
			} else {
				words = append(words, enOnes[r-'0'])
			}
		case r == '*':
			words = append(words, map[bool]string{true: "星号", false: "star"}[lang == ZH])
		case r == '#':
			words = append(words, map[bool]string{true: "井号", false: "hash"}[lang == ZH])
		}
	}
	if lang == ZH {
		return strings.Join(words, "")
	}
	return strings.Join(words, " ")
}

// Date says a date: 2026年11月25日 as 二零二六年十一月二十五日, in English "November
// twenty-fifth, twenty twenty-six". It accepts 2026-11-25 and RFC 3339 times.
func Date(lang, s string) (string, error) {
	t, err := parseDate(s)
	if err != nil {
		return "", err
	}
	if lang == ZH {
		return zhYear(t.Year()) + "年" + zhInteger(int64(t.Month())) + "月" + zhInteger(int64(t.Day())) + "日", nil
	}
	return t.Month().String() + " " + enOrdinal(t.Day()) + ", " + enYear(t.Year()), nil
}

// Time says a time of day: 14:30 as 十四点三十分 or "two thirty p.m.".
func Time(lang, s string) (string, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		if t2, err2 := time.Parse(time.RFC3339, strings.TrimSpace(s)); err2 == nil {
			t, err = t2, nil
		} else {
			return "", fmt.Errorf("say: %q is not a time like 14:30", s)
		}
	}
	h, m := t.Hour(), t.Minute()
	if lang == ZH {
		out := zhInteger(int64(h)) + "点"
		switch {
		case m == 0:
			return out + "整", nil
		case m < 10:
			return out + "零" + zhInteger(int64(m)) + "分", nil
		}
		return out + zhInteger(int64(m)) + "分", nil
	}
	suffix := "a.m."
	if h >= 12 {
		suffix = "p.m."
	}
	h12 := h % 12
	if h12 == 0 {
		h12 = 12
	}
	switch {
	case m == 0:
		return enInteger(int64(h12)) + " o'clock " + suffix, nil
	case m < 10:
		return enInteger(int64(h12)) + " oh " + enOnes[m] + " " + suffix, nil
	}
	return enInteger(int64(h12)) + " " + enInteger(int64(m)) + " " + suffix, nil
}

func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.DateOnly, time.RFC3339, "2006/01/02", "2006年1月2日"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("say: %q is not a date like 2026-11-25", s)
}

// splitDecimal splits "-12.50" into its sign, whole part and fraction digits.
func splitDecimal(s string) (neg bool, whole int64, frac string, err error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	w, f, hasDot := strings.Cut(s, ".")
	if w == "" && !hasDot || hasDot && f == "" || strings.ContainsFunc(w+f, func(r rune) bool { return r < '0' || r > '9' }) {
		return false, 0, "", fmt.Errorf("say: %q is not a number", s)
	}
	if w == "" {
		w = "0"
	}
	whole, err = strconv.ParseInt(w, 10, 64)
	if err != nil || whole > 1e15 {
		return false, 0, "", fmt.Errorf("say: %q is too large", s)
	}
	return neg, whole, f, nil
}

// ---- Chinese ----

var zhDigits = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

func zhDigitWord(r rune) string {
	if r == '1' {
		return "幺"
	}
	return zhDigits[r-'0']
}

// zhInteger says n with 十百千 inside each group of four digits and 万/亿 between groups;
// a zero (or a run of zeros) before a non-zero digit is said 零 once, and a leading 一十
// is said 十.
func zhInteger(n int64) string {
	if n == 0 {
		return "零"
	}
	if n < 0 {
		return "负" + zhInteger(-n)
	}
	units := []string{"", "万", "亿", "万亿"}
	var groups []int64
	for v := n; v > 0; v /= 10000 {
		groups = append(groups, v%10000)
	}
	var b strings.Builder
	zero := false // a zero is pending before the next non-zero digit
	for i := len(groups) - 1; i >= 0; i-- {
		g := groups[i]
		if g == 0 {
			zero = b.Len() > 0
			continue
		}
		if b.Len() > 0 && g < 1000 {
			zero = true
		}
		if zero {
			b.WriteString("零")
			zero = false
		}
		b.WriteString(zhGroup(g))
		b.WriteString(units[i])
	}
	out := b.String()
	if strings.HasPrefix(out, "一十") {
		out = out[len("一"):]
	}
	return out
}

// zhGroup says 1..9999 without a leading 零.
func zhGroup(g int64) string {
	places := []string{"千", "百", "十", ""}
	div := int64(1000)
	var b strings.Builder
	zero := false
	for i := 0; i < 4; i++ {
		d := g / div % 10
		div /= 10
		if d == 0 {
			zero = b.Len() > 0
			continue
		}
		if zero {
			b.WriteString("零")
			zero = false
		}
		b.WriteString(zhDigits[d] + places[i])
	}
	return b.String()
}

// zhYear reads digits one by one with 一 (years and decimals, unlike phone numbers).
func zhYear[T int | string](y T) string {
	var b strings.Builder
	for _, r := range fmt.Sprint(y) {
		b.WriteString(zhDigits[r-'0'])
	}
	return b.String()
}

// zhAmount says cents as 元角分: 250 -> 二元五角, 1205 -> 十二元零五分, 50 -> 五角.
func zhAmount(cents int64) string {
	yuan, jiao, fen := cents/100, cents/10%10, cents%10
	var b strings.Builder
	if yuan > 0 {
		b.WriteString(zhInteger(yuan) + "元")
	}
	if jiao > 0 {
		b.WriteString(zhDigits[jiao] + "角")
	} else if fen > 0 && yuan > 0 {
		b.WriteString("零")
	}
	if fen > 0 {
		b.WriteString(zhDigits[fen] + "分")
	}
	if b.Len() == 0 {
		return "零元"
	}
	if jiao == 0 && fen == 0 {
		b.WriteString("整")
	}
	return b.String()
}

// ---- English ----

var enOnes = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
	"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"}

var enTens = []string{"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}

var enScales = []string{"", " thousand", " million", " billion", " trillion"}

func enInteger(n int64) string {
	if n == 0 {
		return "zero"
	}
	if n < 0 {
		return "minus " + enInteger(-n)
	}
	var parts []string
	for i := 0; n > 0; i++ {
		if g := n % 1000; g > 0 {
			parts = append([]string{enHundreds(g) + enScales[i]}, parts...)
		}
		n /= 1000
	}
	return strings.Join(parts, " ")
}

func enHundreds(n int64) string {
	var parts []string
	if n >= 100 {
		parts = append(parts, enOnes[n/100]+" hundred")
		n %= 100
	}
	switch {
	case n == 0:
	case n < 20:
		parts = append(parts, enOnes[n])
	case n%10 == 0:
		parts = append(parts, enTens[n/10])
	default:
		parts = append(parts, enTens[n/10]+"-"+enOnes[n%10])
	}
	return strings.Join(parts, " ")
}

var enOrdinals = map[string]string{"one": "first", "two": "second", "three": "third", "five": "fifth",
	"eight": "eighth", "nine": "ninth", "twelve": "twelfth", "twenty": "twentieth", "thirty": "thirtieth"}

// enOrdinal says a day of the month: 1 -> first, 22 -> twenty-second.
func enOrdinal(n int) string {
	words := enInteger(int64(n))
	cut := max(strings.LastIndexAny(words, " -")+1, 0)
	last := words[cut:]
	if o, ok := enOrdinals[last]; ok {
		return words[:cut] + o
	}
	return words + "th"
}

// enYear says a year as people do: 1999 -> nineteen ninety-nine, 2005 -> two thousand
// five, 2026 -> twenty twenty-six.
func enYear(y int) string {
	hi, lo := y/100, y%100
	switch {
	case y >= 2000 && y < 2010, y%1000 == 0:
		return enInteger(int64(y))
	case lo == 0:
		return enInteger(int64(hi)) + " hundred"
	case lo < 10:
		return enInteger(int64(hi)) + " oh " + enOnes[lo]
	}
	return enInteger(int64(hi)) + " " + enInteger(int64(lo))
}

func enAmount(cents int64) string {
	d, c := cents/100, cents%100
	unit := func(n int64, one, many string) string {
		if n == 1 {
			return "one " + one
		}
		return enInteger(n) + " " + many
	}
	switch {
	case d == 0 && c == 0:
		return "zero dollars"
	case c == 0:
		return unit(d, "dollar", "dollars")
	case d == 0:
		return unit(c, "cent", "cents")
	}
	return unit(d, "dollar", "dollars") + " and " + unit(c, "cent", "cents")
}

// Format says value the way as names: number, amount, date, time or digits ("text" and
// "" return it unchanged).
func Format(lang, as, value string) (string, error) {
	switch as {
	case "", "text":
		return value, nil
	case "number":
		return Number(lang, value)
	case "amount":
		return Amount(lang, value)
	case "date":
		return Date(lang, value)
	case "time":
		return Time(lang, value)
	case "digits":
		return Digits(lang, value), nil
	}
	return "", fmt.Errorf("say: unknown way to say %q", as)
}
