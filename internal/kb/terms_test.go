package kb

import (
	"reflect"
	"strings"
	"testing"
)

func TestQueryTerms(t *testing.T) {
	tests := []struct {
		q    string
		want []string
	}{
		{"电池", []string{"电池"}},
		{"无法开机", []string{"无法", "法开", "开机"}},
		{"电", []string{"电"}},
		{"ThinkPad X1 Carbon", []string{"thinkpad", "x1", "carbon"}},
		{"E14 电池鼓包", []string{"e14", "电池", "池鼓", "鼓包"}},
		{"E14笔记本", []string{"e14", "笔记", "记本"}},
		{"蓝屏，怎么办？", []string{"蓝屏", "怎么", "么办"}},
		{"How to activate Windows", []string{"activate", "windows"}},
		{"the of and", nil},
		{"  ", nil},
		{"电池 电池", []string{"电池"}},
		{"Wi-Fi 6", []string{"wi", "fi", "6"}},
	}
	for _, tt := range tests {
		if got := QueryTerms(tt.q); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("QueryTerms(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
}

func TestIndexTerms(t *testing.T) {
	w := indexTerms("笔记本电池不充电怎么办", "检查电源适配器。电源指示灯不亮时更换适配器。", []string{"support", "电池"})
	tests := []struct {
		term string
		want int
	}{
		{"电池", weightTitle + weightTag}, // title and the tag (the tag as a bigram and as a whole count once)
		{"充电", weightTitle},
		{"电", weightTitle + weightTag + 2*weightBody}, // unigrams serve one-character queries
		{"适配", 2 * weightBody},                        // repeated body terms add up
		{"support", weightTag},
		{"不亮", weightBody},
		{"本电", weightTitle},
		{"池不", weightTitle},
		{"xyz", 0},
	}
	for _, tt := range tests {
		if got := w[tt.term]; got != tt.want {
			t.Errorf("weight of %q = %d, want %d", tt.term, got, tt.want)
		}
	}
	long := indexTerms("t", strings.Repeat("重启 ", 50), nil)
	if long["重启"] != maxBodyWeight*weightBody {
		t.Errorf("repeated body term weighs %d, want the cap %d", long["重启"], maxBodyWeight)
	}
}

func TestMinMatch(t *testing.T) {
	for n, want := range map[int]int{1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 6: 3, 9: 5} {
		if got := minMatch(n); got != want {
			t.Errorf("minMatch(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestHighlight(t *testing.T) {
	tests := []struct {
		text, q string
		want    string // marked parts in [brackets]
	}{
		{"电脑无法开机的排查步骤", "无法开机", "电脑[无法开机]的排查步骤"},
		{"笔记本电池不充电怎么办", "电池", "笔记本[电池]不充电怎么办"},
		{"ThinkPad X1 battery", "x1 BATTERY", "ThinkPad [X1] [battery]"},
		{"蓝屏", "", "蓝屏"},
		{"abc", "电", "abc"},
		{"电脑断电", "电", "[电]脑断[电]"},
	}
	for _, tt := range tests {
		var b strings.Builder
		for _, s := range Highlight(tt.text, QueryTerms(tt.q)) {
			if s.Mark {
				b.WriteString("[" + s.Text + "]")
			} else {
				b.WriteString(s.Text)
			}
		}
		if b.String() != tt.want {
			t.Errorf("Highlight(%q, %q) = %q, want %q", tt.text, tt.q, b.String(), tt.want)
		}
	}
}

func TestSnippet(t *testing.T) {
	body := strings.Repeat("前言内容。", 30) + "关键步骤是**重置BIOS**。" + strings.Repeat("后记。", 30)
	s := Snippet(body, QueryTerms("重置"), 40)
	if !strings.Contains(s, "重置BIOS") || !strings.HasPrefix(s, "…") || !strings.HasSuffix(s, "…") || strings.Contains(s, "**") {
		t.Errorf("snippet %q", s)
	}
	if s := Snippet("短文本", nil, 40); s != "短文本" {
		t.Errorf("short snippet %q", s)
	}
}

func TestRenderMarkdown(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"第一段\n第二行\n\n第二段", "<p>第一段<br>第二行</p>\n<p>第二段</p>\n"},
		{"<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"},
		{"## 步骤\n1. 关机\n2. 拔电源\n- 注意 **安全**", "<h4>步骤</h4>\n<ol>\n<li>关机</li>\n<li>拔电源</li>\n</ol>\n<ul>\n<li>注意 <strong>安全</strong></li>\n</ul>\n"},
		{"运行 `slmgr /xpr` 查看", "<p>运行 <code>slmgr /xpr</code> 查看</p>\n"},
		{"[驱动下载](https://support.example.cn/drivers?a=1&b=2)", `<p><a href="https://support.example.cn/drivers?a=1&amp;b=2" rel="noopener noreferrer" target="_blank">驱动下载</a></p>` + "\n"},
		{"[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>\n"},
		{`**"><img src=x>**`, "<p><strong>&#34;&gt;&lt;img src=x&gt;</strong></p>\n"},
		{"# 标题", "<h3>标题</h3>\n"},
	}
	for _, tt := range tests {
		if got := RenderMarkdown(tt.src); got != tt.want {
			t.Errorf("RenderMarkdown(%q)\n got %q\nwant %q", tt.src, got, tt.want)
		}
	}
}

func TestParseTags(t *testing.T) {
	got := ParseTags("support, 电池，repair、 保修;  x")
	want := []string{"support", "电池", "repair", "保修", "x"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseTags = %q, want %q", got, want)
	}
}

func TestDiffLines(t *testing.T) {
	tests := []struct {
		old, new string
		want     string
	}{
		{"a\nb\nc", "a\nb\nc", " a| b| c"},
		{"a\nb\nc", "a\nx\nc", " a|-b|+x| c"},
		{"一\n二", "一\n二\n三", " 一| 二|+三"},
		{"", "新", "-|+新"},
		{"保修一年\n电池半年", "保修两年\n电池半年", "-保修一年|+保修两年| 电池半年"},
	}
	for _, tt := range tests {
		var parts []string
		for _, l := range DiffLines(tt.old, tt.new) {
			parts = append(parts, string(l.Op)+l.Text)
		}
		if got := strings.Join(parts, "|"); got != tt.want {
			t.Errorf("DiffLines(%q, %q) = %q, want %q", tt.old, tt.new, got, tt.want)
		}
	}
}
