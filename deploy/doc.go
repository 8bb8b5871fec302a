// Package deploy holds no code: it is where Compact's deployment files
// live, and its tests validate them.
//
//	Dockerfile                  the image: a static binary on distroless, non-root
//	Dockerfile.dockerignore     what the image's build context leaves out
//	probe/                      the image's health probe (distroless has no curl)
//	compose.yaml                the full stack on one Docker host
//	nginx.conf                  the compose stack's reverse proxy
//	temporal/                   the compose stack's Temporal setup scripts and dynamic config
//	k8s/base/                   Kubernetes manifests (Kustomize base)
//	k8s/overlays/production/    the production overlay
//	temporal-values.yaml        values for Temporal's Helm chart, on PostgreSQL
//
// docs/operations.md tells how to run them. go test ./deploy parses every
// YAML file here, decodes the Kubernetes manifests strictly into the
// Kubernetes API types, renders the Kustomize overlays, and checks that what
// they name (flags, probes, services, files, labels) exists.
package deploy
