package siren

import (
	"time"
)

// Host is what every engine needs from its host: the time, and delivery.
// A Host may also implement Storage, StorageReader, RandomSource,
// EventHandler, Logger and Sealer; NewEngine wires the ones it finds.
//
// Callbacks run on the goroutine of the Engine call that triggered them and
// must not call that Engine. An error or a panic makes that call fail with
// ErrCallback wrapping it.
type Host interface {
	// Now is the current time. siren never lets time go backwards.
	Now() time.Time
	// Notify delivers one message. It is called only after the record that
	// decided it was stored: at-least-once, deduplicate pages by n.Page.
	// n is valid only during the call.
	Notify(n *Notification) error
}

// Storage stores records durably before siren applies them. Without it the
// engine is in-memory only. record is a copy the host may keep.
type Storage interface {
	Append(record []byte) error
}

// StorageReader reads the stored records back, oldest first, for Open.
// Next returns nil, nil after the last one.
type StorageReader interface {
	Next() ([]byte, error)
}

// RandomSource fills p with unpredictable bytes (accept and activation codes
// derive from them). Without it siren uses a fixed deterministic sequence:
// fine for tests, NOT for production.
type RandomSource interface {
	Random(p []byte) error
}

// EventHandler receives every decision siren takes, after its record is
// stored.
type EventHandler interface {
	Event(ev *Event) error
}

// Logger receives siren's diagnostics.
type Logger interface {
	Log(level LogLevel, message string)
}

// Sealer encrypts and authenticates records before they are stored, and
// reverses it when they are read (both or neither). A sealed record may be
// at most SealOverhead bytes longer than the record.
type Sealer interface {
	Seal(record []byte) ([]byte, error)
	Unseal(stored []byte) ([]byte, error)
}

// SealOverhead is the most Seal may add to a record's length.
const SealOverhead = 1024

// LogLevel is the level of a Logger line.
type LogLevel int

// Log levels.
const (
	LogError LogLevel = 0
	LogWarn  LogLevel = 1
	LogInfo  LogLevel = 2
	LogDebug LogLevel = 3
)

// NotifyKind says what a Notification asks the host to deliver.
type NotifyKind int

// Notification kinds.
const (
	NotifyPage           NotifyKind = 1 // a page to one contact channel
	NotifyActivationCode NotifyKind = 2 // a 6-digit activation code
	NotifyChat           NotifyKind = 3 // a message for an incident's chat channel
	NotifyTarget         NotifyKind = 4 // a message for a notification target
	NotifyAction         NotifyKind = 5 // a runbook step to run; report with ActionResult
)

func (k NotifyKind) String() string {
	switch k {
	case NotifyPage:
		return "PAGE"
	case NotifyActivationCode:
		return "ACTIVATION_CODE"
	case NotifyChat:
		return "CHAT"
	case NotifyTarget:
		return "TARGET"
	case NotifyAction:
		return "ACTION"
	}
	return "UNKNOWN"
}

// Notification is one message for the host to deliver (siren_notification).
type Notification struct {
	Kind        NotifyKind
	Time        time.Time // the instant siren decided to send it
	Page        ID        // PAGE
	Engagement  ID        // PAGE
	RetryOf     ID        // PAGE: the page this one retries after an ERROR receipt
	Contact     string
	Channel     string
	ChannelType string // "EMAIL", "SMS", "VOICE" or host-defined
	Address     string
	Sender      string // PAGE
	Subject     string // PAGE
	Content     string // PAGE
	IncidentID  string // PAGE: the incident id given to the engagement
	Code        string // PAGE: accept code; ACTIVATION_CODE: the activation code
	Stage       int    // PAGE: personal plan stage, 0-based
	Incident    ID     // CHAT, TARGET; PAGE: its incident or 0
	Text        string // CHAT, TARGET
	Message     string // CHAT, TARGET: "opened", "impact", "resolved", ...
	Execution   ID     // ACTION
	Step        string // ACTION
	Action      string // ACTION: e.g. "aws:executeScript"
	Inputs      string // ACTION: resolved inputs as a JSON object
	Attempt     int    // ACTION: from 1
}

// EventType is the type of an Event.
type EventType int

// Event is one decision siren took (siren_event). Members that do not apply
// are zero; Stage is -1 when it does not apply.
type Event struct {
	Type         EventType
	Name         string // "page.sent", as siren-sim prints it
	Time         time.Time
	Engagement   ID
	Page         ID
	Related      ID
	Contact      string
	Channel      string
	ChannelType  string
	Reason       string
	IncidentID   string
	Stage        int
	Essential    bool
	Acknowledged bool
	Incident     ID
	ResponsePlan string
	Title        string
	Impact       int
	Text         string
}
