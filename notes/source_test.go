package notes

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"
)

// MustLoad loads sources with l or fails the test.
func MustLoad(t *testing.T, l *Loader, sources ...string) Snapshot {
	t.Helper()
	s, err := l.Load(context.Background(), sources...)
	if err != nil {
		t.Fatalf("Load(%q): %v", sources, err)
	}
	return s
}

func docNames(s Snapshot) string {
	var names []string
	for _, d := range s.Docs {
		names = append(names, d.Name)
	}
	return strings.Join(names, ",")
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestLoadFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"a/ec2.md":          {Data: []byte("# EC2\n* fact\n")},
		"b/ec2.md":          {Data: []byte("# EC2 again\n")},
		"dir/b.md":          {Data: []byte("# B\n")},
		"dir/a.md":          {Data: []byte("# A\n")},
		"dir/sub/c.MD":      {Data: []byte("# C\n")},
		"dir/notes.txt":     {Data: []byte("not markdown")},
		"dir/.git/x.md":     {Data: []byte("# hidden\n")},
		"nomd/readme.txt":   {Data: []byte("text")},
		"empty.md":          {Data: nil},
		"bin.md":            {Data: []byte("# x\x00\x01")},
		"notes.txt":         {Data: []byte("just text")},
		"dir2/sub/ec2.md":   {Data: []byte("# EC2 three\n")},
		"dir2/other/iam.md": {Data: []byte("# IAM\n")},
	}
	l := NewLoader(discard, LoaderOptions{FS: fsys})
	t.Run("no source is the default notes", func(t *testing.T) {
		s := MustLoad(t, l)
		if docNames(s) != DefaultName || len(s.Docs[0].Sections) != 192 {
			t.Errorf("got %s with %d sections", docNames(s), len(s.Docs[0].Sections))
		}
	})
	t.Run("files are named after their base name, repeats numbered", func(t *testing.T) {
		s := MustLoad(t, l, "a/ec2.md", " b/ec2.md ", "", "notes.txt")
		if got, want := docNames(s), "ec2,ec2-2,notes"; got != want {
			t.Errorf("names = %s, want %s", got, want)
		}
		if s.Docs[1].Sections[0].Doc != "ec2-2" {
			t.Errorf("section Doc = %q", s.Docs[1].Sections[0].Doc)
		}
	})
	t.Run("a directory gives every .md under it in name order, hidden directories skipped", func(t *testing.T) {
		s := MustLoad(t, l, "dir", "dir2")
		if got, want := docNames(s), "a,b,c,iam,ec2"; got != want {
			t.Errorf("names = %s, want %s", got, want)
		}
	})
	t.Run("the digest changes with the notes only", func(t *testing.T) {
		a, b := MustLoad(t, l, "dir"), MustLoad(t, l, "dir")
		c := MustLoad(t, l, "a/ec2.md")
		if a.Digest != b.Digest || a.Digest == c.Digest || a.Digest == "" {
			t.Errorf("digests %s %s %s", a.Digest, b.Digest, c.Digest)
		}
	})
	for _, tc := range []struct {
		name, path string
		want       error
	}{
		{"missing file names the file", "nope.md", fs.ErrNotExist},
		{"empty file names the file", "empty.md", ErrEmpty},
		{"binary file names the file", "bin.md", ErrBinary},
		{"directory without .md names the directory", "nomd", ErrNoNotes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := l.Load(context.Background(), "a/ec2.md", tc.path)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.path) {
				t.Errorf("error %q does not name %s", err, tc.path)
			}
		})
	}
}

// notesServer serves one notes file with an ETag and a Last-Modified date,
// answering conditional requests with 304, and counts what it sends.
type notesServer struct {
	body           atomic.Pointer[string]
	status         atomic.Int32 // when not 0, every request gets it
	full, notMod   atomic.Int32
	sawIfNoneMatch atomic.Bool
	sawIfModSince  atomic.Bool
}

func newNotesServer(t *testing.T, body string) (*notesServer, *httptest.Server) {
	t.Helper()
	ns := &notesServer{}
	ns.body.Store(&body)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s := ns.status.Load(); s != 0 {
			http.Error(w, "no", int(s))
			return
		}
		b := *ns.body.Load()
		etag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(b)))
		w.Header().Set("Last-Modified", "Wed, 02 Dec 2026 10:00:00 GMT")
		if r.Header.Get("If-Modified-Since") != "" {
			ns.sawIfModSince.Store(true)
		}
		if inm := r.Header.Get("If-None-Match"); inm != "" {
			ns.sawIfNoneMatch.Store(true)
			if inm == etag {
				ns.notMod.Add(1)
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		ns.full.Add(1)
		w.Header().Set("ETag", etag)
		io.WriteString(w, b)
	}))
	t.Cleanup(srv.Close)
	return ns, srv
}

func TestLoadURL(t *testing.T) {
	ctx := context.Background()
	t.Run("fetches, then revalidates with the ETag and reuses the copy on 304", func(t *testing.T) {
		ns, srv := newNotesServer(t, "# EC2\n* Spot can be interrupted\n")
		l := NewLoader(discard, LoaderOptions{})
		a := MustLoad(t, l, srv.URL+"/team/ec2.md?token=x")
		b := MustLoad(t, l, srv.URL+"/team/ec2.md?token=x")
		if docNames(a) != "ec2" || a.Digest != b.Digest {
			t.Errorf("names %s, digests %s %s", docNames(a), a.Digest, b.Digest)
		}
		if ns.full.Load() != 1 || ns.notMod.Load() != 1 || !ns.sawIfNoneMatch.Load() || !ns.sawIfModSince.Load() {
			t.Errorf("full %d, 304 %d, If-None-Match %v, If-Modified-Since %v",
				ns.full.Load(), ns.notMod.Load(), ns.sawIfNoneMatch.Load(), ns.sawIfModSince.Load())
		}
		if got := b.Docs[0].Sections[0].Facts[0].Text; got != "Spot can be interrupted" {
			t.Errorf("fact after 304 = %q", got)
		}
	})
	t.Run("a changed file is fetched again", func(t *testing.T) {
		ns, srv := newNotesServer(t, "# A\n")
		l := NewLoader(discard, LoaderOptions{})
		a := MustLoad(t, l, srv.URL+"/n.md")
		changed := "# A\n# B and more\n"
		ns.body.Store(&changed)
		b := MustLoad(t, l, srv.URL+"/n.md")
		if a.Digest == b.Digest || len(b.Docs[0].Sections) != 2 || ns.full.Load() != 2 {
			t.Errorf("digests %s %s, %d sections, %d full responses", a.Digest, b.Digest, len(b.Docs[0].Sections), ns.full.Load())
		}
	})
	t.Run("404 is an error naming the URL without its query", func(t *testing.T) {
		ns, srv := newNotesServer(t, "# A\n")
		ns.status.Store(http.StatusNotFound)
		_, err := NewLoader(discard, LoaderOptions{}).Load(ctx, srv.URL+"/gone.md?X-Amz-Signature=secret")
		if !errors.Is(err, ErrFetch) || !strings.Contains(err.Error(), "404") || !strings.Contains(err.Error(), srv.URL+"/gone.md") {
			t.Fatalf("err = %v", err)
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("error shows the query: %v", err)
		}
	})
	t.Run("a server too slow times out", func(t *testing.T) {
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}))
		defer srv.Close()
		defer close(release)
		_, err := NewLoader(discard, LoaderOptions{Timeout: 50 * time.Millisecond}).Load(ctx, srv.URL+"/slow.md?sig=secret")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want a deadline", err)
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("error shows the query: %v", err)
		}
	})
	t.Run("a body over the size limit is refused", func(t *testing.T) {
		_, srv := newNotesServer(t, "# Big\n"+strings.Repeat("* fact\n", 200))
		_, err := NewLoader(discard, LoaderOptions{MaxBytes: 1000}).Load(ctx, srv.URL+"/big.md")
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("err = %v, want ErrTooLarge", err)
		}
	})
	t.Run("plain http is refused off the loopback interface", func(t *testing.T) {
		_, err := NewLoader(discard, LoaderOptions{}).Load(ctx, "http://notes.example.com/n.md")
		if !errors.Is(err, ErrInsecureURL) {
			t.Fatalf("err = %v, want ErrInsecureURL", err)
		}
	})
	t.Run("a restart uses the cached copy while the URL is down; a refresh does not", func(t *testing.T) {
		dir := t.TempDir()
		ns, srv := newNotesServer(t, "# Cached\n* kept\n")
		u := srv.URL + "/cached.md?sig=secret"
		first := NewLoader(discard, LoaderOptions{CacheDir: dir})
		a := MustLoad(t, first, u)

		// Restart while the server still works: a conditional request.
		MustLoad(t, NewLoader(discard, LoaderOptions{CacheDir: dir}), u)
		if ns.full.Load() != 1 || ns.notMod.Load() != 1 {
			t.Errorf("restart: %d full responses and %d 304s, want 1 and 1", ns.full.Load(), ns.notMod.Load())
		}

		ns.status.Store(http.StatusServiceUnavailable)
		if _, err := first.Load(ctx, u); !errors.Is(err, ErrFetch) {
			t.Errorf("refresh while down: err = %v, want ErrFetch (the caller keeps its notes)", err)
		}
		b := MustLoad(t, NewLoader(discard, LoaderOptions{CacheDir: dir}), u)
		if a.Digest != b.Digest {
			t.Errorf("restart while down: digest %s, want the cached %s", b.Digest, a.Digest)
		}
		srv.Close()
		c := MustLoad(t, NewLoader(discard, LoaderOptions{CacheDir: dir}), u)
		if a.Digest != c.Digest {
			t.Errorf("restart with the server gone: digest %s, want the cached %s", c.Digest, a.Digest)
		}
		if _, err := NewLoader(discard, LoaderOptions{CacheDir: t.TempDir()}).Load(ctx, u); err == nil {
			t.Errorf("no cache and no server: no error")
		}
	})
}
