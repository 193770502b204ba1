package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/hotlinecc/hotline/internal/app"
	"github.com/hotlinecc/hotline/internal/demo"
)

// bearer signs a demo user in and returns an Authorization header with a new API token.
func bearer(t testing.TB, a *app.App, username string) string {
	t.Helper()
	ctx := context.Background()
	_, p, err := a.Auth.Login(ctx, username, demo.Password, "127.0.0.1", "")
	if err != nil {
		t.Fatal(err)
	}
	_, token, err := a.Auth.CreateToken(ctx, p, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + token
}

// apiCall sends one API request and decodes its JSON answer. A body without a content
// type is sent as JSON; an empty auth sends no Authorization header.
func apiCall(t testing.TB, srv *httptest.Server, auth, method, path, ctype string, body []byte) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if ctype == "" && len(body) > 0 {
		ctype = "application/json"
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}
