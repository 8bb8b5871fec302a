// Package wire holds the bodies of Compact's HTTP API: what its handlers
// decode and encode, and what its Go client (package client) sends and
// reads. It is the one definition of the JSON; api/openapi.json describes
// it and the API's tests check the traffic against that document. It
// depends on the standard library and the domain (packages process and
// text) only,
// so that a user of the API can import it without the engine.
package wire
