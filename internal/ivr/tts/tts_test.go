package tts

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/hotlinecc/hotline/internal/ivr/say"
	"github.com/hotlinecc/hotline/internal/ivr/wav"
	"github.com/hotlinecc/hotline/internal/testenv"
)

func TestSpeakCachesTelephoneAudio(t *testing.T) {
	testenv.LookPath(t, "espeak-ng", "espeak-ng")
	s := New(t.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx := context.Background()
	for _, c := range []struct{ lang, text string }{{"zh", "您的维修单状态是维修中"}, {"en", "twelve thousand three hundred forty-five"}} {
		path, err := s.Speak(ctx, c.lang, c.text)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, data, err := wav.Parse(b)
		if err != nil || f != wav.Telephone || f.Duration(data) < 0.5 {
			t.Fatalf("%s: %v %v %.2fs", c.text, f, err, f.Duration(data))
		}
		st, _ := os.Stat(path)
		again, err := s.Speak(ctx, c.lang, c.text)
		st2, _ := os.Stat(again)
		if err != nil || again != path || !st2.ModTime().Equal(st.ModTime()) {
			t.Fatalf("second Speak did not use the cache: %s %v", again, err)
		}
	}
	if a, b := s.Path("zh", "一"), s.Path("en", "一"); a == b {
		t.Fatal("the cache key ignores the voice")
	}
	if _, err := s.Speak(ctx, "fr", "bonjour"); err == nil {
		t.Fatal("spoke a language without a voice")
	}
}

func TestMissingEspeakIsReported(t *testing.T) {
	s := &Speaker{dir: t.TempDir(), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if _, err := s.Speak(context.Background(), "zh", "你好"); err != ErrUnavailable {
		t.Fatalf("without espeak-ng: %v", err)
	}
}

// Every word that package say writes for numbers, amounts and dates has a shipped
// prompt, so the fallback speaks them whole.
func TestWordsHaveShippedPrompts(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		var texts []string
		for _, n := range []int64{0, 7, 10, 15, 19, 20, 99, 110, 1005, 12345, 100010, 2000000, 1234567890, -5} {
			texts = append(texts, say.Integer(lang, n))
		}
		for _, f := range []struct{ as, v string }{{"amount", "2.50"}, {"amount", "1299.99"}, {"amount", "1.01"}, {"number", "3.14"}, {"digits", "13800138000"}} {
			s, err := say.Format(lang, f.as, f.v)
			if err != nil {
				t.Fatal(err)
			}
			texts = append(texts, s)
		}
		if lang == "zh" {
			s, _ := say.Format(lang, "date", "2026-11-25")
			texts = append(texts, s)
		}
		for _, text := range texts {
			names, complete := Words(lang, text)
			if !complete || len(names) == 0 {
				t.Errorf("%s %q: words %v, complete %v", lang, text, names, complete)
			}
			for _, n := range names {
				if _, err := os.Stat(filepath.Join("..", "prompts", lang, n+".wav")); err != nil {
					t.Errorf("%s %q: no prompt %s", lang, text, n)
				}
			}
		}
	}
	if names, complete := Words("zh", "维修中 3"); complete || !slices.Equal(names, []string{"say_3"}) {
		t.Errorf("text without word prompts: %v %v", names, complete)
	}
}
