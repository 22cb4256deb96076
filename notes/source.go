package notes

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Errors of Loader.Load, wrapped with the source they concern.
var (
	// ErrNoNotes is returned for a directory holding no *.md file.
	ErrNoNotes = errors.New("no *.md files")
	// ErrTooLarge is returned for a URL whose body exceeds the size limit.
	ErrTooLarge = errors.New("notes larger than the size limit")
	// ErrFetch is returned when a URL answers with an error status.
	ErrFetch = errors.New("fetch failed")
	// ErrInsecureURL is returned for an http:// URL to a host other than
	// the loopback interface (allowed for tests only).
	ErrInsecureURL = errors.New("http:// is allowed for 127.0.0.1 and localhost only; use https://")
)

// Defaults of LoaderOptions.
const (
	DefaultFetchTimeout = 30 * time.Second
	DefaultMaxBytes     = 16 << 20
)

// LoaderOptions configures a Loader. The zero value reads the operating
// system's files, fetches URLs with the default timeout and size limit, and
// caches nothing.
type LoaderOptions struct {
	// FS holds the files and directories named by sources; nil means the
	// operating system's (paths as given, relative to the working
	// directory).
	FS fs.FS
	// Client fetches URLs; nil means a client of its own.
	Client *http.Client
	// Timeout bounds one URL fetch, body included (DefaultFetchTimeout).
	Timeout time.Duration
	// MaxBytes is the largest body a URL may return (DefaultMaxBytes).
	MaxBytes int64
	// CacheDir keeps the last good copy of every URL, so a restart works
	// while the URL is down; "" keeps none.
	CacheDir string
}

// Loader reads notes from their sources: a Markdown file, a directory (every
// *.md under it, in name order) or an https:// URL. It remembers each URL's
// last good copy and validators (ETag, Last-Modified), so loading again
// sends a conditional request and a 304 costs nothing. It is safe for
// concurrent use; loads run one at a time.
type Loader struct {
	lg  *slog.Logger
	opt LoaderOptions
	mu  sync.Mutex
	// remote holds the copy of each URL fetched (or read from the cache)
	// by this process.
	remote map[string]*remoteCopy
}

// remoteCopy is the last good copy of a URL. It is also the cache's record
// beside the copy's bytes.
type remoteCopy struct {
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	Fetched      time.Time `json:"fetched"`
	data         []byte
}

// NewLoader returns a Loader.
func NewLoader(lg *slog.Logger, opt LoaderOptions) *Loader {
	if opt.FS == nil {
		opt.FS = osFS{}
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultFetchTimeout
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	if opt.Client == nil {
		opt.Client = &http.Client{CheckRedirect: checkRedirect}
	}
	return &Loader{lg: lg, opt: opt, remote: map[string]*remoteCopy{}}
}

// Snapshot is one load of the notes.
type Snapshot struct {
	Docs []*Document
	// Digest is a hash of every document's name and bytes: two loads with
	// the same digest hold the same notes.
	Digest string
}

// IsURL reports whether a notes source is a URL rather than a path.
func IsURL(src string) bool {
	return strings.HasPrefix(src, "https://") || strings.HasPrefix(src, "http://")
}

// CheckSource checks a source without reading it: a URL must be https://
// (or http:// on the loopback interface); a path must be a file or a
// directory in the Loader's FS.
func (l *Loader) CheckSource(src string) error {
	if IsURL(src) {
		_, err := parseNotesURL(src)
		return err
	}
	st, err := fs.Stat(l.opt.FS, src)
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() && !st.IsDir() {
		return fmt.Errorf("%s is neither a file nor a directory", src)
	}
	return nil
}

// Load reads and parses the notes of every source, in order, or the
// embedded default notes when there is none. Documents are named after
// their file (the base name without extension; repeats get "-2", "-3").
//
// A URL that cannot be fetched is an error, except on its first load in
// this process when CacheDir holds a copy: that copy is used, with a
// warning. Errors name the source (a URL without its query, which may hold
// a signature).
func (l *Loader) Load(ctx context.Context, sources ...string) (Snapshot, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := sha256.New()
	var docs []*Document
	seen := map[string]int{}
	add := func(name string, data []byte, src string) error {
		if n := seen[name]; n > 0 {
			seen[name]++
			name = fmt.Sprintf("%s-%d", name, n+1)
		} else {
			seen[name] = 1
		}
		d, err := Parse(name, data)
		if err != nil {
			return fmt.Errorf("notes %s: %w", src, err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(data))
		h.Write(data)
		docs = append(docs, d)
		return nil
	}
	n := 0
	for _, src := range sources {
		src = strings.TrimSpace(src)
		if src == "" {
			continue
		}
		n++
		if IsURL(src) {
			u, err := parseNotesURL(src)
			if err != nil {
				return Snapshot{}, err
			}
			data, err := l.fetch(ctx, u)
			if err != nil {
				return Snapshot{}, err
			}
			name := DocName(u.Path)
			if name == "" || name == "/" || name == "." {
				name = u.Hostname()
			}
			if err := add(name, data, redact(u)); err != nil {
				return Snapshot{}, err
			}
			continue
		}
		files, err := l.files(src)
		if err != nil {
			return Snapshot{}, err
		}
		for _, f := range files {
			data, err := fs.ReadFile(l.opt.FS, f)
			if err != nil {
				return Snapshot{}, fmt.Errorf("read notes %s: %w", f, err)
			}
			if err := add(DocName(f), data, f); err != nil {
				return Snapshot{}, err
			}
		}
	}
	if n == 0 {
		d, err := Default()
		if err != nil {
			return Snapshot{}, err
		}
		return Snapshot{Docs: []*Document{d}, Digest: "default"}, nil
	}
	return Snapshot{Docs: docs, Digest: hex.EncodeToString(h.Sum(nil))}, nil
}

// files lists a path: the file itself, or every *.md under a directory in
// name order (hidden directories such as .git skipped).
func (l *Loader) files(p string) ([]string, error) {
	st, err := fs.Stat(l.opt.FS, p)
	if err != nil {
		return nil, fmt.Errorf("read notes %s: %w", p, err)
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	var files []string
	err = fs.WalkDir(l.opt.FS, p, func(f string, e fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case e.IsDir() && f != p && strings.HasPrefix(e.Name(), "."):
			return fs.SkipDir
		case !e.IsDir() && strings.EqualFold(path.Ext(f), ".md"):
			files = append(files, f)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read notes %s: %w", p, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("notes directory %s: %w", p, ErrNoNotes)
	}
	sort.Strings(files)
	return files, nil
}

// parseNotesURL checks a notes URL: https://, or http:// to the loopback
// interface.
func parseNotesURL(src string) (*url.URL, error) {
	u, err := url.Parse(src)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("notes URL %q is not a URL", redactString(src))
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("notes URL %s: %w", redact(u), ErrInsecureURL)
	}
	return u, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkRedirect refuses a redirect from https:// to plain http://.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if req.URL.Scheme == "http" && !isLoopback(req.URL.Hostname()) {
		return ErrInsecureURL
	}
	return nil
}

// redact is a URL fit for logs and errors: no query, fragment or user
// information, which may hold a signature or a password.
func redact(u *url.URL) string {
	r := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	return r.String()
}

func redactString(s string) string {
	if i := strings.IndexAny(s, "?#@"); i >= 0 {
		return s[:i] + "…"
	}
	return s
}

// fetch returns the body of u: fetched with a conditional request when a
// copy is known, the copy itself on 304, or the cached copy on a first
// load that fails.
func (l *Loader) fetch(ctx context.Context, u *url.URL) ([]byte, error) {
	key := u.String()
	prev, inMemory := l.remote[key]
	if !inMemory {
		prev = l.readCache(key)
	}
	data, cp, err := l.get(ctx, u, prev)
	if err != nil {
		if !inMemory && prev != nil {
			l.lg.Warn("notes.Loader fetch failed, using the cached copy", "url", redact(u), "err", err,
				"fetched", prev.Fetched.Format(time.RFC3339))
			l.remote[key] = prev
			return prev.data, nil
		}
		return nil, err
	}
	l.remote[key] = cp
	if cp != prev {
		l.writeCache(key, cp)
	}
	return data, nil
}

// get makes one request. It returns prev itself when the server answers
// 304 Not Modified.
func (l *Loader) get(ctx context.Context, u *url.URL, prev *remoteCopy) ([]byte, *remoteCopy, error) {
	name := redact(u)
	ctx, cancel := context.WithTimeout(ctx, l.opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("fetch notes %s: %w", name, err)
	}
	req.Header.Set("Accept", "text/markdown, text/plain;q=0.9, */*;q=0.5")
	if prev != nil {
		if prev.ETag != "" {
			req.Header.Set("If-None-Match", prev.ETag)
		}
		if prev.LastModified != "" {
			req.Header.Set("If-Modified-Since", prev.LastModified)
		}
	}
	resp, err := l.opt.Client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its message repeats the URL, query included
		}
		return nil, nil, fmt.Errorf("fetch notes %s: %w", name, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && prev != nil:
		return prev.data, prev, nil
	case resp.StatusCode != http.StatusOK:
		return nil, nil, fmt.Errorf("fetch notes %s: %w: %s", name, ErrFetch, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, l.opt.MaxBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("fetch notes %s: %w", name, err)
	}
	if int64(len(data)) > l.opt.MaxBytes {
		return nil, nil, fmt.Errorf("fetch notes %s: %w (%d bytes)", name, ErrTooLarge, l.opt.MaxBytes)
	}
	return data, &remoteCopy{
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		Fetched:      time.Now().UTC(),
		data:         data,
	}, nil
}

// cachePaths are the files holding a URL's cached copy and its record,
// named after a hash of the URL (which may hold a signature).
func (l *Loader) cachePaths(key string) (body, meta string) {
	sum := sha256.Sum256([]byte(key))
	base := filepath.Join(l.opt.CacheDir, hex.EncodeToString(sum[:16]))
	return base + ".md", base + ".json"
}

// readCache returns the cached copy of a URL, or nil.
func (l *Loader) readCache(key string) *remoteCopy {
	if l.opt.CacheDir == "" {
		return nil
	}
	bodyPath, metaPath := l.cachePaths(key)
	data, err := os.ReadFile(bodyPath)
	if err != nil {
		return nil
	}
	var cp remoteCopy
	if m, err := os.ReadFile(metaPath); err == nil {
		_ = json.Unmarshal(m, &cp) // without validators, the copy is still good
	}
	cp.data = data
	return &cp
}

// writeCache stores a URL's copy, replacing the files atomically. A cache
// that cannot be written costs the restart fallback only: a warning.
func (l *Loader) writeCache(key string, cp *remoteCopy) {
	if l.opt.CacheDir == "" {
		return
	}
	meta, err := json.Marshal(cp)
	if err == nil {
		err = os.MkdirAll(l.opt.CacheDir, 0o700)
	}
	bodyPath, metaPath := l.cachePaths(key)
	if err == nil {
		err = writeFileAtomic(bodyPath, cp.data)
	}
	if err == nil {
		err = writeFileAtomic(metaPath, meta)
	}
	if err != nil {
		l.lg.Warn("notes.Loader cache not written", "dir", l.opt.CacheDir, "err", err)
	}
}

// writeFileAtomic writes data to a temporary file beside p, then renames it
// over p.
func writeFileAtomic(p string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return err
	}
	_, err = io.Copy(f, bytes.NewReader(data))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// osFS reads the operating system's files by the paths as given.
type osFS struct{}

func (osFS) Open(name string) (fs.File, error) { return os.Open(name) }

// DocName is the document name for a file path: its base name without
// extension ("notes/ec2.md" -> "ec2").
func DocName(p string) string {
	p = strings.ReplaceAll(p, "\\", "/")
	b := path.Base(p)
	if e := path.Ext(b); e != "" && e != b {
		b = strings.TrimSuffix(b, e)
	}
	return b
}
