package siren

import (
	"time"
)

// Host is what every engine needs from its host: the time, and delivery.
// A Host may also implement Storage, StorageReader, RandomSource,
// EventHandler, Logger, Sealer and ZoneLoader; NewEngine wires the ones it
// finds (time zones come from SystemZones when the host is no ZoneLoader).
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

// ZoneLoader gives the TZif bytes (RFC 8536, as in /usr/share/zoneinfo) of an
// IANA time zone ("America/New_York") for a rotation; nil, nil when the host
// does not have it (siren then fails with ErrNotFound). siren copies the
// bytes into the rotation's record, so replay never needs them again. A
// host that is no ZoneLoader gets SystemZones.
type ZoneLoader interface {
	LoadZone(name string) ([]byte, error)
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
	NotifyShift          NotifyKind = 6 // a contact's on-call shift starts soon or has started
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
	case NotifyShift:
		return "SHIFT"
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
	// SHIFT: Contact's shift in Rotation, [ShiftStart, ShiftEnd) (ShiftEnd
	// zero: no end in sight); Message "starting" (the rotation's notice
	// ahead) or "started", Text a line a person can read. Channel and
	// Address are "": the host picks how to reach the contact.
	Rotation   string
	ShiftStart time.Time
	ShiftEnd   time.Time
}

// EventType is the type of an Event.
type EventType int

// Event types (siren_event_type).
const (
	EventEngagementStarted    EventType = 1
	EventStageStarted         EventType = 2
	EventPageSent             EventType = 3
	EventPageRetry            EventType = 4
	EventPageAccepted         EventType = 5
	EventPageReceipt          EventType = 6
	EventChannelSkipped       EventType = 7
	EventEngagementStopped    EventType = 8
	EventEngagementCompleted  EventType = 9
	EventChannelActivated     EventType = 10
	EventChannelDeactivated   EventType = 11
	EventActivationCodeSent   EventType = 12
	EventPlanRepeated         EventType = 13
	EventContactEngaged       EventType = 14
	EventIncidentCreated      EventType = 15
	EventIncidentDeduplicated EventType = 16
	EventIncidentUpdated      EventType = 17
	EventIncidentResolved     EventType = 18
	EventIncidentReopened     EventType = 19
	EventChatMessage          EventType = 20
	EventRelatedItemAdded     EventType = 21
	EventRelatedItemRemoved   EventType = 22
	EventTimelineEvent        EventType = 23
	EventIncidentReengaged    EventType = 24
	EventHeartbeatMissed      EventType = 25
	EventRunbookPending       EventType = 26
	EventAnalysisCreated      EventType = 27
	EventRunbookStarted       EventType = 28
	EventRunbookStep          EventType = 29
	EventRunbookFinished      EventType = 30
	EventShiftStarted         EventType = 31 // Rotation, Text = contacts on call, Reason REGULAR/OVERRIDDEN, Until
	EventScheduleResolved     EventType = 32 // Schedule, Rotation, Contact engaged, Until = the shift's end
	EventScheduleNobody       EventType = 33 // Schedule; Reason "skipped" or "held" (Until = when)
)

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
	Rotation     string    // SHIFT_STARTED, SCHEDULE_RESOLVED
	Schedule     string    // SCHEDULE_*: the OnCallSchedule contact
	Until        time.Time // SHIFT_STARTED, SCHEDULE_RESOLVED: the shift's end; SCHEDULE_NOBODY held: when
}
