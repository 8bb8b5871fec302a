package api

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/compact-un/compact/internal/lang"
	"github.com/compact-un/compact/notify"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/wire"
	"github.com/compact-un/compact/workflows"
)

// subscriptionRoutes registers subscriptions, the links in messages and
// the PGA office's delivery report. Token holders subscribe at once and
// manage their own subscriptions; an observer subscribes an email address
// by confirming from it, so that nobody subscribes someone else. The links
// work without signing in: their signed token is the authority.
func (s *Server) subscriptionRoutes(mux *http.ServeMux) {
	s.handle(mux, "POST /v1/processes/{id}/subscriptions", s.subscribe)
	s.handle(mux, "GET /v1/subscriptions", s.listSubscriptions, Roles...)
	s.handle(mux, "DELETE /v1/subscriptions/{sub}", s.deleteSubscription, Roles...)
	s.handle(mux, "GET /v1/subscriptions/confirm", s.followLink(notify.ActionConfirm, false))
	s.handle(mux, "POST /v1/subscriptions/confirm", s.followLink(notify.ActionConfirm, true))
	s.handle(mux, "GET /v1/unsubscribe", s.followLink("", false))
	s.handle(mux, "POST /v1/unsubscribe", s.followLink("", true))
	s.handle(mux, "GET /v1/processes/{id}/notifications", s.deliveryReport, PGAOffice)
}

// Links configure the links in messages.
type Links struct {
	PublicURL string // the API's address as recipients reach it; default http://localhost
	Key       []byte // signs the links; nil is a random key of this server's
}

// links are Links ready to use.
type links struct {
	sign       notify.Unsubscribe
	confirmURL string
}

func newLinks(l Links) links {
	if l.Key == nil {
		l.Key = make([]byte, 32)
		rand.Read(l.Key) // never fails
	}
	base := strings.TrimSuffix(cmp.Or(l.PublicURL, "http://localhost"), "/")
	return links{sign: notify.Unsubscribe{URL: base + "/v1/unsubscribe", Secret: l.Key}, confirmURL: base + "/v1/subscriptions/confirm"}
}

// confirmFor is how long an observer has to confirm.
const confirmFor = 7 * 24 * time.Hour

// Bounds of a subscription's addresses.
const (
	maxEmail = 254
	maxURL   = 2000
)

func (s *Server) subscribe(w http.ResponseWriter, r *http.Request) {
	const op = "api.subscribe"
	var req wire.SubscribeRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	p := principal(r.Context())
	sub, err := newSubscription(req, r.PathValue("id"), p, r.Header.Get("Accept-Language"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	proc, err := s.store.GetProcess(r.Context(), sub.ProcessID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Role == Observer {
		if err := s.sendConfirmation(r.Context(), proc, sub); err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusAccepted, wire.ConfirmationSent{Status: "confirmation-sent", ProcessID: sub.ProcessID, Address: sub.Recipient})
		return
	}
	var secret string
	if sub.Channel == notify.ChannelWebhook {
		if !s.allowPrivateWebhooks {
			if err := notify.CheckWebhookTarget(r.Context(), net.DefaultResolver, sub.Recipient); err != nil {
				s.fail(w, r, process.AtField("/address", err))
				return
			}
		}
		owners, err := s.store.EndpointOwners(r.Context(), sub.Channel, sub.Recipient)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if slices.ContainsFunc(owners, func(o string) bool { return o != sub.Owner }) {
			s.fail(w, r, process.Errorf(op, process.Conflict, "the webhook %s is registered by another party", sub.Recipient))
			return
		}
	}
	stored, err := s.store.Subscribe(r.Context(), sub)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if sub.Channel == notify.ChannelWebhook {
		// Registering the endpoint again issues a new secret and mends it.
		secret = notify.NewWebhookSecret()
		if err := s.store.PutEndpoint(r.Context(), store.Endpoint{Channel: sub.Channel, Recipient: sub.Recipient,
			Secret: secret, Owner: req.OwnerEmail}); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusCreated, wire.Subscribed{Subscription: wire.Subscription(stored), Secret: secret})
}

// newSubscription checks the request and makes the subscription it asks for.
func newSubscription(req wire.SubscribeRequest, processID string, p Principal, acceptLanguage string) (store.Subscription, error) {
	const op = "api.subscribe"
	sub := store.Subscription{ProcessID: processID, Channel: cmp.Or(req.Channel, notify.ChannelEmail), Mode: cmp.Or(req.Mode, store.ModeImmediate),
		Language: cmp.Or(req.Language, lang.Match(acceptLanguage))}
	if p.Role != Observer {
		sub.Owner = string(p.Role) + ":" + p.Party
	}
	address := strings.TrimSpace(req.Address)
	switch sub.Channel {
	case notify.ChannelEmail:
		a, err := mail.ParseAddress(address)
		if err != nil || a.Address != address || len(address) > maxEmail {
			return sub, process.Errorf(op, process.Invalid, "address %q: want an email address such as focal.point@mission.example", req.Address)
		}
	case notify.ChannelWebhook:
		if p.Role == Observer {
			return sub, process.Errorf(op, process.Unauthorized, "a webhook needs a token: observers subscribe an email address")
		}
		u, err := url.Parse(address)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Fragment != "" || len(address) > maxURL {
			return sub, process.Errorf(op, process.Invalid, "address %q: want a webhook's http(s) URL, without credentials or fragment", req.Address)
		}
		if sub.Mode != store.ModeImmediate {
			return sub, process.Errorf(op, process.Invalid, "a webhook takes every event at once: its mode is immediate")
		}
		if req.OwnerEmail != "" {
			if a, err := mail.ParseAddress(req.OwnerEmail); err != nil || a.Address != req.OwnerEmail {
				return sub, process.Errorf(op, process.Invalid, "ownerEmail %q: want an email address", req.OwnerEmail)
			}
		}
	default:
		return sub, process.Errorf(op, process.Invalid, "channel %q: want email or webhook", req.Channel)
	}
	if req.OwnerEmail != "" && sub.Channel != notify.ChannelWebhook {
		return sub, process.Errorf(op, process.Invalid, "ownerEmail is a webhook's")
	}
	sub.Recipient = address
	if !slices.Contains(lang.All, sub.Language) {
		return sub, process.Errorf(op, process.Invalid, "language %q: want one of %s", req.Language, strings.Join(lang.All, ", "))
	}
	if !slices.Contains([]string{store.ModeImmediate, store.ModeDaily, store.ModeWeekly}, sub.Mode) {
		return sub, process.Errorf(op, process.Invalid, "mode %q: want immediate, daily or weekly", req.Mode)
	}
	sub.Topics = process.DefaultTopics(string(p.Role))
	if p.Role == Observer {
		sub.Topics = process.DefaultTopics("")
	}
	if len(req.Topics) > 0 {
		sub.Topics = nil
		for _, t := range req.Topics {
			if _, ok := process.Topics[t]; !ok {
				return sub, process.Errorf(op, process.Invalid, "topic %q: want some of %s", t, strings.Join(process.TopicNames, ", "))
			}
			if !slices.Contains(sub.Topics, t) {
				sub.Topics = append(sub.Topics, t)
			}
		}
	}
	if slices.Contains(sub.Topics, "receipts") && p.Role != MemberState && p.Role != Stakeholder {
		return sub, process.Errorf(op, process.Invalid, "receipts are for those who contribute: Member States and stakeholders")
	}
	return sub, nil
}

// sendConfirmation queues the confirmation an observer's subscription
// waits for: a link, signed with the settings asked for, to the address. At
// most one a day per address and process, so that the form cannot be made
// to flood a mailbox.
func (s *Server) sendConfirmation(ctx context.Context, proc process.Process, sub store.Subscription) error {
	now := time.Now().UTC()
	link, err := s.links.sign.LinkTo(s.links.confirmURL, notify.Claims{Recipient: sub.Recipient, ProcessID: sub.ProcessID,
		Channel: sub.Channel, Expires: now.Add(confirmFor), Action: notify.ActionConfirm,
		Topics: sub.Topics, Language: sub.Language, Mode: sub.Mode})
	if err != nil {
		return err
	}
	eventKey := fmt.Sprintf("confirm/%s/%s/%s", sub.ProcessID, sub.Recipient, now.Format(time.DateOnly))
	payload, err := json.Marshal(map[string]any{"processId": proc.ID, "event": "subscription.confirm",
		"data": map[string]any{"confirm": link, "topics": sub.Topics, "mode": sub.Mode}})
	if err != nil {
		return process.E("api.subscribe", process.Internal, err)
	}
	if err := s.store.Enqueue(ctx, []store.Notification{{Key: eventKey + "|" + sub.Recipient + "|" + sub.Channel, EventKey: eventKey,
		ProcessID: proc.ID, Event: "subscription.confirm", Recipient: sub.Recipient, Channel: sub.Channel, Language: sub.Language,
		Payload: string(payload), CreatedAt: now}}); err != nil {
		return err
	}
	s.startDelivery(ctx, eventKey)
	return nil
}

// startDelivery starts the Delivery workflow of notifications the API
// queued. Failing to is logged, not lost: the sweep starts it later.
func (s *Server) startDelivery(ctx context.Context, eventKey string) {
	if err := workflows.StartDelivery(ctx, s.temporal, eventKey); err != nil {
		s.log.Warn("starting a delivery failed; the outbox's sweep will", zap.String("event", eventKey), zap.Error(err))
	}
}

// deliverReceipt starts the delivery of a contribution's receipt, which the
// store queued with the contribution, if some of it is to go now. A retry
// does too: the first attempt may have died before it could. A failure is
// logged, not the contribution's: the outbox's sweep starts it later.
func (s *Server) deliverReceipt(ctx context.Context, receipt process.Receipt) {
	key := store.ReceiptKey(receipt.Tracking)
	pending, err := s.store.HasPending(ctx, key)
	if err != nil {
		s.log.Warn("reading a receipt's notifications failed; the outbox's sweep starts their delivery",
			zap.String("tracking", receipt.Tracking), zap.Error(err))
		return
	}
	if pending {
		s.startDelivery(ctx, key)
	}
}

func (s *Server) listSubscriptions(w http.ResponseWriter, r *http.Request) {
	p := principal(r.Context())
	subs, err := s.store.ListSubscriptions(r.Context(), string(p.Role)+":"+p.Party)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]wire.Subscription, len(subs))
	for i, sub := range subs {
		out[i] = wire.Subscription(sub)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) deleteSubscription(w http.ResponseWriter, r *http.Request) {
	p := principal(r.Context())
	if err := s.store.DeleteSubscription(r.Context(), r.PathValue("sub"), string(p.Role)+":"+p.Party); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// linkView is a link as its page shows it: with the token its buttons post.
type linkView struct {
	wire.Link
	Token string `json:"-"`
}

// followLink serves a confirmation or unsubscribe link. GET shows what it
// stands for, with a button: mail scanners fetch links, and a fetch must not
// act (RFC 8058). POST acts, from that button or from a mail client's
// one-click unsubscribe; doing it again changes nothing.
func (s *Server) followLink(action string, act bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		const op = "api.followLink"
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		token := r.FormValue("token") // the query's, or a posted form's
		c, err := s.links.sign.Verify(token, time.Now())
		if err == nil && c.Action != action {
			err = process.E(op, process.Unauthorized, notify.ErrTokenInvalid)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v := linkView{Link: wire.Link{Action: cmp.Or(c.Action, "unsubscribe"), ProcessID: c.ProcessID, Process: c.ProcessID, Address: c.Recipient,
			Channel: c.Channel, Topics: c.Topics, Language: c.Language, Mode: c.Mode, Expires: c.Expires}, Token: token}
		if p, err := s.store.GetProcess(r.Context(), c.ProcessID); err == nil {
			v.Process = p.Title
		}
		sub, err := s.store.GetSubscription(r.Context(), c.ProcessID, c.Recipient, c.Channel)
		subscribed := err == nil
		if process.KindOf(err) == process.NotFound {
			err = nil
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		switch {
		case act && action == notify.ActionConfirm:
			_, err = s.store.Subscribe(r.Context(), store.Subscription{ProcessID: c.ProcessID, Recipient: c.Recipient, Channel: c.Channel,
				Topics: c.Topics, Language: c.Language, Mode: c.Mode})
			v.Done = err == nil
		case act:
			err = s.store.Unsubscribe(r.Context(), c.ProcessID, c.Recipient, c.Channel)
			v.Done = err == nil
		case action == notify.ActionConfirm:
			v.Done = subscribed && slices.Equal(sub.Topics, c.Topics) && sub.Mode == c.Mode && sub.Language == c.Language
		default:
			v.Done = !subscribed
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !strings.Contains(r.Header.Get("Accept"), "text/html") {
			writeJSON(w, http.StatusOK, v.Link)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer") // the token is in the URL
		if err := linkPage.Execute(w, v); err != nil {
			s.log.Error("rendering a link's page failed", zap.Error(err))
		}
	}
}

var linkPage = htmltemplate.Must(htmltemplate.New("link").Parse(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Process}}</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 2em auto">
<h1 style="font-size: 1.25em">{{.Process}}</h1>
{{if eq .Action "confirm"}}{{if .Done}}<p>{{.Address}} is subscribed to this process's updates.</p>
{{else}}<p>Subscribe {{.Address}} to this process's updates{{with .Topics}} ({{range $i, $t := .}}{{if $i}}, {{end}}{{$t}}{{end}}){{end}}{{if ne .Mode "immediate"}}, in a {{.Mode}} digest{{end}}?</p>
<form method="post"><input type="hidden" name="token" value="{{.Token}}"><button type="submit">Confirm the subscription</button></form>
{{end}}{{else}}{{if .Done}}<p>{{.Address}} receives no more updates of this process.</p>
{{else}}<p>Stop sending this process's updates to {{.Address}}?</p>
<form method="post"><input type="hidden" name="token" value="{{.Token}}"><button type="submit">Unsubscribe</button></form>
{{end}}{{end}}</body>
</html>
`))

var notificationStates = []string{store.NotificationPending, store.NotificationHeld, store.NotificationDigested,
	store.NotificationSent, store.NotificationFailed, store.NotificationSkipped}

// deliveryReport shows the PGA's office what became of a process's
// notifications: each one's state, attempts and last error, and each
// endpoint's health.
func (s *Server) deliveryReport(w http.ResponseWriter, r *http.Request) {
	const op = "api.deliveryReport"
	q := r.URL.Query()
	f := store.NotificationFilter{ProcessID: r.PathValue("id"), State: q.Get("state"), After: q.Get("after")}
	if f.State != "" && !slices.Contains(notificationStates, f.State) {
		s.fail(w, r, process.Errorf(op, process.Invalid, "state %q: want one of %s", f.State, strings.Join(notificationStates, ", ")))
		return
	}
	limit, err := pageLimit(q.Get("limit"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.Limit = limit
	if _, err := s.store.GetProcess(r.Context(), f.ProcessID); err != nil {
		s.fail(w, r, err)
		return
	}
	ns, err := s.store.NotificationStatuses(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep := wire.DeliveryReport{ProcessID: f.ProcessID, Notifications: make([]wire.Delivery, len(ns))}
	for i, n := range ns {
		rep.Notifications[i] = wire.Delivery{Key: n.Key, EventKey: n.EventKey, Event: n.Event, Recipient: n.Recipient, Channel: n.Channel,
			Language: n.Language, State: n.State, Mode: n.Mode, DigestKey: n.DigestKey, Failure: n.Failure, CreatedAt: n.CreatedAt,
			Attempts: n.Attempts, LastAttemptAt: n.LastAttemptAt, LastError: n.LastError}
	}
	if len(ns) == limit {
		rep.Next = ns[len(ns)-1].Key
	}
	if rep.Counts, err = s.store.CountNotifications(r.Context(), f.ProcessID); err != nil {
		s.fail(w, r, err)
		return
	}
	endpoints, err := s.store.ProcessEndpoints(r.Context(), f.ProcessID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep.Endpoints = make([]wire.Endpoint, 0, len(endpoints))
	for _, e := range endpoints { // without their secrets
		rep.Endpoints = append(rep.Endpoints, wire.Endpoint{Channel: e.Channel, Recipient: e.Recipient, Language: e.Language,
			Owner: e.Owner, Failures: e.Failures, Rejections: e.Rejections, FailingSince: e.FailingSince,
			DisabledAt: e.DisabledAt, DisabledReason: e.DisabledReason})
	}
	writeJSON(w, http.StatusOK, rep)
}
