"""Enums and plain data classes of the siren binding (no library calls here)."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple, Union

NO_DEADLINE = 2**63 - 1
"""What Engine.next_deadline() returns when nothing is scheduled."""


class ContactType(enum.IntEnum):
    PERSONAL = 1
    ESCALATION = 2
    ONCALL_SCHEDULE = 3  # its plan is rotations: Engine.set_schedule()


class Activation(enum.IntEnum):
    NOT_ACTIVATED = 0
    ACTIVATED = 1


class NotifyKind(enum.IntEnum):
    PAGE = 1
    ACTIVATION_CODE = 2
    CHAT = 3
    TARGET = 4
    ACTION = 5
    SHIFT = 6


class EventType(enum.IntEnum):
    ENGAGEMENT_STARTED = 1
    STAGE_STARTED = 2
    PAGE_SENT = 3
    PAGE_RETRY = 4
    PAGE_ACCEPTED = 5
    PAGE_RECEIPT = 6
    CHANNEL_SKIPPED = 7
    ENGAGEMENT_STOPPED = 8
    ENGAGEMENT_COMPLETED = 9
    CHANNEL_ACTIVATED = 10
    CHANNEL_DEACTIVATED = 11
    ACTIVATION_CODE_SENT = 12
    PLAN_REPEATED = 13
    CONTACT_ENGAGED = 14
    INCIDENT_CREATED = 15
    INCIDENT_DEDUPLICATED = 16
    INCIDENT_UPDATED = 17
    INCIDENT_RESOLVED = 18
    INCIDENT_REOPENED = 19
    CHAT_MESSAGE = 20
    RELATED_ITEM_ADDED = 21
    RELATED_ITEM_REMOVED = 22
    TIMELINE_EVENT = 23
    INCIDENT_REENGAGED = 24
    HEARTBEAT_MISSED = 25
    RUNBOOK_PENDING = 26
    ANALYSIS_CREATED = 27
    RUNBOOK_STARTED = 28
    RUNBOOK_STEP = 29
    RUNBOOK_FINISHED = 30
    SHIFT_STARTED = 31
    SCHEDULE_RESOLVED = 32
    SCHEDULE_NOBODY = 33


class LogLevel(enum.IntEnum):
    ERROR = 0
    WARN = 1
    INFO = 2
    DEBUG = 3


class EngagementState(enum.IntEnum):
    ACTIVE = 1
    STOPPED = 2
    COMPLETED = 3


class ReceiptType(enum.IntEnum):
    SENT = 1
    DELIVERED = 2
    READ = 3
    ERROR = 4
    STOP = 5


class AcceptType(enum.IntEnum):
    DELIVERED = 1
    READ = 2


class AcceptValidation(enum.IntEnum):
    ENFORCE = 1
    IGNORE = 2


class DynamicValue(enum.IntEnum):
    NONE = 0
    INCIDENT_RECORD_ARN = 1
    INVOLVED_RESOURCES = 2


class IncidentStatus(enum.IntEnum):
    OPEN = 1
    RESOLVED = 2


class RelatedItemType(enum.IntEnum):
    ANALYSIS = 1
    ATTACHMENT = 2
    AUTOMATION = 3
    INCIDENT = 4
    METRIC = 5
    PARENT = 6
    TASK = 7
    OTHER = 8
    INVOLVED_RESOURCE = 9


class ActionStatus(enum.IntEnum):
    OPEN = 1
    CLOSED = 2


class ExecStatus(enum.IntEnum):
    PENDING = 1
    IN_PROGRESS = 2
    WAITING = 3
    SUCCESS = 4
    TIMED_OUT = 5
    CANCELLING = 6
    CANCELLED = 7
    FAILED = 8
    EXITED = 9


class ExecMode(enum.IntEnum):
    AUTO = 1
    INTERACTIVE = 2


class Signal(enum.IntEnum):
    APPROVE = 1
    REJECT = 2
    RESUME = 3
    START_STEP = 4
    STOP_STEP = 5


class StopType(enum.IntEnum):
    CANCEL = 1
    COMPLETE = 2


class Day(enum.IntEnum):
    """Days of the week, ISO 8601 numbering (siren_day). Engine methods also
    take the names "MON".."SUN"."""
    MON = 1
    TUE = 2
    WED = 3
    THU = 4
    FRI = 5
    SAT = 6
    SUN = 7


class Recurrence(enum.IntEnum):
    DAILY = 1
    WEEKLY = 2
    MONTHLY = 3


class OverrideMode(enum.IntEnum):
    REPLACE = 0  # exactly these contacts (none: nobody on call)
    ADD = 1      # these as well
    REMOVE = 2   # not these


class ShiftType(enum.IntEnum):
    REGULAR = 1
    OVERRIDDEN = 2


class GapType(enum.IntEnum):
    NOBODY = 1  # nobody on call in any of the schedule's rotations
    SHORT = 2   # a rotation has fewer than its on_calls contacts on call


SCHEDULE_HOLD = 0x1
"""ContactInfo.schedule_flags: wait for someone to come on call instead of
skipping the schedule (Engine.set_schedule(..., hold=True))."""


def _enum(cls, value):
    """value as cls, or the plain int when this binding does not know it
    (a newer library may add members)."""
    try:
        return cls(value)
    except ValueError:
        return value


# ----------------------------------------------------------- notifications

@dataclass(frozen=True)
class Notification:
    """Base of what host.notify receives: one dataclass per kind."""
    kind: NotifyKind
    time: int
    version: int


@dataclass(frozen=True)
class PageNotification(Notification):
    """A page to one contact channel; report outcomes with Page.receipt()."""
    page: int
    engagement: int
    retry_of: int
    contact: str
    channel: str
    channel_type: str
    address: str
    sender: str
    subject: str
    content: str
    incident_id: str
    code: str
    stage: int
    incident: int = 0  # version 2


@dataclass(frozen=True)
class ActivationCodeNotification(Notification):
    contact: str
    channel: str
    channel_type: str
    address: str
    code: str


@dataclass(frozen=True)
class ChatNotification(Notification):
    """A message for an incident's chat channel (``channel``)."""
    incident: int
    channel: str
    channel_type: str
    address: str
    text: str
    message: str


@dataclass(frozen=True)
class TargetNotification(ChatNotification):
    """A message for an incident's notification target (``channel``)."""


@dataclass(frozen=True)
class ActionNotification(Notification):
    """A runbook step for the host to run; answer with Execution.action_result()."""
    execution: int
    step: str
    action: str
    inputs: str
    attempt: int


@dataclass(frozen=True)
class ShiftNotification(Notification):
    """A contact's on-call shift in ``rotation`` starts soon (``message``
    "starting", sent notice_minutes ahead) or has started ("started"); the
    host picks how to reach the contact. The shift is [shift_start,
    shift_end) (shift_end 0: no end in sight)."""
    contact: str
    rotation: str
    shift_start: int
    shift_end: int
    text: str
    message: str


@dataclass(frozen=True)
class UnknownNotification(Notification):
    """A notification kind this binding does not know."""


@dataclass(frozen=True)
class Event:
    """One decision siren took (host.event). ``name`` is siren-sim's name for
    the type ("page.sent"). Members that do not apply are 0, "" or -1."""
    type: Union[EventType, int]
    name: str
    time: int
    engagement: int
    page: int
    related: int
    contact: str
    channel: str
    channel_type: str
    reason: str
    incident_id: str
    stage: int
    essential: bool
    acknowledged: bool
    incident: int = 0
    response_plan: str = ""
    title: str = ""
    impact: int = 0
    text: str = ""
    rotation: str = ""   # version 3: SHIFT_STARTED, SCHEDULE_RESOLVED
    schedule: str = ""   # version 3: SCHEDULE_*: the ONCALL_SCHEDULE contact
    until: int = 0       # version 3: SHIFT_STARTED, SCHEDULE_RESOLVED: the shift's end
    version: int = 3


# ------------------------------------------------------------------ inputs

@dataclass
class ChannelTarget:
    """A target of a PERSONAL contact's plan stage."""
    channel: str
    retry_interval_minutes: int = 0


@dataclass
class ContactTarget:
    """A target of an ESCALATION contact's plan stage."""
    contact: str
    essential: bool = False


TargetSpec = Union[ChannelTarget, ContactTarget, dict]


@dataclass
class Stage:
    duration_minutes: int
    targets: List[TargetSpec] = field(default_factory=list)
    all_essential: bool = False


@dataclass
class Plan:
    stages: List[Union[Stage, dict]] = field(default_factory=list)
    repeat_count: int = 0


@dataclass
class Options:
    """Engine options; 0 means siren's default."""
    activation_max_attempts: int = 0
    activation_code_ttl_ms: int = 0
    max_stage_minutes: int = 0


@dataclass
class RunbookParam:
    """A runbook parameter: values (one for a String), or a dynamic value."""
    name: str
    values: List[str] = field(default_factory=list)
    dynamic: DynamicValue = DynamicValue.NONE


@dataclass
class Window:
    """A half-open interval [start, end), ms since the epoch."""
    start: int
    end: int


@dataclass
class ResponsePlan:
    """A response plan (AWS SSM Incidents shape). Given to
    Engine.create_response_plan / update_response_plan, returned by
    Engine.response_plan()."""
    name: str
    title: str
    impact: int
    display_name: Optional[str] = None
    summary: Optional[str] = None
    dedupe_string: Optional[str] = None
    incident_tags: dict = field(default_factory=dict)
    notification_targets: List[str] = field(default_factory=list)
    chat_channels: List[str] = field(default_factory=list)
    engagements: List[str] = field(default_factory=list)
    runbook: Optional[str] = None
    runbook_params: List[RunbookParam] = field(default_factory=list)
    tags: dict = field(default_factory=dict)
    ack_timeout_minutes: int = 0
    auto_resolve_minutes: int = 0
    maintenance: List[Window] = field(default_factory=list)


@dataclass
class Handoff:
    """One hand-off setting: ``time`` is the local wall-clock time "HH:MM";
    ``day`` is a Day for WEEKLY, 1-31 for MONTHLY (past the month's end
    means its last day) and 0 for DAILY."""
    day: Union[Day, int]
    time: str


@dataclass
class Coverage:
    """A coverage window: on ``day``, local "HH:MM" ``start`` to ``end`` (an
    end at or before the start runs past midnight; "00:00"-"00:00" is the
    whole day)."""
    day: Day
    start: str
    end: str


@dataclass
class Rotation:
    """A rotation (the SSM Contacts shape): given to Engine.create_rotation /
    update_rotation / preview_shifts, returned by Engine.get_rotation().
    ``start`` is ms since the epoch (inputs also take an aware datetime)."""
    name: str
    time_zone: str
    start: int
    contacts: List[str]
    recurrence: Recurrence
    handoffs: List[Handoff]
    on_calls: int = 1
    multiplier: int = 1
    coverages: List[Coverage] = field(default_factory=list)
    notice_minutes: int = 0


@dataclass
class Override:
    """An override of a rotation for [start, end). ``id``, ``rotation`` and
    ``created`` are filled when read back (Engine.get_override)."""
    contacts: List[str]
    start: int
    end: int
    mode: OverrideMode = OverrideMode.REPLACE
    id: int = 0
    rotation: str = ""
    created: int = 0


@dataclass
class RelatedItem:
    type: RelatedItemType
    value: str
    title: Optional[str] = None


@dataclass
class Question:
    section: str
    text: str
    answer: str = ""


@dataclass
class ActionItem:
    title: str
    owner: Optional[str] = None
    due_time: int = 0
    status: ActionStatus = ActionStatus.OPEN


# ---------------------------------------------------------------- results

@dataclass(frozen=True)
class ContactInfo:
    alias: str
    display_name: str
    type: ContactType
    stage_count: int
    channel_count: int
    repeat_count: int
    rotation_count: int = 0  # ONCALL_SCHEDULE: its rotations
    schedule_flags: int = 0  # ONCALL_SCHEDULE: SCHEDULE_HOLD



@dataclass(frozen=True)
class ChannelInfo:
    contact: str
    name: str
    type: str
    address: str
    activation: Activation
    attempts_left: int
    code_expires: int


@dataclass(frozen=True)
class EngagementInfo:
    id: int
    contact: str
    sender: str
    subject: str
    content: str
    public_subject: str
    public_content: str
    incident_id: str
    state: EngagementState
    acknowledged: bool
    start_time: int
    stop_time: int
    stop_reason: str
    page_count: int


@dataclass(frozen=True)
class PageInfo:
    id: int
    engagement: int
    retry_of: int
    contact: str
    channel: str
    channel_type: str
    engaged_by: str
    escalation_stage: int
    stage: int
    essential: bool
    sent_time: int
    delivered_time: int
    read_time: int
    accepted_time: int
    accept_note: str
    receipt_count: int


@dataclass(frozen=True)
class Receipt:
    type: ReceiptType
    time: int
    info: str


@dataclass(frozen=True)
class PreviewPage:
    offset_ms: int
    contact: str
    channel: str
    channel_type: str
    engaged_by: str
    escalation_stage: int
    stage: int


@dataclass(frozen=True)
class Shift:
    """Who is on call in a rotation over [start, end) (ms). ``index`` is the
    regular shift's number; ``overridden`` the regular contacts an override
    took off."""
    start: int
    end: int
    type: ShiftType
    index: int
    contacts: Tuple[str, ...]
    overridden: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Gap:
    """A coverage gap of a schedule over [start, end) (ms)."""
    start: int
    end: int
    type: GapType
    on_call: int


@dataclass(frozen=True)
class Resolution:
    """How a page was reached (ListPageResolutions): through which schedule,
    rotation and shift. schedule and rotation are "" for a page that was not
    reached through a schedule."""
    schedule: str
    rotation: str
    contact: str
    shift_start: int
    shift_end: int
    resolved: int


@dataclass(frozen=True)
class ConfigResult:
    contacts: int
    channels: int
    plans: int
    errors: int
    unsupported: int
    response_plans: int
    problems: Tuple[str, ...] = ()


@dataclass(frozen=True)
class IncidentInfo:
    id: int
    arn: str
    response_plan: str
    title: str
    summary: str
    impact: int
    status: IncidentStatus
    creation_time: int
    last_modified_time: int
    resolved_time: int
    trigger_source: str
    trigger_arn: str
    trigger_time: int
    trigger_raw_data: str
    dedupe_string: str
    trigger_count: int
    last_trigger_time: int
    chat_channels: Tuple[str, ...]
    notification_targets: Tuple[str, ...]
    incident_tags: dict
    engagement_count: int
    related_item_count: int
    timeline_event_count: int
    acknowledged: bool
    maintenance: bool
    runbook: str
    analysis: int


@dataclass(frozen=True)
class TimelineEvent:
    id: int
    incident: int
    event_type: str
    event_time: int
    updated_time: int
    event_data: str
    references: Tuple[str, ...]
    automatic: bool


@dataclass(frozen=True)
class HeartbeatInfo:
    name: str
    response_plan: str
    interval_minutes: int
    resolve_on_beat: bool
    last_beat: int
    incident: int


@dataclass(frozen=True)
class AnalysisInfo:
    id: int
    incident: int
    creation_time: int
    question_count: int
    answered_count: int
    timeline_event_count: int
    related_item_count: int
    action_item_count: int
    open_action_item_count: int


@dataclass(frozen=True)
class RunbookInfo:
    name: str
    description: str
    assume_role: str
    parameter_count: int
    step_count: int
    output_count: int


@dataclass(frozen=True)
class ExecutionInfo:
    id: int
    runbook: str
    status: ExecStatus
    mode: ExecMode
    incident: int
    start_time: int
    end_time: int
    current_step: str
    failure_message: str
    parameters: str
    outputs: str
    step_count: int


@dataclass(frozen=True)
class StepInfo:
    name: str
    action: str
    status: ExecStatus
    attempts: int
    start_time: int
    end_time: int
    inputs: str
    outputs: str
    failure_message: str
    iteration: int


@dataclass(frozen=True)
class OpenReport:
    """What Engine.open() read back (siren_open_report)."""
    records: int
    bytes: int
    last_sequence: int
    last_time: int
    stopped: bool
    stop_code: int
    stop_index: int
    stop_reason: str
    since_snapshot: int
    reannounced: int


AckSpec = Union[Tuple[str, int], Sequence]

__all__ = [n for n, v in list(globals().items())
           if not n.startswith("_") and getattr(v, "__module__", None) == __name__]
__all__ += ["NO_DEADLINE", "SCHEDULE_HOLD"]
