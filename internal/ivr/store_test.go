package ivr_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/acd/acdstore"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/ivr"
	"github.com/hotlinecc/hotline/internal/ivr/wav"
)

func newStore(t *testing.T, d *db.DB) *ivr.Store {
	qs := acdstore.New(d)
	for _, code := range []string{"support", "presales"} {
		if err := qs.CreateQueue(context.Background(), &acd.Queue{Code: code, NameZH: code, NameEN: code, Strategy: acd.LongestIdle, SLSeconds: 20}); err != nil {
			t.Fatal(err)
		}
	}
	return ivr.NewStore(d, t.TempDir(), func(ctx context.Context) ([]string, error) {
		list, err := qs.Queues(ctx)
		var codes []string
		for _, q := range list {
			codes = append(codes, q.Code)
		}
		return codes, err
	})
}

func simpleFlow(name, prompt string) *ivr.Flow {
	return &ivr.Flow{Name: name, Language: "zh", Start: "hello", Nodes: []ivr.Node{
		{ID: "hello", Kind: ivr.KindPlay, Params: ivr.Params{Prompt: prompt}, Exits: []ivr.Exit{{Name: "next", To: "q"}}},
		{ID: "q", Kind: ivr.KindQueue, Params: ivr.Params{Queue: "support"}},
	}}
}

func tone(seconds float64, rate int) []byte {
	s := make([]int16, int(seconds*float64(rate)))
	for i := range s {
		s[i] = int16(8000 * math.Sin(2*math.Pi*440*float64(i)/float64(rate)))
	}
	var b bytes.Buffer
	wav.Encode(&b, rate, s)
	return b.Bytes()
}

func TestFlowStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newStore(t, d)
		if _, err := s.DefaultFlow(ctx); !errs.Is(err, errs.NotFound) {
			t.Fatalf("default flow of an empty store: %v", err)
		}
		a := simpleFlow("主流程", "welcome")
		if err := s.CreateFlow(ctx, a, 0); err != nil {
			t.Fatal(err)
		}
		if !a.IsDefault || a.Version != 1 {
			t.Fatalf("the first flow is the default at version 1: %+v", a)
		}
		b := simpleFlow("节假日", "closed")
		if err := s.CreateFlow(ctx, b, 0); err != nil || b.IsDefault {
			t.Fatalf("second flow: %v %+v", err, b)
		}
		// Invalid flows and duplicate names change nothing.
		bad := simpleFlow("坏流程", "welcome")
		bad.Nodes[1].Params.Queue = "nope"
		if err := s.CreateFlow(ctx, bad, 0); !errs.Is(err, errs.Invalid) || len(ivr.ProblemsOf(err)) != 1 {
			t.Fatalf("invalid flow: %v", err)
		}
		if err := s.CreateFlow(ctx, simpleFlow("主流程", "welcome"), 0); !errs.Is(err, errs.Invalid) {
			t.Fatalf("duplicate name: %v", err)
		}
		list, err := s.Flows(ctx)
		if err != nil || len(list) != 2 || list[0].ID != a.ID || list[0].Nodes != 2 {
			t.Fatalf("flows: %+v %v", list, err)
		}

		// Update with the version read; a stale version is a conflict.
		got, err := s.Flow(ctx, a.ID)
		if err != nil || got.Node("hello").Params.Prompt != "welcome" {
			t.Fatalf("flow: %+v %v", got, err)
		}
		got.Node("hello").Params.Prompt = "goodbye"
		if err := s.UpdateFlow(ctx, got, 0); err != nil || got.Version != 2 || !got.IsDefault {
			t.Fatalf("update: %v %+v", err, got)
		}
		stale := simpleFlow("主流程", "welcome")
		stale.ID, stale.Version = a.ID, 1
		if err := s.UpdateFlow(ctx, stale, 0); !errs.Is(err, errs.Conflict) {
			t.Fatalf("stale update: %v", err)
		}
		missing := simpleFlow("无", "welcome")
		missing.ID = 999
		if err := s.UpdateFlow(ctx, missing, 0); !errs.Is(err, errs.NotFound) {
			t.Fatalf("update of a missing flow: %v", err)
		}
		if vs, err := s.Versions(ctx, a.ID); err != nil || len(vs) != 2 || vs[0].Version != 2 {
			t.Fatalf("versions: %+v %v", vs, err)
		}

		// The default moves; the default flow cannot be deleted.
		if err := s.DeleteFlow(ctx, a.ID); !errs.Is(err, errs.Conflict) {
			t.Fatalf("delete default: %v", err)
		}
		if err := s.SetDefault(ctx, b.ID); err != nil {
			t.Fatal(err)
		}
		if def, err := s.DefaultFlow(ctx); err != nil || def.ID != b.ID {
			t.Fatalf("default: %+v %v", def, err)
		}
		if err := s.DeleteFlow(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Flow(ctx, a.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("deleted flow: %v", err)
		}
		if err := s.SetDefault(ctx, 12345); !errs.Is(err, errs.NotFound) {
			t.Fatalf("default of a missing flow: %v", err)
		}
	})
}

func TestPromptStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newStore(t, d)
		for _, c := range []struct {
			name, lang, prompt string
			data               []byte
			code               errs.Code
		}{
			{"not a wav", "zh", "promo", []byte("hello"), errs.Invalid},
			{"16 kHz", "zh", "promo", tone(1, 16000), errs.Invalid},
			{"too large", "zh", "promo", tone(70, 8000), errs.TooLarge},
			{"bad name", "zh", "Promo Sale!", tone(1, 8000), errs.Invalid},
			{"bad language", "fr", "promo", tone(1, 8000), errs.Invalid},
			{"silent", "zh", "promo", tone(0.01, 8000), errs.Invalid},
		} {
			if _, err := s.UploadPrompt(ctx, c.lang, c.prompt, c.data, 0); errs.CodeOf(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
		}
		// A flow cannot use a prompt that does not exist yet.
		if err := s.CreateFlow(ctx, simpleFlow("促销", "promo"), 0); !errs.Is(err, errs.Invalid) {
			t.Fatalf("flow with an unknown prompt: %v", err)
		}
		p, err := s.UploadPrompt(ctx, "zh", "promo.wav", tone(1.5, 8000), 0)
		if err != nil || p.Name != "promo" || p.DurationMS != 1500 || p.Shipped {
			t.Fatalf("upload: %+v %v", p, err)
		}
		if err := s.CreateFlow(ctx, simpleFlow("促销", "promo"), 0); err != nil {
			t.Fatal(err)
		}
		// Uploading over a shipped prompt replaces it.
		if _, err := s.UploadPrompt(ctx, "zh", "welcome", tone(2, 8000), 0); err != nil {
			t.Fatal(err)
		}
		list, err := s.Prompts(ctx, "zh")
		if err != nil {
			t.Fatal(err)
		}
		var welcome, promo *ivr.PromptInfo
		for i := range list {
			switch list[i].Name {
			case "welcome":
				welcome = &list[i]
			case "promo":
				promo = &list[i]
			}
		}
		if welcome == nil || !welcome.Shipped || !welcome.Uploaded || welcome.DurationMS != 2000 || promo == nil || len(list) < 40 {
			t.Fatalf("prompts: welcome %+v promo %+v (%d)", welcome, promo, len(list))
		}
		vp, err := s.Prompt(ctx, "zh", "welcome")
		if err != nil || vp.File == "" {
			t.Fatalf("uploaded prompt plays from its file: %+v %v", vp, err)
		}
		if vp, err := s.Prompt(ctx, "en", "welcome"); err != nil || vp.Source == nil {
			t.Fatalf("shipped prompt plays from the binary: %+v %v", vp, err)
		}
		if audio, err := s.PromptAudio(ctx, "zh", "promo"); err != nil || len(audio) != len(tone(1.5, 8000)) {
			t.Fatalf("audio: %d %v", len(audio), err)
		}
		// A prompt in use stays; once unused it goes.
		if err := s.DeletePrompt(ctx, p.ID); !errs.Is(err, errs.Conflict) {
			t.Fatalf("delete a prompt in use: %v", err)
		}
		if err := s.DeletePrompt(ctx, welcome.ID); err != nil {
			t.Fatalf("delete an upload over a shipped prompt: %v", err)
		}
		if vp, err := s.Prompt(ctx, "zh", "welcome"); err != nil || vp.Source == nil {
			t.Fatalf("after the delete the shipped prompt plays again: %+v %v", vp, err)
		}
		if _, err := s.PromptAudio(ctx, "zh", "nothing"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("missing prompt: %v", err)
		}
	})
}

// With UseCalendars, a flow is saved only when its hours node names a calendar that exists.
func TestFlowStoreChecksCalendars(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newStore(t, d)
		s.UseCalendars(func(context.Context) ([]int64, error) { return []int64{4}, nil })
		f := func(calendar int64) *ivr.Flow {
			return &ivr.Flow{Name: fmt.Sprintf("日历 %d", calendar), Language: "zh", Start: "hours", Nodes: []ivr.Node{
				{ID: "hours", Kind: ivr.KindHours, Params: ivr.Params{Hours: &ivr.Hours{CalendarID: calendar}},
					Exits: []ivr.Exit{{Name: "open", To: "q"}, {Name: "closed", To: "vm"}}},
				{ID: "q", Kind: ivr.KindQueue, Params: ivr.Params{Queue: "support"}},
				{ID: "vm", Kind: ivr.KindVoicemail, Params: ivr.Params{Box: "closed"}},
			}}
		}
		if err := s.CreateFlow(ctx, f(5), 0); !errs.Is(err, errs.Invalid) || ivr.ProblemsOf(err)[0].Key != "calendar" {
			t.Fatalf("unknown calendar: %v", err)
		}
		if err := s.CreateFlow(ctx, f(4), 0); err != nil {
			t.Fatal(err)
		}
	})
}
