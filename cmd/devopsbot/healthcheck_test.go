package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestProbeURL(t *testing.T) {
	tests := []struct {
		addr, path, want string
		wantErr          bool
	}{
		{":3000", "/healthz", "http://127.0.0.1:3000/healthz", false},
		{"0.0.0.0:8080", "/readyz", "http://127.0.0.1:8080/readyz", false},
		{"[::]:3000", "/healthz", "http://127.0.0.1:3000/healthz", false},
		{"localhost:3000", "healthz", "http://127.0.0.1:3000/healthz", false},
		{"10.0.0.7:3000", "/healthz", "http://10.0.0.7:3000/healthz", false},
		{"[::1]:3000", "/healthz", "http://[::1]:3000/healthz", false},
		{"3000", "/healthz", "", true},
		{":0", "/healthz", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			got, err := probeURL(tt.addr, tt.path)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("probeURL(%q, %q) = %q, %v; want %q, error %v", tt.addr, tt.path, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestHealthcheck(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			w.Write([]byte("ok"))
		case "/readyz":
			http.Error(w, "not ready: store closed", http.StatusServiceUnavailable)
		case "/slow":
			select { // longer than the probe's timeout
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")

	// A port with nothing listening: bind one and close it again.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()

	tests := []struct {
		name    string
		addr    string
		args    []string
		wantErr string
	}{
		{"healthy answers 0", addr, nil, ""},
		{"not ready fails", addr, []string{"--path", "/readyz"}, "status 503"},
		{"nothing listening fails", closed, nil, "connection refused"},
		{"slow server times out", addr, []string{"--path", "/slow", "--timeout", "200ms"}, "deadline exceeded"},
		{"flag overrides the address", "127.0.0.1:1", []string{"--addr", addr}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := opsDefaultConfig(t)
			cfg.Addr = tt.addr
			start := time.Now()
			out, _, err := opsRun(t, cfg, append([]string{"healthcheck"}, tt.args...)...)
			if d := time.Since(start); d > 1500*time.Millisecond {
				t.Errorf("healthcheck took %v", d)
			}
			if tt.wantErr == "" {
				if err != nil || !strings.HasPrefix(out, "ok http://") {
					t.Fatalf("healthcheck: %v, output %q; want ok", err, out)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("healthcheck: %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}
