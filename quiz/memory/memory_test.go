package memory_test

import (
	"testing"

	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/memory"
	"github.com/devopsbot/devopsbot/quiz/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) quiz.Store { return memory.New() })
}
