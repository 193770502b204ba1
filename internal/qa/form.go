// Package qa is quality assurance: scorecards with versioned forms, the weekly sample of
// calls that lands in the quality staff's worklist, evaluations with the agent's
// acknowledgement or dispute and the supervisor's resolution, calibration sessions, the
// talk analysis of recorded calls (who spoke, for how long, silences, overtalk) and the
// quality reports.
package qa

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/hotlinecc/hotline/internal/errs"
)

// Item kinds.
const (
	KindYesNo = "yes_no" // 1 = yes, 0 = no
	KindScale = "scale"  // 0..Max
)

// Form is one version of a scorecard: weighted sections of weighted items.
type Form struct {
	Sections []Section `json:"sections"`
}

// Section groups items; its weight is its share of the total.
type Section struct {
	Title  string  `json:"title"`
	Weight float64 `json:"weight"`
	Items  []Item  `json:"items"`
}

// Item is one question. A critical item answered 0 fails the whole evaluation (score 0).
type Item struct {
	Key      string  `json:"key"` // "1.2": section 1, item 2 (given on save)
	Text     string  `json:"text"`
	Weight   float64 `json:"weight"`
	Kind     string  `json:"kind"`
	Max      int     `json:"max"` // the top of a scale; 1 for yes/no
	Critical bool    `json:"critical"`
}

// Answer is the evaluator's answer to one item.
type Answer struct {
	Value   int    `json:"value"`
	Comment string `json:"comment,omitempty"`
}

// Items lists every item of the form in order.
func (f *Form) Items() []Item {
	var out []Item
	for _, s := range f.Sections {
		out = append(out, s.Items...)
	}
	return out
}

// Item returns the item with key.
func (f *Form) Item(key string) (Item, bool) {
	for _, it := range f.Items() {
		if it.Key == key {
			return it, true
		}
	}
	return Item{}, false
}

// normalize checks the form and gives every item its key and max.
func (f *Form) normalize() error {
	if len(f.Sections) == 0 {
		return errs.Field("form", "A scorecard needs at least one section.").WithKey("qa_form_empty")
	}
	for i := range f.Sections {
		s := &f.Sections[i]
		s.Title = strings.TrimSpace(s.Title)
		if s.Title == "" || s.Weight <= 0 || math.IsInf(s.Weight, 0) || math.IsNaN(s.Weight) || len(s.Items) == 0 {
			return errs.Field("form", fmt.Sprintf("Section %d needs a title, a weight above 0 and at least one item.", i+1)).WithKey("qa_form_section")
		}
		for j := range s.Items {
			it := &s.Items[j]
			it.Key = fmt.Sprintf("%d.%d", i+1, j+1)
			it.Text = strings.TrimSpace(it.Text)
			switch it.Kind {
			case KindYesNo:
				it.Max = 1
			case KindScale:
				if it.Max < 1 || it.Max > 10 {
					return errs.Field("form", fmt.Sprintf("Item %s: a scale goes from 0 to between 1 and 10.", it.Key)).WithKey("qa_form_item")
				}
			default:
				return errs.Field("form", fmt.Sprintf("Item %s: kind must be yes_no or scale.", it.Key)).WithKey("qa_form_item")
			}
			if it.Text == "" || it.Weight <= 0 || math.IsInf(it.Weight, 0) || math.IsNaN(it.Weight) {
				return errs.Field("form", fmt.Sprintf("Item %s needs a text and a weight above 0.", it.Key)).WithKey("qa_form_item")
			}
		}
	}
	return nil
}

// Result is a computed score.
type Result struct {
	Score    float64            // 0-100, two decimals; 0 when Failed
	Failed   bool               // a critical item was answered 0
	Sections []float64          // each section's score 0-100 (before a critical fail)
	Items    map[string]float64 // each item's score 0-100
}

// Score computes the score of answers on the form: an item scores value/max, a section
// the weighted mean of its items, the total the weighted mean of the sections, on 0-100.
// Every item must be answered within its range. A critical item answered 0 fails the
// evaluation: the score is 0. The console's qa.js computes the same as the evaluator types.
func (f *Form) Score(answers map[string]Answer) (Result, error) {
	r := Result{Items: map[string]float64{}}
	var total, totalWeight float64
	for _, s := range f.Sections {
		var sum, weight float64
		for _, it := range s.Items {
			a, ok := answers[it.Key]
			if !ok {
				return r, errs.Field("answers", fmt.Sprintf("Item %s (%s) is not answered.", it.Key, it.Text)).WithKey("qa_unanswered")
			}
			if a.Value < 0 || a.Value > it.Max {
				return r, errs.Field("answers", fmt.Sprintf("Item %s: the answer must be between 0 and %d.", it.Key, it.Max)).WithKey("qa_answer_range")
			}
			frac := float64(a.Value) / float64(it.Max)
			r.Items[it.Key] = round2(frac * 100)
			if it.Critical && a.Value == 0 {
				r.Failed = true
			}
			sum += it.Weight * frac
			weight += it.Weight
		}
		sec := sum / weight
		r.Sections = append(r.Sections, round2(sec*100))
		total += s.Weight * sec
		totalWeight += s.Weight
	}
	for key := range answers {
		if _, ok := f.Item(key); !ok {
			return r, errs.Field("answers", fmt.Sprintf("The form has no item %s.", key)).WithKey("qa_answer_unknown")
		}
	}
	if !r.Failed {
		r.Score = round2(total / totalWeight * 100)
	}
	return r, nil
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// ParseForm reads the editor's text form, one line per section or item:
//
//	# Greeting | 20
//	- Uses the standard greeting | 1 | yes_no
//	- Verifies the caller's identity | 2 | yes_no | critical
//	# Solving | 50
//	- Finds the cause | 3 | scale 5
//
// A section line is "# title | weight"; an item line "- text | weight | yes_no or scale N
// [| critical]". Blank lines are ignored.
func ParseForm(text string) (Form, error) {
	var f Form
	for n, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		bad := func(msg string) (Form, error) {
			return Form{}, errs.Field("form", fmt.Sprintf("Line %d: %s", n+1, msg)).WithKey("qa_form_line", n+1)
		}
		parts := strings.Split(line[1:], "|")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		switch line[0] {
		case '#':
			if len(parts) != 2 {
				return bad("a section is \"# title | weight\".")
			}
			w, err := strconv.ParseFloat(parts[1], 64)
			if err != nil {
				return bad("the weight is not a number.")
			}
			f.Sections = append(f.Sections, Section{Title: parts[0], Weight: w})
		case '-':
			if len(f.Sections) == 0 {
				return bad("an item comes after a section line.")
			}
			if len(parts) < 3 || len(parts) > 4 {
				return bad("an item is \"- text | weight | yes_no or scale N [| critical]\".")
			}
			w, err := strconv.ParseFloat(parts[1], 64)
			if err != nil {
				return bad("the weight is not a number.")
			}
			it := Item{Text: parts[0], Weight: w}
			kind := strings.Fields(parts[2])
			switch {
			case len(kind) == 1 && (kind[0] == KindYesNo || kind[0] == "yesno"):
				it.Kind = KindYesNo
			case len(kind) == 2 && kind[0] == KindScale:
				if it.Max, err = strconv.Atoi(kind[1]); err != nil {
					return bad("a scale is \"scale N\".")
				}
				it.Kind = KindScale
			default:
				return bad("the kind is yes_no or scale N.")
			}
			if len(parts) == 4 {
				if parts[3] != "critical" {
					return bad("the last part may only be \"critical\".")
				}
				it.Critical = true
			}
			s := &f.Sections[len(f.Sections)-1]
			s.Items = append(s.Items, it)
		default:
			return bad("a line starts with # (section) or - (item).")
		}
	}
	if err := f.normalize(); err != nil {
		return Form{}, err
	}
	return f, nil
}

// Text writes the form in the editor's text format (ParseForm reads it back).
func (f *Form) Text() string {
	var b strings.Builder
	num := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	for i, s := range f.Sections {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "# %s | %s\n", s.Title, num(s.Weight))
		for _, it := range s.Items {
			kind := KindYesNo
			if it.Kind == KindScale {
				kind = fmt.Sprintf("scale %d", it.Max)
			}
			fmt.Fprintf(&b, "- %s | %s | %s", it.Text, num(it.Weight), kind)
			if it.Critical {
				b.WriteString(" | critical")
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}
