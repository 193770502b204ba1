package kb

import (
	"html"
	"regexp"
	"strings"
)

// Article bodies are plain text with a small Markdown subset, rendered here to HTML in
// which every character of the author's text is escaped: raw HTML in a body shows as
// text. The subset: paragraphs (blank lines), headings (#, ##, ###), lists (- or * items,
// or 1. 2. numbered), **bold**, `code`, and [links](https://...) to http(s) addresses.

var (
	orderedItem = regexp.MustCompile(`^\d{1,3}[.、)]\s+`)
	inlineRe    = regexp.MustCompile("\\*\\*([^*]+)\\*\\*|`([^`]+)`|\\[([^\\]]+)\\]\\((https?://[^\\s)]+)\\)")
)

// RenderMarkdown returns the HTML of a body. The result is safe to insert into a page.
func RenderMarkdown(src string) string {
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	var b strings.Builder
	var para []string
	list := "" // "ul" or "ol" while inside a list
	flushPara := func() {
		if len(para) > 0 {
			b.WriteString("<p>")
			for i, l := range para {
				if i > 0 {
					b.WriteString("<br>")
				}
				b.WriteString(inline(l))
			}
			b.WriteString("</p>\n")
			para = nil
		}
	}
	closeList := func() {
		if list != "" {
			b.WriteString("</" + list + ">\n")
			list = ""
		}
	}
	openList := func(kind string) {
		flushPara()
		if list != kind {
			closeList()
			b.WriteString("<" + kind + ">\n")
			list = kind
		}
	}
	for _, raw := range lines {
		l := strings.TrimSpace(raw)
		switch {
		case l == "":
			flushPara()
			closeList()
		case strings.HasPrefix(l, "### "), strings.HasPrefix(l, "## "), strings.HasPrefix(l, "# "):
			flushPara()
			closeList()
			level := strings.Index(l, " ")
			// Headings inside an article start at h3: the page's title is h1.
			tag := []string{"h3", "h4", "h5"}[level-1]
			b.WriteString("<" + tag + ">" + inline(strings.TrimSpace(l[level:])) + "</" + tag + ">\n")
		case strings.HasPrefix(l, "- "), strings.HasPrefix(l, "* "):
			openList("ul")
			b.WriteString("<li>" + inline(strings.TrimSpace(l[2:])) + "</li>\n")
		case orderedItem.MatchString(l):
			openList("ol")
			b.WriteString("<li>" + inline(orderedItem.ReplaceAllString(l, "")) + "</li>\n")
		default:
			closeList()
			para = append(para, l)
		}
	}
	flushPara()
	closeList()
	return b.String()
}

// inline escapes a line and renders bold, code and links in it.
func inline(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range inlineRe.FindAllStringSubmatchIndex(s, -1) {
		b.WriteString(html.EscapeString(s[last:m[0]]))
		switch {
		case m[2] >= 0:
			b.WriteString("<strong>" + html.EscapeString(s[m[2]:m[3]]) + "</strong>")
		case m[4] >= 0:
			b.WriteString("<code>" + html.EscapeString(s[m[4]:m[5]]) + "</code>")
		default:
			b.WriteString(`<a href="` + html.EscapeString(s[m[8]:m[9]]) + `" rel="noopener noreferrer" target="_blank">` + html.EscapeString(s[m[6]:m[7]]) + "</a>")
		}
		last = m[1]
	}
	b.WriteString(html.EscapeString(s[last:]))
	return b.String()
}

// stripMarkdown removes the subset's markers, for snippets in plain text.
func stripMarkdown(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		l = strings.TrimLeft(l, "#")
		l = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(l), "- "), "* ")
		l = inlineRe.ReplaceAllString(l, "$1$2$3")
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}
