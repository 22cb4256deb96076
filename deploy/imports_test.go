package deploy

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/devopsbot/devopsbot"

// TestImportRules holds the packages to the arrows of DESIGN.md
// (cmd -> bot -> {index, quiz} -> notes; stores import quiz): what each
// package must not depend on, directly or through another package.
func TestImportRules(t *testing.T) {
	imports, deps := goList(t, "Imports"), goList(t, "Deps")
	const (
		bleve = "github.com/blevesearch/"
		slack = "github.com/slack-go/"
	)
	stores := []string{module + "/quiz/bolt", module + "/quiz/memory", module + "/quiz/postgres", "go.etcd.io/bbolt", "github.com/jackc/pgx"}
	app := []string{module + "/cmd/", module + "/bot"}
	rules := []struct {
		pkg    string
		forbid []string // direct imports: paths, or prefixes ending in "/"
		only   []string // when set, for every dependency: the standard library and these prefixes only
	}{
		{pkg: "bot", forbid: append([]string{bleve, module + "/cmd/"}, stores...)},
		{pkg: "index", forbid: append([]string{module + "/quiz", slack}, append(app, stores...)...)},
		{pkg: "index/stem", only: []string{}},
		{pkg: "quiz", forbid: append([]string{module + "/index", bleve, slack}, append(app, stores...)...)},
		{pkg: "quiz/bolt", forbid: append([]string{module + "/index", bleve, slack}, app...)},
		{pkg: "quiz/memory", forbid: append([]string{module + "/index", bleve, slack}, app...)},
		{pkg: "quiz/postgres", forbid: append([]string{module + "/index", bleve, slack}, app...)},
		{pkg: "quiz/storetest", forbid: append([]string{module + "/index", bleve, slack}, append(app, stores...)...)},
		{pkg: "notes", only: []string{"github.com/yuin/goldmark"}},
	}
	for _, r := range rules {
		if _, ok := deps[r.pkg]; !ok {
			t.Errorf("package %s not found", r.pkg)
			continue
		}
		for _, d := range deps[r.pkg] {
			if r.only != nil && !std(d) && !hasAnyPrefix(d, r.only) {
				t.Errorf("%s depends on %s: it may use only the standard library and %v", r.pkg, d, r.only)
			}
		}
		for _, d := range imports[r.pkg] {
			for _, f := range r.forbid {
				if d == f || (strings.HasSuffix(f, "/") && strings.HasPrefix(d, f)) {
					t.Errorf("%s imports %s, which DESIGN.md forbids", r.pkg, d)
				}
			}
		}
	}
}

// goList maps each package of the module (relative to it) to one of its
// go list fields: its direct imports or all its dependencies.
func goList(t *testing.T, field string) map[string][]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join ."+field+" \" \"}}", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	m := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		m[strings.TrimPrefix(f[0], module+"/")] = f[1:]
	}
	return m
}

// std reports whether an import path is in the standard library (its
// first element has no dot).
func std(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
