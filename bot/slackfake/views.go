package slackfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// View is a modal opened with views.open.
type View struct {
	ID         string
	TriggerID  string
	CallbackID string
	Raw        json.RawMessage // the view as sent
}

// Views returns the views opened so far, in order.
func (s *Server) Views() []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]View(nil), s.views...)
}

// openView answers views.open (a JSON body): a trigger_id and a modal
// view with a callback_id are required.
func (s *Server) openView(w http.ResponseWriter, c Call, body []byte) {
	var req struct {
		TriggerID string          `json:"trigger_id"`
		View      json.RawMessage `json:"view"`
	}
	var view struct {
		Type       string          `json:"type"`
		CallbackID string          `json:"callback_id"`
		Blocks     json.RawMessage `json:"blocks"`
	}
	if json.Unmarshal(body, &req) != nil || json.Unmarshal(req.View, &view) != nil {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_json"})
		return
	}
	if req.TriggerID == "" {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_trigger_id"})
		return
	}
	if view.Type != "modal" {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_arguments"})
		return
	}
	s.mu.Lock()
	v := View{ID: fmt.Sprintf("V%08d", len(s.views)+1), TriggerID: req.TriggerID, CallbackID: view.CallbackID, Raw: req.View}
	s.views = append(s.views, v)
	s.mu.Unlock()
	c.Text, c.Blocks = req.TriggerID, view.Blocks
	s.record(c)
	writeJSON(w, map[string]any{"ok": true, "view": map[string]any{"id": v.ID, "type": "modal", "callback_id": v.CallbackID}})
}

// publishView answers views.publish (a JSON body): a user_id and a home
// view are required. The call records the user, the view's type and its
// blocks.
func (s *Server) publishView(w http.ResponseWriter, c Call, body []byte) {
	var req struct {
		UserID string `json:"user_id"`
		View   struct {
			Type   string          `json:"type"`
			Blocks json.RawMessage `json:"blocks"`
		} `json:"view"`
	}
	if json.Unmarshal(body, &req) != nil {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_json"})
		return
	}
	if req.UserID == "" || req.View.Type != "home" {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_arguments"})
		return
	}
	c.User, c.ViewType, c.Blocks = req.UserID, req.View.Type, req.View.Blocks
	s.record(c)
	writeJSON(w, map[string]any{"ok": true, "view": map[string]any{"id": "VHOME" + req.UserID, "type": "home", "blocks": req.View.Blocks}})
}

// permalink answers chat.getPermalink (a GET with channel and message_ts).
func (s *Server) permalink(w http.ResponseWriter, c Call, q url.Values) {
	c.Channel, c.TS = q.Get("channel"), q.Get("message_ts")
	if c.Channel == "" || c.TS == "" {
		writeJSON(w, map[string]any{"ok": false, "error": "message_not_found"})
		return
	}
	s.record(c)
	writeJSON(w, map[string]any{"ok": true, "channel": c.Channel, "permalink": Permalink(c.Channel, c.TS)})
}

// Permalink is the link chat.getPermalink gives for the message at ts in
// channel.
func Permalink(channel, ts string) string {
	return "https://example.slack.com/archives/" + channel + "/p" + strings.ReplaceAll(ts, ".", "")
}
