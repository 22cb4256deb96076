package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

const daemonQuestion = `An ECS cluster on EC2 must run exactly one copy of a log agent container on every container instance, also on instances added later. Which option?
A) A service with the Replica scheduling type
B) A service with the Daemon scheduling type
C) Static host port mapping
D) Service Auto Scaling with target tracking`

func TestAsk(t *testing.T) {
	t.Run("prints the verdict first, then the evidence for the choice, then sources, without the question", func(t *testing.T) {
		out, errOut, code := runCLI(t, Config{}, "ask", daemonQuestion)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		first, _, _ := strings.Cut(out, "\n")
		if !strings.Contains(first, "B (A service with the Daemon…)") || !strings.Contains(first, "confidence") {
			t.Errorf("first line %q, want the verdict naming B by letter and label with a confidence", first)
		}
		at := 0
		for _, want := range []string{" B:* “", "ECS › Components", "Sources: "} {
			i := strings.Index(out[at:], want)
			if i < 0 {
				t.Fatalf("output lacks %q after the verdict, in order:\n%s", want, out)
			}
			at += i + len(want)
		}
		if strings.Contains(out, "An ECS cluster on EC2") || strings.Contains(out, "Daemon scheduling type") {
			t.Errorf("output repeats the question or an option's full text:\n%s", out)
		}
	})
	t.Run("--json has chosen, confidence, options with evidence, sections", func(t *testing.T) {
		out, errOut, code := runCLI(t, Config{}, "ask", "--json", daemonQuestion)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var got struct {
			Chosen     string  `json:"chosen"`
			Confidence float64 `json:"confidence"`
			Options    []struct {
				Key      string  `json:"key"`
				Text     string  `json:"text"`
				Score    float64 `json:"score"`
				Evidence []struct {
					ID   string   `json:"id"`
					Path []string `json:"path"`
					Fact string   `json:"fact"`
				} `json:"evidence"`
			} `json:"options"`
			Sections []struct {
				ID string `json:"id"`
			} `json:"sections"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		if got.Chosen != "B" || got.Confidence <= 0 || got.Confidence > 1 || len(got.Options) != 4 || len(got.Sections) == 0 {
			t.Fatalf("answer %+v", got)
		}
		if ev := got.Options[1].Evidence; len(ev) == 0 || ev[0].ID == "" || len(ev[0].Path) == 0 || ev[0].Fact == "" {
			t.Errorf("option B evidence %+v", ev)
		}
	})
	t.Run("- reads the question from stdin", func(t *testing.T) {
		var out, errb bytes.Buffer
		err := run(context.Background(), Config{}, []string{"ask", "-"}, strings.NewReader(daemonQuestion), &out, &errb)
		if err != nil {
			t.Fatalf("run: %v", err)
		}
		if !strings.Contains(out.String(), "B (A service with the Daemon…)") {
			t.Errorf("output:\n%s", out.String())
		}
	})
	t.Run("text without options lists the matching sections", func(t *testing.T) {
		out, errOut, code := runCLI(t, Config{}, "ask", "how long does cloudtrail keep events")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if !strings.Contains(out, "no options") || !strings.Contains(out, "CloudTrail") {
			t.Errorf("output:\n%s", out)
		}
	})
	t.Run("bad input gets a short message", func(t *testing.T) {
		for _, in := range []string{
			"A) Use S3 B) Use EBS",                      // only options
			"Which? A) one B) two B) three C) four",     // duplicate letters
			"Which? A) a B) b C) c D) d E) e F) f G) g", // too many
			strings.Repeat("word ", 5000),               // 25 KB
		} {
			_, errOut, code := runCLI(t, Config{}, "ask", in)
			if code != 1 || !strings.HasPrefix(errOut, "devopsbot: ask: ") || len(errOut) > 100 {
				t.Errorf("ask %.30q: exit %d, stderr %q", in, code, errOut)
			}
		}
	})
	t.Run("no text is a usage error", func(t *testing.T) {
		if _, _, code := runCLI(t, Config{}, "ask"); code != 2 {
			t.Errorf("exit %d, want 2", code)
		}
	})
}
