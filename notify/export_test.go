package notify

import "net/mail"

// Compose is compose for tests that check every language without a
// mail server.
func (e *Email) Compose(m Message) ([]byte, error) {
	to, err := mail.ParseAddress(m.Recipient)
	if err != nil {
		return nil, err
	}
	return e.compose(m, *to)
}
