package ticket

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
)

// Attachment is a file attached to a ticket. Its content is stored once on disk, named
// by its sha256, so the same photo attached twice takes the space of one.
type Attachment struct {
	ID           int64
	TicketID     int64
	At           time.Time
	UploaderID   int64
	UploaderName string
	Name         string
	ContentType  string
	Size         int64
	SHA256       string
}

// Inline reports whether a browser may show the file in place (images and PDF);
// everything else is downloaded.
func (a *Attachment) Inline() bool {
	return strings.HasPrefix(a.ContentType, "image/") || a.ContentType == "application/pdf"
}

// Disposition is the Content-Disposition header that serves the file: inline for
// images and PDF, a download otherwise, with the name in UTF-8 and an ASCII fallback.
func (a *Attachment) Disposition() string {
	disp := "attachment"
	if a.Inline() {
		disp = "inline"
	}
	var ascii strings.Builder
	for _, r := range a.Name {
		if r >= 0x20 && r < 0x7f && r != '"' && r != '\\' {
			ascii.WriteRune(r)
		} else {
			ascii.WriteByte('_')
		}
	}
	return fmt.Sprintf("%s; filename=\"%s\"; filename*=UTF-8''%s", disp, ascii.String(), url.PathEscape(a.Name))
}

// Upload is a file given to Create or AddAttachment.
type Upload struct {
	Field string // the attachment field it fills, or ""
	Name  string
	Body  io.Reader
}

// stored is an upload written to disk.
type stored struct {
	name, contentType, sum string
	size                   int64
}

var officeZip = map[string]string{
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".odt":  "application/vnd.oasis.opendocument.text",
	".ods":  "application/vnd.oasis.opendocument.spreadsheet",
}

var officeOLE = map[string]string{
	".doc": "application/msword",
	".xls": "application/vnd.ms-excel",
	".ppt": "application/vnd.ms-powerpoint",
}

var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// sniff decides a file's type from its first bytes (the name only tells apart office
// formats that share a container). It returns "" for types not on the allow-list:
// images, PDF, office documents, plain text and zip archives.
func sniff(head []byte, name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	if bytes.HasPrefix(head, oleMagic) {
		return officeOLE[ext]
	}
	ct := http.DetectContentType(head)
	switch {
	case ct == "image/png", ct == "image/jpeg", ct == "image/gif", ct == "image/webp", ct == "image/bmp":
		return ct
	case ct == "application/pdf":
		return ct
	case ct == "application/zip":
		if t, ok := officeZip[ext]; ok {
			return t
		}
		return ct
	case strings.HasPrefix(ct, "text/plain"):
		if !validUTF8Head(head) {
			return ""
		}
		if ext == ".csv" {
			return "text/csv; charset=utf-8"
		}
		return "text/plain; charset=utf-8"
	}
	return ""
}

// validUTF8Head reports whether the sniffed head is UTF-8, forgiving a character cut
// at the end of a head that is not the whole file.
func validUTF8Head(b []byte) bool {
	whole := len(b) < 512
	for i := 0; i < 4 && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return true
		}
		if whole {
			return false
		}
		b = b[:len(b)-1]
	}
	return false
}

// headWriter keeps the first bytes written through it, for sniffing.
type headWriter struct{ buf []byte }

func (h *headWriter) Write(p []byte) (int, error) {
	if room := 512 - len(h.buf); room > 0 {
		h.buf = append(h.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// store writes one upload to a temporary file, checks its size and type, and renames it
// to its content address. Nothing is left behind on failure.
func (s *Service) store(u Upload) (stored, error) {
	name := strings.TrimSpace(filepath.Base(strings.ReplaceAll(u.Name, `\`, "/")))
	if name == "" || name == "." || name == "/" || utf8.RuneCountInString(name) > 200 || !utf8.ValidString(name) {
		return stored{}, errs.Field("file", "A file needs a name of at most 200 characters.").WithKey("attachment_name")
	}
	tmpDir := filepath.Join(s.files, "tmp")
	if err := os.MkdirAll(tmpDir, 0o750); err != nil {
		return stored{}, fmt.Errorf("ticket: attachment folder: %w", err)
	}
	f, err := os.CreateTemp(tmpDir, "upload-*")
	if err != nil {
		return stored{}, fmt.Errorf("ticket: attachment temp file: %w", err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	h, head := sha256.New(), &headWriter{}
	n, err := io.Copy(io.MultiWriter(f, h, head), io.LimitReader(u.Body, s.max+1))
	if err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return stored{}, errs.E(errs.TooLarge, "The file is larger than %d bytes.", s.max).WithKey("attachment_too_large", s.max>>20)
		}
		return stored{}, fmt.Errorf("ticket: write attachment: %w", err)
	}
	if n > s.max {
		return stored{}, errs.E(errs.TooLarge, "The file is larger than %d bytes.", s.max).WithKey("attachment_too_large", s.max>>20)
	}
	if n == 0 {
		return stored{}, errs.Field("file", "The file is empty.").WithKey("attachment_empty")
	}
	ct := sniff(head.buf, name)
	if ct == "" {
		return stored{}, errs.Field("file", "This kind of file cannot be attached: images, PDF, office documents, text and zip only.").WithKey("attachment_type")
	}
	if err := f.Sync(); err != nil {
		return stored{}, fmt.Errorf("ticket: sync attachment: %w", err)
	}
	if err := f.Close(); err != nil {
		return stored{}, fmt.Errorf("ticket: close attachment: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	final := s.blobPath(sum)
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return stored{}, fmt.Errorf("ticket: attachment folder: %w", err)
	}
	if _, err := os.Stat(final); err == nil {
		os.Remove(tmp) // the same content is stored already
	} else if err := os.Rename(tmp, final); err != nil {
		return stored{}, fmt.Errorf("ticket: store attachment: %w", err)
	}
	ok = true
	return stored{name: name, contentType: ct, sum: sum, size: n}, nil
}

func (s *Service) blobPath(sum string) string { return filepath.Join(s.files, sum[:2], sum) }

func (s *Service) storeUploads(us []Upload) ([]stored, error) {
	var out []stored
	for _, u := range us {
		st, err := s.store(u)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

func (s *Service) insertAttachment(ctx context.Context, tx *sql.Tx, p *auth.Principal, t *Ticket, typ *Type, st stored, now time.Time) (*Attachment, error) {
	a := &Attachment{TicketID: t.ID, At: now, UploaderID: p.User.ID, UploaderName: p.User.DisplayName, Name: st.name, ContentType: st.contentType, Size: st.size, SHA256: st.sum}
	if err := tx.QueryRowContext(ctx, `INSERT INTO ticket_attachments (ticket_id, at, uploader_id, name, content_type, size, sha256) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		a.TicketID, now, a.UploaderID, a.Name, a.ContentType, a.Size, a.SHA256).Scan(&a.ID); err != nil {
		return nil, fmt.Errorf("ticket: record attachment: %w", err)
	}
	if err := record(ctx, tx, t.ID, p.User.ID, now, []change{{"attachment", "", a.Name}}); err != nil {
		return nil, err
	}
	return a, s.emit(ctx, tx, p, "ticket.attachment_added", t, typ, map[string]any{"attachment_id": a.ID, "name": a.Name, "size": a.Size, "content_type": a.ContentType})
}

// AddAttachment attaches a file to a ticket p may see and change. The file is written
// first, then recorded; a partner attaches to its own orders only.
func (s *Service) AddAttachment(ctx context.Context, p *auth.Principal, id int64, u Upload) (*Attachment, error) {
	sc, err := scopeOf(p)
	if err != nil {
		return nil, err
	}
	if sc.all {
		if err := need(p, auth.PermTicketsWrite); err != nil {
			return nil, err
		}
	}
	if _, _, err := loadTicket(ctx, s.db.Read(), sc, id); err != nil {
		return nil, err
	}
	st, err := s.store(u)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	var a *Attachment
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		t, typ, err := loadTicket(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		a, err = s.insertAttachment(ctx, tx, p, t, typ, st, now)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE tickets SET updated_at = $1 WHERE id = $2`, now, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("ticket: attach to %d: %w", id, err)
	}
	s.events.Notify()
	return a, nil
}

const attachmentSelect = `SELECT a.id, a.ticket_id, a.at, COALESCE(a.uploader_id, 0), COALESCE(u.display_name, ''), a.name, a.content_type, a.size, a.sha256
	FROM ticket_attachments a LEFT JOIN users u ON u.id = a.uploader_id`

func scanAttachments(rows *sql.Rows) ([]Attachment, error) {
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.ID, &a.TicketID, &a.At, &a.UploaderID, &a.UploaderName, &a.Name, &a.ContentType, &a.Size, &a.SHA256); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Attachments lists a ticket's attachments, oldest first.
func (s *Service) Attachments(ctx context.Context, p *auth.Principal, id int64) ([]Attachment, error) {
	if _, _, err := s.Get(ctx, p, id); err != nil {
		return nil, err
	}
	rows, err := s.db.Read().QueryContext(ctx, attachmentSelect+" WHERE a.ticket_id = $1 ORDER BY a.id", id)
	if err != nil {
		return nil, fmt.Errorf("ticket: attachments of %d: %w", id, err)
	}
	return scanAttachments(rows)
}

func attachmentIDs(ctx context.Context, q db.Queryer, ticketID int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM ticket_attachments WHERE ticket_id = $1`, ticketID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// OpenAttachment returns an attachment's record and content, if p may see its ticket.
// The caller closes the file.
func (s *Service) OpenAttachment(ctx context.Context, p *auth.Principal, id int64) (*Attachment, *os.File, error) {
	sc, err := scopeOf(p)
	if err != nil {
		return nil, nil, err
	}
	rows, err := s.db.Read().QueryContext(ctx, attachmentSelect+" WHERE a.id = $1", id)
	if err != nil {
		return nil, nil, fmt.Errorf("ticket: attachment %d: %w", id, err)
	}
	list, err := scanAttachments(rows)
	if err != nil {
		return nil, nil, err
	}
	notFound := errs.E(errs.NotFound, "Attachment not found.").WithKey("attachment_not_found")
	if len(list) == 0 {
		return nil, nil, notFound
	}
	a := list[0]
	if _, _, err := loadTicket(ctx, s.db.Read(), sc, a.TicketID); err != nil {
		if errs.Is(err, errs.NotFound) {
			return nil, nil, notFound
		}
		return nil, nil, err
	}
	f, err := os.Open(s.blobPath(a.SHA256))
	if err != nil {
		return nil, nil, fmt.Errorf("ticket: attachment %d content: %w", id, err)
	}
	return &a, f, nil
}
