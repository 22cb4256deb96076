package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// cmdHealthcheck probes a running bot over loopback and exits 0 when it
// answers 200, 1 otherwise. It needs no shell or curl, so the container's
// HEALTHCHECK can be `["devopsbot", "healthcheck"]` in a distroless image.
func cmdHealthcheck(ctx context.Context, e *env, args []string) error {
	const synopsis = "healthcheck [--path /healthz] [--timeout 3s] [--addr ADDR]\n\nGETs http://127.0.0.1:<port of DEVOPSBOT_ADDR><path>; exit 0 on 200, 1 otherwise."
	fs := e.flags("healthcheck", synopsis)
	path := fs.String("path", "/healthz", "path to probe (/healthz for liveness, /readyz for readiness)")
	timeout := fs.Duration("timeout", 3*time.Second, "give up after this long")
	addr := fs.String("addr", e.cfg.Addr, "listen address of the bot (default from DEVOPSBOT_ADDR)")
	if err := e.parse(fs, synopsis, args); err != nil {
		return err
	}
	target, err := probeURL(*addr, *path)
	if err != nil {
		return fmt.Errorf("healthcheck: DEVOPSBOT_ADDR: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	// No proxies: the probe is always local.
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck %s: %w", target, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck %s: status %d", target, resp.StatusCode)
	}
	fmt.Fprintf(e.stdout, "ok %s\n", target)
	return nil
}

// probeURL turns a listen address into the URL to probe: a wildcard or empty
// host (":3000", "0.0.0.0:3000", "[::]:3000") becomes 127.0.0.1, a specific
// host is kept since the bot listens only there.
func probeURL(addr, path string) (string, error) {
	if err := checkAddr(addr); err != nil {
		return "", err
	}
	host, port, _ := net.SplitHostPort(addr)
	if port == "0" {
		return "", fmt.Errorf("%q has port 0 (chosen at random): nothing to probe", addr)
	}
	switch ip := net.ParseIP(host); {
	case host == "", host == "localhost", ip != nil && ip.IsUnspecified():
		host = "127.0.0.1"
	}
	if path == "" || path[0] != '/' {
		path = "/" + path
	}
	return "http://" + net.JoinHostPort(host, port) + path, nil
}
