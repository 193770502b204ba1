package survey

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/ivr/wav"
	"github.com/hotlinecc/hotline/internal/voice"
)

// The keypad survey's prompts in Chinese and English, made by scripts/survey-prompts.sh.
//
//go:embed prompts/zh/*.wav prompts/en/*.wav
var prompts embed.FS

// CallInfo is what the switchboard tells about a call whose agent hung up first.
type CallInfo struct {
	CallID     int64
	AgentID    int64
	CustomerID int64
	Queue      string
	Language   string // zh or en; "" takes the queue setting's language
}

// Keypad runs the post-call keypad rating.
type Keypad struct {
	Store *Store
	// Speak synthesises a custom question's text to a WAV file (internal/ivr/tts); nil or
	// a failure plays the shipped prompt instead.
	Speak func(ctx context.Context, lang, text string) (string, error)
	// Roll returns a number in [0, 100) for sampling; nil uses math/rand.
	Roll func() int
	Log  *slog.Logger
	// Timeout is how long to wait for a digit (0 means 8 s).
	Timeout time.Duration
}

func shippedPrompt(lang, name string) voice.Prompt {
	b, err := prompts.ReadFile("prompts/" + lang + "/" + name + ".wav")
	p := voice.Prompt{Text: "survey." + name, Lang: map[string]string{"zh": "zh-CN", "en": "en"}[lang], BargeIn: true}
	if err == nil {
		if src, err := wav.Open(b); err == nil {
			p.Source = src
			return p
		}
	}
	p.ID = "survey_" + name // the engine's prompt folder, if a site put one there
	return p
}

func (k *Keypad) prompt(ctx context.Context, lang, name, custom string) voice.Prompt {
	if custom != "" && k.Speak != nil {
		if file, err := k.Speak(ctx, lang, custom); err == nil {
			return voice.Prompt{File: file, Text: "survey." + name, Lang: map[string]string{"zh": "zh-CN", "en": "en"}[lang], BargeIn: true}
		} else if k.Log != nil {
			k.Log.Warn("survey prompt", "err", err)
		}
	}
	return shippedPrompt(lang, name)
}

// ask plays a question and reads one digit 1-5, once more after a wrong digit. It returns
// 0 when the caller pressed nothing (or twice a wrong digit).
func (k *Keypad) ask(ctx context.Context, c voice.Call, lang, name, custom string) (int, error) {
	timeout := k.Timeout
	if timeout <= 0 {
		timeout = 8 * time.Second
	}
	for try := 0; try < 2; try++ {
		if err := c.Play(ctx, k.prompt(ctx, lang, name, custom)); err != nil {
			return 0, err
		}
		d, err := c.Collect(ctx, voice.Collect{Max: 1, Timeout: timeout})
		if err != nil {
			return 0, err
		}
		if d == "" {
			return 0, nil
		}
		if d[0] >= '1' && d[0] <= '5' {
			return int(d[0] - '0'), nil
		}
		c.FlushDigits()
		if try == 0 {
			if err := c.Play(ctx, shippedPrompt(lang, "invalid")); err != nil {
				return 0, err
			}
		}
	}
	return 0, nil
}

// Run asks the caller for a keypad rating when the call's queue has it turned on and the
// call falls in the sample, and stores the answer with the call, the agent and the
// customer. It returns the stored response, or nil when nothing was asked or answered.
func (k *Keypad) Run(ctx context.Context, c voice.Call, in CallInfo) (*Response, error) {
	set, err := k.Store.QueueSetting(ctx, in.Queue)
	if err != nil || !set.Enabled || in.Queue == "" {
		return nil, err
	}
	roll := k.Roll
	if roll == nil {
		roll = func() int { return rand.IntN(100) }
	}
	if roll() >= set.SamplePercent {
		return nil, nil
	}
	lang := in.Language
	if lang != "zh" && lang != "en" {
		lang = set.Language
	}
	li := 0
	if lang == "en" {
		li = 1
	}
	c.FlushDigits() // digits pressed during the conversation are not a rating
	score, err := k.ask(ctx, c, lang, "rate", set.Q1[li])
	if err != nil || score == 0 {
		return nil, ignoreHangup(err)
	}
	r := &Response{Channel: ChannelKeypad, Language: lang, CallID: in.CallID, CustomerID: in.CustomerID, AgentID: in.AgentID, Queue: in.Queue,
		Score: score, NPS: -1, Answers: map[string]string{"q1": fmt.Sprint(score)}}
	var hungUp error
	if set.Q2Enabled {
		s2, err := k.ask(ctx, c, lang, "rate2", set.Q2[li])
		if s2 > 0 {
			r.Answers["q2"] = fmt.Sprint(s2)
		}
		hungUp = err
	}
	// The rating is stored even if the caller hung up during the second question.
	if err := k.Store.record(context.WithoutCancel(ctx), r, nil); err != nil {
		return nil, err
	}
	if hungUp == nil {
		_ = c.Play(ctx, shippedPrompt(lang, "thanks"))
	}
	return r, nil
}

func ignoreHangup(err error) error {
	if errors.Is(err, voice.ErrHangup) || errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// RecordKeypad stores a keypad rating taken elsewhere (a softphone's own IVR, the demo
// data): score 1-5 and an optional second answer (0 for none).
func (s *Store) RecordKeypad(ctx context.Context, in CallInfo, score, second int) (*Response, error) {
	if score < 1 || score > 5 || second < 0 || second > 5 {
		return nil, errs.Field("score", "A keypad rating is 1 to 5.").WithKey("survey_bad_answer", 1)
	}
	lang := in.Language
	if lang != "en" {
		lang = "zh"
	}
	r := &Response{Channel: ChannelKeypad, Language: lang, CallID: in.CallID, CustomerID: in.CustomerID, AgentID: in.AgentID, Queue: in.Queue,
		Score: score, NPS: -1, Answers: map[string]string{"q1": fmt.Sprint(score)}}
	if second > 0 {
		r.Answers["q2"] = fmt.Sprint(second)
	}
	return r, s.record(ctx, r, nil)
}
