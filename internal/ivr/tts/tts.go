// Package tts turns text into telephone audio with espeak-ng (Mandarin and English
// voices), resampled to 8 kHz 16-bit mono and cached on disk by a hash of voice and
// text, so a sentence is synthesised once. Where espeak-ng is not installed, Words tells
// which shipped word prompts to join instead.
package tts

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/hotlinecc/hotline/internal/ivr/wav"
)

// ErrUnavailable means espeak-ng is not installed.
var ErrUnavailable = errors.New("tts: espeak-ng is not installed")

// Voices maps a flow language to its espeak-ng voice.
var Voices = map[string]string{"zh": "cmn", "en": "en-us"}

// Speaker synthesises and caches speech.
type Speaker struct {
	dir    string
	espeak string
	log    *slog.Logger
	warn   sync.Once
	mu     sync.Mutex // one synthesis at a time: espeak is CPU-bound and the machine is small
}

// New returns a Speaker caching under dir. It looks for espeak-ng on PATH.
func New(dir string, log *slog.Logger) *Speaker {
	p, _ := exec.LookPath("espeak-ng")
	return &Speaker{dir: dir, espeak: p, log: log}
}

// Available reports whether speech can be synthesised.
func (s *Speaker) Available() bool {
	if s.espeak == "" {
		s.warn.Do(func() {
			s.log.Warn("espeak-ng is not installed: IVR say nodes join recorded words instead of speaking text (apt-get install espeak-ng)")
		})
	}
	return s.espeak != ""
}

// Path is where the audio of text in lang is cached.
func (s *Speaker) Path(lang, text string) string {
	h := sha256.Sum256([]byte(Voices[lang] + "\x00" + text))
	return filepath.Join(s.dir, Voices[lang]+"-"+hex.EncodeToString(h[:12])+".wav")
}

// Speak returns a telephone-format WAV file saying text in lang ("zh" or "en"),
// synthesising it on first use.
func (s *Speaker) Speak(ctx context.Context, lang, text string) (string, error) {
	voiceName, ok := Voices[lang]
	if !ok {
		return "", fmt.Errorf("tts: no voice for language %q", lang)
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return "", errors.New("tts: nothing to say")
	}
	if !s.Available() {
		return "", ErrUnavailable
	}
	path := s.Path(lang, text)
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := os.Stat(path); err == nil {
		return path, nil // another call made it while this one waited
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	var out, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, s.espeak, "-v", voiceName, "-s", "170", "--stdout", "--", text)
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("tts: espeak-ng: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	f, data, err := wav.Parse(out.Bytes())
	if err != nil {
		return "", fmt.Errorf("tts: espeak-ng output: %w", err)
	}
	if f.Bits != 16 || f.Channels != 1 {
		return "", fmt.Errorf("tts: espeak-ng wrote %s", f)
	}
	if err := os.MkdirAll(s.dir, 0o750); err != nil {
		return "", fmt.Errorf("tts: cache folder: %w", err)
	}
	var file bytes.Buffer
	if err := wav.Encode(&file, wav.Telephone.Rate, wav.Resample(wav.Samples(data), f.Rate)); err != nil {
		return "", err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, file.Bytes(), 0o640); err != nil {
		return "", fmt.Errorf("tts: cache: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("tts: cache: %w", err)
	}
	return path, nil
}

// zhWords maps the characters that internal/ivr/say writes to shipped word prompts.
var zhWords = map[rune]string{
	'零': "say_0", '〇': "say_0", '一': "say_1", '幺': "say_1", '二': "say_2", '两': "say_2", '三': "say_3",
	'四': "say_4", '五': "say_5", '六': "say_6", '七': "say_7", '八': "say_8", '九': "say_9",
	'十': "say_ten", '百': "say_hundred", '千': "say_thousand", '万': "say_wan", '亿': "say_yi",
	'点': "say_point", '负': "say_minus", '元': "say_yuan", '角': "say_jiao", '分': "say_fen",
	'年': "say_year", '月': "say_month", '日': "say_day", '号': "say_day",
}

// enWords are the English words with shipped prompts (say_<word>); numbers have
// say_0 ... say_19 and say_20 ... say_90.
var enWords = map[string]string{
	"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
	"eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
	"fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20",
	"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
	"hundred": "hundred", "thousand": "thousand", "million": "million", "billion": "billion", "point": "point",
	"minus": "minus", "dollar": "dollars", "dollars": "dollars", "cent": "cents", "cents": "cents",
}

// Words returns the shipped word prompts that say text (as written by package say) and
// whether every part of it had one. Digits in other text are read one by one; words
// without a prompt are left out.
func Words(lang, text string) (names []string, complete bool) {
	complete = true
	if lang == "zh" {
		for _, r := range text {
			switch {
			case zhWords[r] != "":
				names = append(names, zhWords[r])
			case r >= '0' && r <= '9':
				names = append(names, "say_"+string(r))
			case r == '整' || unicode.IsSpace(r) || unicode.IsPunct(r):
			default:
				complete = false
			}
		}
		return names, complete
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return unicode.IsSpace(r) || r == '-' || r == ',' || r == '.'
	}) {
		switch {
		case enWords[w] != "":
			names = append(names, "say_"+enWords[w])
		case w == "and":
		case strings.Trim(w, "0123456789") == "":
			for _, r := range w {
				names = append(names, "say_"+string(r))
			}
		default:
			complete = false
		}
	}
	return names, complete
}
