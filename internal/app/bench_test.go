package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/demo"
)

// BenchmarkSignedInPage measures one console page for a signed-in agent through the
// whole middleware chain: session lookup, permission check, language, template.
func BenchmarkSignedInPage(b *testing.B) {
	for _, path := range []string{"/", "/customers?q=%E7%8E%8B"} {
		b.Run(path, func(b *testing.B) {
			_, a := testServer(b)
			token, _, err := a.Auth.Login(context.Background(), "senior1", demo.Password, "127.0.0.1", "")
			if err != nil {
				b.Fatal(err)
			}
			h := a.Handler()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest("GET", path, nil)
				req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: token})
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}

// BenchmarkAPIToken measures an API call authenticated by token.
func BenchmarkAPIToken(b *testing.B) {
	_, a := testServer(b)
	_, p, err := a.Auth.Login(context.Background(), "admin", demo.Password, "127.0.0.1", "")
	if err != nil {
		b.Fatal(err)
	}
	_, token, err := a.Auth.CreateToken(context.Background(), p, "bench", 0)
	if err != nil {
		b.Fatal(err)
	}
	h := a.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("GET", "/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
