package web

import (
	"context"
	"net/http"
)

func contextWithLang(r *http.Request, lang string) context.Context {
	return context.WithValue(r.Context(), langKey{}, lang)
}
