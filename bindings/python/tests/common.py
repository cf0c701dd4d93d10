"""Shared fixtures: the seed contacts built through the Python API."""
import pathlib

import siren
from siren import ChannelTarget, ContactTarget, ContactType, Stage
from siren.host import MINUTE, T0, SimHost  # noqa: F401

REPO = pathlib.Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "examples" / "ec2-high-cpu"


def personal(e: siren.Engine, alias: str, activated: bool = True) -> siren.Contact:
    c = e.create_contact(alias, alias.replace("-", " ").capitalize())
    c.add_channel(alias + "-email", "EMAIL",
                  ("responder@example.com" if alias == "incident-responder"
                   else alias + "@example.com"), activated=activated)
    c.add_channel(alias + "-mobile", "SMS",
                  "+12065550100" if alias == "incident-responder" else "+12065550101",
                  activated=activated)
    c.set_plan([Stage(10, [ChannelTarget(alias + "-email", 1)]),
                {"duration_minutes": 5,
                 "targets": [{"channel": alias + "-mobile", "retry_interval_minutes": 1}]}])
    return c


def seed(e: siren.Engine, activated: bool = True, essential=(True, True)) -> None:
    personal(e, "incident-responder", activated)
    personal(e, "sr-incident-responder", activated)
    esc = e.create_contact("app-escalation-plan", "App escalation plan", ContactType.ESCALATION)
    esc.set_plan([Stage(5, [ContactTarget("incident-responder", essential[0])]),
                  Stage(5, [ContactTarget("sr-incident-responder", essential[1])])])


def engage(e: siren.Engine, contact: str = "app-escalation-plan") -> siren.Engagement:
    return e.engage(contact, "cpu-monitor", "EC2 CPU above 85%",
                    "i-0abc: CPUUtilization 91% for 5 minutes", public_subject="CPU alarm",
                    public_content="CPU alarm on a production host",
                    incident_id="cpu-incident-1")


def pages_text(host: SimHost) -> str:
    out = []
    for n in host.pages():
        ms = n.time - host.start
        at = "%d" % (ms // MINUTE) if ms % MINUTE == 0 else "%ds" % (ms // 1000)
        out.append("%s:%s/%s" % (at, n.contact, n.channel))
    return " ".join(out)


def last_page(host: SimHost, contact: str, channel: str = None):
    for n in reversed(host.pages()):
        if n.contact == contact and (channel is None or n.channel == channel):
            return n
    return None
