package index

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestParsePriors(t *testing.T) {
	if _, err := parsePriors(defaultPriors); err != nil {
		t.Fatalf("embedded priors: %v", err)
	}
	for name, text := range map[string]string{
		"no kind":          "manually | cron\n",
		"unknown kind":     "hunch: manually\n",
		"need without =>":  "need: audit | cloudtrail\n",
		"empty phrase":     "effort: manually | | cron\n",
		"empty mechanism":  "need: audit =>\n",
		"punctuation only": "risky: --\n",
		"star inside":      "effort: custom* script\n",
		"star alone":       "effort: *\n",
	} {
		t.Run(name+" is refused", func(t *testing.T) {
			if _, err := parsePriors([]byte(text)); !errors.Is(err, ErrPriors) {
				t.Errorf("parsePriors(%q) = %v, want ErrPriors", text, err)
			}
		})
	}
}

func TestHasPhrase(t *testing.T) {
	tests := []struct {
		text, phrase string
		want         bool
	}{
		{"Run a custom scripts job", "custom script", true},
		{"Run a custom-scripted job", "custom script", false},
		{"Run a custom-scripted job", "custom script*", true},
		{"customer script", "custom script", false},
		{"a script that is custom", "custom script", false},
		{"Use AWS CloudTrail", "cloudtrail", true},
		{"", "cloudtrail", false},
		{"cross region copies and cross account roles", "cross account", true},
		{"cross region copies and cross", "cross account", false},
		{"scripting and then a script", "script", true},
		{"scripting only", "script", false},
		{"scripting only", "script*", true},
		{"two aliases", "alias", true},
		{"the API calls are throttled", "throttl*", true},
		// Whole words: a prefix of an everyday word is no match.
		{"while the revision is downloaded", "is down", false},
		{"the information it keeps", "inform", false},
		{"an alarm notification", "alarm", true},
		{"an AlarmNotification topic", "alarm", false},
		{"it becomes eventually consistent", "event", false},
		{"route the events", "event", true},
	}
	for _, tt := range tests {
		ph, err := phraseWords(tt.phrase)
		if err != nil {
			t.Fatal(err)
		}
		if got := newTextWords(tt.text).has(ph); got != tt.want {
			t.Errorf("hasPhrase(%q, %q) = %v, want %v", tt.text, tt.phrase, got, tt.want)
		}
	}
}

func TestPriorSignals(t *testing.T) {
	p, err := parsePriors([]byte(`
effort: manually
effort: cron
managed: automatic
risky: root user
need: audit => cloudtrail
need: encrypt => kms
`))
	if err != nil {
		t.Fatal(err)
	}
	opts := []Option{
		{"A", "Record API calls with CloudTrail and encrypt the trail with KMS"},
		{"B", "Have an operator manually copy the logs every night"},
		{"C", "Sign in as the root user and review the logs"},
		{"D", "Turn on automatic encryption of the log bucket with KMS"},
	}
	got := p.priorSignals("The team must audit who changed the bucket and encrypt what it keeps.", opts)
	want := []optionPrior{{needs: []string{"audit", "encrypt"}, by: []string{"cloudtrail", "kms"}}, {effort: true}, {risky: true}, {managed: true, needs: []string{"encrypt"}, by: []string{"kms"}}}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("option %s: %+v, want %+v", opts[i].Key, got[i], want[i])
		}
	}
	t.Run("a mechanism every option names tells nothing apart", func(t *testing.T) {
		same := []Option{{"A", "CloudTrail to S3"}, {"B", "CloudTrail to CloudWatch Logs"}}
		for i, s := range p.priorSignals("Audit the API calls.", same) {
			if len(s.needs) != 0 {
				t.Errorf("option %d meets %q, want none", i, s.needs)
			}
		}
	})
	t.Run("no requirement in the scenario, nothing met", func(t *testing.T) {
		for i, s := range p.priorSignals("Deploy a new version.", opts) {
			if len(s.needs) != 0 {
				t.Errorf("option %d meets %q, want none", i, s.needs)
			}
		}
	})
}

func TestGuessScores(t *testing.T) {
	en := ensembleResult{score: []float64{0.3, 0.3, 0.3, 0.9}}
	g := guessScores(en, []optionPrior{{needs: []string{"audit"}}, {effort: true}, {managed: true}, {}}, false, guessStanding)
	if !(g[3] > g[0] && g[0] > g[2] && g[2] > g[1]) {
		t.Errorf("guess %v: want the notes' clear lead first, then the option meeting a requirement, then the managed one, then the one needing custom work", g)
	}
	tied := guessScores(ensembleResult{score: []float64{0.5, 0.5}}, []optionPrior{{needs: []string{"a", "b", "c", "d", "e"}}, {needs: []string{"a", "b"}[:guessMeetsCap]}}, false, guessStanding)
	if tied[0] != tied[1] {
		t.Errorf("meets above the cap counted: %v", tied)
	}
}

func TestTechnique(t *testing.T) {
	const (
		noCode  = "it needs no custom code, schedule or manual step"
		managed = "a managed or automatic feature does the work"
	)
	cross := "for “cross account” it names stackset"
	pick := func(best int, chosen ...int) choice {
		return choice{chosen: append(chosen, best), best: best, runner: -1}
	}
	tests := []struct {
		name string
		pri  []optionPrior
		c    choice
		want []string
	}{
		{"every reason holds for the pick alone",
			[]optionPrior{{effort: true}, {managed: true, needs: []string{"cross account"}, by: []string{"stackset"}}, {effort: true}}, pick(1),
			[]string{cross, managed, noCode}},
		{"the option needing custom work gets none",
			[]optionPrior{{effort: true}, {managed: true}, {}}, pick(0), nil},
		// "No custom code" is true of three options: it tells none apart,
		// and technique ranks the pick no higher than two others.
		{"a reason equally true of other options is not shown",
			[]optionPrior{{}, {}, {effort: true}, {}}, pick(3), nil},
		// The pick is managed, but another option meets the scenario's
		// requirement: technique favours that one, the notes chose this.
		{"technique favouring another option explains nothing",
			[]optionPrior{{managed: true}, {effort: true, needs: []string{"region"}}, {needs: []string{"region"}}, {effort: true}}, pick(0), nil},
		{"a requirement another option also meets is not a reason",
			[]optionPrior{{managed: true, needs: []string{"audit"}}, {needs: []string{"audit"}}, {}}, pick(0), []string{managed}},
		{"an option running a Lambda function or a script is never code-free",
			[]optionPrior{{code: true, needs: []string{"region"}}, {effort: true}, {effort: true}}, pick(0), []string{"it names a mechanism for “region”"}},
		{"options chosen with the pick are not compared",
			[]optionPrior{{managed: true}, {managed: true}, {effort: true}}, pick(0, 1), []string{managed, noCode}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := technique(tt.pri, tt.c); !slices.Equal(got, tt.want) {
				t.Errorf("technique = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestCodeSignal checks that the embedded priors read an option whose
// work is done by a function or script of our own as custom code, which
// no effort phrase need catch, and a managed feature as none.
func TestCodeSignal(t *testing.T) {
	p, err := parsePriors(defaultPriors)
	if err != nil {
		t.Fatal(err)
	}
	opts := []Option{
		{"A", "Enable streams on each table and deploy a Lambda function that copies every record into the other table."},
		{"B", "Run a Python script from the build container that uploads the report."},
		{"C", "Turn on the service's global replication feature for the table."},
	}
	got := p.priorSignals("Keep the two tables in step with the least operational overhead.", opts)
	for i, want := range []bool{true, true, false} {
		if got[i].code != want {
			t.Errorf("option %s: code %v, want %v", opts[i].Key, got[i].code, want)
		}
	}
	if r := technique(got, choice{chosen: []int{0}, best: 0, runner: 2}); slices.ContainsFunc(r, func(s string) bool { return strings.Contains(s, "no custom code") }) {
		t.Errorf("the Lambda copier is said to need no custom code: %q", r)
	}
}

// TestNotesSettle checks that exam technique stays out of a question the
// notes settle: their first option's deciding fact names what sets it
// apart, and the runner-up's does not.
func TestNotesSettle(t *testing.T) {
	fx, _, ot, fact := ecsServiceFacts(t)
	en := ensembleResult{score: []float64{0.9, 0.6, 0.1}}
	pri := []optionPrior{{effort: true}, {managed: true, needs: []string{"audit", "encrypt"}}, {}}
	tests := []struct {
		name string
		sup  []optionSupport
		want bool
	}{
		{"deciding fact names the option, the runner-up has none", []optionSupport{{score: 1, evidence: fact("daemon")}, {score: 0.5}, {}}, true},
		{"both deciding facts name their option", []optionSupport{{score: 1, evidence: fact("daemon")}, {score: 0.5, evidence: fact("replica")}, {}}, false},
		{"the deciding fact is about another option", []optionSupport{{score: 1, evidence: fact("replica")}, {score: 0.5}, {}}, false},
		{"no evidence", []optionSupport{{score: 1}, {score: 0.5}, {}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			settled := fx.notesSettle(ot, tt.sup, en, 1)
			if settled != tt.want {
				t.Fatalf("notesSettle = %v, want %v", settled, tt.want)
			}
			g := guessScores(en, pri, settled, guessStanding)
			if first := choose(g, 1, false).best; settled && first != 0 {
				t.Errorf("settled, guess %v: exam technique outvoted the notes' first option", g)
			} else if !settled && first != 1 {
				t.Errorf("not settled, guess %v: want exam technique to favour the managed option meeting two requirements", g)
			}
		})
	}
}

// TestEmbeddedNeeds checks requirement-to-mechanism pairs of the embedded
// priors on scenarios of our own: the option that names the mechanism
// meets the requirement, and the others do not.
func TestEmbeddedNeeds(t *testing.T) {
	p, err := parsePriors(defaultPriors)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		scenario string
		options  []string
		want     int // the one option that meets a requirement
	}{
		{"The database password must be rotated every 60 days without downtime for the app.",
			[]string{"Keep the password in an environment variable of the task definition.",
				"Store it in AWS Secrets Manager with automatic rotation turned on.",
				"Email the new password to the team each quarter."}, 1},
		{"Every account that joins the Security OU later must get the same IAM roles.",
			[]string{"Run a stack in each account by hand.",
				"Use a stack set with service-managed permissions and automatic deployment to the OU.",
				"Copy the template to a shared S3 bucket."}, 1},
		{"Orders that fail to process three times must be kept for inspection instead of being retried forever.",
			[]string{"Raise the visibility timeout of the queue.",
				"Increase the Lambda function's memory.",
				"Configure a dead-letter queue with a redrive policy of three receives."}, 2},
		{"Operators must reach the instances without SSH keys or open inbound ports.",
			[]string{"Put a bastion host in a public subnet.",
				"Use Session Manager with the SSM agent and an instance profile.",
				"Open port 22 to the office IP range."}, 1},
		{"Nobody in the member accounts, including the root user, may turn off GuardDuty.",
			[]string{"Attach an IAM policy that denies it to every user and role.",
				"Attach a service control policy that denies it to the organization root.",
				"Alert the security team by email when it is turned off."}, 1},
	}
	for _, tt := range tests {
		opts := make([]Option, len(tt.options))
		for i, o := range tt.options {
			opts[i] = Option{Key: string(rune('A' + i)), Text: o}
		}
		for i, s := range p.priorSignals(tt.scenario, opts) {
			if got := len(s.needs) > 0; got != (i == tt.want) {
				t.Errorf("%q option %s: needs %v, want met only by %s", tt.scenario, opts[i].Key, s.needs, opts[tt.want].Key)
			}
		}
	}
}

// Everyday words name no requirement of the embedded priors, nor meet
// one: "pipeline" is no Python package ("pip"), "in order to" asks for no
// ordering (FIFO), "the same" is no SAM template.
func TestEmbeddedNeedsNotEverydayWords(t *testing.T) {
	p, err := parsePriors(defaultPriors)
	if err != nil {
		t.Fatal(err)
	}
	opts := []Option{
		{Key: "A", Text: "Add a test action to the existing release stage."},
		{Key: "B", Text: "Publish the build output to CodeArtifact."},
		{Key: "C", Text: "Send each commit to an SQS FIFO queue."},
	}
	for _, tt := range []struct {
		scenario string
		options  []Option
	}{
		{"The pipelines must run the unit tests on every commit.", opts},
		{"In order to ship faster, the team must run the unit tests on every commit.", opts},
		{"The serverless application must be deployed to a second account.",
			[]Option{{Key: "A", Text: "Deploy the same template with a stack set."}, {Key: "B", Text: "Copy the template by hand."}}},
	} {
		for i, s := range p.priorSignals(tt.scenario, tt.options) {
			if len(s.needs) > 0 {
				t.Errorf("%q option %s meets needs %q", tt.scenario, tt.options[i].Key, s.needs)
			}
		}
	}
}

func TestTextWordsFirst(t *testing.T) {
	tw := newTextWords("copy to other accounts, then audit all accounts in other Regions")
	phrases := [][]string{priorWords("every account"), priorWords("other account"), priorWords("account")}
	if got := strings.Join(tw.first(phrases), " "); got != "other accounts" {
		t.Errorf("first = %q, want %q", got, "other accounts")
	}
	if got := tw.at(priorWords("account")); got != 3 {
		t.Errorf("at(account) = %d, want 3 (the first of two)", got)
	}
}

// TestPriorsEverydayWords checks that the embedded requirements do not
// fire on everyday wording: a scenario that only downloads a revision,
// bundles a deployment package, says a partner API is down or mentions
// auditors or an audit states no requirement the options' mechanisms meet.
func TestPriorsEverydayWords(t *testing.T) {
	p, err := parsePriors(defaultPriors)
	if err != nil {
		t.Fatal(err)
	}
	opts := []Option{
		{Key: "A", Text: "Publish the libraries to AWS CodeArtifact, add a Route 53 health check with failover routing, and keep a CloudTrail trail."},
		{Key: "B", Text: "Add a Lambda layer with the libraries."},
	}
	for _, tt := range []struct{ scenario, need string }{
		{"The hook runs while the revision is downloaded to the instance.", ""},
		{"Every deployment package bundles the in-house libraries.", ""},
		{"A third-party API that the function calls is down for an hour.", ""},
		{"The team keeps information about each release in a table.", ""},
		// "Audit" asks for evidence of many kinds (Config, logs, reports),
		// not for API activity in particular.
		{"The auditors want a record of each release before it ships.", ""},
		{"The team must audit each release before it ships.", ""},
		{"Security must know who deleted the bucket.", "who deleted"},
		// The requirements themselves still fire.
		{"Builds must pull npm packages from a package repository the company controls.", "package repository"},
		{"Traffic must move away from an unhealthy endpoint.", "unhealthy"},
	} {
		got := p.priorSignals(tt.scenario, opts)
		var needs []string
		for _, s := range got {
			needs = append(needs, s.needs...)
		}
		if tt.need == "" && len(needs) > 0 || tt.need != "" && !slices.Contains(needs, tt.need) {
			t.Errorf("%q: needs %q, want %q", tt.scenario, needs, tt.need)
		}
	}
}

// TestGuessStandingUncovered checks that a requirement met outweighs a
// lead in the notes' standing that it cannot outweigh when the notes
// cover the question: on a question they do not cover the standing weighs
// guessStandingUncovered.
func TestGuessStandingUncovered(t *testing.T) {
	en := ensembleResult{score: []float64{0.9, 0.1}}
	pri := []optionPrior{{}, {needs: []string{"rotate"}}}
	for _, tt := range []struct {
		standing float64
		want     int
	}{{guessStanding, 0}, {guessStandingUncovered, 1}} {
		g := guessScores(en, pri, false, tt.standing)
		if got := choose(g, 1, false).best; got != tt.want {
			t.Errorf("standing %.2f: guess %d (scores %.2f), want %d", tt.standing, got, g, tt.want)
		}
	}
}

// TestLeastEffortCountsCode checks that code of our own counts as effort
// when, and only when, the question asks for the least effort.
func TestLeastEffortCountsCode(t *testing.T) {
	p, err := parsePriors(defaultPriors)
	if err != nil {
		t.Fatal(err)
	}
	opts := []Option{
		{Key: "A", Text: "Write a Lambda function that copies the findings to the bucket."},
		{Key: "B", Text: "Turn on the managed export of findings to the bucket."},
	}
	for _, tt := range []struct {
		scenario string
		want     bool
	}{
		{"Which solution meets the requirement with the LEAST operational overhead?", true},
		{"Which solution is the MOST operationally efficient?", true},
		{"Which solution meets the requirement?", false},
	} {
		got := p.priorSignals(tt.scenario, opts)
		if got[0].effort != tt.want || got[1].effort {
			t.Errorf("%q: effort %v, %v; want %v, false", tt.scenario, got[0].effort, got[1].effort, tt.want)
		}
		if !got[0].code {
			t.Errorf("%q: option A runs no code", tt.scenario)
		}
	}
}

// TestPriorsNoDeadPhrases checks that no phrase of the embedded priors is
// matched wherever another phrase of its list is ("least operational"
// beside "least operational overhead", "encrypt*" beside "encryption",
// "cross-account" beside "cross account"): such a phrase never changes a
// signal and only makes the list look longer than it is. A requirement's
// scenario phrases are also shown (the words of the first that matches),
// so there a phrase stays when only a later, shorter one covers it.
func TestPriorsNoDeadPhrases(t *testing.T) {
	p, err := parsePriors(defaultPriors)
	if err != nil {
		t.Fatal(err)
	}
	check := func(list string, phrases [][]string, shown bool) {
		for i, ph := range phrases {
			for j, q := range phrases {
				if i == j || !phraseCovers(q, ph) {
					continue
				}
				if phraseCovers(ph, q) && i < j {
					continue // twins: the first stays
				}
				if shown && j > i && len(q) != len(ph) {
					continue // the first match shows more words
				}
				t.Errorf("%s: %q is matched wherever %q is", list, strings.Join(ph, " "), strings.Join(q, " "))
				break
			}
		}
	}
	check("effort", p.effort, false)
	check("code", p.code, false)
	check("managed", p.managed, false)
	check("risky", p.risky, false)
	check("least", p.least, false)
	for _, n := range p.needs {
		name := "need " + strings.Join(n.when[0], " ")
		check(name, n.when, true)
		check(name+" =>", n.meet, false)
	}
}

// phraseCovers reports whether q matches every text that ph matches (as
// textWords.at matches): q's words lie in ph's, consecutive, its last word
// matching what ph's word there matches.
func phraseCovers(q, ph []string) bool {
	n := len(q)
	for s := 0; s+n <= len(ph); s++ {
		ok := true
		for k := 0; k < n-1 && ok; k++ {
			ok = q[k] == ph[s+k]
		}
		if !ok {
			continue
		}
		w, last := ph[s+n-1], s+n == len(ph)
		qs, qStem := strings.CutSuffix(q[n-1], "*")
		switch ws, wStem := strings.CutSuffix(w, "*"); {
		case !last: // a word of ph's own: matched as it is
			ok = lastWordMatches(w, q[n-1])
		case wStem: // any word starting ws
			ok = qStem && strings.HasPrefix(ws, qs)
		case qStem: // w and its plurals
			ok = strings.HasPrefix(w, qs)
		default:
			ok = q[n-1] == w
		}
		if ok {
			return true
		}
	}
	return false
}
