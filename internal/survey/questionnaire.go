package survey

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
)

// Kind is what a question asks for.
type Kind string

const (
	Rating Kind = "rating" // 1 to 5
	Single Kind = "single" // one option (answer: the option's number, 1-based)
	Multi  Kind = "multi"  // any options (answer: numbers joined by commas)
	Text   Kind = "text"   // free text
	NPS    Kind = "nps"    // 0 to 10: how likely to recommend
)

// Kinds lists every kind of question.
var Kinds = []Kind{Rating, Single, Multi, Text, NPS}

// Branch sends the customer to another question by the answer: When is a value ("2") or
// a range ("1-2") of the answer (for a single choice, the option's number); Goto is the
// question's number (1-based) or 0 for the end of the questionnaire.
type Branch struct {
	When string `json:"when"`
	Goto int    `json:"goto"`
}

// Question is one question in both languages.
type Question struct {
	Kind     Kind        `json:"kind"`
	Text     [2]string   `json:"text"`              // zh, en
	Options  [][2]string `json:"options,omitempty"` // single and multi: zh, en
	Required bool        `json:"required,omitempty"`
	Branches []Branch    `json:"branches,omitempty"`
}

// Label is the question's text in lang ("zh" or "en"), falling back to the other.
func (q Question) Label(lang string) string { return pick(q.Text, lang) }

// OptionLabels are the options' texts in lang.
func (q Question) OptionLabels(lang string) []string {
	out := make([]string, len(q.Options))
	for i, o := range q.Options {
		out[i] = pick(o, lang)
	}
	return out
}

func pick(t [2]string, lang string) string {
	if lang == "en" && t[1] != "" || t[0] == "" {
		return t[1]
	}
	return t[0]
}

// Questionnaire is a questionnaire at its current version.
type Questionnaire struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Version   int        `json:"version"`
	VersionID int64      `json:"version_id"`
	Archived  bool       `json:"archived"`
	Questions []Question `json:"questions"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// Version is one saved version of a questionnaire's questions.
type Version struct {
	ID              int64      `json:"id"`
	QuestionnaireID int64      `json:"questionnaire_id"`
	Name            string     `json:"name"`
	Version         int        `json:"version"`
	Questions       []Question `json:"questions"`
}

// QuestionnaireInput is what an administrator saves.
type QuestionnaireInput struct {
	Name      string     `json:"name"`
	Questions []Question `json:"questions"`
}

// inRange reports whether answer matches when ("3" or "1-2").
func inRange(when, answer string) bool {
	a, err := strconv.Atoi(answer)
	if err != nil {
		return when == answer
	}
	lo, hi, isRange := strings.Cut(when, "-")
	l, err1 := strconv.Atoi(strings.TrimSpace(lo))
	h := l
	var err2 error
	if isRange {
		h, err2 = strconv.Atoi(strings.TrimSpace(hi))
	}
	return err1 == nil && err2 == nil && a >= l && a <= h
}

func validRange(when string) bool {
	lo, hi, isRange := strings.Cut(when, "-")
	if _, err := strconv.Atoi(strings.TrimSpace(lo)); err != nil {
		return false
	}
	if isRange {
		_, err := strconv.Atoi(strings.TrimSpace(hi))
		return err == nil
	}
	return true
}

// Validate checks a questionnaire's name and questions.
func (in *QuestionnaireInput) Validate() error {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || len([]rune(in.Name)) > 100 {
		return errs.Field("name", "The name must have 1 to 100 characters.").WithKey("survey_name")
	}
	if len(in.Questions) == 0 || len(in.Questions) > 30 {
		return errs.Field("questions", "A questionnaire has 1 to 30 questions.").WithKey("survey_questions")
	}
	for i := range in.Questions {
		q := &in.Questions[i]
		n := i + 1
		q.Text[0], q.Text[1] = strings.TrimSpace(q.Text[0]), strings.TrimSpace(q.Text[1])
		switch {
		case !slices.Contains(Kinds, q.Kind):
			return errs.Field("questions", fmt.Sprintf("Question %d: choose a kind.", n)).WithKey("survey_q_kind", n)
		case q.Text[0] == "" && q.Text[1] == "" || len([]rune(q.Text[0])) > 500 || len([]rune(q.Text[1])) > 500:
			return errs.Field("questions", fmt.Sprintf("Question %d: write the question (up to 500 characters).", n)).WithKey("survey_q_text", n)
		case (q.Kind == Single || q.Kind == Multi) && (len(q.Options) < 2 || len(q.Options) > 20):
			return errs.Field("questions", fmt.Sprintf("Question %d: give 2 to 20 options.", n)).WithKey("survey_q_options", n)
		case q.Kind != Single && q.Kind != Multi && len(q.Options) > 0:
			q.Options = nil
		}
		for j := range q.Options {
			o := &q.Options[j]
			o[0], o[1] = strings.TrimSpace(o[0]), strings.TrimSpace(o[1])
			if o[0] == "" && o[1] == "" {
				return errs.Field("questions", fmt.Sprintf("Question %d: an option is empty.", n)).WithKey("survey_q_options", n)
			}
		}
		for _, b := range q.Branches {
			switch {
			case q.Kind == Text || q.Kind == Multi:
				return errs.Field("questions", fmt.Sprintf("Question %d: only ratings, single choices and NPS can branch.", n)).WithKey("survey_q_branch_kind", n)
			case !validRange(b.When):
				return errs.Field("questions", fmt.Sprintf("Question %d: a branch needs an answer such as 2 or 1-2.", n)).WithKey("survey_q_branch_when", n)
			case b.Goto != 0 && (b.Goto <= n || b.Goto > len(in.Questions)):
				return errs.Field("questions", fmt.Sprintf("Question %d: a branch may only skip forward, to a later question or the end.", n)).WithKey("survey_q_branch_goto", n)
			}
		}
	}
	return nil
}

// Next is the index (0-based) of the question after question i given its answer, or
// len(questions) at the end. Branches skip forward; the first matching branch wins.
func Next(qs []Question, i int, answer string) int {
	if answer != "" {
		for _, b := range qs[i].Branches {
			if inRange(b.When, answer) {
				if b.Goto == 0 {
					return len(qs)
				}
				return b.Goto - 1
			}
		}
	}
	return i + 1
}

// Path is the indexes of the questions a customer is asked, given the answers so far
// (by question key "q1", "q2"...).
func Path(qs []Question, answers map[string]string) []int {
	var out []int
	for i := 0; i < len(qs); i = Next(qs, i, answers[Key(i)]) {
		out = append(out, i)
	}
	return out
}

// Key is the answer key of the question at index i.
func Key(i int) string { return "q" + strconv.Itoa(i+1) }

func notFound() error {
	return errs.E(errs.NotFound, "Questionnaire not found.").WithKey("survey_not_found")
}

// CreateQuestionnaire saves a new questionnaire as version 1.
func (s *Store) CreateQuestionnaire(ctx context.Context, actor int64, in QuestionnaireInput) (*Questionnaire, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var id int64
	now := s.clock()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO survey_questionnaires (name, version, created_at, updated_at) VALUES ($1, 1, $2, $2) RETURNING id`,
			in.Name, now).Scan(&id); err != nil {
			return fmt.Errorf("survey: create questionnaire: %w", err)
		}
		return s.addVersion(ctx, tx, id, 1, actor, in.Questions, now)
	})
	if err != nil {
		return nil, err
	}
	return s.Questionnaire(ctx, id)
}

func (s *Store) addVersion(ctx context.Context, tx *sql.Tx, id int64, v int, actor int64, qs []Question, now time.Time) error {
	b, err := json.Marshal(qs)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO survey_versions (questionnaire_id, version, questions, created_by, created_at) VALUES ($1, $2, $3, $4, $5)`,
		id, v, string(b), nullID(actor), now)
	if err != nil {
		return fmt.Errorf("survey: version %d of %d: %w", v, id, err)
	}
	return nil
}

// UpdateQuestionnaire saves the questions as a new version; invitations and answers keep
// the version they were made with. Saving the same questions makes no new version.
func (s *Store) UpdateQuestionnaire(ctx context.Context, actor, id int64, in QuestionnaireInput, archived bool) (*Questionnaire, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	cur, err := s.Questionnaire(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	a, _ := json.Marshal(cur.Questions)
	b, _ := json.Marshal(in.Questions)
	v := cur.Version
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if string(a) != string(b) {
			v++
			if err := s.addVersion(ctx, tx, id, v, actor, in.Questions, now); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE survey_questionnaires SET name = $1, version = $2, archived = $3, updated_at = $4 WHERE id = $5`,
			in.Name, v, b2i(archived), now, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("survey: update questionnaire %d: %w", id, err)
	}
	return s.Questionnaire(ctx, id)
}

const questionnaireCols = `q.id, q.name, q.version, v.id, q.archived, v.questions, q.created_at, q.updated_at
	FROM survey_questionnaires q JOIN survey_versions v ON v.questionnaire_id = q.id AND v.version = q.version`

func scanQuestionnaire(sc interface{ Scan(...any) error }) (*Questionnaire, error) {
	var q Questionnaire
	var arch int
	var qs string
	if err := sc.Scan(&q.ID, &q.Name, &q.Version, &q.VersionID, &arch, &qs, &q.CreatedAt, &q.UpdatedAt); err != nil {
		return nil, err
	}
	q.Archived = arch == 1
	if err := json.Unmarshal([]byte(qs), &q.Questions); err != nil {
		return nil, fmt.Errorf("survey: questionnaire %d: %w", q.ID, err)
	}
	return &q, nil
}

// Questionnaire returns a questionnaire at its current version.
func (s *Store) Questionnaire(ctx context.Context, id int64) (*Questionnaire, error) {
	q, err := scanQuestionnaire(s.db.Read().QueryRowContext(ctx, `SELECT `+questionnaireCols+` WHERE q.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound()
	}
	return q, err
}

// Questionnaires lists questionnaires by name (archived ones too when all is set).
func (s *Store) Questionnaires(ctx context.Context, all bool) ([]*Questionnaire, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+questionnaireCols+` WHERE q.archived = 0 OR $1 ORDER BY q.name, q.id`, all)
	if err != nil {
		return nil, fmt.Errorf("survey: questionnaires: %w", err)
	}
	defer rows.Close()
	var out []*Questionnaire
	for rows.Next() {
		q, err := scanQuestionnaire(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// Version returns one version of a questionnaire by the version's id.
func (s *Store) Version(ctx context.Context, versionID int64) (*Version, error) {
	var v Version
	var qs string
	err := s.db.Read().QueryRowContext(ctx, `SELECT v.id, v.questionnaire_id, q.name, v.version, v.questions FROM survey_versions v
		JOIN survey_questionnaires q ON q.id = v.questionnaire_id WHERE v.id = $1`, versionID).Scan(&v.ID, &v.QuestionnaireID, &v.Name, &v.Version, &qs)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound()
	}
	if err != nil {
		return nil, fmt.Errorf("survey: version %d: %w", versionID, err)
	}
	return &v, json.Unmarshal([]byte(qs), &v.Questions)
}
