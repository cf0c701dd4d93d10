"""Low-level ctypes declarations for libsiren.so.0.

Every struct here mirrors include/siren/siren.h member for member (the test
``test_layout`` compares sizes and offsets with what a C compiler computes),
and every exported function gets its ``argtypes`` and ``restype`` in
:func:`_declare`. Nothing in this module is public API: use :mod:`siren`.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char_p, c_int, c_int32, c_int64,
                    c_size_t, c_uint, c_uint32, c_uint64, c_void_p)
from pathlib import Path
from typing import Optional

#: The library version this binding was written for (SIREN_VERSION_NUMBER).
WRITTEN_FOR = 400

c_id = c_uint64
c_enum = c_int
c_str_array = POINTER(c_char_p)


class LibraryVersionError(ImportError):
    """The libsiren found is not one this binding can use."""


# ------------------------------------------------------------------ structs

class Notification(Structure):
    _fields_ = [
        ("version", c_uint), ("kind", c_enum), ("time", c_int64), ("page", c_id),
        ("engagement", c_id), ("retry_of", c_id), ("contact", c_char_p),
        ("channel", c_char_p), ("channel_type", c_char_p), ("address", c_char_p),
        ("sender", c_char_p), ("subject", c_char_p), ("content", c_char_p),
        ("incident_id", c_char_p), ("code", c_char_p), ("stage", c_uint32),
        # version 2
        ("incident", c_id), ("text", c_char_p), ("message", c_char_p),
        ("execution", c_id), ("step", c_char_p), ("action", c_char_p),
        ("inputs", c_char_p), ("attempt", c_uint32),
        # version 3
        ("rotation", c_char_p), ("shift_start", c_int64), ("shift_end", c_int64),
    ]


class Event(Structure):
    _fields_ = [
        ("version", c_uint), ("type", c_enum), ("time", c_int64), ("engagement", c_id),
        ("page", c_id), ("related", c_id), ("contact", c_char_p), ("channel", c_char_p),
        ("channel_type", c_char_p), ("reason", c_char_p), ("incident_id", c_char_p),
        ("stage", c_int32), ("essential", c_int), ("acknowledged", c_int),
        # version 2
        ("incident", c_id), ("response_plan", c_char_p), ("title", c_char_p),
        ("impact", c_int), ("text", c_char_p),
        # version 3
        ("rotation", c_char_p), ("schedule", c_char_p), ("until", c_int64),
    ]


CLOCK_FN = CFUNCTYPE(c_int, POINTER(c_int64), c_void_p)
NOTIFY_FN = CFUNCTYPE(c_int, POINTER(Notification), c_void_p)
RANDOM_FN = CFUNCTYPE(c_int, c_void_p, c_size_t, c_void_p)
APPEND_FN = CFUNCTYPE(c_int, c_void_p, c_size_t, c_void_p)
LOG_FN = CFUNCTYPE(c_int, c_int, c_char_p, c_void_p)
EVENT_FN = CFUNCTYPE(c_int, POINTER(Event), c_void_p)
NEXT_FN = CFUNCTYPE(c_int, POINTER(c_void_p), POINTER(c_size_t), c_void_p)
SEAL_FN = CFUNCTYPE(c_int, c_void_p, c_size_t, c_void_p, c_size_t, POINTER(c_size_t), c_void_p)
REWIND_FN = CFUNCTYPE(c_int, c_void_p)
LOAD_ZONE_FN = CFUNCTYPE(c_int, c_char_p, POINTER(c_void_p), POINTER(c_size_t), c_void_p)


class Host(Structure):
    _fields_ = [
        ("version", c_uint), ("clock", CLOCK_FN), ("notify", NOTIFY_FN),
        ("random", RANDOM_FN), ("storage_append", APPEND_FN), ("log", LOG_FN),
        ("event", EVENT_FN), ("mem_alloc", c_void_p), ("mem_realloc", c_void_p),
        ("mem_free", c_void_p),
        # version 2
        ("storage_next", NEXT_FN), ("seal", SEAL_FN), ("unseal", SEAL_FN),
        # version 3
        ("load_zone", LOAD_ZONE_FN),
    ]


class Options(Structure):
    _fields_ = [("version", c_uint), ("activation_max_attempts", c_uint32),
                ("activation_code_ttl_ms", c_int64), ("max_stage_minutes", c_uint32)]


class OpenReport(Structure):
    _fields_ = [("version", c_uint), ("records", c_uint64), ("bytes", c_uint64),
                ("last_sequence", c_uint64), ("last_time", c_int64), ("stopped", c_int),
                ("stop_code", c_int), ("stop_index", c_uint64), ("stop_reason", c_char_p),
                ("since_snapshot", c_uint64), ("reannounced", c_uint32)]


class Storage(Structure):
    _fields_ = [("version", c_uint), ("append", APPEND_FN), ("next", NEXT_FN),
                ("rewind", REWIND_FN), ("user_data", c_void_p)]


class ContactInfo(Structure):
    _fields_ = [("version", c_uint), ("alias", c_char_p), ("display_name", c_char_p),
                ("type", c_enum), ("stage_count", c_uint32), ("channel_count", c_uint32),
                ("repeat_count", c_uint32),
                # version 2
                ("rotation_count", c_uint32), ("schedule_flags", c_uint32)]


class ChannelInfo(Structure):
    _fields_ = [("version", c_uint), ("contact", c_char_p), ("name", c_char_p),
                ("type", c_char_p), ("address", c_char_p), ("activation", c_enum),
                ("attempts_left", c_uint32), ("code_expires", c_int64)]


class Target(Structure):
    _fields_ = [("version", c_uint), ("channel", c_char_p),
                ("retry_interval_minutes", c_uint32), ("contact", c_char_p),
                ("essential", c_int)]


class Stage(Structure):
    _fields_ = [("version", c_uint), ("duration_minutes", c_uint32), ("flags", c_uint32),
                ("target_count", c_size_t), ("targets", POINTER(Target))]


class Plan(Structure):
    _fields_ = [("version", c_uint), ("stage_count", c_size_t), ("stages", POINTER(Stage)),
                ("repeat_count", c_uint32)]


class Handoff(Structure):
    _fields_ = [("version", c_uint), ("day", c_uint32), ("minute", c_uint32)]


class Coverage(Structure):
    _fields_ = [("version", c_uint), ("day", c_uint32), ("start_minute", c_uint32),
                ("end_minute", c_uint32)]


class Rotation(Structure):
    _fields_ = [("version", c_uint), ("name", c_char_p), ("time_zone", c_char_p),
                ("start_time", c_int64), ("contact_count", c_size_t), ("contacts", c_str_array),
                ("recurrence", c_enum), ("multiplier", c_uint32), ("on_calls", c_uint32),
                ("handoff_count", c_size_t), ("handoffs", POINTER(Handoff)),
                ("coverage_count", c_size_t), ("coverages", POINTER(Coverage)),
                ("notice_minutes", c_uint32)]


class Override(Structure):
    _fields_ = [("version", c_uint), ("id", c_id), ("rotation", c_char_p), ("mode", c_enum),
                ("contact_count", c_size_t), ("contacts", c_str_array), ("start", c_int64),
                ("end", c_int64), ("created", c_int64)]


class Shift(Structure):
    _fields_ = [("version", c_uint), ("start", c_int64), ("end", c_int64), ("type", c_enum),
                ("index", c_uint32), ("contact_count", c_uint32), ("contacts", c_str_array),
                ("overridden_count", c_uint32), ("overridden", c_str_array)]


class Gap(Structure):
    _fields_ = [("version", c_uint), ("start", c_int64), ("end", c_int64), ("type", c_enum),
                ("on_call", c_uint32)]


class Resolution(Structure):
    _fields_ = [("version", c_uint), ("schedule", c_char_p), ("rotation", c_char_p),
                ("contact", c_char_p), ("shift_start", c_int64), ("shift_end", c_int64),
                ("resolved", c_int64)]


class EngagementParams(Structure):
    _fields_ = [("version", c_uint), ("contact", c_char_p), ("sender", c_char_p),
                ("subject", c_char_p), ("content", c_char_p), ("public_subject", c_char_p),
                ("public_content", c_char_p), ("incident_id", c_char_p),
                ("idempotency_token", c_char_p)]


class EngagementInfo(Structure):
    _fields_ = [("version", c_uint), ("id", c_id), ("contact", c_char_p),
                ("sender", c_char_p), ("subject", c_char_p), ("content", c_char_p),
                ("public_subject", c_char_p), ("public_content", c_char_p),
                ("incident_id", c_char_p), ("state", c_enum), ("acknowledged", c_int),
                ("start_time", c_int64), ("stop_time", c_int64), ("stop_reason", c_char_p),
                ("page_count", c_uint32)]


class PageInfo(Structure):
    _fields_ = [("version", c_uint), ("id", c_id), ("engagement", c_id), ("retry_of", c_id),
                ("contact", c_char_p), ("channel", c_char_p), ("channel_type", c_char_p),
                ("engaged_by", c_char_p), ("escalation_stage", c_int32), ("stage", c_uint32),
                ("essential", c_int), ("sent_time", c_int64), ("delivered_time", c_int64),
                ("read_time", c_int64), ("accepted_time", c_int64), ("accept_note", c_char_p),
                ("receipt_count", c_uint32)]


class ReceiptInfo(Structure):
    _fields_ = [("version", c_uint), ("type", c_enum), ("time", c_int64), ("info", c_char_p)]


class PreviewAck(Structure):
    _fields_ = [("version", c_uint), ("contact", c_char_p), ("after_minutes", c_uint32)]


class PreviewPage(Structure):
    _fields_ = [("version", c_uint), ("offset_ms", c_int64), ("contact", c_char_p),
                ("channel", c_char_p), ("channel_type", c_char_p), ("engaged_by", c_char_p),
                ("escalation_stage", c_int32), ("stage", c_uint32)]


class Tag(Structure):
    _fields_ = [("version", c_uint), ("key", c_char_p), ("value", c_char_p)]


class RunbookParam(Structure):
    _fields_ = [("version", c_uint), ("name", c_char_p), ("value_count", c_size_t),
                ("values", c_str_array), ("dynamic", c_enum)]


class Window(Structure):
    _fields_ = [("version", c_uint), ("start", c_int64), ("end", c_int64)]


class ResponsePlan(Structure):
    _fields_ = [
        ("version", c_uint), ("name", c_char_p), ("display_name", c_char_p),
        ("title", c_char_p), ("impact", c_int), ("summary", c_char_p),
        ("dedupe_string", c_char_p), ("incident_tag_count", c_size_t),
        ("incident_tags", POINTER(Tag)), ("notification_target_count", c_size_t),
        ("notification_targets", c_str_array), ("chat_channel_count", c_size_t),
        ("chat_channels", c_str_array), ("engagement_count", c_size_t),
        ("engagements", c_str_array), ("runbook", c_char_p),
        ("runbook_param_count", c_size_t), ("runbook_params", POINTER(RunbookParam)),
        ("tag_count", c_size_t), ("tags", POINTER(Tag)),
        ("ack_timeout_minutes", c_uint32), ("auto_resolve_minutes", c_uint32),
        ("maintenance_count", c_size_t), ("maintenance", POINTER(Window)),
    ]


class RelatedItem(Structure):
    _fields_ = [("version", c_uint), ("type", c_enum), ("value", c_char_p),
                ("title", c_char_p)]


class IncidentParams(Structure):
    _fields_ = [("version", c_uint), ("response_plan", c_char_p), ("title", c_char_p),
                ("impact", c_int), ("trigger_source", c_char_p), ("trigger_time", c_int64),
                ("trigger_arn", c_char_p), ("trigger_raw_data", c_char_p),
                ("related_item_count", c_size_t), ("related_items", POINTER(RelatedItem)),
                ("client_token", c_char_p)]


class IncidentChanges(Structure):
    _fields_ = [("version", c_uint), ("fields", c_uint32), ("title", c_char_p),
                ("summary", c_char_p), ("impact", c_int), ("status", c_enum),
                ("chat_channel_count", c_size_t), ("chat_channels", c_str_array),
                ("notification_target_count", c_size_t),
                ("notification_targets", c_str_array)]


class IncidentInfo(Structure):
    _fields_ = [
        ("version", c_uint), ("id", c_id), ("arn", c_char_p), ("response_plan", c_char_p),
        ("title", c_char_p), ("summary", c_char_p), ("impact", c_int), ("status", c_enum),
        ("creation_time", c_int64), ("last_modified_time", c_int64),
        ("resolved_time", c_int64), ("trigger_source", c_char_p), ("trigger_arn", c_char_p),
        ("trigger_time", c_int64), ("trigger_raw_data", c_char_p),
        ("dedupe_string", c_char_p), ("trigger_count", c_uint32),
        ("last_trigger_time", c_int64), ("chat_channel_count", c_size_t),
        ("chat_channels", c_str_array), ("notification_target_count", c_size_t),
        ("notification_targets", c_str_array), ("incident_tag_count", c_size_t),
        ("incident_tags", POINTER(Tag)), ("engagement_count", c_uint32),
        ("related_item_count", c_uint32), ("timeline_event_count", c_uint32),
        ("acknowledged", c_int), ("maintenance", c_int), ("runbook", c_char_p),
        ("analysis", c_id),
    ]


class IncidentFilter(Structure):
    _fields_ = [("version", c_uint), ("created_after", c_int64), ("created_before", c_int64),
                ("impacts", c_uint32), ("statuses", c_uint32)]


class TimelineEvent(Structure):
    _fields_ = [("version", c_uint), ("id", c_id), ("incident", c_id),
                ("event_type", c_char_p), ("event_time", c_int64), ("updated_time", c_int64),
                ("event_data", c_char_p), ("reference_count", c_size_t),
                ("references", c_str_array), ("automatic", c_int)]


class TimelineFilter(Structure):
    _fields_ = [("version", c_uint), ("after", c_int64), ("before", c_int64),
                ("event_type_count", c_size_t), ("event_types", c_str_array),
                ("reference_count", c_size_t), ("references", c_str_array),
                ("descending", c_int), ("skip", c_size_t)]


class Heartbeat(Structure):
    _fields_ = [("version", c_uint), ("name", c_char_p), ("response_plan", c_char_p),
                ("interval_minutes", c_uint32), ("resolve_on_beat", c_int),
                ("last_beat", c_int64), ("incident", c_id)]


class Question(Structure):
    _fields_ = [("version", c_uint), ("section", c_char_p), ("text", c_char_p),
                ("answer", c_char_p)]


class ActionItem(Structure):
    _fields_ = [("version", c_uint), ("title", c_char_p), ("owner", c_char_p),
                ("due_time", c_int64), ("status", c_enum)]


class AnalysisInfo(Structure):
    _fields_ = [("version", c_uint), ("id", c_id), ("incident", c_id),
                ("creation_time", c_int64), ("question_count", c_uint32),
                ("answered_count", c_uint32), ("timeline_event_count", c_uint32),
                ("related_item_count", c_uint32), ("action_item_count", c_uint32),
                ("open_action_item_count", c_uint32)]


class RunbookInfo(Structure):
    _fields_ = [("version", c_uint), ("name", c_char_p), ("description", c_char_p),
                ("assume_role", c_char_p), ("parameter_count", c_uint32),
                ("step_count", c_uint32), ("output_count", c_uint32)]


class ExecutionParams(Structure):
    _fields_ = [("version", c_uint), ("runbook", c_char_p), ("param_count", c_size_t),
                ("params", POINTER(RunbookParam)), ("mode", c_enum),
                ("client_token", c_char_p), ("incident", c_id)]


class ExecutionInfo(Structure):
    _fields_ = [("version", c_uint), ("id", c_id), ("runbook", c_char_p), ("status", c_enum),
                ("mode", c_enum), ("incident", c_id), ("start_time", c_int64),
                ("end_time", c_int64), ("current_step", c_char_p),
                ("failure_message", c_char_p), ("parameters", c_char_p),
                ("outputs", c_char_p), ("step_count", c_uint32)]


class StepInfo(Structure):
    _fields_ = [("version", c_uint), ("name", c_char_p), ("action", c_char_p),
                ("status", c_enum), ("attempts", c_uint32), ("start_time", c_int64),
                ("end_time", c_int64), ("inputs", c_char_p), ("outputs", c_char_p),
                ("failure_message", c_char_p), ("iteration", c_uint32)]


class ConfigResult(Structure):
    _fields_ = [("version", c_uint), ("contacts", c_uint32), ("channels", c_uint32),
                ("plans", c_uint32), ("errors", c_uint32), ("unsupported", c_uint32),
                ("response_plans", c_uint32)]


#: struct class -> (C name, the version this binding writes, its *_init function).
STRUCTS = {
    Notification: ("siren_notification", 3, None),
    Event: ("siren_event", 3, None),
    Host: ("siren_host", 3, "siren_host_init"),
    Options: ("siren_options", 1, "siren_options_init"),
    OpenReport: ("siren_open_report", 1, "siren_open_report_init"),
    Storage: ("siren_storage", 1, "siren_storage_init"),
    ContactInfo: ("siren_contact_info", 2, "siren_contact_info_init"),
    ChannelInfo: ("siren_channel_info", 1, "siren_channel_info_init"),
    Target: ("siren_target", 1, "siren_target_init"),
    Stage: ("siren_stage", 1, "siren_stage_init"),
    Plan: ("siren_plan", 1, "siren_plan_init"),
    Handoff: ("siren_handoff", 1, "siren_handoff_init"),
    Coverage: ("siren_coverage", 1, "siren_coverage_init"),
    Rotation: ("siren_rotation", 1, "siren_rotation_init"),
    Override: ("siren_override", 1, "siren_override_init"),
    Shift: ("siren_shift", 1, "siren_shift_init"),
    Gap: ("siren_gap", 1, "siren_gap_init"),
    Resolution: ("siren_resolution", 1, "siren_resolution_init"),
    EngagementParams: ("siren_engagement_params", 1, "siren_engagement_params_init"),
    EngagementInfo: ("siren_engagement_info", 1, "siren_engagement_info_init"),
    PageInfo: ("siren_page_info", 1, "siren_page_info_init"),
    ReceiptInfo: ("siren_receipt_info", 1, "siren_receipt_info_init"),
    PreviewAck: ("siren_preview_ack", 1, "siren_preview_ack_init"),
    PreviewPage: ("siren_preview_page", 1, "siren_preview_page_init"),
    Tag: ("siren_tag", 1, "siren_tag_init"),
    RunbookParam: ("siren_runbook_param", 1, "siren_runbook_param_init"),
    Window: ("siren_window", 1, "siren_window_init"),
    ResponsePlan: ("siren_response_plan", 1, "siren_response_plan_init"),
    RelatedItem: ("siren_related_item", 1, "siren_related_item_init"),
    IncidentParams: ("siren_incident_params", 1, "siren_incident_params_init"),
    IncidentChanges: ("siren_incident_changes", 1, "siren_incident_changes_init"),
    IncidentInfo: ("siren_incident_info", 1, "siren_incident_info_init"),
    IncidentFilter: ("siren_incident_filter", 1, "siren_incident_filter_init"),
    TimelineEvent: ("siren_timeline_event", 1, "siren_timeline_event_init"),
    TimelineFilter: ("siren_timeline_filter", 1, "siren_timeline_filter_init"),
    Heartbeat: ("siren_heartbeat", 1, "siren_heartbeat_init"),
    Question: ("siren_question", 1, "siren_question_init"),
    ActionItem: ("siren_action_item", 1, "siren_action_item_init"),
    AnalysisInfo: ("siren_analysis_info", 1, "siren_analysis_info_init"),
    RunbookInfo: ("siren_runbook_info", 1, "siren_runbook_info_init"),
    ExecutionParams: ("siren_execution_params", 1, "siren_execution_params_init"),
    ExecutionInfo: ("siren_execution_info", 1, "siren_execution_info_init"),
    StepInfo: ("siren_step_info", 1, "siren_step_info_init"),
    ConfigResult: ("siren_config_result", 2, "siren_config_result_init"),
}

# ---------------------------------------------------------------- functions

E = c_void_p  # siren_engine *
F = c_void_p  # siren_fanout *
P = POINTER
I = c_int

_PROTOTYPES = {
    "siren_version": (c_char_p, []),
    "siren_version_number": (I, []),
    "siren_build_features": (c_uint, []),
    "siren_strerror": (c_char_p, [I]),
    "siren_event_type_name": (c_char_p, [c_enum]),
    "siren_receipt_type_name": (c_char_p, [c_enum]),
    "siren_related_item_type_name": (c_char_p, [c_enum]),
    "siren_exec_status_name": (c_char_p, [c_enum]),
    # engine
    "siren_engine_new": (I, [P(E), P(Host), P(Options), c_void_p]),
    "siren_engine_free": (None, [E]),
    "siren_errmsg": (c_char_p, [E]),
    "siren_engine_next_deadline": (c_int64, [E]),
    "siren_engine_advance": (I, [E, P(c_uint32)]),
    "siren_engine_record_count": (c_uint64, [E]),
    "siren_engine_open": (I, [P(E), P(Host), P(Options), c_void_p, P(OpenReport)]),
    "siren_engine_snapshot": (I, [E]),
    "siren_engine_records_since_snapshot": (c_uint64, [E]),
    "siren_record_check": (I, [c_void_p, c_size_t, P(c_uint)]),
    # fan-out (declared for completeness; not wrapped yet)
    "siren_fanout_new": (I, [P(F), P(P(Storage)), c_size_t, c_size_t, P(Host)]),
    "siren_fanout_free": (None, [F]),
    "siren_fanout_append": (I, [F, c_void_p, c_size_t]),
    "siren_fanout_next": (I, [F, P(c_void_p), P(c_size_t)]),
    "siren_fanout_reading": (I, [F]),
    "siren_fanout_in_step": (I, [F, c_size_t]),
    "siren_fanout_catch_up": (I, [F, c_size_t, P(c_uint64)]),
    # contacts and channels
    "siren_contact_create": (I, [E, c_char_p, c_char_p, c_enum]),
    "siren_contact_delete": (I, [E, c_char_p]),
    "siren_contact_get": (I, [P(ContactInfo), E, c_char_p]),
    "siren_contact_count": (c_uint32, [E]),
    "siren_contact_alias_at": (c_char_p, [E, c_uint32]),
    "siren_channel_create": (I, [E, c_char_p, c_char_p, c_char_p, c_char_p, c_uint32]),
    "siren_channel_delete": (I, [E, c_char_p, c_char_p]),
    "siren_channel_send_activation_code": (I, [E, c_char_p, c_char_p]),
    "siren_channel_activate": (I, [E, c_char_p, c_char_p, c_char_p]),
    "siren_channel_deactivate": (I, [E, c_char_p, c_char_p]),
    "siren_channel_get": (I, [P(ChannelInfo), E, c_char_p, c_char_p]),
    "siren_channel_name_at": (c_char_p, [E, c_char_p, c_uint32]),
    # plans
    "siren_contact_set_plan": (I, [E, c_char_p, P(Plan)]),
    "siren_contact_plan_stage": (I, [P(Stage), E, c_char_p, c_uint32]),
    "siren_contact_plan_target": (I, [P(Target), E, c_char_p, c_uint32, c_uint32]),
    # rotations and schedules
    "siren_rotation_create": (I, [E, P(Rotation)]),
    "siren_rotation_update": (I, [E, P(Rotation)]),
    "siren_rotation_delete": (I, [E, c_char_p]),
    "siren_rotation_get": (I, [P(Rotation), E, c_char_p]),
    "siren_rotation_count": (c_uint32, [E]),
    "siren_rotation_name_at": (c_char_p, [E, c_uint32]),
    "siren_override_create": (I, [P(c_id), E, P(Override)]),
    "siren_override_delete": (I, [E, c_char_p, c_id]),
    "siren_override_get": (I, [P(Override), E, c_char_p, c_id]),
    "siren_overrides": (I, [P(c_id), c_size_t, P(c_size_t), E, c_char_p, c_int64, c_int64]),
    "siren_rotation_shifts": (I, [P(Shift), c_size_t, P(c_size_t), E, c_char_p, c_int64,
                                  c_int64]),
    "siren_rotation_preview_shifts": (I, [P(Shift), c_size_t, P(c_size_t), E, P(Rotation),
                                          P(Override), c_size_t, c_int64, c_int64]),
    "siren_schedule_set": (I, [E, c_char_p, c_str_array, c_size_t, c_uint32]),
    "siren_schedule_rotation_at": (c_char_p, [E, c_char_p, c_uint32]),
    "siren_oncall": (I, [c_str_array, c_size_t, P(c_size_t), E, c_char_p, c_int64]),
    "siren_schedule_gaps": (I, [P(Gap), c_size_t, P(c_size_t), E, c_char_p, c_int64, c_int64]),
    # engagements, pages
    "siren_engagement_start": (I, [P(c_id), E, P(EngagementParams)]),
    "siren_engagement_stop": (I, [E, c_id, c_char_p]),
    "siren_engagement_get": (I, [P(EngagementInfo), E, c_id]),
    "siren_page_receipt": (I, [E, c_id, c_enum, c_char_p]),
    "siren_page_accept": (I, [E, c_id, c_enum, c_char_p, c_enum, c_char_p]),
    "siren_page_get": (I, [P(PageInfo), E, c_id]),
    "siren_page_receipt_at": (I, [P(ReceiptInfo), E, c_id, c_uint32]),
    "siren_page_resolution": (I, [P(Resolution), E, c_id]),
    "siren_engagement_pages": (I, [P(c_id), c_size_t, P(c_size_t), E, c_id]),
    "siren_contact_pages": (I, [P(c_id), c_size_t, P(c_size_t), E, c_char_p]),
    "siren_engagements": (I, [P(c_id), c_size_t, P(c_size_t), E]),
    "siren_engagement_preview": (I, [P(PreviewPage), c_size_t, P(c_size_t), E, c_char_p,
                                     P(PreviewAck), c_size_t]),
    # response plans
    "siren_response_plan_create": (I, [E, P(ResponsePlan)]),
    "siren_response_plan_update": (I, [E, P(ResponsePlan)]),
    "siren_response_plan_delete": (I, [E, c_char_p]),
    "siren_response_plan_get": (I, [P(ResponsePlan), E, c_char_p]),
    "siren_response_plan_count": (c_uint32, [E]),
    "siren_response_plan_name_at": (c_char_p, [E, c_uint32]),
    # incidents
    "siren_incident_start": (I, [P(c_id), P(c_int), E, P(IncidentParams)]),
    "siren_incident_update": (I, [E, c_id, P(IncidentChanges)]),
    "siren_incident_add_related_item": (I, [E, c_id, P(RelatedItem)]),
    "siren_incident_remove_related_item": (I, [E, c_id, c_char_p]),
    "siren_incident_get": (I, [P(IncidentInfo), E, c_id]),
    "siren_incident_related_item_at": (I, [P(RelatedItem), E, c_id, c_uint32]),
    "siren_incident_engagements": (I, [P(c_id), c_size_t, P(c_size_t), E, c_id]),
    "siren_incidents": (I, [P(c_id), c_size_t, P(c_size_t), E, P(IncidentFilter)]),
    # timeline
    "siren_timeline_event_create": (I, [P(c_id), E, c_id, P(TimelineEvent)]),
    "siren_timeline_event_update": (I, [E, c_id, c_id, P(TimelineEvent)]),
    "siren_timeline_event_delete": (I, [E, c_id, c_id]),
    "siren_timeline_event_get": (I, [P(TimelineEvent), E, c_id, c_id]),
    "siren_timeline_events": (I, [P(c_id), c_size_t, P(c_size_t), E, c_id,
                                  P(TimelineFilter)]),
    # heartbeats
    "siren_heartbeat_create": (I, [E, P(Heartbeat)]),
    "siren_heartbeat_beat": (I, [E, c_char_p]),
    "siren_heartbeat_delete": (I, [E, c_char_p]),
    "siren_heartbeat_get": (I, [P(Heartbeat), E, c_char_p]),
    # analysis
    "siren_analysis_create": (I, [P(c_id), E, c_id, P(Question), c_size_t]),
    "siren_analysis_get": (I, [P(AnalysisInfo), E, c_id]),
    "siren_analysis_answer": (I, [E, c_id, c_uint32, c_char_p]),
    "siren_analysis_question_at": (I, [P(Question), E, c_id, c_uint32]),
    "siren_analysis_timeline_at": (I, [P(TimelineEvent), E, c_id, c_uint32]),
    "siren_analysis_related_item_at": (I, [P(RelatedItem), E, c_id, c_uint32]),
    "siren_analysis_add_action_item": (I, [P(c_uint32), E, c_id, P(ActionItem)]),
    "siren_analysis_set_action_item_status": (I, [E, c_id, c_uint32, c_enum]),
    "siren_analysis_action_item_at": (I, [P(ActionItem), E, c_id, c_uint32]),
    # runbooks
    "siren_runbook_load": (I, [E, c_char_p, c_char_p, c_size_t]),
    "siren_runbook_delete": (I, [E, c_char_p]),
    "siren_runbook_get": (I, [P(RunbookInfo), E, c_char_p]),
    "siren_runbook_count": (c_uint32, [E]),
    "siren_runbook_name_at": (c_char_p, [E, c_uint32]),
    "siren_execution_start": (I, [P(c_id), E, P(ExecutionParams)]),
    "siren_execution_signal": (I, [E, c_id, c_enum, c_char_p, c_char_p, c_char_p]),
    "siren_execution_stop": (I, [E, c_id, c_enum]),
    "siren_action_result": (I, [E, c_id, c_char_p, c_uint32, c_char_p, c_char_p]),
    "siren_execution_get": (I, [P(ExecutionInfo), E, c_id]),
    "siren_execution_step_at": (I, [P(StepInfo), E, c_id, c_uint32]),
    "siren_executions": (I, [P(c_id), c_size_t, P(c_size_t), E]),
    # configuration
    "siren_config_load": (I, [P(ConfigResult), E, c_char_p, c_size_t]),
    "siren_config_problems": (c_char_p, [E]),
}
for _cls, (_name, _v, _init) in STRUCTS.items():
    if _init:
        _PROTOTYPES[_init] = (I, [P(_cls), c_uint])


def _declare(lib: ctypes.CDLL) -> None:
    missing = []
    for name, (restype, argtypes) in _PROTOTYPES.items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            missing.append(name)
            continue
        fn.restype = restype
        fn.argtypes = argtypes
    if missing:
        raise LibraryVersionError(
            "%s lacks %d function(s) this binding needs (%s): a stale build of the same "
            "version?" % (getattr(lib, "_name", "libsiren"), len(missing),
                          ", ".join(sorted(missing)[:5])))


def _candidates() -> list:
    env = os.environ.get("SIREN_LIBRARY")
    if env:
        return [env]
    out = []
    # Importable from the source tree: bindings/python/siren -> repository root.
    root = Path(__file__).resolve().parents[3]
    if (root / "include" / "siren" / "siren.h").is_file():
        for d in ["build"] + sorted(p.name for p in root.glob("build*") if p.name != "build"):
            f = root / d / "libsiren.so.0"
            if f.is_file():
                out.append(str(f))
    out.append("libsiren.so.0")
    found = ctypes.util.find_library("siren")
    if found:
        out.append(found)
    return out


def check_version(number: int) -> None:
    """Raises LibraryVersionError unless `number` (siren_version_number() of
    the loaded library) can serve a binding written for WRITTEN_FOR: the same
    major version (and, while the major is 0, the same minor), and not older."""
    major, minor = divmod(number, 10000)[0], divmod(number, 100)[0] % 100
    w_major, w_minor = WRITTEN_FOR // 10000, (WRITTEN_FOR // 100) % 100
    if major != w_major or (major == 0 and minor != w_minor) or number < WRITTEN_FOR:
        raise LibraryVersionError(
            "libsiren version %d.%d.%d cannot serve this binding (written for %d.%d.%d)"
            % (major, minor, number % 100, w_major, w_minor, WRITTEN_FOR % 100))


def load_library(path: Optional[str] = None) -> ctypes.CDLL:
    """Loads libsiren (path, else $SIREN_LIBRARY, else the source tree's
    build directories, else the system), checks its version and declares
    every function. A library given by path or $SIREN_LIBRARY that does not
    fit raises LibraryVersionError; a discovered one that does not fit is
    passed over for the next candidate."""
    explicit = bool(path or os.environ.get("SIREN_LIBRARY"))
    errors = []
    for cand in ([path] if path else _candidates()):
        try:
            lib = ctypes.CDLL(cand)
        except OSError as exc:
            errors.append("%s: %s" % (cand, exc))
            continue
        try:
            lib.siren_version_number.restype = c_int
            lib.siren_version_number.argtypes = []
            check_version(lib.siren_version_number())
            _declare(lib)
        except LibraryVersionError as exc:
            if explicit:
                raise
            errors.append(str(exc))
            continue
        return lib
    if errors and all("cannot serve" in e or "lacks" in e for e in errors):
        raise LibraryVersionError("no usable libsiren: " + "; ".join(errors))
    raise ImportError("cannot load libsiren.so.0 (set SIREN_LIBRARY): " + "; ".join(errors))
