package crm

import (
	"strings"

	"github.com/hotlinecc/hotline/internal/errs"
)

// NormalizePhone turns a phone number as people write it in China into the stored form:
// E.164 for mobiles and landlines (13812345678 -> +8613812345678, 010-12345678 ->
// +861012345678, 0755-8765432 -> +867558765432), national form for 400/800 service
// numbers (400-800-1234 -> 4008001234), and + plus digits for other countries.
func NormalizePhone(raw string) (string, error) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(raw) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '.' || r == '\u00a0':
		default:
			return "", badPhone(raw)
		}
	}
	s := b.String()
	if strings.HasPrefix(s, "0086") {
		s = "+86" + s[4:]
	}
	if strings.HasPrefix(s, "+") {
		if strings.HasPrefix(s, "+86") {
			return nationalChina(s[3:], raw)
		}
		if len(s) < 8 || len(s) > 16 {
			return "", badPhone(raw)
		}
		return s, nil
	}
	return nationalChina(s, raw)
}

// nationalChina normalizes a Chinese number without the country code.
func nationalChina(s, raw string) (string, error) {
	switch {
	case len(s) == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9':
		return "+86" + s, nil // mobile
	case len(s) == 10 && (strings.HasPrefix(s, "400") || strings.HasPrefix(s, "800")):
		return s, nil // nationwide service number
	case strings.HasPrefix(s, "0") && len(s) >= 10 && len(s) <= 12:
		return "+86" + s[1:], nil // landline with trunk prefix and area code
	case !strings.HasPrefix(s, "0") && len(s) >= 9 && len(s) <= 11 && areaCodeLen(s) > 0:
		return "+86" + s, nil // landline with area code but no trunk prefix (+86 10 ...)
	case len(s) == 7 || len(s) == 8:
		return "", errs.Field("phone", "Add the area code to the local number "+raw+", e.g. 010-"+s+".").WithKey("phone_area", raw)
	}
	return "", badPhone(raw)
}

// areaCodeLen is the length of the area code at the start of a national number without
// its trunk 0: Beijing 10 and the 2x cities have two digits, the rest three.
func areaCodeLen(s string) int {
	switch {
	case len(s) < 3:
		return 0
	case s[0] == '1' && s[1] == '0', s[0] == '2':
		return 2
	case s[0] >= '3' && s[0] <= '9':
		return 3
	}
	return 0
}

func badPhone(raw string) error {
	return errs.Field("phone", "Not a phone number: "+raw+".").WithKey("phone", raw)
}

// DisplayPhone writes a stored number the way Chinese agents read it: 138 1234 5678,
// 010-12345678, 0755-8765432, 400-800-1234.
func DisplayPhone(stored string) string {
	if len(stored) == 10 && (strings.HasPrefix(stored, "400") || strings.HasPrefix(stored, "800")) {
		return stored[:3] + "-" + stored[3:6] + "-" + stored[6:]
	}
	n, ok := strings.CutPrefix(stored, "+86")
	if !ok {
		return stored
	}
	if len(n) == 11 && n[0] == '1' {
		return n[:3] + " " + n[3:7] + " " + n[7:]
	}
	if a := areaCodeLen(n); a > 0 {
		return "0" + n[:a] + "-" + n[a:]
	}
	return stored
}
