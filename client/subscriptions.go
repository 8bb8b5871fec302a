package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/compact-un/compact/wire"
)

// Subscribe subscribes an address to a process's news: a token holder's
// subscription is in force at once (Subscribed); an observer's waits for
// the address to confirm it (ConfirmationSent).
func (c *Client) Subscribe(ctx context.Context, id string, in wire.SubscribeRequest) (wire.SubscribeAnswer, error) {
	return post[wire.SubscribeAnswer](ctx, c, ProcessPath(id, "subscriptions"), in)
}

// Subscriptions are the token holder's subscriptions.
func (c *Client) Subscriptions(ctx context.Context) ([]wire.Subscription, error) {
	return get[[]wire.Subscription](ctx, c, "/v1/subscriptions", nil)
}

// DeleteSubscription ends one of the token holder's subscriptions.
func (c *Client) DeleteSubscription(ctx context.Context, subscriptionID string) error {
	_, err := c.call(ctx, http.MethodDelete, "/v1/subscriptions/"+url.PathEscape(subscriptionID), nil, nil)
	return err
}

// Confirm confirms the subscription a message's link stands for, by the
// link's token.
func (c *Client) Confirm(ctx context.Context, linkToken string) (wire.Link, error) {
	return followLink(ctx, c, "/v1/subscriptions/confirm", linkToken)
}

// Unsubscribe ends the subscription a message's link stands for.
func (c *Client) Unsubscribe(ctx context.Context, linkToken string) (wire.Link, error) {
	return followLink(ctx, c, "/v1/unsubscribe", linkToken)
}

func followLink(ctx context.Context, c *Client, path, linkToken string) (wire.Link, error) {
	var l wire.Link
	_, err := c.send(ctx, request{method: http.MethodPost, path: path, query: url.Values{"token": {linkToken}}}, &l)
	return l, err
}

// Deliveries is a page of what became of a process's notifications (the
// PGA office): state "" is every state, after the key of the last one seen.
func (c *Client) Deliveries(ctx context.Context, id, state, after string, limit int) (wire.DeliveryReport, error) {
	q := url.Values{}
	for k, v := range map[string]string{"state": state, "after": after} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	return get[wire.DeliveryReport](ctx, c, ProcessPath(id, "notifications"), q)
}
