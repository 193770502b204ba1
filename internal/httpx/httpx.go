// Package httpx holds the HTTP plumbing that the API and the console share: error codes
// to statuses, JSON encoding and decoding with limits, and content negotiation.
package httpx

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/hotlinecc/hotline/internal/errs"
)

// Status maps an error code to an HTTP status.
func Status(code errs.Code) int {
	switch code {
	case errs.Invalid:
		return http.StatusBadRequest
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Conflict:
		return http.StatusConflict
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.Unauthorized:
		return http.StatusUnauthorized
	case errs.TooMany:
		return http.StatusTooManyRequests
	case errs.TooLarge:
		return http.StatusRequestEntityTooLarge
	case errs.NotAllowed:
		return http.StatusMethodNotAllowed
	default:
		return http.StatusInternalServerError
	}
}

// Public returns what may be shown of err: its *errs.Error, or a generic internal error
// (the real one is logged by the caller, never shown).
func Public(err error) *errs.Error {
	if e, ok := errs.As(err); ok {
		return e
	}
	return &errs.Error{Code: errs.Internal, Message: "Internal error."}
}

// LogIfInternal logs errors that are not meant for people.
func LogIfInternal(log *slog.Logger, r *http.Request, err error) {
	if errs.CodeOf(err) == errs.Internal {
		log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
}

// ErrorBody is the JSON shape of every API error.
type ErrorBody struct {
	Error struct {
		Code    errs.Code         `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields,omitempty"`
	} `json:"error"`
}

// WriteJSONError writes err as {"error":{"code","message"}} with its status.
func WriteJSONError(w http.ResponseWriter, err error) {
	e := Public(err)
	var body ErrorBody
	body.Error.Code, body.Error.Message, body.Error.Fields = e.Code, e.Message, e.Fields
	WriteJSON(w, Status(e.Code), body)
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// DecodeJSON reads a JSON body of at most limit bytes into a T. Unknown fields, trailing
// data, a wrong content type and oversized bodies are clear errors.
func DecodeJSON[T any](w http.ResponseWriter, r *http.Request, limit int64) (T, error) {
	var v T
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return v, errs.E(errs.Invalid, "Content-Type must be application/json.")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return v, jsonError(err, limit)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		if err != nil {
			return v, jsonError(err, limit)
		}
		return v, errs.E(errs.Invalid, "Body must hold a single JSON value.")
	}
	return v, nil
}

func jsonError(err error, limit int64) error {
	var maxErr *http.MaxBytesError
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &maxErr):
		return errs.E(errs.TooLarge, "Body is larger than %d bytes.", limit)
	case errors.Is(err, io.EOF):
		return errs.E(errs.Invalid, "Body is empty; JSON expected.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errs.E(errs.Invalid, "Body is not valid JSON: it ends too early.")
	case errors.As(err, &syntax):
		return errs.E(errs.Invalid, "Body is not valid JSON at byte %d.", syntax.Offset)
	case errors.As(err, &typ):
		return errs.Field(typ.Field, fmt.Sprintf("Field %q must be %s.", typ.Field, typ.Type))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return errs.E(errs.Invalid, "Unknown field %s.", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return errs.E(errs.Invalid, "Body is not valid JSON.")
}

// WantsJSON reports whether the client should get JSON rather than HTML: API paths,
// and clients that ask for JSON before HTML.
func WantsJSON(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		return true
	}
	accept := r.Header.Get("Accept")
	j := strings.Index(accept, "application/json")
	h := strings.Index(accept, "text/html")
	return j >= 0 && (h < 0 || j < h)
}

// ClientIP is the address the request came from. Proxies' headers are not trusted: a
// server behind a proxy sees the proxy.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
