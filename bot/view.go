package bot

import (
	"net/url"
	"strings"

	"github.com/devopsbot/devopsbot/notes"
)

// view says who sees a reply and how to link sections.
type view struct {
	notesURL string
	public   bool   // posted in a channel or thread: no Share button
	showDoc  bool   // several notes files: name the document of each section
	sharedBy string // user ID who shared it, for "shared by"
	shared   bool   // the private copy after sharing: no Share button, a note instead
	bare     bool   // commands are typed without "/devops " (the console)
	hits     int    // sections a lookup shows; 0 means lookupHits
	// thread, when set, is the thread a Share button posts in (the
	// message a shortcut was used on) instead of the channel.
	thread string
	// direct: not where it was asked (a direct message, a modal): no Share
	// button, as there is no channel to share in from there.
	direct bool
}

// cmd shows a command as people type it in this view.
func (v view) cmd(s string) run {
	if v.bare {
		return code(s)
	}
	return code("/devops " + s)
}

// shareable reports whether a reply in this view gets a Share button.
func (v view) shareable() bool { return !v.public && !v.shared && !v.direct }

// shareButton is the Share button of a reply that cmd gives for arg:
// "Share in channel", or "Share in thread" when the view has a thread.
func (v view) shareButton(cmd, arg string) button {
	if v.thread != "" {
		return button{label: "Share in thread", actionID: ActionShareThread, value: v.thread + "|" + shareValue(cmd, arg)}
	}
	return button{label: "Share in channel", actionID: ActionShare, value: shareValue(cmd, arg)}
}

// sharedNote tells the requester that this private reply was shared.
func sharedNote(m *Response, v view) {
	switch {
	case v.shared && v.thread != "":
		m.context(plain("✓ Shared in the thread."))
	case v.shared:
		m.context(plain("✓ Shared in the channel."))
	}
}

// sectionURL links a section: the base URL plus the anchor part of its ID
// ("4_2_2_2" for "4_2_2_2/stack-policy"; the slug in files without anchors).
// With several notes files, "{doc}" in the base URL becomes the document's
// name.
func sectionURL(base, doc, id string) string {
	if base == "" || id == "" {
		return ""
	}
	if strings.Contains(base, "{doc}") {
		if doc == "" {
			return ""
		}
		base = strings.ReplaceAll(base, "{doc}", url.PathEscape(doc))
	}
	anchor, _, _ := strings.Cut(id, "/")
	return strings.TrimRight(base, "#") + "#" + anchor
}

func pathText(path []string, title string) string {
	if len(path) == 0 {
		return title
	}
	return strings.Join(path, notes.Sep)
}

// shareValue is the value of a Share button: the command and its argument.
// A value too long for Slack makes message.buttons drop the button.
func shareValue(cmd, arg string) string { return cmd + "|" + arg }

// shortPath names a section briefly: its topic (the heading below the top
// level, "CodeDeploy") and its own heading, for example "CodeDeploy ›
// On-prem Deploys" for "Services › CodeDeploy › How it works › On-prem
// Deploys". The last two headings alone ("How it works › On-prem Deploys")
// would often not say which service a section is about.
func shortPath(path []string, title string) string {
	switch len(path) {
	case 0:
		return title
	case 1, 2:
		return strings.Join(path, notes.Sep)
	}
	return path[1] + notes.Sep + path[len(path)-1]
}
