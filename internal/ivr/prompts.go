package ivr

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/ivr/wav"
	"github.com/hotlinecc/hotline/internal/voice"
)

// The default prompts in Chinese and English and the music on hold, made once by
// scripts/prompts.sh and shipped in the binary.
//
//go:embed prompts/zh/*.wav prompts/en/*.wav prompts/moh.wav
var shipped embed.FS

// MusicOnHold is the shipped music-on-hold prompt's name.
const MusicOnHold = "moh"

// MaxPromptBytes is the largest prompt an administrator may upload (about a minute; under the default request body limit).
const MaxPromptBytes = 960 << 10

var promptNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

func shippedFile(lang, name string) string {
	if name == MusicOnHold {
		return "prompts/moh.wav"
	}
	return "prompts/" + lang + "/" + name + ".wav"
}

func shippedPrompt(lang, name string) bool {
	if !slices.Contains(Languages, lang) || !promptNamePattern.MatchString(name) {
		return false
	}
	_, err := fs.Stat(shipped, shippedFile(lang, name))
	return err == nil
}

// PromptInfo is a prompt in the catalog: shipped, uploaded, or uploaded over a shipped one.
type PromptInfo struct {
	ID         int64     `json:"id,omitempty"` // uploaded prompts only
	Name       string    `json:"name"`
	Language   string    `json:"language"`
	Shipped    bool      `json:"shipped"`
	Uploaded   bool      `json:"uploaded"`
	SizeBytes  int64     `json:"size_bytes"`
	DurationMS int64     `json:"duration_ms"`
	UploadedBy int64     `json:"uploaded_by,omitempty"`
	CreatedAt  time.Time `json:"created_at,omitzero"`
	file       string
}

// Prompts lists every prompt by language and name; an uploaded prompt with a shipped
// name shows once, as uploaded over the shipped one. lang "" lists both languages.
func (s *Store) Prompts(ctx context.Context, lang string) ([]PromptInfo, error) {
	byKey := map[string]*PromptInfo{}
	var keys []string
	for _, l := range Languages {
		if lang != "" && l != lang {
			continue
		}
		names, _ := fs.Glob(shipped, "prompts/"+l+"/*.wav")
		names = append(names, "prompts/moh.wav")
		for _, n := range names {
			b, _ := fs.ReadFile(shipped, n)
			f, data, _ := wav.Parse(b)
			p := &PromptInfo{Name: strings.TrimSuffix(path.Base(n), ".wav"), Language: l, Shipped: true,
				SizeBytes: int64(len(b)), DurationMS: int64(f.Duration(data) * 1000)}
			keys = append(keys, l+"/"+p.Name)
			byKey[l+"/"+p.Name] = p
		}
	}
	uploaded, err := s.uploaded(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range uploaded {
		if lang != "" && u.Language != lang {
			continue
		}
		k := u.Language + "/" + u.Name
		if old, ok := byKey[k]; ok {
			u.Shipped = old.Shipped
		} else {
			keys = append(keys, k)
		}
		byKey[k] = &u
	}
	slices.Sort(keys)
	out := make([]PromptInfo, 0, len(keys))
	for _, k := range keys {
		out = append(out, *byKey[k])
	}
	return out, nil
}

func (s *Store) uploaded(ctx context.Context) ([]PromptInfo, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, name, language, file, size_bytes, duration_ms, COALESCE(uploaded_by, 0), created_at
		FROM ivr_prompts ORDER BY language, name`)
	if err != nil {
		return nil, fmt.Errorf("ivr: list prompts: %w", err)
	}
	defer rows.Close()
	var out []PromptInfo
	for rows.Next() {
		p := PromptInfo{Uploaded: true}
		if err := rows.Scan(&p.ID, &p.Name, &p.Language, &p.file, &p.SizeBytes, &p.DurationMS, &p.UploadedBy, &p.CreatedAt); err != nil {
			return nil, fmt.Errorf("ivr: list prompts: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *Store) uploadedNames(ctx context.Context) (map[string]bool, error) {
	ps, err := s.uploaded(ctx)
	if err != nil {
		return nil, err
	}
	m := map[string]bool{}
	for _, p := range ps {
		m[p.Language+"/"+p.Name] = true
	}
	return m, nil
}

// UploadPrompt validates a WAV file (8 kHz 16-bit mono PCM, at most MaxPromptBytes) and
// stores it as prompt name in lang, replacing an earlier upload of that name.
func (s *Store) UploadPrompt(ctx context.Context, lang, name string, data []byte, by int64) (*PromptInfo, error) {
	name = strings.TrimSpace(strings.TrimSuffix(strings.ToLower(name), ".wav"))
	if !slices.Contains(Languages, lang) {
		return nil, errs.Field("language", "The language must be zh or en.").WithKey("ivr_prompt_language")
	}
	if !promptNamePattern.MatchString(name) {
		return nil, errs.Field("name", "A prompt name has 1 to 40 lower-case letters, digits and _, starting with a letter.").WithKey("ivr_prompt_name")
	}
	if len(data) > MaxPromptBytes {
		return nil, errs.E(errs.TooLarge, "The prompt is larger than %d KB.", MaxPromptBytes>>10).WithKey("ivr_prompt_size", MaxPromptBytes>>10)
	}
	f, samples, err := wav.Parse(data)
	if err != nil {
		return nil, errs.Field("file", "The file is not a PCM WAV file.").WithKey("ivr_prompt_format")
	}
	if f != wav.Telephone {
		return nil, errs.Field("file", fmt.Sprintf("The file is %s; prompts must be %s (sox in.wav -r 8000 -b 16 -c 1 out.wav).", f, wav.Telephone)).
			WithKey("ivr_prompt_audio", f.String())
	}
	dur := f.Duration(samples)
	if dur < 0.1 {
		return nil, errs.Field("file", "The file holds no audio.").WithKey("ivr_prompt_empty")
	}
	rel := filepath.Join(lang, name+".wav")
	full := filepath.Join(s.dir, rel)
	if err := os.MkdirAll(filepath.Dir(full), 0o750); err != nil {
		return nil, fmt.Errorf("ivr: prompt folder: %w", err)
	}
	tmp := full + ".upload"
	if err := os.WriteFile(tmp, data, 0o640); err != nil {
		return nil, fmt.Errorf("ivr: write prompt: %w", err)
	}
	p := &PromptInfo{Name: name, Language: lang, Uploaded: true, Shipped: shippedPrompt(lang, name), SizeBytes: int64(len(data)),
		DurationMS: int64(dur * 1000), UploadedBy: by, CreatedAt: now(), file: rel}
	var user any
	if by > 0 {
		user = by
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := os.Rename(tmp, full); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO ivr_prompts (name, language, file, size_bytes, duration_ms, uploaded_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (language, name) DO UPDATE SET file = excluded.file, size_bytes = excluded.size_bytes,
				duration_ms = excluded.duration_ms, uploaded_by = excluded.uploaded_by, created_at = excluded.created_at
			RETURNING id`, name, lang, rel, p.SizeBytes, p.DurationMS, user, p.CreatedAt).Scan(&p.ID)
	})
	if err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("ivr: upload prompt %s/%s: %w", lang, name, err)
	}
	return p, nil
}

// DeletePrompt removes an uploaded prompt. One that flows still use is kept, unless a
// shipped prompt of that name takes its place again.
func (s *Store) DeletePrompt(ctx context.Context, id int64) error {
	var name, lang, file string
	err := s.db.Read().QueryRowContext(ctx, `SELECT name, language, file FROM ivr_prompts WHERE id = $1`, id).Scan(&name, &lang, &file)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.E(errs.NotFound, "No uploaded prompt %d.", id).WithKey("ivr_prompt_not_found")
	}
	if err != nil {
		return fmt.Errorf("ivr: prompt %d: %w", id, err)
	}
	if !shippedPrompt(lang, name) {
		flows, err := s.Flows(ctx)
		if err != nil {
			return err
		}
		for _, sum := range flows {
			f, err := s.Flow(ctx, sum.ID)
			if err != nil {
				return err
			}
			if f.Language == lang && slices.Contains(f.PromptsUsed(), name) {
				return errs.E(errs.Conflict, "The flow %q uses this prompt.", f.Name).WithKey("ivr_prompt_in_use", f.Name)
			}
		}
	}
	if _, err := s.db.Write().ExecContext(ctx, `DELETE FROM ivr_prompts WHERE id = $1`, id); err != nil {
		return fmt.Errorf("ivr: delete prompt %d: %w", id, err)
	}
	os.Remove(filepath.Join(s.dir, file))
	return nil
}

// PromptAudio returns a prompt's WAV file: the upload if there is one, else the shipped one.
func (s *Store) PromptAudio(ctx context.Context, lang, name string) ([]byte, error) {
	file, err := s.uploadedFile(ctx, lang, name)
	if err != nil {
		return nil, err
	}
	if file != "" {
		return os.ReadFile(file)
	}
	if shippedPrompt(lang, name) {
		return fs.ReadFile(shipped, shippedFile(lang, name))
	}
	return nil, errs.E(errs.NotFound, "No prompt %s in %s.", name, lang).WithKey("ivr_prompt_not_found")
}

func (s *Store) uploadedFile(ctx context.Context, lang, name string) (string, error) {
	var file string
	err := s.db.Read().QueryRowContext(ctx, `SELECT file FROM ivr_prompts WHERE language = $1 AND name = $2`, lang, name).Scan(&file)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("ivr: prompt %s/%s: %w", lang, name, err)
	}
	return filepath.Join(s.dir, file), nil
}

// Prompt returns what a call plays for a prompt: an uploaded file, or the shipped audio
// as a frame source. Text names the prompt for logs and tests.
func (s *Store) Prompt(ctx context.Context, lang, name string) (voice.Prompt, error) {
	file, err := s.uploadedFile(ctx, lang, name)
	if err != nil {
		return voice.Prompt{}, err
	}
	if file != "" {
		return voice.Prompt{File: file, Text: name, Lang: voiceLang(lang)}, nil
	}
	return Shipped{}.Prompt(ctx, lang, name)
}

// Shipped plays the prompts shipped in the binary.
type Shipped struct{}

// Prompt returns a shipped prompt as a frame source.
func (Shipped) Prompt(_ context.Context, lang, name string) (voice.Prompt, error) {
	if !shippedPrompt(lang, name) {
		return voice.Prompt{}, errs.E(errs.NotFound, "No prompt %s in %s.", name, lang)
	}
	b, err := fs.ReadFile(shipped, shippedFile(lang, name))
	if err != nil {
		return voice.Prompt{}, err
	}
	src, err := wav.Open(b)
	if err != nil {
		return voice.Prompt{}, fmt.Errorf("ivr: shipped prompt %s/%s: %w", lang, name, err)
	}
	return voice.Prompt{Source: src, Text: name, Lang: voiceLang(lang)}, nil
}

// voiceLang is the voice surface's name of a flow language.
func voiceLang(lang string) string {
	if lang == "zh" {
		return "zh-CN"
	}
	return lang
}
