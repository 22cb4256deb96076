package deploy

import (
	"os/exec"
	"testing"
)

// TestPrometheusAlertRules runs promtool's unit tests of the alerting rules
// (prometheus/alerts_test.yaml): the bot counts as down under any job name,
// and a target that vanished is caught by absent(). Skipped without
// promtool (Debian: apt-get install prometheus).
func TestPrometheusAlertRules(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed")
	}
	for _, args := range [][]string{
		{"check", "rules", "prometheus/alerts.yaml"},
		{"test", "rules", "prometheus/alerts_test.yaml"},
	} {
		if out, err := exec.Command(promtool, args...).CombinedOutput(); err != nil {
			t.Errorf("promtool %v: %v\n%s", args, err, out)
		}
	}
}
