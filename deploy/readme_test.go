package deploy

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/devopsbot/devopsbot/bot"
	"github.com/devopsbot/devopsbot/quiz/postgres/pgtest"
)

var update = flag.Bool("update", false, "rewrite the README's generated tables (configuration, /devops commands)")

const (
	configBegin = "<!-- config:begin -->\n"
	configEnd   = "<!-- config:end -->\n"
)

func readme(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// configTable renders the README's configuration table from Config.
func configTable(vars []envVar) string {
	var b strings.Builder
	b.WriteString("| variable | default | meaning |\n|---|---|---|\n")
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	for _, v := range vars {
		def := "|"
		if v.Default != "" {
			def = "`" + cell(v.Default) + "` |"
		}
		b.WriteString("| `" + v.Name + "` | " + def + " " + cell(v.Desc) + " |\n")
	}
	return b.String()
}

func TestREADMEConfigTableMatchesConfig(t *testing.T) {
	text := readme(t)
	i, j := strings.Index(text, configBegin), strings.Index(text, configEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the %q ... %q markers around the configuration table", configBegin, configEnd)
	}
	got := text[i+len(configBegin) : j]
	want := configTable(configVars(t))
	if got == want {
		return
	}
	if *update {
		text = text[:i+len(configBegin)] + want + text[j:]
		if err := os.WriteFile(filepath.Join(root, "README.md"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Log("README.md configuration table rewritten")
		return
	}
	t.Errorf("the README's configuration table differs from Config in cmd/devopsbot/settings.go "+
		"(go test ./deploy -run README -update rewrites it):\n--- README\n%s--- want\n%s", got, want)
}

func TestREADME(t *testing.T) {
	text := readme(t)
	env := knownEnv(t)

	t.Run("quick start is the two documented commands", func(t *testing.T) {
		i := strings.Index(text, "## Quick start")
		if i < 0 {
			t.Fatal("no Quick start section")
		}
		block := text[i:]
		start := strings.Index(block, "```sh\n")
		if start < 0 {
			t.Fatal("no sh block in Quick start")
		}
		block = block[start+len("```sh\n"):]
		block = block[:strings.Index(block, "```")]
		if block != "go run ./cmd/devopsbot\ngo test ./...\n" {
			t.Errorf("Quick start commands are %q", block)
		}
	})

	t.Run("every variable mentioned exists", func(t *testing.T) {
		for _, v := range regexp.MustCompile(`\b(?:SLACK|DEVOPSBOT)_[A-Z_]+\b`).FindAllString(text, -1) {
			if _, ok := env[v]; !ok && v != pgtest.EnvURL { // the tests' database
				t.Errorf("README mentions %s, which Config does not have", v)
			}
		}
	})

	t.Run("every command is documented", func(t *testing.T) {
		for name := range subcommands(t) {
			if name != "help" && !strings.Contains(text, "`devopsbot "+name) {
				t.Errorf("README does not document `devopsbot %s`", name)
			}
		}
	})

	t.Run("every metric mentioned exists", func(t *testing.T) {
		m := bot.NewMetrics("test", bot.PathHealthz)
		// Vectors appear once they have a series.
		m.SlackError("auth.test")
		m.ObserveHTTP(bot.PathHealthz, 200, 0)
		m.StoreDamaged(func() uint64 { return 0 }) // serve registers it
		families, err := m.Registry().Gather()
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, f := range families {
			have[f.GetName()] = true
		}
		mentioned := regexp.MustCompile("`(devopsbot_[a-z_]+)").FindAllStringSubmatch(text, -1)
		for _, m := range mentioned {
			if !have[m[1]] {
				t.Errorf("README documents metric %s, which the bot does not export", m[1])
			}
		}
		for name := range have {
			if strings.HasPrefix(name, "devopsbot_") && !strings.Contains(text, name) {
				t.Errorf("metric %s is not documented in the README", name)
			}
		}
	})

	t.Run("local links resolve", func(t *testing.T) {
		for _, m := range regexp.MustCompile(`\]\(([^)#]+)\)`).FindAllStringSubmatch(text, -1) {
			target := m[1]
			if strings.Contains(target, "://") {
				continue
			}
			if _, err := os.Stat(filepath.Join(root, target)); err != nil {
				t.Errorf("README links to %s: %v", target, err)
			}
		}
		if !strings.Contains(text, "(BENCHMARKS.md)") {
			t.Error("README does not link BENCHMARKS.md")
		}
	})

	t.Run("credits the default notes", func(t *testing.T) {
		for _, want := range []string{"Jan Groth", "jangroth/aws-certification-notes",
			"devops-engineer-professional.md", "c19b6eff40e123e232ef93a57e54b0a918eaacd4"} {
			if !strings.Contains(text, want) {
				t.Errorf("README credits lack %q", want)
			}
		}
	})

	t.Run("no placeholders left", func(t *testing.T) {
		for _, marker := range []string{"PLACEHOLDER", "TODO", "TBD", "FIXME"} {
			if strings.Contains(text, marker) {
				t.Errorf("README still contains %s", marker)
			}
		}
	})
}

// TestREADMEFirstCommandOpensTheConsole runs what `go run ./cmd/devopsbot`
// runs, with no Slack credentials in the environment, and types the lookup
// the issue names.
func TestREADMEFirstCommandOpensTheConsole(t *testing.T) {
	bin := imageBinary(t)
	dir := t.TempDir()
	cmd := exec.Command(bin)
	cmd.Dir = dir // the console keeps its scores in data/ under the working directory
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dir}
	cmd.Stdin = strings.NewReader("lookup canary\nquit\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("devopsbot without credentials: %v\n%s", err, out)
	}
	if !strings.Contains(strings.ToLower(string(out)), "canary") {
		t.Errorf("console did not answer lookup canary:\n%s", out)
	}
}

// TestREADMEQuestionBankExamplePasses runs `devopsbot quiz check` on the
// README's question bank example.
func TestREADMEQuestionBankExamplePasses(t *testing.T) {
	text := readme(t)
	i := strings.Index(text, "```yaml\n")
	if i < 0 {
		t.Fatal("README has no YAML question bank example")
	}
	example := text[i+len("```yaml\n"):]
	example = example[:strings.Index(example, "```")]
	bank := filepath.Join(t.TempDir(), "bank.yaml")
	if err := os.WriteFile(bank, []byte(example), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(imageBinary(t), "quiz", "check", bank)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir()}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("devopsbot quiz check on the README example: %v\n%s", err, out)
	}
}

// TestREADMEAskExamplesAreRealOutput runs every `devopsbot ask "..."`
// example of the README (the question wrapped over lines indented by two
// spaces) and compares the reply with the lines the README shows after it,
// so the examples cannot drift from what the bot says.
func TestREADMEAskExamplesAreRealOutput(t *testing.T) {
	const prompt = `$ devopsbot ask "`
	text := readme(t)
	n := 0
	for rest := text; ; {
		i := strings.Index(rest, "```text\n"+prompt)
		if i < 0 {
			break
		}
		block := rest[i+len("```text\n"):]
		end := strings.Index(block, "```")
		if end < 0 {
			t.Fatal("unterminated text block after an ask example")
		}
		rest, block = block[end:], block[:end]
		var question []string
		lines := strings.Split(strings.TrimSuffix(block, "\n"), "\n")
		k := 0
		for ; k < len(lines); k++ {
			line := strings.TrimPrefix(lines[k], prompt)
			if k > 0 {
				line = strings.TrimPrefix(lines[k], "  ")
			}
			question = append(question, line)
			if strings.HasSuffix(line, `"`) {
				break
			}
		}
		q := strings.TrimSuffix(strings.Join(question, " "), `"`)
		want := strings.Join(lines[k+1:], "\n") + "\n"
		out, err := exec.Command(imageBinary(t), "ask", q).CombinedOutput()
		if err != nil {
			t.Fatalf("devopsbot ask %q: %v\n%s", q, err, out)
		}
		if string(out) != want {
			t.Errorf("the README's reply to %.60q… is not what the bot says:\n--- README\n%s--- bot\n%s", q, want, out)
		}
		n++
	}
	if n < 3 {
		t.Errorf("found %d ask examples in the README, want at least 3", n)
	}
}
