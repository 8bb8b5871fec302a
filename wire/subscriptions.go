package wire

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
