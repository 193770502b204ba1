package survey

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
)

// Channels of invitations and responses.
const (
	ChannelKeypad   = "keypad"   // the caller rated the agent on the phone's keypad
	ChannelLink     = "link"     // the customer answered by a link (SMS or email)
	ChannelCallback = "callback" // an agent called the customer back and took the answers
)

// Invitation asks one customer to answer one questionnaire version.
type Invitation struct {
	ID         int64     `json:"id"`
	VersionID  int64     `json:"version_id"`
	Channel    string    `json:"channel"`
	Language   string    `json:"language"`
	CustomerID int64     `json:"customer_id,omitempty"`
	TicketID   int64     `json:"ticket_id,omitempty"`
	CallID     int64     `json:"call_id,omitempty"`
	AgentID    int64     `json:"agent_id,omitempty"`
	Queue      string    `json:"queue,omitempty"`
	TicketType string    `json:"ticket_type,omitempty"`
	Message    string    `json:"message"` // the SMS/email text with the link
	TodoID     int64     `json:"todo_id,omitempty"`
	CreatedBy  int64     `json:"created_by,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	AnsweredAt time.Time `json:"answered_at,omitzero"`
	// Token is the signed link token; set when the invitation is made (never stored).
	Token string `json:"token,omitempty"`
	// Filled in for display.
	CustomerName string `json:"customer_name,omitempty"`
}

// InviteInput is what an invitation is about. QuestionnaireID 0 takes the callback
// questionnaire of the config.
type InviteInput struct {
	QuestionnaireID int64  `json:"questionnaire_id"`
	Channel         string `json:"channel"`  // link (default) or callback
	Language        string `json:"language"` // zh (default) or en
	CustomerID      int64  `json:"customer_id"`
	TicketID        int64  `json:"ticket_id"`
	CallID          int64  `json:"call_id"`
	AgentID         int64  `json:"agent_id"`
	Queue           string `json:"queue"`
	TicketType      string `json:"ticket_type"`
	// BaseURL is the console's public address for the link ("https://hotline.example.com").
	BaseURL string `json:"-"`
}

// Sign makes the token of invitation id valid until exp: the id and expiry with an
// HMAC-SHA256 over both by the center's secret.
func Sign(key []byte, id int64, exp time.Time) string {
	b := make([]byte, 16, 32)
	binary.BigEndian.PutUint64(b[:8], uint64(id))
	binary.BigEndian.PutUint64(b[8:], uint64(exp.Unix()))
	m := hmac.New(sha256.New, key)
	m.Write([]byte("hotline-survey\x00"))
	m.Write(b)
	b = append(b, m.Sum(nil)[:16]...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// errBadLink is every refusal of a link that is not ours (tampered, cut, unknown).
func errBadLink() error {
	return errs.E(errs.NotFound, "This survey link is not valid.").WithKey("survey_bad_link")
}

// Verify checks a token's signature and expiry and returns its invitation id.
func Verify(key []byte, token string, now time.Time) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != 32 {
		return 0, errBadLink()
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("hotline-survey\x00"))
	m.Write(b[:16])
	if !hmac.Equal(m.Sum(nil)[:16], b[16:]) {
		return 0, errBadLink()
	}
	id := int64(binary.BigEndian.Uint64(b[:8]))
	if now.Unix() > int64(binary.BigEndian.Uint64(b[8:16])) {
		return 0, errs.E(errs.Invalid, "This survey link has expired.").WithKey("survey_expired")
	}
	return id, nil
}

// Invite makes an invitation (and, for a link, the message text with its link); the
// actual sending of SMS and email comes with the channels, which read Message.
func (s *Store) Invite(ctx context.Context, actor int64, in InviteInput) (*Invitation, error) {
	cfg, key, err := s.config(ctx)
	if err != nil {
		return nil, err
	}
	if in.Channel == "" {
		in.Channel = ChannelLink
	}
	if in.Language == "" {
		in.Language = "zh"
	}
	if in.QuestionnaireID == 0 {
		in.QuestionnaireID = cfg.CallbackQuestionnaireID
	}
	switch {
	case in.Channel != ChannelLink && in.Channel != ChannelCallback:
		return nil, errs.Field("channel", "The channel is link or callback.").WithKey("survey_channel")
	case in.Language != "zh" && in.Language != "en":
		return nil, errs.Field("language", "The language is zh or en.").WithKey("survey_language")
	case in.CustomerID <= 0:
		return nil, errs.Field("customer_id", "Choose the customer to ask.").WithKey("survey_customer")
	case in.QuestionnaireID <= 0:
		return nil, errs.Field("questionnaire_id", "Choose a questionnaire.").WithKey("survey_questionnaire")
	}
	q, err := s.Questionnaire(ctx, in.QuestionnaireID)
	if err != nil {
		return nil, err
	}
	if q.Archived {
		return nil, errs.Field("questionnaire_id", "This questionnaire is archived.").WithKey("survey_archived")
	}
	for _, ref := range []struct {
		table string
		id    int64
	}{{"customers", in.CustomerID}, {"tickets", in.TicketID}, {"users", in.AgentID}} {
		if ok, err := s.exists(ctx, ref.table, ref.id); err != nil {
			return nil, err
		} else if !ok {
			return nil, errs.E(errs.NotFound, "The customer, ticket or agent does not exist.").WithKey("survey_no_ref")
		}
	}
	now := s.clock()
	inv := &Invitation{VersionID: q.VersionID, Channel: in.Channel, Language: in.Language, CustomerID: in.CustomerID, TicketID: in.TicketID,
		CallID: in.CallID, AgentID: in.AgentID, Queue: in.Queue, TicketType: in.TicketType, CreatedBy: actor, CreatedAt: now,
		ExpiresAt: now.Add(time.Duration(cfg.LinkDays) * 24 * time.Hour).Truncate(time.Second)}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO survey_invitations (version_id, channel, language, customer_id, ticket_id, call_id, agent_id,
			queue_code, ticket_type, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			inv.VersionID, inv.Channel, inv.Language, inv.CustomerID, nullID(inv.TicketID), nullID(inv.CallID), nullID(inv.AgentID),
			inv.Queue, inv.TicketType, nullID(actor), now, inv.ExpiresAt).Scan(&inv.ID); err != nil {
			return err
		}
		if inv.Channel == ChannelLink {
			inv.Token = Sign(key, inv.ID, inv.ExpiresAt)
			inv.Message = Message(in.Language, in.BaseURL+"/s/"+inv.Token, cfg.LinkDays)
			if _, err := tx.ExecContext(ctx, `UPDATE survey_invitations SET message = $1 WHERE id = $2`, inv.Message, inv.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if db.IsUniqueViolation(err) {
		return nil, errs.E(errs.Conflict, "This ticket already has a survey invitation.").WithKey("survey_already_invited")
	}
	if err != nil {
		return nil, fmt.Errorf("survey: invite: %w", err)
	}
	return inv, nil
}

// Message is the SMS/email text of an invitation link.
func Message(lang, link string, days int) string {
	if lang == "en" {
		return fmt.Sprintf("Thank you for contacting Huaqiang service. Please tell us how we did (about 1 minute): %s (valid for %d days)", link, days)
	}
	return fmt.Sprintf("感谢您联系华强服务热线，请花1分钟评价我们的服务：%s（%d天内有效）", link, days)
}

const invitationCols = `i.id, i.version_id, i.channel, i.language, COALESCE(i.customer_id, 0), COALESCE(i.ticket_id, 0), COALESCE(i.call_id, 0),
	COALESCE(i.agent_id, 0), i.queue_code, i.ticket_type, i.message, COALESCE(i.todo_id, 0), COALESCE(i.created_by, 0), i.created_at, i.expires_at,
	i.answered_at, COALESCE(c.name, '') FROM survey_invitations i LEFT JOIN customers c ON c.id = i.customer_id`

func scanInvitation(sc interface{ Scan(...any) error }) (*Invitation, error) {
	var inv Invitation
	var ans sql.NullTime
	err := sc.Scan(&inv.ID, &inv.VersionID, &inv.Channel, &inv.Language, &inv.CustomerID, &inv.TicketID, &inv.CallID, &inv.AgentID, &inv.Queue,
		&inv.TicketType, &inv.Message, &inv.TodoID, &inv.CreatedBy, &inv.CreatedAt, &inv.ExpiresAt, &ans, &inv.CustomerName)
	inv.AnsweredAt = ans.Time
	return &inv, err
}

// Invitation returns one invitation.
func (s *Store) Invitation(ctx context.Context, id int64) (*Invitation, error) {
	inv, err := scanInvitation(s.db.Read().QueryRowContext(ctx, `SELECT `+invitationCols+` WHERE i.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "Survey invitation not found.").WithKey("survey_invitation_not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("survey: invitation %d: %w", id, err)
	}
	return inv, nil
}

// Invitations lists a customer's invitations, newest first (all customers when 0).
func (s *Store) Invitations(ctx context.Context, customerID int64, limit int) ([]*Invitation, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+invitationCols+` WHERE $1 = 0 OR i.customer_id = $1 ORDER BY i.id DESC LIMIT $2`, customerID, limit)
	if err != nil {
		return nil, fmt.Errorf("survey: invitations: %w", err)
	}
	defer rows.Close()
	var out []*Invitation
	for rows.Next() {
		inv, err := scanInvitation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, inv)
	}
	return out, rows.Err()
}

// ByToken returns the invitation of a link token and its questions, refusing tampered,
// expired and answered links.
func (s *Store) ByToken(ctx context.Context, token string) (*Invitation, *Version, error) {
	_, key, err := s.config(ctx)
	if err != nil {
		return nil, nil, err
	}
	id, err := Verify(key, token, s.clock())
	if err != nil {
		return nil, nil, err
	}
	inv, err := s.Invitation(ctx, id)
	if errs.CodeOf(err) == errs.NotFound || err == nil && inv.Channel != ChannelLink {
		return nil, nil, errBadLink()
	}
	if err != nil {
		return nil, nil, err
	}
	if !inv.AnsweredAt.IsZero() {
		return inv, nil, ErrAnswered()
	}
	v, err := s.Version(ctx, inv.VersionID)
	return inv, v, err
}

// ErrAnswered is the refusal of a second answer to an invitation.
func ErrAnswered() error {
	return errs.E(errs.Conflict, "This survey has already been answered. Thank you!").WithKey("survey_answered")
}
