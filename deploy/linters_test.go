package deploy

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The official tools check what the tests above cannot (resource schemas,
// property names, kustomize semantics). They run when installed and skip
// otherwise; nothing here downloads them.

func TestCloudFormationLint(t *testing.T) {
	lint, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Skip("cfn-lint not installed")
	}
	out, err := exec.Command(lint, filepath.Join("cloudformation", "ecs-fargate.yaml")).CombinedOutput()
	if err != nil {
		t.Errorf("cfn-lint: %v\n%s", err, out)
	}
}

func TestKustomizeBuilds(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl not installed")
	}
	out, err := exec.Command(kubectl, "kustomize", "kubernetes").CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl kustomize: %v\n%s", err, out)
	}
	// The image override and the namespace reach the Deployment.
	for _, want := range []string{"image: ghcr.io/your-org/devopsbot:latest", "namespace: devopsbot", "kind: Deployment"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("kustomize output lacks %q", want)
		}
	}
}
