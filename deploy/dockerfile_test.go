package deploy

import (
	"bufio"
	"debug/elf"
	"encoding/json"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// dockerfile is what the tests need from the root Dockerfile.
type dockerfile struct {
	stages      []dockerStage
	binary      string            // where the final image has the binary
	env         map[string]string // final stage ENV
	volumes     []string
	user        string
	expose      []string
	healthcheck []string // exec form
	entrypoint  []string
	cmd         []string
	copies      [][]string // COPY arguments of the final stage, flags dropped
}

type dockerStage struct {
	from, name string
	flags      []string // FROM flags (--platform=...)
	runs       []string
	copies     [][]string // COPY arguments, flags included
}

// readDockerfile parses ../Dockerfile: instructions with their line
// continuations joined, comments dropped.
func readDockerfile(t *testing.T) *dockerfile {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	var cur strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") || (line == "" && cur.Len() == 0) {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			cur.WriteString(strings.TrimSuffix(line, "\\") + " ")
			continue
		}
		cur.WriteString(line)
		lines = append(lines, cur.String())
		cur.Reset()
	}
	d := &dockerfile{env: map[string]string{}}
	for _, line := range lines {
		instr, args, _ := strings.Cut(line, " ")
		args = strings.TrimSpace(args)
		instr = strings.ToUpper(instr)
		if instr == "FROM" {
			var f []string // without flags such as --platform
			for _, a := range strings.Fields(args) {
				if !strings.HasPrefix(a, "--") {
					f = append(f, a)
				}
			}
			st := dockerStage{from: f[0], flags: strings.Fields(args)[:len(strings.Fields(args))-len(f)]}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				st.name = f[2]
			}
			d.stages = append(d.stages, st)
			// Settings of earlier stages do not reach the final image.
			d.env, d.volumes, d.user, d.expose, d.copies = map[string]string{}, nil, "", nil, nil
			continue
		}
		if len(d.stages) == 0 {
			t.Fatalf("Dockerfile: %s before FROM", instr)
		}
		st := &d.stages[len(d.stages)-1]
		switch instr {
		case "RUN":
			st.runs = append(st.runs, args)
		case "COPY":
			st.copies = append(st.copies, strings.Fields(args))
			var plainArgs []string
			for _, a := range strings.Fields(args) {
				if !strings.HasPrefix(a, "--") {
					plainArgs = append(plainArgs, a)
				}
			}
			d.copies = append(d.copies, plainArgs)
		case "ENV":
			for _, kv := range strings.Fields(args) {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					t.Fatalf("Dockerfile: ENV %q: use KEY=value", args)
				}
				d.env[k] = v
			}
		case "VOLUME":
			d.volumes = append(d.volumes, strings.Fields(args)...)
		case "USER":
			d.user = args
		case "EXPOSE":
			d.expose = append(d.expose, strings.Fields(args)...)
		case "HEALTHCHECK":
			i := strings.Index(args, "CMD ")
			if i < 0 {
				t.Fatalf("Dockerfile: HEALTHCHECK without CMD: %q", args)
			}
			d.healthcheck = execForm(t, "HEALTHCHECK CMD", args[i+4:])
		case "ENTRYPOINT":
			d.entrypoint = execForm(t, instr, args)
		case "CMD":
			d.cmd = execForm(t, instr, args)
		}
	}
	if len(d.entrypoint) > 0 {
		d.binary = d.entrypoint[0]
	}
	return d
}

// execForm parses a JSON exec form; the shell form would need a shell,
// which a distroless image does not have.
func execForm(t *testing.T, instr, args string) []string {
	t.Helper()
	var argv []string
	if err := json.Unmarshal([]byte(strings.TrimSpace(args)), &argv); err != nil || len(argv) == 0 {
		t.Fatalf("Dockerfile: %s %s: want the exec form [\"...\"] (no shell in the image)", instr, args)
	}
	return argv
}

func TestDockerfile(t *testing.T) {
	env, cmds := knownEnv(t), subcommands(t)
	d := readDockerfile(t)
	if len(d.stages) < 2 {
		t.Fatalf("want a multi-stage build, got %d stages", len(d.stages))
	}
	builder, final := d.stages[0], d.stages[len(d.stages)-1]
	if !strings.HasPrefix(builder.from, "golang:1.26") {
		t.Errorf("builder FROM %s, want golang:1.26 (go.mod says go 1.26)", builder.from)
	}
	// The toolchain runs on the build machine and cross-compiles for the
	// target platform, so an image built on ARM runs on x86 and back.
	if !slices.Contains(builder.flags, "--platform=$BUILDPLATFORM") {
		t.Errorf("builder FROM flags %v, want --platform=$BUILDPLATFORM", builder.flags)
	}
	if _, digest, ok := strings.Cut(builder.from, "@sha256:"); !ok || len(digest) != 64 {
		t.Errorf("builder FROM %s, want the image pinned by its digest (@sha256:...)", builder.from)
	}
	if strings.HasPrefix(final.from, "golang") {
		t.Errorf("final image %s is the Go toolchain, want a small runtime image", final.from)
	}
	var built string
	for _, r := range builder.runs {
		if strings.Contains(r, "go build") {
			if !strings.Contains(r, "CGO_ENABLED=0") || !strings.Contains(r, "./cmd/devopsbot") {
				t.Errorf("builder RUN %q: want CGO_ENABLED=0 go build ./cmd/devopsbot", r)
			}
			if !strings.Contains(r, "GOOS=${TARGETOS}") || !strings.Contains(r, "GOARCH=${TARGETARCH}") {
				t.Errorf("builder RUN %q: want GOOS=${TARGETOS} GOARCH=${TARGETARCH} go build", r)
			}
			f := strings.Fields(r)
			for i := range f[:len(f)-1] {
				if f[i] == "-o" {
					built = f[i+1]
				}
			}
		}
	}
	if built == "" {
		t.Fatal("builder never runs go build -o ...")
	}
	// The binary copied into the final image is the one built, and it is
	// what ENTRYPOINT and HEALTHCHECK run.
	copied := false
	for _, c := range final.copies {
		if slices.Contains(c, "--from="+builder.name) && len(c) >= 2 && c[len(c)-2] == built && c[len(c)-1] == d.binary {
			copied = true
		}
	}
	if !copied {
		t.Errorf("the final stage does not COPY --from=%s %s %s", builder.name, built, d.binary)
	}
	if len(d.healthcheck) != 2 || d.healthcheck[0] != d.binary || d.healthcheck[1] != "healthcheck" || !cmds["healthcheck"] {
		t.Errorf("HEALTHCHECK %v, want [%q \"healthcheck\"]", d.healthcheck, d.binary)
	}
	if len(d.cmd) == 0 || !cmds[d.cmd[0]] {
		t.Errorf("CMD %v is not a devopsbot subcommand", d.cmd)
	}
	for k := range d.env {
		if _, ok := env[k]; !ok {
			t.Errorf("ENV %s is not a variable the bot knows", k)
		}
	}
	if db := d.env["DEVOPSBOT_DB"]; db != "/data/devopsbot.db" || !slices.Contains(d.volumes, path.Dir(db)) {
		t.Errorf("ENV DEVOPSBOT_DB=%q, VOLUME %v: want the DB at /data/devopsbot.db on the /data volume", db, d.volumes)
	}
	addr := d.env["DEVOPSBOT_ADDR"]
	if addr == "" {
		addr = env["DEVOPSBOT_ADDR"].Default
	}
	if _, port, err := net.SplitHostPort(addr); err != nil || !slices.Contains(d.expose, port) {
		t.Errorf("EXPOSE %v does not match DEVOPSBOT_ADDR %q", d.expose, addr)
	}
	if u := strings.Split(d.user, ":")[0]; u == "" || u == "root" || u == "0" {
		t.Errorf("USER %q: want a non-root user", d.user)
	}
	for _, c := range builder.copies {
		for _, src := range c[:len(c)-1] {
			if strings.HasPrefix(src, "--") || src == "." {
				continue
			}
			if _, err := os.Stat(filepath.Join(root, src)); err != nil {
				t.Errorf("builder COPY %s: %v", src, err)
			}
		}
	}
}

// ---------------------------------------------------------------------------
// Building what the image builds. Docker cannot run here, so the test does
// the builder stage's work itself: copy the build context as .dockerignore
// filters it, then CGO_ENABLED=0 go build ./cmd/devopsbot in it. The binary
// is shared by the tests that run it.

var (
	buildOnce sync.Once
	buildBin  string
	buildErr  string
)

// imageBinary returns the path of a devopsbot binary built from the Docker
// build context with CGO_ENABLED=0.
func imageBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "devopsbot-image-")
		if err != nil {
			buildErr = err.Error()
			return
		}
		// Removed by TestMain.
		buildDir = dir
		ctx := filepath.Join(dir, "context")
		if err := copyContext(root, ctx); err != nil {
			buildErr = "copy build context: " + err.Error()
			return
		}
		buildBin = filepath.Join(dir, "devopsbot")
		cmd := exec.Command("go", "build", "-o", buildBin, "./cmd/devopsbot")
		cmd.Dir = ctx
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=readonly", "GOPROXY=off", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = "CGO_ENABLED=0 go build ./cmd/devopsbot in the Docker build context: " + err.Error() + "\n" + string(out)
		}
	})
	if buildErr != "" {
		t.Fatal(buildErr)
	}
	return buildBin
}

var buildDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// dockerignore reads ../.dockerignore.
func dockerignore() ([]string, error) {
	data, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	if err != nil {
		return nil, err
	}
	var pats []string
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if strings.HasPrefix(l, "!") {
			continue // exceptions are not used here
		}
		pats = append(pats, strings.Trim(path.Clean(strings.TrimPrefix(l, "/")), "/"))
	}
	return pats, nil
}

// ignored reports whether rel (slash-separated, relative to the context) is
// excluded: like Docker, a pattern matches the path or one of its parent
// directories, and ** matches any number of directories.
func ignored(pats []string, rel string) bool {
	parts := strings.Split(rel, "/")
	for i := 1; i <= len(parts); i++ {
		for _, p := range pats {
			if matchGlob(strings.Split(p, "/"), parts[:i]) {
				return true
			}
		}
	}
	return false
}

func matchGlob(pat, name []string) bool {
	if len(pat) == 0 {
		return len(name) == 0
	}
	if pat[0] == "**" {
		for i := 0; i <= len(name); i++ {
			if matchGlob(pat[1:], name[i:]) {
				return true
			}
		}
		return false
	}
	if len(name) == 0 {
		return false
	}
	ok, _ := path.Match(pat[0], name[0])
	return ok && matchGlob(pat[1:], name[1:])
}

func copyContext(src, dst string) error {
	pats, err := dockerignore()
	if err != nil {
		return err
	}
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil || rel == "." {
			return err
		}
		if ignored(pats, filepath.ToSlash(rel)) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		return copyFile(p, target)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func TestDockerignore(t *testing.T) {
	pats, err := dockerignore()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want bool
	}{
		{".git/config", true},
		{"data/devopsbot.db", true},
		{"devopsbot", true},
		{"quiz/bolt/testdata/golden.json", true},
		{"notes/devops-engineer-professional.md", false}, // embedded: must reach the build
		{"cmd/devopsbot/main.go", false},
		{"go.sum", false},
	}
	for _, tt := range tests {
		if got := ignored(pats, tt.path); got != tt.want {
			t.Errorf("ignored(%s) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func TestImageBinaryIsStatic(t *testing.T) {
	bin := imageBinary(t)
	f, err := elf.Open(bin)
	if err != nil {
		t.Skipf("not an ELF binary on this platform: %v", err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary needs a dynamic loader: it would not start in a distroless static image")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary links %v dynamically", libs)
	}
}

func TestImageBinaryRunsTheImageCommands(t *testing.T) {
	bin := imageBinary(t)
	d := readDockerfile(t)
	// The image's environment, and nothing from the developer's.
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir()}
	for k, v := range d.env {
		env = append(env, k+"="+v)
	}
	run := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("config")
	if err != nil {
		t.Fatalf("devopsbot config with the image's ENV: %v\n%s", err, out)
	}
	if !strings.Contains(out, "DEVOPSBOT_DB=/data/devopsbot.db") {
		t.Errorf("config does not show the image's DB path:\n%s", out)
	}
	if out, err := run(append(append([]string{}, d.healthcheck[1:]...), "--help")...); err != nil {
		t.Errorf("%v --help: %v\n%s", d.healthcheck, err, out)
	}
	// CMD serve without credentials fails at once with a line naming the
	// variable, instead of starting half-configured.
	out, err = run(d.cmd...)
	if err == nil || !strings.Contains(out, "SLACK_BOT_TOKEN") {
		t.Errorf("%v without tokens: err %v, output %q; want a failure naming SLACK_BOT_TOKEN", d.cmd, err, out)
	}
}
