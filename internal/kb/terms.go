package kb

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The search index works the same on SQLite and PostgreSQL because it is ours: each
// article's text is cut into terms at save and stored in kb_terms; a query is cut the same
// way and matched by the terms' primary key. Chinese has no spaces between words, so a
// run of CJK characters becomes its overlapping character bigrams ("无法开机" gives 无法,
// 法开, 开机), which find a word of two or more characters wherever it stands, and its
// single characters, which serve one-character queries. Latin letters and digits form
// lowercased words, so model numbers ("ThinkPad X1", "E14") are found as typed.

// Field weights: a term in the title counts more than one in the tags, and both more than
// one in the body.
const (
	weightTitle   = 10
	weightTag     = 5
	weightBody    = 1
	maxBodyWeight = 5 // repeated body terms stop adding up
)

// stopWords are English words too common to tell articles apart.
var stopWords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "of": true, "to": true, "in": true,
	"on": true, "for": true, "is": true, "are": true, "be": true, "it": true, "my": true, "your": true,
	"how": true, "do": true, "does": true, "i": true, "with": true, "at": true, "by": true, "as": true,
	"this": true, "that": true, "what": true, "can": true, "not": true, "if": true,
}

// maxWordLen bounds one Latin word (longer runs are cut), so a pasted hash does not make
// a huge term.
const maxWordLen = 40

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

func isWordRune(r rune) bool {
	return (unicode.IsLetter(r) || unicode.IsDigit(r)) && !isCJK(r)
}

// token is one term of a text with where it stands (rune offsets), for highlighting.
type token struct {
	term       string
	start, end int // runes [start, end)
}

// tokenize cuts text into terms: Latin words, CJK bigrams, and CJK single characters when
// unigrams is set (the index stores them; a query uses them only for a lone character).
func tokenize(text string, unigrams bool) []token {
	var out []token
	runes := []rune(text)
	for i := 0; i < len(runes); {
		r := runes[i]
		switch {
		case isCJK(r):
			j := i
			for j < len(runes) && isCJK(runes[j]) {
				j++
			}
			if j-i == 1 {
				out = append(out, token{string(runes[i]), i, j})
			} else {
				for k := i; k+1 < j; k++ {
					out = append(out, token{string(runes[k : k+2]), k, k + 2})
				}
				if unigrams {
					for k := i; k < j; k++ {
						out = append(out, token{string(runes[k]), k, k + 1})
					}
				}
			}
			i = j
		case isWordRune(r):
			j := i
			for j < len(runes) && isWordRune(runes[j]) {
				j++
			}
			w := strings.ToLower(string(runes[i:min(j, i+maxWordLen)]))
			if !stopWords[w] {
				out = append(out, token{w, i, j})
			}
			i = j
		default:
			i++
		}
	}
	return out
}

// QueryTerms returns the distinct terms of a search query, in order.
func QueryTerms(q string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range tokenize(q, false) {
		if !seen[t.term] {
			seen[t.term] = true
			out = append(out, t.term)
		}
	}
	return out
}

// indexTerms returns the weighted terms of an article for kb_terms.
func indexTerms(title, body string, tags []string) map[string]int {
	w := map[string]int{}
	bodyCount := map[string]int{}
	for _, t := range tokenize(title, true) {
		if w[t.term] < weightTitle {
			w[t.term] += weightTitle
		}
	}
	seenTag := map[string]bool{}
	for _, tag := range tags {
		for _, t := range tokenize(tag, true) {
			if !seenTag[t.term] {
				seenTag[t.term] = true
				w[t.term] += weightTag
			}
		}
		// A tag is also a term as a whole, so Suggest finds articles tagged with a code.
		if tt := strings.ToLower(tag); !seenTag[tt] && utf8.RuneCountInString(tt) <= maxWordLen {
			seenTag[tt] = true
			w[tt] += weightTag
		}
	}
	for _, t := range tokenize(body, true) {
		if bodyCount[t.term] < maxBodyWeight {
			bodyCount[t.term]++
			w[t.term] += weightBody
		}
	}
	return w
}

// minMatch is how many of a query's n terms an article must contain: all of one or two,
// and at least half of longer queries, so a phrase with one bigram that spans two words
// ("笔记本不充电" has 本不) still finds its article.
func minMatch(n int) int {
	if n <= 2 {
		return 1
	}
	return (n + 1) / 2
}

// Segment is a piece of highlighted text: Mark says it matched the query.
type Segment struct {
	Text string
	Mark bool
}

// Highlight cuts text into segments, marking where the query's terms occur.
func Highlight(text string, terms []string) []Segment {
	if len(terms) == 0 || text == "" {
		return []Segment{{Text: text}}
	}
	want := map[string]bool{}
	for _, t := range terms {
		want[t] = true
	}
	runes := []rune(text)
	mark := make([]bool, len(runes))
	for _, t := range tokenize(text, true) {
		if want[t.term] {
			for k := t.start; k < t.end; k++ {
				mark[k] = true
			}
		}
	}
	var out []Segment
	start := 0
	for i := 1; i <= len(runes); i++ {
		if i == len(runes) || mark[i] != mark[start] {
			out = append(out, Segment{Text: string(runes[start:i]), Mark: mark[start]})
			start = i
		}
	}
	return out
}

// Snippet returns about n runes of text around the first place a term occurs (the start
// when none does), with ellipses where it was cut, and paragraph breaks flattened.
func Snippet(text string, terms []string, n int) string {
	text = strings.Join(strings.Fields(stripMarkdown(text)), " ")
	runes := []rune(text)
	if len(runes) <= n {
		return text
	}
	first := -1
	want := map[string]bool{}
	for _, t := range terms {
		want[t] = true
	}
	for _, t := range tokenize(text, true) {
		if want[t.term] {
			first = t.start
			break
		}
	}
	start := 0
	if first > n/3 {
		start = first - n/3
	}
	end := min(len(runes), start+n)
	s := string(runes[start:end])
	if start > 0 {
		s = "…" + s
	}
	if end < len(runes) {
		s += "…"
	}
	return s
}
