package stem

import "testing"

func TestWord(t *testing.T) {
	tests := []struct{ in, want string }{
		{"scale", "scal"}, {"scaled", "scal"}, {"scaling", "scal"}, {"scales", "scal"},
		{"policies", "policy"}, {"stopped", "stop"}, {"running", "run"},
		{"classes", "class"}, {"process", "process"}, {"kinesis", "kinesis"},
		{"azs", "az"}, {"ids", "id"}, {"sss", "sss"}, {"aws", "aws"},
		{"ec2", "ec2"}, {"Deleted", "Deleted"}, {"café", "café"}, {"", ""},
		{"delete", "delet"}, {"deleted", "delet"}, {"deletes", "delet"}, {"deletion", "deletion"},
	}
	for _, tt := range tests {
		if got := Word(tt.in); got != tt.want {
			t.Errorf("Word(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func BenchmarkWord(b *testing.B) {
	words := []string{"scaling", "policies", "deployment", "aws", "instances"}
	for i := 0; b.Loop(); i++ {
		Word(words[i%len(words)])
	}
}
