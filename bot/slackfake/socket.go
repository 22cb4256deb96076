package slackfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
)

// link is the Socket Mode WebSocket endpoint: it sends hello on connect
// and collects what the client writes (acks).
func (s *Server) link(w http.ResponseWriter, r *http.Request) {
	conn, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	s.wsMu.Lock()
	if s.ws != nil {
		_ = s.ws.Close()
	}
	s.ws = conn
	err = conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1,
		"connection_info": map[string]any{"app_id": "A0001"},
		"debug_info":      map[string]any{"host": "slackfake", "approximate_connection_time": 3600}})
	s.wsMu.Unlock()
	if err != nil {
		return
	}
	s.wsOpen <- struct{}{}
	for {
		_, msg, err := conn.ReadMessage()
		if err != nil {
			return
		}
		select {
		case s.acks <- json.RawMessage(msg):
		default:
		}
	}
}

// WaitSocket waits for a Socket Mode connection.
func (s *Server) WaitSocket(timeout time.Duration) bool {
	select {
	case <-s.wsOpen:
		return true
	case <-time.After(timeout):
		return false
	}
}

// SendSocket writes an envelope to the Socket Mode connection.
func (s *Server) SendSocket(envelope []byte) error {
	s.wsMu.Lock()
	defer s.wsMu.Unlock()
	if s.ws == nil {
		return fmt.Errorf("slackfake: no socket mode connection")
	}
	return s.ws.WriteMessage(websocket.TextMessage, envelope)
}

// PingSocket sends a WebSocket ping, as Slack does to keep the link alive.
func (s *Server) PingSocket() error {
	s.wsMu.Lock()
	defer s.wsMu.Unlock()
	if s.ws == nil {
		return fmt.Errorf("slackfake: no socket mode connection")
	}
	return s.ws.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second))
}

// NextAck returns the next message the client wrote on the socket.
func (s *Server) NextAck(timeout time.Duration) (json.RawMessage, bool) {
	select {
	case m := <-s.acks:
		return m, true
	case <-time.After(timeout):
		return nil, false
	}
}

// Opens returns how many times apps.connections.open succeeded.
func (s *Server) Opens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opens
}

// RejectOpens makes the next n apps.connections.open calls fail with
// invalid_auth (slack-go's socketmode client gives up on that error).
func (s *Server) RejectOpens(n int) {
	s.mu.Lock()
	s.rejects = n
	s.mu.Unlock()
}

// DropSocket closes the Socket Mode connection from the server side.
func (s *Server) DropSocket() {
	s.wsMu.Lock()
	defer s.wsMu.Unlock()
	if s.ws != nil {
		_ = s.ws.Close()
		s.ws = nil
	}
}
