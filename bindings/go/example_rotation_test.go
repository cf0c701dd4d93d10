package siren_test

import (
	"fmt"
	"strings"
	"time"

	"siren"
)

// clockHost is a host on a clock moved by hand that drops notifications.
type clockHost struct{ now time.Time }

func (h *clockHost) Now() time.Time                     { return h.now }
func (h *clockHost) Notify(n *siren.Notification) error { return nil }

// A weekly rotation in New York across the spring-forward, an override,
// and a page through an on-call schedule (bindings/go/README.md).
func ExampleEngine_CreateRotation() {
	ny, _ := time.LoadLocation("America/New_York")
	at := func(d, h int) time.Time { return time.Date(2026, 3, d, h, 0, 0, 0, ny) }
	host := &clockHost{now: at(2, 8)}
	e, _ := siren.NewEngine(host) // zones come from $TZDIR or /usr/share/zoneinfo
	defer e.Close()
	for _, a := range []string{"alice", "bob"} {
		e.CreateContact(a, "", siren.Personal)
		e.CreateChannel(a, "email", "EMAIL", a+"@example.com", true)
		e.SetPlan(a, siren.Plan{Stages: []siren.Stage{{Duration: 5 * time.Minute,
			Targets: []siren.Target{{Channel: "email"}}}}})
	}
	err := e.CreateRotation(siren.Rotation{Name: "primary", TimeZone: "America/New_York",
		Start: at(2, 9), Contacts: []string{"alice", "bob"}, Recurrence: siren.Weekly,
		Handoffs: []siren.Handoff{{Weekday: time.Monday, TimeOfDay: 9 * time.Hour}}})
	if err != nil {
		panic(err)
	}
	e.CreateOverride(siren.Override{Rotation: "primary", Contacts: []string{"bob"},
		Start: at(3, 9), End: at(4, 9)})
	shifts, _ := e.RotationShifts("primary", at(2, 9), at(16, 9))
	for _, s := range shifts {
		fmt.Println(s.Start.In(ny).Format("Mon 02 Jan 15:04 MST"), s.End.Sub(s.Start),
			s.Type, strings.Join(s.Contacts, ","))
	}
	e.CreateContact("primary-oncall", "", siren.OnCallSchedule)
	e.SetSchedule("primary-oncall", []string{"primary"}, false)
	host.now = at(10, 14)
	id, _ := e.StartEngagement(siren.EngagementParams{Contact: "primary-oncall",
		Sender: "cpu-agent", Subject: "CPU above 85%", Content: "i-0123"})
	pages, _ := e.EngagementPages(id).All()
	r, _ := e.PageResolution(pages[0].ID)
	fmt.Println(pages[0].Contact, "paged through", r.Schedule, "/", r.Rotation)
	// Output:
	// Mon 02 Mar 09:00 EST 24h0m0s REGULAR alice
	// Tue 03 Mar 09:00 EST 24h0m0s OVERRIDDEN bob
	// Wed 04 Mar 09:00 EST 119h0m0s REGULAR alice
	// Mon 09 Mar 09:00 EDT 168h0m0s REGULAR bob
	// bob paged through primary-oncall / primary
}
