package deploy

import (
	"bufio"
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"maps"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/devopsbot/devopsbot/bot"
)

// root is the repository root, seen from this package's directory.
const root = ".."

// ---------------------------------------------------------------------------
// What the bot is, read from its source: the Config struct's variables, the
// subcommands, the HTTP route registrations, the Slack Web API calls.

type envVar struct{ Name, Default, Desc string }

// configVars reads the envconfig tags of Config in cmd/devopsbot/settings.go,
// in struct order.
func configVars(t *testing.T) []envVar {
	t.Helper()
	f := mustParseGo(t, filepath.Join(root, "cmd", "devopsbot", "settings.go"))
	var vars []envVar
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok || ts.Name.Name != "Config" {
			return true
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			t.Fatalf("Config is not a struct")
		}
		for _, field := range st.Fields.List {
			if field.Tag == nil {
				continue
			}
			raw, err := strconv.Unquote(field.Tag.Value)
			if err != nil {
				t.Fatalf("Config tag %s: %v", field.Tag.Value, err)
			}
			tag := reflect.StructTag(raw)
			if name := tag.Get("envconfig"); name != "" {
				vars = append(vars, envVar{Name: name, Default: tag.Get("default"), Desc: tag.Get("desc")})
			}
		}
		return false
	})
	if len(vars) == 0 {
		t.Fatal("found no envconfig fields in cmd/devopsbot/settings.go")
	}
	return vars
}

func knownEnv(t *testing.T) map[string]envVar {
	t.Helper()
	m := map[string]envVar{}
	for _, v := range configVars(t) {
		m[v.Name] = v
	}
	return m
}

// subcommands reads the names in commands() in cmd/devopsbot/main.go.
func subcommands(t *testing.T) map[string]bool {
	t.Helper()
	f := mustParseGo(t, filepath.Join(root, "cmd", "devopsbot", "main.go"))
	names := map[string]bool{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Name.Name != "commands" {
			continue
		}
		ast.Inspect(fd, func(n ast.Node) bool {
			cl, ok := n.(*ast.CompositeLit)
			if !ok || len(cl.Elts) == 0 {
				return true
			}
			if lit, ok := cl.Elts[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s, _ := strconv.Unquote(lit.Value)
				names[s] = true
			}
			return true
		})
	}
	if len(names) == 0 {
		t.Fatal("found no subcommands in cmd/devopsbot/main.go")
	}
	return names
}

// goPackage parses the non-test Go files of a directory.
func goPackage(t *testing.T, dir string) []*ast.File {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, p := range paths {
		if !strings.HasSuffix(p, "_test.go") {
			files = append(files, mustParseGo(t, p))
		}
	}
	return files
}

func mustParseGo(t *testing.T, p string) *ast.File {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("parse %s: %v", p, err)
	}
	return f
}

// stringConsts collects the package-level string constants of files.
func stringConsts(files []*ast.File) map[string]string {
	consts := map[string]string{}
	for _, f := range files {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, s := range gd.Specs {
				vs := s.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						if v, ok := evalString(vs.Values[i], consts); ok {
							consts[name.Name] = v
						}
					}
				}
			}
		}
	}
	return consts
}

// evalString evaluates a constant string expression: literals, constants
// and + concatenations.
func evalString(e ast.Expr, consts map[string]string) (string, bool) {
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(x.Value)
		return s, err == nil
	case *ast.Ident:
		s, ok := consts[x.Name]
		return s, ok
	case *ast.SelectorExpr: // bot.PathHealthz from another package
		s, ok := consts[x.Sel.Name]
		return s, ok
	case *ast.BinaryExpr:
		if x.Op != token.ADD {
			return "", false
		}
		a, ok1 := evalString(x.X, consts)
		b, ok2 := evalString(x.Y, consts)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return evalString(x.X, consts)
	}
	return "", false
}

// servedRoutes reads the route registrations (mux.Handle / HandleFunc with a
// constant pattern) in bot and cmd/devopsbot: path -> methods ("" = any).
func servedRoutes(t *testing.T) map[string][]string {
	t.Helper()
	botFiles := goPackage(t, filepath.Join(root, "bot"))
	consts := stringConsts(botFiles)
	routes := map[string][]string{}
	for _, files := range [][]*ast.File{botFiles, goPackage(t, filepath.Join(root, "cmd", "devopsbot"))} {
		for _, f := range files {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) != 2 {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || (sel.Sel.Name != "Handle" && sel.Sel.Name != "HandleFunc") {
					return true
				}
				pattern, ok := evalString(call.Args[0], consts)
				if !ok || !strings.Contains(pattern, "/") {
					return true
				}
				method, rest, found := strings.Cut(pattern, " ")
				if !found {
					method, rest = "", pattern
				}
				p := rest[strings.Index(rest, "/"):] // drop a host
				routes[p] = append(routes[p], method)
				return true
			})
		}
	}
	if len(routes) == 0 {
		t.Fatal("found no route registrations (mux.Handle(\"METHOD /path\", ...)) in bot or cmd/devopsbot")
	}
	return routes
}

// serves reports whether the bot answers method on p.
func serves(routes map[string][]string, method, p string) bool {
	for _, m := range routes[p] {
		if m == "" || m == method || (method == "HEAD" && m == "GET") {
			return true
		}
	}
	return false
}

// slackCalls lists the methods of the slackAPI interface in bot: the
// *slack.Client methods the bot calls.
func slackCalls(t *testing.T) []string {
	t.Helper()
	var methods []string
	for _, f := range goPackage(t, filepath.Join(root, "bot")) {
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok || ts.Name.Name != "slackAPI" {
				return true
			}
			it, ok := ts.Type.(*ast.InterfaceType)
			if !ok {
				t.Fatal("bot.slackAPI is not an interface")
			}
			for _, m := range it.Methods.List {
				for _, name := range m.Names {
					methods = append(methods, name.Name)
				}
			}
			return false
		})
	}
	if len(methods) == 0 {
		t.Fatal("found no slackAPI interface in bot")
	}
	return methods
}

// scopesByMethod documents the bot token scope each slack-go method needs
// (from Slack's method reference). A method the bot starts calling must be
// added here, and its scope to both manifests.
var scopesByMethod = map[string][]string{
	"AuthTest":                nil, // auth.test: no scope
	"PostMessage":             {"chat:write"},
	"PostEphemeral":           {"chat:write"},
	"UpdateMessage":           {"chat:write"},
	"DeleteMessage":           {"chat:write"},
	"SendMessage":             {"chat:write"},
	"GetPermalink":            nil,
	"OpenView":                nil, // views.open: trigger_id, no scope
	"UpdateView":              nil,
	"PublishView":             nil,
	"GetUserInfo":             {"users:read"},
	"GetUsersInfo":            {"users:read"},
	"OpenConversation":        {"im:write"},
	"GetUploadURLExternal":    {"files:write"},
	"UploadToURL":             nil, // the URL files.getUploadURLExternal returned
	"CompleteUploadExternal":  {"files:write"},
	"AddReaction":             {"reactions:write"},
	"GetConversationInfo":     {"channels:read"},
	"GetConversationReplies":  {"channels:history"},
	"GetConversationHistory":  {"channels:history"},
	"JoinConversation":        {"channels:join"},
	"GetConversationsForUser": {"channels:read"},
	"GetUserPresence":         {"users:read"},
}

// scopesByFeature are the scopes that come with a manifest feature rather
// than a Web API call; "" for a feature that needs none (Slack's event
// reference lists no scope for app_home_opened).
var scopesByFeature = map[string]string{
	"slash_commands":  "commands",
	"app_mention":     "app_mentions:read",
	"message.im":      "im:history",
	"app_home_opened": "",
}

// ---------------------------------------------------------------------------
// Reading the deploy files.

// yamlDocs decodes every document of a YAML file into plain values. Local
// tags such as CloudFormation's !Ref and !Sub are kept as one-key maps
// {"!Ref": value}, so they can be checked.
func yamlDocs(t *testing.T, p string) []any {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	var docs []any
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("parse %s: %v", p, err)
		}
		docs = append(docs, plain(&n))
	}
	if len(docs) == 0 {
		t.Fatalf("%s has no YAML document", p)
	}
	return docs
}

func plain(n *yaml.Node) any {
	var v any
	switch n.Kind {
	case yaml.DocumentNode:
		return plain(n.Content[0])
	case yaml.AliasNode:
		return plain(n.Alias)
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = plain(n.Content[i+1])
		}
		v = m
	case yaml.SequenceNode:
		s := []any{}
		for _, c := range n.Content {
			s = append(s, plain(c))
		}
		v = s
	default:
		v = n.Value
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return map[string]any{n.Tag: v}
	}
	return v
}

func get(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func str(v any) string { s, _ := v.(string); return s }

func list(v any) []any { l, _ := v.([]any); return l }

// deployFiles lists the YAML and JSON files under deploy/.
func deployFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch filepath.Ext(p) {
		case ".yaml", ".yml", ".json":
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// ---------------------------------------------------------------------------
// Tests.

func TestEveryDeployFileParses(t *testing.T) {
	files := deployFiles(t)
	for _, want := range []string{
		"slack-app-manifest.yaml", "slack-app-manifest-http.yaml", "docker-compose.yaml",
		"kubernetes/deployment.yaml", "cloudformation/ecs-fargate.yaml",
	} {
		if !slices.Contains(files, filepath.FromSlash(want)) {
			t.Errorf("deploy/%s is missing", want)
		}
	}
	for _, p := range files {
		t.Run(p, func(t *testing.T) {
			if filepath.Ext(p) == ".json" {
				data, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if !json.Valid(data) {
					t.Fatalf("%s is not valid JSON", p)
				}
				return
			}
			yamlDocs(t, p)
		})
	}
}

func TestSlackManifests(t *testing.T) {
	routes := servedRoutes(t)
	calls := slackCalls(t)
	botSource := joinedSource(t, filepath.Join(root, "bot"))

	// The scopes the bot needs: one per Web API call, one per feature.
	want := map[string]bool{}
	for _, m := range calls {
		scopes, ok := scopesByMethod[strings.TrimSuffix(m, "Context")]
		if !ok {
			t.Errorf("bot.slackAPI calls %s, which is not in scopesByMethod: add its scope there and to the manifests", m)
		}
		for _, s := range scopes {
			want[s] = true
		}
	}

	manifests := map[string]any{}
	for _, p := range []string{"slack-app-manifest.yaml", "slack-app-manifest-http.yaml"} {
		m := yamlDocs(t, p)[0]
		manifests[p] = m
		t.Run(p, func(t *testing.T) {
			need := maps.Clone(want)
			cmds := list(get(m, "features", "slash_commands"))
			if len(cmds) != 1 || str(get(cmds[0], "command")) != "/devops" {
				t.Errorf("want exactly one slash command /devops, got %v", cmds)
			}
			if len(cmds) > 0 {
				need[scopesByFeature["slash_commands"]] = true
				// `/devops stats @ana` reaches the bot as <@U…|ana> only
				// with escaping on; the router reads user IDs from that.
				if get(cmds[0], "should_escape") != "true" {
					t.Error("/devops needs should_escape: true for stats @user")
				}
			}
			events := list(get(m, "settings", "event_subscriptions", "bot_events"))
			var names []string
			for _, e := range events {
				names = append(names, str(e))
				scope, ok := scopesByFeature[str(e)]
				if !ok {
					t.Errorf("event %s is not in scopesByFeature: add its scope there", str(e))
				}
				if scope != "" {
					need[scope] = true
				}
			}
			sort.Strings(names)
			if !reflect.DeepEqual(names, []string{"app_home_opened", "app_mention", "message.im"}) {
				t.Errorf("bot_events = %v, want app_home_opened, app_mention and message.im", names)
			}
			// The bot must handle what it subscribes to.
			for _, lit := range []string{`"app_home_opened"`, `"app_mention"`, `"message"`, `"im"`} {
				if !strings.Contains(botSource, lit) {
					t.Errorf("bot never mentions %s: is the subscribed event handled?", lit)
				}
			}
			if get(m, "settings", "interactivity", "is_enabled") != "true" {
				t.Error("interactivity is not enabled: the answer buttons would not work")
			}
			if get(m, "features", "app_home", "home_tab_enabled") != "true" {
				t.Error("the Home tab must be enabled: app_home_opened publishes it")
			}
			if get(m, "features", "app_home", "messages_tab_enabled") != "true" ||
				get(m, "features", "app_home", "messages_tab_read_only_enabled") != "false" {
				t.Error("the Messages tab must be enabled and writable, or nobody can DM the bot")
			}

			var have []string
			for _, s := range list(get(m, "oauth_config", "scopes", "bot")) {
				have = append(have, str(s))
			}
			sort.Strings(have)
			var wantList []string
			for s := range need {
				wantList = append(wantList, s)
			}
			sort.Strings(wantList)
			if !reflect.DeepEqual(have, wantList) {
				t.Errorf("bot scopes = %v, want exactly %v (from the calls %v and the features)", have, wantList, calls)
			}
			if u := get(m, "oauth_config", "scopes", "user"); u != nil {
				t.Errorf("user scopes %v: the bot uses none", u)
			}

			// Every URL points at a route the bot serves, with POST.
			urls := collectURLs(m)
			socket := get(m, "settings", "socket_mode_enabled") == "true"
			if socket && len(urls) > 0 {
				t.Errorf("Socket Mode manifest has Request URLs %v", urls)
			}
			if !socket && len(urls) != 3 {
				t.Errorf("HTTP manifest has URLs %v, want the command, events and interactivity URLs", urls)
			}
			for _, raw := range urls {
				u, err := url.Parse(raw)
				if err != nil || u.Scheme != "https" {
					t.Errorf("URL %q: Slack needs https", raw)
					continue
				}
				if !serves(routes, "POST", u.Path) {
					t.Errorf("URL %q: the bot does not serve POST %s (routes %v)", raw, u.Path, routes)
				}
			}
		})
	}
	if want := "slack-app-manifest.yaml"; get(manifests[want], "settings", "socket_mode_enabled") != "true" {
		t.Errorf("%s: socket_mode_enabled must be true", want)
	}
	if want := "slack-app-manifest-http.yaml"; get(manifests[want], "settings", "socket_mode_enabled") != "false" {
		t.Errorf("%s: socket_mode_enabled must be false", want)
	}
	// Apart from the URLs and the mode, the two manifests are the same app.
	a, b := stripTransport(manifests["slack-app-manifest.yaml"]), stripTransport(manifests["slack-app-manifest-http.yaml"])
	if !reflect.DeepEqual(a, b) {
		t.Errorf("the manifests differ beyond URLs and socket_mode_enabled:\n%v\n%v", a, b)
	}
	// The route list the transport exports agrees with its registrations.
	for _, p := range bot.Routes() {
		if _, ok := routes[p]; !ok {
			t.Errorf("bot.Routes() lists %s, which is not registered", p)
		}
	}
}

// collectURLs returns every url / request_url value in a manifest.
func collectURLs(v any) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				if (k == "url" || k == "request_url") && str(c) != "" {
					out = append(out, str(c))
					continue
				}
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(v)
	sort.Strings(out)
	return out
}

// stripTransport returns a copy of a manifest without URLs and the mode.
func stripTransport(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, c := range x {
			if k == "url" || k == "request_url" || k == "socket_mode_enabled" {
				continue
			}
			out[k] = stripTransport(c)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, c := range x {
			out[i] = stripTransport(c)
		}
		return out
	}
	return v
}

func joinedSource(t *testing.T, dir string) string {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	var b strings.Builder
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}

func TestKubernetes(t *testing.T) {
	env, routes := knownEnv(t), servedRoutes(t)
	byKind := map[string][]any{}
	files, _ := filepath.Glob(filepath.Join("kubernetes", "*.yaml"))
	for _, p := range files {
		for _, d := range yamlDocs(t, p) {
			kind := str(get(d, "kind"))
			if kind == "" {
				t.Errorf("%s: a document without kind", p)
			}
			byKind[kind] = append(byKind[kind], d)
		}
	}
	one := func(kind string) any {
		t.Helper()
		if len(byKind[kind]) != 1 {
			t.Fatalf("want one %s, got %d", kind, len(byKind[kind]))
		}
		return byKind[kind][0]
	}
	// kustomization.yaml lists files that exist.
	// It must not apply the placeholder Secret over the real one.
	for _, r := range list(get(one("Kustomization"), "resources")) {
		p := filepath.Join("kubernetes", str(r))
		if _, err := os.Stat(p); err != nil {
			t.Errorf("kustomization resource %s: %v", str(r), err)
			continue
		}
		for _, d := range yamlDocs(t, p) {
			if get(d, "kind") == "Secret" {
				t.Errorf("kustomization applies the Secret in %s: it would overwrite the real tokens", str(r))
			}
		}
	}

	dep := one("Deployment")
	// Several replicas on one PostgreSQL database, replaced one at a time
	// without a gap, and a disruption budget that keeps one serving.
	replicas, _ := strconv.Atoi(str(get(dep, "spec", "replicas")))
	if replicas < 2 {
		t.Errorf("the Deployment runs %d replicas, want at least 2", replicas)
	}
	if get(dep, "spec", "strategy", "type") != "RollingUpdate" || get(dep, "spec", "strategy", "rollingUpdate", "maxUnavailable") != "0" {
		t.Error("the Deployment must roll (RollingUpdate) with maxUnavailable 0: no gap at a deploy")
	}
	pdb := one("PodDisruptionBudget")
	if min, _ := strconv.Atoi(str(get(pdb, "spec", "minAvailable"))); min < 1 || min >= replicas {
		t.Errorf("PodDisruptionBudget minAvailable %v: want at least 1 and fewer than the %d replicas", get(pdb, "spec", "minAvailable"), replicas)
	}
	for k, v := range get(pdb, "spec", "selector", "matchLabels").(map[string]any) {
		if l, _ := get(dep, "spec", "template", "metadata", "labels").(map[string]any); l[k] != v {
			t.Errorf("PodDisruptionBudget selector %s=%v matches no pod label", k, v)
		}
	}
	pod := get(dep, "spec", "template", "spec")
	podLabels, _ := get(dep, "spec", "template", "metadata", "labels").(map[string]any)
	for k, v := range get(dep, "spec", "selector", "matchLabels").(map[string]any) {
		if podLabels[k] != v {
			t.Errorf("selector %s=%v does not match the pod labels %v", k, v, podLabels)
		}
	}
	containers := list(get(pod, "containers"))
	if len(containers) != 1 {
		t.Fatalf("want one container, got %d", len(containers))
	}
	c := containers[0]

	vars := map[string]string{}
	secret, config := one("Secret"), one("ConfigMap")
	for _, e := range list(get(c, "env")) {
		name := str(get(e, "name"))
		if _, ok := env[name]; !ok {
			t.Errorf("container env %s is not a variable the bot knows", name)
		}
		vars[name] = str(get(e, "value"))
		if ref := get(e, "valueFrom", "secretKeyRef"); ref != nil {
			if str(get(ref, "name")) != str(get(secret, "metadata", "name")) {
				t.Errorf("env %s refers to secret %v", name, get(ref, "name"))
			}
			_, inSecret := get(secret, "stringData").(map[string]any)[str(get(ref, "key"))]
			if !inSecret && get(ref, "optional") != "true" {
				t.Errorf("env %s: key %v is neither in secret.yaml nor optional", name, get(ref, "key"))
			}
		}
	}
	for k := range get(secret, "stringData").(map[string]any) {
		if _, ok := env[k]; !ok {
			t.Errorf("secret key %s is not a variable the bot knows", k)
		}
	}
	for _, ef := range list(get(c, "envFrom")) {
		if str(get(ef, "configMapRef", "name")) != str(get(config, "metadata", "name")) {
			t.Errorf("envFrom %v does not name the ConfigMap", ef)
		}
	}
	for k, v := range get(config, "data").(map[string]any) {
		if _, ok := env[k]; !ok {
			t.Errorf("ConfigMap key %s is not a variable the bot knows", k)
		}
		vars[k] = str(v)
	}

	// The container port is the bot's listen port; probes hit real routes.
	ports := map[string]string{}
	for _, p := range list(get(c, "ports")) {
		ports[str(get(p, "name"))] = str(get(p, "containerPort"))
	}
	_, addrPort, err := net.SplitHostPort(vars["DEVOPSBOT_ADDR"])
	if err != nil || ports["http"] != addrPort {
		t.Errorf("DEVOPSBOT_ADDR %q does not listen on the http containerPort %s", vars["DEVOPSBOT_ADDR"], ports["http"])
	}
	for probe, wantPath := range map[string]string{"livenessProbe": bot.PathHealthz, "readinessProbe": bot.PathReadyz, "startupProbe": ""} {
		h := get(c, probe, "httpGet")
		if h == nil {
			if wantPath != "" {
				t.Errorf("no %s", probe)
			}
			continue
		}
		p := str(get(h, "path"))
		if !serves(routes, "GET", p) {
			t.Errorf("%s path %s is not a route the bot serves", probe, p)
		}
		if wantPath != "" && p != wantPath {
			t.Errorf("%s path = %s, want %s", probe, p, wantPath)
		}
		if _, ok := ports[str(get(h, "port"))]; !ok {
			t.Errorf("%s port %v is not a container port", probe, get(h, "port"))
		}
	}

	// The database is PostgreSQL, its URL (with a password) from the Secret;
	// no volume holds state.
	dbFromSecret := false
	for _, e := range list(get(c, "env")) {
		if str(get(e, "name")) == "DEVOPSBOT_DB" && get(e, "valueFrom", "secretKeyRef") != nil {
			dbFromSecret = true
			key := str(get(e, "valueFrom", "secretKeyRef", "key"))
			if u := str(get(secret, "stringData", key)); !strings.HasPrefix(u, "postgres://") {
				t.Errorf("secret.yaml %s = %q, want a postgres:// URL", key, u)
			}
		}
	}
	if !dbFromSecret {
		t.Error("DEVOPSBOT_DB must come from the Secret (a postgres:// URL with a password)")
	}
	for _, v := range list(get(pod, "volumes")) {
		if get(v, "persistentVolumeClaim") != nil {
			t.Errorf("volume %v claims a disk: replicas keep no state of their own", get(v, "name"))
		}
	}
	if get(pod, "securityContext", "runAsNonRoot") != "true" {
		t.Error("the pod must run as non-root")
	}

	svc := one("Service")
	for k, v := range get(svc, "spec", "selector").(map[string]any) {
		if podLabels[k] != v {
			t.Errorf("Service selector %s=%v matches no pod label", k, v)
		}
	}
	for _, p := range list(get(svc, "spec", "ports")) {
		if _, ok := ports[str(get(p, "targetPort"))]; !ok {
			t.Errorf("Service targetPort %v is not a container port", get(p, "targetPort"))
		}
	}
	for _, ing := range byKind["Ingress"] {
		for _, rule := range list(get(ing, "spec", "rules")) {
			for _, p := range list(get(rule, "http", "paths")) {
				if !serves(routes, "POST", str(get(p, "path"))) {
					t.Errorf("Ingress path %v is not a Slack route the bot serves", get(p, "path"))
				}
				if str(get(p, "backend", "service", "name")) != str(get(svc, "metadata", "name")) {
					t.Errorf("Ingress backend %v is not the Service", get(p, "backend"))
				}
			}
		}
	}
}

func TestCompose(t *testing.T) {
	env, cmds := knownEnv(t), subcommands(t)
	img := readDockerfile(t)
	c := yamlDocs(t, "docker-compose.yaml")[0]
	svc := get(c, "services", "devopsbot")
	if svc == nil {
		t.Fatal("no services.devopsbot")
	}
	vars := map[string]string{}
	for k, v := range get(svc, "environment").(map[string]any) {
		if _, ok := env[k]; !ok {
			t.Errorf("environment %s is not a variable the bot knows", k)
		}
		vars[k] = str(v)
	}
	// The replicas share the compose PostgreSQL, started healthy first.
	// Compose fills in ${POSTGRES_PASSWORD}; the postgres service sets it.
	db, err := url.Parse(strings.ReplaceAll(vars["DEVOPSBOT_DB"], "${POSTGRES_PASSWORD}", "PASSWORD"))
	if err != nil || db.Scheme != "postgres" {
		t.Fatalf("DEVOPSBOT_DB=%q is not a postgres:// URL", vars["DEVOPSBOT_DB"])
	}
	pg := get(c, "services", db.Hostname())
	if pg == nil || get(pg, "healthcheck") == nil {
		t.Errorf("DEVOPSBOT_DB names host %q: want a service of that name with a healthcheck", db.Hostname())
	}
	if get(svc, "depends_on", db.Hostname(), "condition") != "service_healthy" {
		t.Errorf("devopsbot must wait for %s to be healthy (depends_on condition service_healthy)", db.Hostname())
	}
	password, _ := db.User.Password()
	if pgEnv := get(pg, "environment"); password != "PASSWORD" || !strings.HasPrefix(str(get(pgEnv, "POSTGRES_PASSWORD")), "${POSTGRES_PASSWORD") ||
		db.User.Username() != str(get(pgEnv, "POSTGRES_USER")) || strings.TrimPrefix(db.Path, "/") != str(get(pgEnv, "POSTGRES_DB")) {
		t.Errorf("DEVOPSBOT_DB %s does not match the postgres service's user, password and database", db.Redacted())
	}
	if n, _ := strconv.Atoi(str(get(svc, "deploy", "replicas"))); n < 2 {
		t.Errorf("devopsbot runs %v replicas, want at least 2", get(svc, "deploy", "replicas"))
	}
	test := list(get(svc, "healthcheck", "test"))
	if len(test) != 3 || str(test[0]) != "CMD" || str(test[1]) != img.binary || str(test[2]) != "healthcheck" {
		t.Errorf("healthcheck test %v, want [CMD %s healthcheck]", test, img.binary)
	}
	for _, a := range list(get(svc, "command")) {
		if !cmds[str(a)] {
			t.Errorf("command %v is not a devopsbot subcommand", a)
		}
		break
	}
	if ctx := str(get(svc, "build", "context")); ctx != ".." {
		t.Errorf("build context %q, want the repository root", ctx)
	}
	// .env.example holds only variables the bot or the compose file knows.
	composeBytes, err := os.ReadFile("docker-compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	composeText := string(composeBytes)
	f, err := os.Open(".env.example")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "#"))
		k, _, ok := strings.Cut(line, "=")
		if ok && !strings.Contains(k, " ") {
			if _, known := env[k]; !known && !strings.Contains(composeText, "${"+k) {
				t.Errorf(".env.example: %s is neither a variable the bot knows nor one the compose file uses", k)
			}
		}
	}
}

// cfnRefs are the pseudo parameters CloudFormation defines.
var cfnPseudo = map[string]bool{"AWS::Region": true, "AWS::StackName": true, "AWS::AccountId": true,
	"AWS::Partition": true, "AWS::URLSuffix": true, "AWS::NoValue": true, "AWS::StackId": true}

func TestCloudFormation(t *testing.T) {
	env, cmds := knownEnv(t), subcommands(t)
	img := readDockerfile(t)
	tpl := yamlDocs(t, filepath.Join("cloudformation", "ecs-fargate.yaml"))[0]
	params, _ := get(tpl, "Parameters").(map[string]any)
	resources, _ := get(tpl, "Resources").(map[string]any)
	if len(resources) == 0 {
		t.Fatal("no Resources")
	}
	conditions, _ := get(tpl, "Conditions").(map[string]any)
	defined := func(name string) bool {
		_, p := params[name]
		_, r := resources[name]
		return p || r || cfnPseudo[name]
	}
	// Every !Ref, !GetAtt, !Sub ${...} and DependsOn points at something defined.
	subVar := regexp.MustCompile(`\$\{([^}!]+)\}`)
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				switch k {
				case "!Ref", "Ref":
					if !defined(str(c)) {
						t.Errorf("!Ref %v: not a parameter or resource", c)
					}
				case "!GetAtt", "Fn::GetAtt":
					name, _, _ := strings.Cut(str(c), ".")
					if _, ok := resources[name]; !ok {
						t.Errorf("!GetAtt %v: not a resource", c)
					}
				case "!If", "Fn::If", "Condition":
					// A resource's Condition is a name; an IAM policy's
					// Condition is a mapping and not CloudFormation's.
					name := str(c)
					if l := list(c); len(l) > 0 {
						name = str(l[0])
					}
					if _, ok := conditions[name]; !ok && name != "" {
						t.Errorf("%s %v: not a condition", k, c)
					}
				case "!Sub", "Fn::Sub":
					for _, m := range subVar.FindAllStringSubmatch(str(c), -1) {
						name, _, _ := strings.Cut(m[1], ".")
						if !defined(name) {
							t.Errorf("!Sub ${%s}: not a parameter or resource", m[1])
						}
					}
				}
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(resources)
	walk(get(tpl, "Outputs"))
	walk(conditions)
	for name, r := range resources {
		deps := list(get(r, "DependsOn"))
		if s := str(get(r, "DependsOn")); s != "" {
			deps = []any{s}
		}
		for _, d := range deps {
			if _, ok := resources[str(d)]; !ok {
				t.Errorf("%s DependsOn %v: not a resource", name, d)
			}
		}
	}

	// The task: Fargate, Socket Mode (no load balancer), secrets from
	// Secrets Manager, logs to CloudWatch, the DB on EFS.
	var task, service any
	for _, r := range resources {
		switch str(get(r, "Type")) {
		case "AWS::ECS::TaskDefinition":
			task = r
		case "AWS::ECS::Service":
			service = r
		case "AWS::ElasticLoadBalancingV2::LoadBalancer":
			t.Error("Socket Mode needs no load balancer")
		}
	}
	if task == nil || service == nil {
		t.Fatal("want an ECS task definition and service")
	}
	// With a database URL, several tasks, rolled without a gap; on the file,
	// one task, stopped before a new one starts.
	if p := get(params, "DatabaseUrl"); p == nil || get(p, "NoEcho") != "true" {
		t.Error("want a DatabaseUrl parameter with NoEcho (the URL holds a password)")
	}
	for _, tt := range []struct {
		key          string
		onDB, onFile string
	}{
		{"DesiredCount", "DesiredCount", "1"},
		{"MaximumPercent", "200", "100"},
		{"MinimumHealthyPercent", "100", "0"},
	} {
		v := get(service, "Properties", tt.key)
		if v == nil {
			v = get(service, "Properties", "DeploymentConfiguration", tt.key)
		}
		l := list(get(v, "!If"))
		if len(l) != 3 || str(l[0]) != "HasDatabase" || (str(l[1]) != tt.onDB && str(get(l[1], "!Ref")) != tt.onDB) || str(l[2]) != tt.onFile {
			t.Errorf("service %s = %v, want !If [HasDatabase, %s, %s]", tt.key, v, tt.onDB, tt.onFile)
		}
	}
	containers := list(get(task, "Properties", "ContainerDefinitions"))
	if len(containers) != 1 {
		t.Fatalf("want one container, got %d", len(containers))
	}
	c := containers[0]
	vars := map[string]bool{}
	cond := map[string]string{} // variable -> the condition it is set under
	var db string
	for _, e := range list(get(c, "Environment")) {
		if l := list(get(e, "!If")); len(l) == 3 {
			cond[str(get(l[1], "Name"))] = str(l[0])
			e = l[1] // an optional variable: set only when its parameter is
		}
		name := str(get(e, "Name"))
		if _, ok := env[name]; !ok {
			t.Errorf("Environment %s is not a variable the bot knows", name)
		}
		vars[name] = true
		if name == "DEVOPSBOT_DB" {
			db = str(get(e, "Value"))
		}
	}
	for _, s := range list(get(c, "Secrets")) {
		when := ""
		if l := list(get(s, "!If")); len(l) == 3 {
			when, s = str(l[0]), l[1]
		}
		name := str(get(s, "Name"))
		if _, ok := env[name]; !ok {
			t.Errorf("Secrets %s is not a variable the bot knows", name)
		}
		if name == "DEVOPSBOT_DB" && (when != "HasDatabase" || cond[name] != "UsesFile") {
			t.Errorf("DEVOPSBOT_DB: want the secret under HasDatabase and the file path under UsesFile, got %q and %q", when, cond[name])
		} else if vars[name] && name != "DEVOPSBOT_DB" {
			t.Errorf("%s is set both in Environment and Secrets", name)
		}
		vars[name] = true
	}
	for _, want := range []string{"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"} {
		if !vars[want] {
			t.Errorf("Socket Mode needs %s", want)
		}
	}
	if vars["SLACK_SIGNING_SECRET"] {
		t.Error("the template runs Socket Mode: no SLACK_SIGNING_SECRET")
	}
	var mountPath string
	for _, m := range list(get(c, "MountPoints")) {
		mountPath = str(get(m, "ContainerPath"))
	}
	if db == "" || path.Dir(db) != mountPath {
		t.Errorf("DEVOPSBOT_DB=%q is not on the EFS mount %q", db, mountPath)
	}
	if list(get(task, "Properties", "Volumes")) == nil || get(list(get(task, "Properties", "Volumes"))[0], "EFSVolumeConfiguration") == nil {
		t.Error("the data volume is not EFS")
	}
	if get(c, "LogConfiguration", "LogDriver") != "awslogs" {
		t.Error("logs do not go to CloudWatch (awslogs)")
	}
	hc := list(get(c, "HealthCheck", "Command"))
	if len(hc) != 3 || str(hc[0]) != "CMD" || str(hc[1]) != img.binary || str(hc[2]) != "healthcheck" {
		t.Errorf("HealthCheck %v, want [CMD %s healthcheck]", hc, img.binary)
	}
	for _, a := range list(get(c, "Command")) {
		if !cmds[str(a)] {
			t.Errorf("Command %v is not a devopsbot subcommand", a)
		}
		break
	}
}

func TestPrometheusAlertsUseExportedMetrics(t *testing.T) {
	m := bot.NewMetrics("test", bot.Routes()...)
	// Vectors appear once they have a series.
	m.SlackError("auth.test")
	m.ObserveHTTP(bot.PathCommands, 200, 0)
	m.StoreDamaged(func() uint64 { return 0 }) // serve registers it
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{"up": true}
	for _, f := range families {
		name := f.GetName()
		have[name] = true
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			have[name+suffix] = true
		}
	}
	doc := yamlDocs(t, filepath.Join("prometheus", "alerts.yaml"))[0]
	metric := regexp.MustCompile(`\b(?:up|devopsbot_[a-z_]+|process_[a-z_]+|go_[a-z_]+)\b`)
	n := 0
	for _, g := range list(get(doc, "groups")) {
		for _, r := range list(get(g, "rules")) {
			n++
			expr := str(get(r, "expr"))
			if get(r, "alert") == nil || expr == "" {
				t.Errorf("rule %v lacks alert or expr", r)
			}
			for _, name := range metric.FindAllString(expr, -1) {
				if !have[name] {
					t.Errorf("alert %v uses %s, which the bot does not export", get(r, "alert"), name)
				}
			}
			if route := regexp.MustCompile(`route="([^"]+)"`).FindStringSubmatch(expr); route != nil && !slices.Contains(bot.Routes(), route[1]) {
				t.Errorf("alert %v filters on route %s, which the bot does not serve", get(r, "alert"), route[1])
			}
		}
	}
	if n == 0 {
		t.Error("no alerting rules")
	}
}
