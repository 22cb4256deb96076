package slackfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// File is a file uploaded through the fake: announced with
// files.getUploadURLExternal, its bytes posted to the upload URL, then
// shared with files.completeUploadExternal.
type File struct {
	ID       string
	Name     string // the filename given to files.getUploadURLExternal
	Length   int    // the length announced there
	Content  []byte // what was posted to the upload URL
	Title    string // from files.completeUploadExternal
	Channel  string // where it was shared ("" until completed)
	Comment  string // its initial_comment
	Uploaded bool   // the bytes arrived
	Shared   bool   // files.completeUploadExternal named it
}

// Files returns the files shared with files.completeUploadExternal, in the
// order they were announced.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []File
	for i := 1; i <= len(s.files); i++ {
		if f := s.files[fileID(i)]; f != nil && f.Shared {
			out = append(out, *f)
		}
	}
	return out
}

func fileID(n int) string { return fmt.Sprintf("F%08d", n) }

// openIM answers conversations.open for one user with the ID of the bot's
// direct message channel with them ("D" + the user ID).
func (s *Server) openIM(w http.ResponseWriter, c Call, form url.Values) {
	users := form.Get("users")
	if users == "" || strings.Contains(users, ",") {
		writeJSON(w, map[string]any{"ok": false, "error": "users_list_not_supplied"})
		return
	}
	c.User, c.Channel = users, "D"+users
	s.record(c)
	writeJSON(w, map[string]any{"ok": true, "channel": map[string]any{"id": c.Channel}})
}

// uploadURL answers files.getUploadURLExternal: a new file ID and an
// upload URL on this server.
func (s *Server) uploadURL(w http.ResponseWriter, c Call, form url.Values) {
	name := form.Get("filename")
	length, err := strconv.Atoi(form.Get("length"))
	if name == "" || err != nil || length <= 0 {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_arguments"})
		return
	}
	s.mu.Lock()
	id := fileID(len(s.files) + 1)
	s.files[id] = &File{ID: id, Name: name, Length: length}
	s.mu.Unlock()
	c.Text = name
	s.record(c)
	writeJSON(w, map[string]any{"ok": true, "upload_url": s.srv.URL + "/upload/" + id, "file_id": id})
}

// upload takes a file's bytes as Slack's upload URLs do: a POST whose body
// is the file, raw or as the "file" part of a multipart form.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	if f, ok := s.takeFailure("upload"); ok && f.status != 0 {
		http.Error(w, http.StatusText(f.status), f.status)
		return
	}
	id := strings.TrimPrefix(r.URL.Path, "/upload/")
	var content []byte
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		var part io.ReadCloser
		part, _, err = r.FormFile("file")
		if err == nil {
			content, err = io.ReadAll(part)
			part.Close()
		}
	} else {
		content, err = io.ReadAll(r.Body)
	}
	if err != nil {
		http.Error(w, "bad upload: "+err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	f := s.files[id]
	if f != nil {
		f.Content, f.Uploaded = content, true
	}
	s.mu.Unlock()
	if f == nil {
		http.Error(w, "no such upload", http.StatusNotFound)
		return
	}
	s.record(Call{Method: "upload", Path: r.URL.Path})
	w.Header().Set("Content-Type", "text/plain")
	_, _ = io.WriteString(w, "OK - "+strconv.Itoa(len(content)))
}

// completeUpload answers files.completeUploadExternal: every named file
// must have been uploaded, and with the length it was announced with.
func (s *Server) completeUpload(w http.ResponseWriter, c Call, form url.Values) {
	var files []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal([]byte(form.Get("files")), &files); err != nil || len(files) == 0 {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_arguments"})
		return
	}
	c.Channel, c.Text = form.Get("channel_id"), form.Get("initial_comment")
	s.mu.Lock()
	var out []map[string]any
	for _, in := range files {
		f := s.files[in.ID]
		if f == nil || !f.Uploaded || len(f.Content) != f.Length {
			s.mu.Unlock()
			writeJSON(w, map[string]any{"ok": false, "error": "file_not_found"})
			return
		}
		f.Title, f.Channel, f.Comment, f.Shared = in.Title, c.Channel, c.Text, true
		out = append(out, map[string]any{"id": f.ID, "title": f.Title, "name": f.Name})
	}
	s.mu.Unlock()
	s.record(c)
	writeJSON(w, map[string]any{"ok": true, "files": out})
}
