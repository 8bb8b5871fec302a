package wire

import "time"

// SubscribeRequest subscribes an address to a process's news.
type SubscribeRequest struct {
	Channel    string   `json:"channel,omitempty"`    // email (the default) or webhook
	Address    string   `json:"address"`              // an email address or a webhook's URL
	Topics     []string `json:"topics,omitempty"`     // process.TopicNames; default per role
	Language   string   `json:"language,omitempty"`   // ar, zh, en, fr, ru or es; default from Accept-Language, or en
	Mode       string   `json:"mode,omitempty"`       // immediate (the default), daily or weekly; email only
	OwnerEmail string   `json:"ownerEmail,omitempty"` // a webhook's: told if it is disabled
}

// ConfirmationSent answers an observer, whatever the address's state, so
// that it tells nothing about who is subscribed.
type ConfirmationSent struct {
	Status    string `json:"status"` // confirmation-sent
	ProcessID string `json:"processId"`
	Address   string `json:"address"`
}

// Subscription is a token holder's subscription, or one an observer
// confirmed.
type Subscription struct {
	ID        string   `json:"id"`
	ProcessID string   `json:"processId"`
	Recipient string   `json:"recipient"` // an email address or a webhook URL
	Channel   string   `json:"channel"`
	Topics    []string `json:"topics"` // process.Topics names or event prefixes; empty means all
	Language  string   `json:"language,omitempty"`
	Mode      string   `json:"mode"` // immediate (the default), daily or weekly
	// Owner is the party that may list and delete it, "role:party"; empty
	// for an observer's, which only its unsubscribe link removes.
	Owner     string    `json:"owner,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
}

// Subscribed is a token holder's new subscription; a webhook's secret is
// shown this once.
type Subscribed struct {
	Subscription Subscription `json:"subscription"`
	Secret       string       `json:"secret,omitempty"`
}

// SubscribeAnswer is either answer to a subscription: Subscribed (201, a
// token holder's) or ConfirmationSent (202, an observer's).
type SubscribeAnswer struct {
	Subscribed
	ConfirmationSent
}

// Link is what a link in a message stands for and, after a POST to it,
// that it is done.
type Link struct {
	Action    string    `json:"action"` // confirm or unsubscribe: what a POST to the same URL does
	ProcessID string    `json:"processId"`
	Process   string    `json:"process"` // its title
	Address   string    `json:"address"`
	Channel   string    `json:"channel"`
	Topics    []string  `json:"topics,omitempty"`
	Language  string    `json:"language,omitempty"`
	Mode      string    `json:"mode,omitempty"`
	Expires   time.Time `json:"expires"`
	Done      bool      `json:"done"` // confirmed, or unsubscribed
}

// Delivery is a notification in the delivery report, without its payload.
type Delivery struct {
	Key           string    `json:"key"`
	EventKey      string    `json:"eventKey"`
	Event         string    `json:"event"`
	Recipient     string    `json:"recipient"`
	Channel       string    `json:"channel"`
	Language      string    `json:"language,omitempty"`
	State         string    `json:"state"`
	Mode          string    `json:"mode,omitempty"`
	DigestKey     string    `json:"digestKey,omitempty"`
	Failure       string    `json:"failure,omitempty"`
	CreatedAt     time.Time `json:"createdAt"`
	Attempts      int       `json:"attempts"`
	LastAttemptAt time.Time `json:"lastAttemptAt,omitzero"`
	LastError     string    `json:"lastError,omitempty"`
}

// Endpoint is a recipient's health, as the delivery report shows it.
type Endpoint struct {
	Channel        string    `json:"channel"`
	Recipient      string    `json:"recipient"`
	Language       string    `json:"language,omitempty"`
	Owner          string    `json:"owner,omitempty"` // an email address told when the endpoint is disabled
	Failures       int       `json:"failures"`        // failed or rejected attempts since the last success
	Rejections     int       `json:"rejections"`      // of which rejected
	FailingSince   time.Time `json:"failingSince,omitzero"`
	DisabledAt     time.Time `json:"disabledAt,omitzero"`
	DisabledReason string    `json:"disabledReason,omitempty"`
}

// DeliveryReport is a page of a process's notifications with the health
// of their endpoints.
type DeliveryReport struct {
	ProcessID     string         `json:"processId"`
	Counts        map[string]int `json:"counts"` // by state, of all the process's notifications
	Notifications []Delivery     `json:"notifications"`
	Endpoints     []Endpoint     `json:"endpoints"`
	Next          string         `json:"next,omitempty"` // the after of the next page
}
