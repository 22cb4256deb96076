package index

import (
	"reflect"
	"strings"
	"testing"
)

func terms(toks []token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.term
	}
	return out
}

func TestAnalyze(t *testing.T) {
	tests := []struct {
		name, in string
		want     string
	}{
		{"keeps service acronyms", "AWS ECS SQS uses", "aws ecs sqs use"},
		{"keeps x-ray whole and split", "X-Ray traces", "x ray xray trac"},
		{"splits camel case and keeps the word", "DeletionPolicy", "deletion policy deletionpolicy"},
		{"keeps digits", "S3 and EC2 t2.micro", "s3 ec2 t2 micro t2micro"},
		{"conflates plurals and verb forms", "scaling scaled scales scale", "scal scal scal scal"},
		{"plurals in ies", "policies policy retries", "policy policy retry"},
		{"plural acronyms", "AZs LCs ASGs AMIs but AWS ECS", "az lc asg ami aws ecs"},
		{"drops possessives", "the stack's policy", "stack policy"},
		{"drops stop words", "what is the max size of a template", "max size templat"},
		{"colon compound", "pending:wait", "pend wait pendingwait"},
		{"punctuation only", "?!... --- ::", ""},
		{"control characters are separators", "cloud\x00trail\x07logs", "cloud trail log"},
		{"other scripts survive", "Облако 云", "облако 云"},
		{"invalid utf8", "ab\xffcd", "ab cd"},
		{"splits a number glued to a word", "route53 base64", "route53 rout 53 base64 base 64"},
		{"a name with a short prefix keeps its digits", "ec2 s3 x509", "ec2 s3 x509"},
		{"number in camel case", "Canary10Percent", "canary10 canary 10 percent canary10percent"},
		{"duration unit", "up to 8h, 15min", "8h 8 hour 15min 15 minut"},
		{"number words", "five hours", "five 5 hour"},
		{"query syntax is plain text", "AWS::CloudFormation::Init +foo -bar ~baz \"q\"", "aws cloud formation cloudformation init foo bar baz q"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(terms(analyze(tt.in)), " ")
			if got != tt.want {
				t.Errorf("analyze(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestAnalyzeOffsetsAndPositions(t *testing.T) {
	in := "Use X-Ray, DeletionPolicy"
	toks := analyze(in)
	for _, tk := range toks {
		if tk.start < 0 || tk.end > len(in) || tk.start >= tk.end {
			t.Fatalf("bad range %+v", tk)
		}
	}
	var pos []int
	for _, tk := range toks {
		pos = append(pos, tk.pos)
	}
	// use x ray xray deletion policy deletionpolicy
	want := []int{1, 2, 3, 3, 4, 5, 5}
	if !reflect.DeepEqual(pos, want) {
		t.Errorf("positions = %v, want %v (terms %v)", pos, want, terms(toks))
	}
	if got := in[toks[3].start:toks[3].end]; got != "X-Ray" {
		t.Errorf("glued token covers %q, want X-Ray", got)
	}
}
