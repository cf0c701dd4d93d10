#!/usr/bin/env python3
"""Golden timeline tests for siren-sim.

Each NAME.yaml here runs through siren-sim and its JSON Lines output must equal
NAME.jsonl byte for byte (the goldens were checked by hand against the rules in
siren.h; each scenario's comment says what it shows; incident-*.yaml cover the
incident actions, runbook-*.yaml the runbook actions, rotation-*, schedule-*,
follow-the-sun and cfn-rotation the rotations and schedules). Also checks the
exit codes and messages for malformed input and refused actions, --check,
--help, --svg and --shifts (rotation-override.shifts.jsonl).

usage: run_golden.py SIREN_SIM TESTS_SIM_DIR EXAMPLES_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

sim, here, examples = (os.path.abspath(a) for a in sys.argv[1:4])
failures = []

# Scenarios whose rotations are in zones read from the system's zoneinfo:
# skipped (and said so) where it is absent.
ZONED = {"rotation-dst.yaml", "rotation-override.yaml", "schedule-nobody.yaml",
         "follow-the-sun.yaml", "cfn-rotation.yaml"}
zoneinfo = os.environ.get("TZDIR") or "/usr/share/zoneinfo"
have_zones = all(os.path.exists(os.path.join(zoneinfo, z))
                 for z in ("America/New_York", "Europe/London", "Asia/Tokyo", "America/Los_Angeles"))
if not have_zones:
    print(f"skip {sorted(ZONED)}: no zoneinfo in {zoneinfo}")


def run(args, cwd):
    return subprocess.run([sim] + args, cwd=cwd, capture_output=True, text=True, timeout=60)


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


goldens = sorted(f for f in os.listdir(here) if f.endswith(".yaml"))
check(len(goldens) >= 29, f"at least 29 golden scenarios ({len(goldens)})")
for name in goldens:
    if name in ZONED and not have_zones:
        continue
    p = run([name], here)
    want = open(os.path.join(here, name[:-5] + ".jsonl")).read()
    check(p.returncode == 0, f"{name}: exit 0 (got {p.returncode}: {p.stderr.strip()})")
    check(p.stdout == want, f"{name}: timeline equals {name[:-5]}.jsonl")
    for line in p.stdout.splitlines():
        o = json.loads(line)
        if not (o["t"].endswith("Z") and len(o["t"]) == 24 and "event" in o):
            check(False, f"{name}: malformed line {line}")
            break

# The seed demo from the examples folder.
p = run(["scenario.yaml"], os.path.join(examples, "ec2-high-cpu"))
check(p.returncode == 0 and p.stdout == open(os.path.join(here, "ec2-high-cpu.jsonl")).read(),
      "ec2-high-cpu demo timeline equals ec2-high-cpu.jsonl")

p = run(["bad-syntax.yaml.in"], here)
check(p.returncode == 2, f"malformed YAML exits 2 (got {p.returncode})")
check(p.stderr.startswith("bad-syntax.yaml.in:5:1: "), f"malformed YAML names file:line:column ({p.stderr.strip()})")

p = run(["bad-reference.yaml.in"], here)
check(p.returncode == 2, f"unknown reference exits 2 (got {p.returncode})")
check('contacts[0].Plan.Stages[0].Targets[0]: unknown contact "sr-responder"' in p.stderr,
      f"unknown reference names its path ({p.stderr.strip()})")

p = run(["incident-refused.yaml.in"], here)
check(p.returncode == 1, f"an incident action siren refuses exits 1 (got {p.returncode})")
check(p.stderr == "incident-refused.yaml.in:10:21: CreateAnalysis: incident 1 is not resolved\n",
      f"a refused incident action names file:line:column and siren's message ({p.stderr.strip()})")

p = run(["incident-bad-input.yaml.in"], here)
check(p.returncode == 2, f"unreadable incident input exits 2 (got {p.returncode})")
check(p.stderr.startswith('incident-bad-input.yaml.in:9:36: status "CLOSED": expected OPEN or RESOLVED'),
      f"unreadable incident input names file:line:column ({p.stderr.strip()})")

p = run(["runbook-bad.yaml.in"], here)
check(p.returncode == 2, f"a runbook siren refuses exits 2 (got {p.returncode})")
check(p.stderr == 'runbook-bad.yaml.in:7:16: LoadRunbook "bad": content 3:58: mainSteps[0].nextStep: no step "nope"\n',
      f"a refused runbook names the content's position and the problem's line:column in it ({p.stderr.strip()})")

p = run(["runbook-refused.yaml.in"], here)
check(p.returncode == 1, f"a runbook action siren refuses exits 1 (got {p.returncode})")
check(p.stderr == 'runbook-refused.yaml.in:11:27: SendAutomationSignal: step "wait" is not waiting for approval\n',
      f"a refused signal names file:line:column and siren's message ({p.stderr.strip()})")

p = run(["--check", "lint.yaml.in"], here)
check(p.returncode == 1, f"--check with problems exits 1 (got {p.returncode})")
check('"lonely": none of its 1 channels is activated' in p.stdout, "--check reports unactivated channels")
check('targets "lonely", whose plan is empty' in p.stdout, "--check reports an empty target plan")

p = run(["--check", "scenario.yaml"], os.path.join(examples, "ec2-high-cpu"))
check(p.returncode == 0 and p.stdout == "ok: 3 contacts\n", f"--check of the demo is clean ({p.stdout.strip()})")

p = run(["--help"], here)
check(p.returncode == 0 and "StartEngagement" in p.stdout and "Example:" in p.stdout, "--help documents the format")
check(all(a in p.stdout for a in ("CreateResponsePlan", "StartIncident", "UpdateIncidentRecord",
                                  "UpdateRelatedItems", "CreateTimelineEvent", "ListTimeline",
                                  "CreateHeartbeat", "CreateAnalysis", "AddActionItem")),
      "--help documents the incident actions")
check(all(a in p.stdout for a in ("LoadRunbook", "StartAutomationExecution", "SendAutomationSignal",
                                  "StopAutomationExecution", "CompleteAction", "GetAutomationExecution",
                                  "HostActions")),
      "--help documents the runbook actions")

with tempfile.TemporaryDirectory() as tmp:
    svg = os.path.join(tmp, "t.svg")
    p = run(["--svg", svg, "no-ack.yaml"], here)
    body = open(svg).read() if os.path.exists(svg) else ""
    check(p.returncode == 0 and body.startswith("<svg") and body.count("<circle") == 4,
          "--svg draws one mark per page (4 in no-ack)")
    p = run(["--svg", svg, "incident-heartbeat.yaml"], here)
    body = open(svg).read() if os.path.exists(svg) else ""
    check(p.returncode == 0 and body.count("<circle") == 3
          and all(body.count(f">incident {i} {what}</text>") == 1 for i in (1, 2) for what in ("opened", "resolved")),
          "--svg marks incidents opening and resolving (2 of each, 3 pages, in incident-heartbeat)")

# Rotations: --shifts (definitions plus the scenario's overrides), its SVG,
# a refused override, and --check of schedules.
if have_zones:
    shifts_args = ["--shifts", "arn:aws:ssm-contacts:eu-west-2:111122223333:rotation/Platform weekly",
                   "--from", "2026-01-05T00:00:00Z", "--to", "P7DT16H"]
    p = run(shifts_args + ["rotation-override.yaml"], here)
    want = open(os.path.join(here, "rotation-override.shifts.jsonl")).read()
    check(p.returncode == 0 and p.stdout == want,
          f"--shifts lists the shifts with the scenario's overrides ({p.returncode}: {p.stderr.strip()})")
    with tempfile.TemporaryDirectory() as tmp:
        svg = os.path.join(tmp, "shifts.svg")
        p = run(shifts_args + ["--svg", svg, "rotation-override.yaml"], here)
        body = open(svg).read() if os.path.exists(svg) else ""
        check(p.returncode == 0 and p.stdout == want and body.startswith("<svg")
              and body.count('<rect class="shift ') == 4 and body.count('<rect class="shift overridden"') == 1
              and "carol (override; instead of alice, bob)" in body,
              "--shifts --svg draws one bar per shift (4), the overridden one marked")
    p = run(["--check", "follow-the-sun.yaml"], here)
    check(p.returncode == 0 and p.stdout == (
        'lint: warning: schedule "global-oncall": nobody is on call for 52h00m in the 7 days from '
        "2026-01-06T02:00:00.000Z (6 gaps, the first from 2026-01-06T08:00:00.000Z to "
        "2026-01-06T09:00:00.000Z); an engagement then skips the schedule\nok: 5 contacts\n"),
          f"--check warns about a schedule's coverage gaps and still passes ({p.stdout.strip()})")

p = run(["--shifts", "Nope", "schedule-escalation.yaml"], here)
check(p.returncode == 1 and 'no rotation "Nope"' in p.stderr, f"--shifts of an unknown rotation exits 1 ({p.stderr.strip()})")

p = run(["rotation-refused.yaml.in"], here)
check(p.returncode == 1 and p.stderr == 'rotation-refused.yaml.in:11:29: CreateRotationOverride: contacts[0]: '
      '"erin" is not a member of rotation "Solo"\n',
      f"an override siren refuses names file:line:column and siren's message ({p.stderr.strip()})")

p = run(["--check", "lint-schedule.yaml.in"], here)
check(p.returncode == 1 and 'lint: contact "empty": an on-call schedule without rotations' in p.stdout
      and 'lint: warning: schedule "weekdays": nobody is on call for 48h00m' in p.stdout
      and 'whose plan is empty' not in p.stdout,
      f"--check: a schedule without rotations is a problem, gaps a warning ({p.stdout.strip()})")

p = run(["--help"], here)
check(all(a in p.stdout for a in ("CreateRotationOverride", "DeleteRotationOverride", "--shifts", "shift.started",
                                  "schedule.resolved", "schedule.nobody", "shift.notice")),
      "--help documents rotations, overrides and --shifts")

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
