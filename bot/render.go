package bot

import "github.com/devopsbot/devopsbot/quiz"

// RenderDaily renders the channel message of a question of the day: header
// with the date (and days to the exam when examSet), the stem, one button per
// option and how many have answered. It never reveals the answer.
func RenderDaily(rd quiz.Round, answered int, daysToExam int, examSet bool) Response {
	return Response{Text: rd.Question.Stem} // SKELETON
}

// RenderClose renders the thread reply when a round closes.
func RenderClose(s quiz.Summary) Response {
	return Response{Text: s.Round.Question.Stem} // SKELETON
}
