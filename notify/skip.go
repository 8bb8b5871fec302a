package notify

import "context"

// Skip is the sender of a channel this deployment does not send on, such
// as email with no mail server configured: each notification is recorded
// as skipped, with the reason, rather than left waiting or lost unseen.
type Skip struct{ Reason string }

// SkipError is Skip's answer: activities.Deliverer marks the notification
// skipped.
type SkipError struct{ Reason string }

func (e *SkipError) Error() string { return "not sent: " + e.Reason }

func (s Skip) Send(context.Context, Message) error { return &SkipError{Reason: s.Reason} }
