package deploy

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// composeFile is the part of the Compose specification compose.yaml uses;
// decoding is strict, so a field outside it (a typo, most likely) fails.
// Extend it when compose.yaml needs more. Extension fields (x-…) are
// dropped before decoding, as Compose ignores them.
type composeFile struct {
	Name     string                    `json:"name"`
	Services map[string]composeService `json:"services"`
	Volumes  map[string]*struct{}      `json:"volumes"`
}

type composeService struct {
	Image           string                       `json:"image"`
	Build           *composeBuild                `json:"build"`
	Command         []string                     `json:"command"`
	Entrypoint      []string                     `json:"entrypoint"`
	Environment     map[string]string            `json:"environment"`
	DependsOn       map[string]composeDependency `json:"depends_on"`
	Healthcheck     *composeHealthcheck          `json:"healthcheck"`
	Ports           []string                     `json:"ports"`
	Volumes         []string                     `json:"volumes"`
	Tmpfs           []string                     `json:"tmpfs"`
	Deploy          *composeDeploy               `json:"deploy"`
	Restart         string                       `json:"restart"`
	ReadOnly        bool                         `json:"read_only"`
	StopGracePeriod string                       `json:"stop_grace_period"`
}

type composeBuild struct {
	Context    string            `json:"context"`
	Dockerfile string            `json:"dockerfile"`
	Args       map[string]string `json:"args"`
}

type composeDependency struct {
	Condition string `json:"condition"`
	Restart   *bool  `json:"restart"`
	Required  *bool  `json:"required"`
}

type composeHealthcheck struct {
	Test          []string `json:"test"`
	Interval      string   `json:"interval"`
	Timeout       string   `json:"timeout"`
	Retries       int      `json:"retries"`
	StartPeriod   string   `json:"start_period"`
	StartInterval string   `json:"start_interval"`
	Disable       bool     `json:"disable"`
}

type composeDeploy struct {
	Replicas  *int `json:"replicas"`
	Resources *struct {
		Limits       map[string]string `json:"limits"`
		Reservations map[string]string `json:"reservations"`
	} `json:"resources"`
}

// compactImage is the image compose.yaml builds from deploy/Dockerfile.
const compactImage = "compact:local"

// interpolation is Compose's ${VAR}, ${VAR:-default}, ${VAR-default} and
// ${VAR:?message}; $$ is a dollar.
var interpolation = regexp.MustCompile(`\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)`)

// interpolate substitutes as Compose does with an empty environment: every
// variable takes its default.
func interpolate(s string) (string, error) {
	var err error
	out := interpolation.ReplaceAllStringFunc(s, func(m string) string {
		if m == "$$" {
			return "$"
		}
		g := interpolation.FindStringSubmatch(m)
		switch g[2] {
		case ":-", "-":
			return g[3]
		case ":?", "?":
			err = errors.Join(err, fmt.Errorf("%s is required: %s", g[1], g[3]))
			return ""
		}
		name := g[1] + g[4]
		err = errors.Join(err, fmt.Errorf("${%s} has no default: the stack would not start from a bare `docker compose up`", name))
		return ""
	})
	return out, err
}

// decodeCompose interpolates, parses and strictly decodes compose.yaml.
func decodeCompose(data []byte) (*composeFile, error) {
	text, err := interpolate(string(data))
	if err != nil {
		return nil, err
	}
	v, err := toJSON([]byte(text)) // resolves anchors and merge keys (<<)
	if err != nil {
		return nil, err
	}
	top, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("not a mapping")
	}
	dropExtensions(top)
	if services, ok := top["services"].(map[string]any); ok {
		for _, s := range services {
			if s, ok := s.(map[string]any); ok {
				dropExtensions(s)
			}
		}
	}
	j, err := json.Marshal(top)
	if err != nil {
		return nil, err
	}
	var c composeFile
	if err := decodeJSONStrict(j, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

func dropExtensions(m map[string]any) {
	for k := range m {
		if strings.HasPrefix(k, "x-") {
			delete(m, k)
		}
	}
}

// validateCompose checks compose.yaml and what it names: services,
// volumes, files, the compact binary's flags, and nginx.conf's upstream.
func validateCompose(fs files, flags commandFlags, mod goMod) error {
	c, err := decodeCompose(fs["compose.yaml"])
	if err != nil {
		return fmt.Errorf("compose.yaml: %w", err)
	}
	var errs []error
	add := func(service, format string, args ...any) {
		errs = append(errs, fmt.Errorf("compose.yaml: service %s: "+format, append([]any{service}, args...)...))
	}
	names := slices.Sorted(maps.Keys(c.Services))
	if len(names) == 0 {
		return errors.New("compose.yaml: no services")
	}
	var compactServices []string
	for _, name := range names {
		s := c.Services[name]
		// Images: built here, or pinned.
		switch {
		case s.Image == compactImage:
			if s.Build == nil || s.Build.Dockerfile == "" {
				add(name, "image %s needs a build section with its dockerfile", compactImage)
			} else if df := path.Clean(path.Join(s.Build.Context, s.Build.Dockerfile)); df != "../deploy/Dockerfile" {
				add(name, "builds %s, want deploy/Dockerfile", df)
			} else if !fs.exists("Dockerfile") {
				add(name, "deploy/Dockerfile is missing")
			}
			compactServices = append(compactServices, name)
		case s.Image == "":
			add(name, "no image")
		default:
			if _, tag, ok := strings.Cut(s.Image[strings.LastIndex(s.Image, "/")+1:], ":"); !ok || tag == "" || tag == "latest" {
				add(name, "image %q: pin a tag (and not latest)", s.Image)
			}
			if repo, tag, _ := strings.Cut(s.Image, ":"); (repo == "temporalio/server" || repo == "temporalio/admin-tools") && tag != mod.temporalServer {
				add(name, "image %s, but go.mod has go.temporal.io/server v%s: keep the cluster at the version Compact is tested on", s.Image, mod.temporalServer)
			}
		}
		// Dependencies: services that exist, and conditions that can be met.
		for _, dep := range slices.Sorted(maps.Keys(s.DependsOn)) {
			d, ok := c.Services[dep]
			if !ok {
				add(name, "depends on %s: no such service", dep)
				continue
			}
			switch cond := s.DependsOn[dep].Condition; cond {
			case "", "service_started":
			case "service_healthy":
				if d.Healthcheck == nil || len(d.Healthcheck.Test) == 0 || d.Healthcheck.Disable {
					add(name, "waits for %s to be healthy, but %s has no healthcheck", dep, dep)
				}
			case "service_completed_successfully":
				if d.Restart == "always" || d.Restart == "unless-stopped" {
					add(name, "waits for %s to complete, but %s restarts %s", dep, dep, d.Restart)
				}
			default:
				add(name, "depends on %s with condition %q", dep, cond)
			}
		}
		if h := s.Healthcheck; h != nil {
			if len(h.Test) < 2 || (h.Test[0] != "CMD" && h.Test[0] != "CMD-SHELL") {
				add(name, "healthcheck test %v: want [CMD, …] or [CMD-SHELL, …]", h.Test)
			}
			for _, d := range []string{h.Interval, h.Timeout, h.StartPeriod, h.StartInterval} {
				if _, err := time.ParseDuration(d); d != "" && err != nil {
					add(name, "healthcheck: %v", err)
				}
			}
		}
		if d := s.StopGracePeriod; d != "" {
			if _, err := time.ParseDuration(d); err != nil {
				add(name, "stop_grace_period: %v", err)
			}
		}
		// Volumes: named ones declared, bound files present.
		for _, v := range s.Volumes {
			src, rest, ok := strings.Cut(v, ":")
			if !ok || rest == "" {
				add(name, "volume %q: want source:target", v)
				continue
			}
			if strings.HasPrefix(src, ".") || strings.HasPrefix(src, "/") {
				if !strings.HasPrefix(src, "./") || !fs.exists(strings.TrimPrefix(src, "./")) {
					add(name, "volume %q: no %s under deploy/", v, src)
				}
			} else if _, ok := c.Volumes[src]; !ok {
				add(name, "volume %q: %s is not declared under volumes", v, src)
			}
		}
		// Scripts run from a bound directory must be there.
		for _, arg := range slices.Concat(s.Entrypoint, s.Command) {
			if src, ok := boundFile(s.Volumes, arg); ok && !fs.exists(src) {
				add(name, "runs %s, but deploy/%s does not exist", arg, src)
			}
		}
		for _, p := range s.Ports {
			if err := checkPortMapping(p); err != nil {
				add(name, "%v", err)
			}
		}
	}
	// Temporal's dynamic config, checked against the server's settings.
	for _, name := range names {
		s := c.Services[name]
		dc := s.Environment["DYNAMIC_CONFIG_FILE_PATH"]
		if !strings.HasPrefix(s.Image, "temporalio/server:") || dc == "" {
			continue
		}
		if src, ok := boundFile(s.Volumes, dc); !ok || !fs.exists(src) {
			add(name, "DYNAMIC_CONFIG_FILE_PATH %s: no file under deploy/ is mounted there", dc)
		} else if err := checkDynamicConfig(fs[src]); err != nil {
			add(name, "%s: %v", src, err)
		}
	}
	if cycle := dependencyCycle(c); cycle != "" {
		errs = append(errs, fmt.Errorf("compose.yaml: depends_on cycle %s", cycle))
	}

	// The compact services.
	byCmd := map[string][]string{}
	for _, name := range compactServices {
		s := c.Services[name]
		if len(s.Command) == 0 {
			add(name, "no command: it would run serve, the embedded stack")
			continue
		}
		cmd := s.Command[0]
		byCmd[cmd] = append(byCmd[cmd], name)
		if err := checkCompactEnv(flags, cmd, slices.Sorted(maps.Keys(s.Environment))); err != nil {
			add(name, "%v", err)
		}
		for _, e := range requiredEnv {
			if s.Environment[e] == "" {
				add(name, "no %s", e)
			}
		}
		if h := s.Healthcheck; h == nil || !slices.Equal(h.Test, []string{"CMD", "/probe", "/readyz"}) {
			add(name, "healthcheck: want [CMD, /probe, /readyz] (the image has no shell or curl)")
		}
		if addr := s.Environment["COMPACT_TEMPORAL_ADDRESS"]; addr != "" {
			if host, port, err := net.SplitHostPort(addr); err != nil {
				add(name, "COMPACT_TEMPORAL_ADDRESS %q: %v", addr, err)
			} else if t, ok := c.Services[host]; !ok || !strings.HasPrefix(t.Image, "temporalio/server:") {
				add(name, "COMPACT_TEMPORAL_ADDRESS %q: %s is not the Temporal server service", addr, host)
			} else if port != "7233" {
				add(name, "COMPACT_TEMPORAL_ADDRESS %q: Temporal's frontend listens on 7233", addr)
			}
		}
		if db := s.Environment["COMPACT_DB"]; db != "" {
			if err := checkDatabaseURL(c, db); err != nil {
				add(name, "COMPACT_DB: %v", err)
			}
		}
		if ns := s.Environment["COMPACT_NAMESPACE"]; ns != "" && !slices.ContainsFunc(names, func(n string) bool {
			return strings.HasPrefix(c.Services[n].Image, "temporalio/admin-tools:") && c.Services[n].Environment["NAMESPACE"] == ns
		}) {
			add(name, "COMPACT_NAMESPACE %s: no admin-tools service registers that namespace", ns)
		}
		if _, ok := s.DependsOn["temporal-setup"]; !ok {
			add(name, "does not wait for temporal-setup: the worker fails while its namespace is missing")
		}
	}
	for _, cmd := range []string{"api", "worker"} {
		n := 0
		for _, name := range byCmd[cmd] {
			if d := c.Services[name].Deploy; d != nil && d.Replicas != nil {
				n += *d.Replicas
			} else {
				n++
			}
		}
		if n < 2 {
			errs = append(errs, fmt.Errorf("compose.yaml: %d replicas run `compact %s`, want two or more", n, cmd))
		}
	}
	if err := checkNginx(fs, c); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// boundFile maps an absolute path in a container to the file under deploy/
// that a bind mount (./src:/target) puts there.
func boundFile(volumes []string, p string) (string, bool) {
	if !strings.HasPrefix(p, "/") {
		return "", false
	}
	for _, v := range volumes {
		parts := strings.Split(v, ":")
		if len(parts) < 2 || !strings.HasPrefix(parts[0], "./") {
			continue
		}
		src, target := strings.TrimPrefix(parts[0], "./"), parts[1]
		if p == target {
			return src, true
		}
		if rest, ok := strings.CutPrefix(p, strings.TrimSuffix(target, "/")+"/"); ok {
			return path.Join(src, rest), true
		}
	}
	return "", false
}

// checkPortMapping checks "[ip:]host:container".
func checkPortMapping(p string) error {
	parts := strings.Split(p, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return fmt.Errorf("port %q: want [ip:]host:container", p)
	}
	if len(parts) == 3 && net.ParseIP(parts[0]) == nil {
		return fmt.Errorf("port %q: %q is not an IP address", p, parts[0])
	}
	for _, n := range parts[len(parts)-2:] {
		if port, err := strconv.Atoi(n); err != nil || port < 1 || port > 65535 {
			return fmt.Errorf("port %q: %q is not a port", p, n)
		}
	}
	return nil
}

// checkDatabaseURL checks that a postgres:// URL names a PostgreSQL service
// with that user and database.
func checkDatabaseURL(c *composeFile, db string) error {
	u, err := url.Parse(db)
	if err != nil {
		return err
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return fmt.Errorf("%s: want a postgres:// URL in the scale-out stack", u.Redacted())
	}
	s, ok := c.Services[u.Hostname()]
	if !ok || !strings.HasPrefix(s.Image, "postgres:") {
		return fmt.Errorf("%s: %s is not a PostgreSQL service", u.Redacted(), u.Hostname())
	}
	if p := u.Port(); p != "" && p != "5432" {
		return fmt.Errorf("%s: PostgreSQL listens on 5432", u.Redacted())
	}
	user, pass := u.User.Username(), ""
	if p, ok := u.User.Password(); ok {
		pass = p
	}
	dbName := strings.TrimPrefix(u.Path, "/")
	wantDB := s.Environment["POSTGRES_DB"]
	if wantDB == "" {
		wantDB = s.Environment["POSTGRES_USER"]
	}
	switch {
	case user != s.Environment["POSTGRES_USER"]:
		return fmt.Errorf("%s: user %q, but %s's POSTGRES_USER is %q", u.Redacted(), user, u.Hostname(), s.Environment["POSTGRES_USER"])
	case pass != s.Environment["POSTGRES_PASSWORD"]:
		return fmt.Errorf("%s: the password is not %s's POSTGRES_PASSWORD", u.Redacted(), u.Hostname())
	case dbName != wantDB:
		return fmt.Errorf("%s: database %q, but %s creates %q", u.Redacted(), dbName, u.Hostname(), wantDB)
	}
	return nil
}

// dependencyCycle returns a depends_on cycle, or "".
func dependencyCycle(c *composeFile) string {
	const (
		visiting = 1
		done     = 2
	)
	state := map[string]int{}
	var stack []string
	var visit func(string) string
	visit = func(n string) string {
		switch state[n] {
		case visiting:
			return strings.Join(append(stack, n), " → ")
		case done:
			return ""
		}
		state[n] = visiting
		stack = append(stack, n)
		for _, d := range slices.Sorted(maps.Keys(c.Services[n].DependsOn)) {
			if cycle := visit(d); cycle != "" {
				return cycle
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = done
		return ""
	}
	for _, n := range slices.Sorted(maps.Keys(c.Services)) {
		if cycle := visit(n); cycle != "" {
			return cycle
		}
	}
	return ""
}

var (
	nginxUpstream = regexp.MustCompile(`(?s)upstream\s+(\S+)\s*\{(.*?)\}`)
	nginxServer   = regexp.MustCompile(`(?m)^\s*server\s+([^\s;]+)`)
	nginxListen   = regexp.MustCompile(`(?m)^\s*listen\s+(\d+)`)
	nginxPass     = regexp.MustCompile(`(?m)^\s*proxy_pass\s+https?://([^/;\s]+)`)
)

// checkNginx checks that nginx.conf balances what compose.yaml runs: each
// upstream server is a compact api service on its HTTP port, each
// proxy_pass names an upstream, and the proxy listens where it is published.
func checkNginx(fs files, c *composeFile) error {
	conf := string(fs["nginx.conf"])
	var proxy string
	for name, s := range c.Services {
		for _, v := range s.Volumes {
			if strings.HasPrefix(v, "./nginx.conf:") {
				proxy = name
			}
		}
	}
	if proxy == "" {
		return errors.New("compose.yaml: no service mounts ./nginx.conf")
	}
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf("nginx.conf: "+format, args...)) }
	var withoutComments strings.Builder
	for line := range strings.Lines(conf) {
		line, _, _ = strings.Cut(line, "#")
		withoutComments.WriteString(line + "\n")
	}
	conf = withoutComments.String()
	if strings.Count(conf, "{") != strings.Count(conf, "}") {
		add("unbalanced braces")
	}
	upstreams := map[string]bool{}
	for _, u := range nginxUpstream.FindAllStringSubmatch(conf, -1) {
		upstreams[u[1]] = true
		servers := nginxServer.FindAllStringSubmatch(u[2], -1)
		if len(servers) == 0 {
			add("upstream %s has no server", u[1])
		}
		for _, sv := range servers {
			host, port, err := net.SplitHostPort(sv[1])
			if err != nil {
				add("upstream %s: server %s: %v", u[1], sv[1], err)
				continue
			}
			s, ok := c.Services[host]
			if !ok || s.Image != compactImage || len(s.Command) == 0 || s.Command[0] != "api" {
				add("upstream %s: %s is not a compose service running `compact api`", u[1], host)
				continue
			}
			if _, p, _ := net.SplitHostPort(s.Environment["COMPACT_HTTP_ADDR"]); p != port {
				add("upstream %s: server %s, but %s listens on port %q (COMPACT_HTTP_ADDR)", u[1], sv[1], host, p)
			}
		}
	}
	passes := nginxPass.FindAllStringSubmatch(conf, -1)
	if len(passes) == 0 {
		add("no proxy_pass")
	}
	for _, p := range passes {
		if !upstreams[p[1]] {
			add("proxy_pass to %s: no such upstream", p[1])
		}
	}
	published := map[string]bool{}
	for _, p := range c.Services[proxy].Ports {
		parts := strings.Split(p, ":")
		published[parts[len(parts)-1]] = true
	}
	for _, l := range nginxListen.FindAllStringSubmatch(conf, -1) {
		if !published[l[1]] {
			add("listens on %s, which service %s does not publish", l[1], proxy)
		}
	}
	return errors.Join(errs...)
}

func TestCompose(t *testing.T) {
	if err := validateCompose(deployFiles(t), compactFlags(t), readGoMod(t)); err != nil {
		t.Fatal(err)
	}
}

func TestComposeRejects(t *testing.T) {
	fs, flags, mod := deployFiles(t), compactFlags(t), readGoMod(t)
	const (
		compose = "compose.yaml"
		apiDef  = "    command: [\"api\"]\n    deploy:\n      replicas: 2\n"
	)
	for _, tc := range []struct {
		name, file, old, new, want string
	}{
		{"a misspelt field", compose, "  healthcheck:\n    test: [\"CMD\", \"/probe\"", "  healthchek:\n    test: [\"CMD\", \"/probe\"", `unknown field "services.api.healthchek"`},
		{"a string for a number", compose, apiDef, strings.Replace(apiDef, "2", `"two"`, 1), "replicas"},
		{"one api replica", compose, apiDef, strings.Replace(apiDef, "2", "1", 1), "1 replicas run `compact api`"},
		{"a dependency on a missing service", compose, "    temporal-setup:\n      condition: service_completed_successfully", "    temporal-setpu:\n      condition: service_completed_successfully", "depends on temporal-setpu: no such service"},
		{"waiting for a health nobody checks", compose, "      temporal-db:\n        condition: service_healthy\n\n  temporal:", "      temporal-ui:\n        condition: service_healthy\n\n  temporal:", "temporal-ui has no healthcheck"},
		{"an environment variable that is no flag", compose, "COMPACT_TEMPORAL_ADDRESS: temporal:7233", "COMPACT_TEMPORAL_ADDR: temporal:7233", "COMPACT_TEMPORAL_ADDR is not a flag"},
		{"the wrong Temporal host", compose, "COMPACT_TEMPORAL_ADDRESS: temporal:7233", "COMPACT_TEMPORAL_ADDRESS: temporal-ui:7233", "temporal-ui is not the Temporal server service"},
		{"the wrong database user", compose, "COMPACT_DB: postgres://compact:", "COMPACT_DB: postgres://compactt:", `user "compactt"`},
		{"a namespace nobody registers", compose, "COMPACT_NAMESPACE: compact", "COMPACT_NAMESPACE: compacts", "no admin-tools service registers that namespace"},
		{"an unpinned image", compose, "image: temporalio/ui:2.52.0", "image: temporalio/ui:latest", "pin a tag"},
		{"a server other than go.mod's", compose, "image: temporalio/server:1.32.1", "image: temporalio/server:1.31.0", "go.temporal.io/server"},
		{"a missing config file", compose, "./nginx.conf:/etc", "./nginx.cnf:/etc", "no ./nginx.cnf under deploy/"},
		{"an undeclared volume", compose, "compact-db:/var/lib", "compactdb:/var/lib", "compactdb is not declared"},
		{"a missing script", compose, `"/scripts/setup-schema.sh"`, `"/scripts/setup.sh"`, "deploy/temporal/setup.sh does not exist"},
		{"a variable with no default", compose, "${TEMPORAL_DB_PASSWORD:-temporal}\n    volumes:\n      - temporal-db", "${TEMPORAL_DB_PASSWORD}\n    volumes:\n      - temporal-db", "${TEMPORAL_DB_PASSWORD} has no default"},
		{"a bad duration", compose, "stop_grace_period: 45s", "stop_grace_period: 45", "stop_grace_period"},
		{"a one-shot that never completes", compose, "    image: temporalio/admin-tools:1.32.1\n    restart: on-failure:5\n    entrypoint: [\"/bin/sh\", \"/scripts/setup-namespace.sh\"]", "    image: temporalio/admin-tools:1.32.1\n    restart: unless-stopped\n    entrypoint: [\"/bin/sh\", \"/scripts/setup-namespace.sh\"]", "restarts unless-stopped"},
		{"an unknown dynamic config key", "temporal/dynamicconfig.yaml", "history.persistenceMaxQPS:", "history.persistMaxQPS:", `unregistered key "history.persistmaxqps"`},
		{"a limit the embedded server raises, lower", "temporal/dynamicconfig.yaml", "history.timerProcessorMaxPollRPS:\n  - value: 1000", "history.timerProcessorMaxPollRPS:\n  - value: 20", "history.timerProcessorMaxPollRPS: want one value, 1000"},
		{"a dynamic config file not mounted", compose, "DYNAMIC_CONFIG_FILE_PATH: /etc/temporal/dynamicconfig/compact.yaml", "DYNAMIC_CONFIG_FILE_PATH: /etc/temporal/config/dynamicconfig/docker.yaml", "no file under deploy/ is mounted there"},
		{"nginx on the wrong port", "nginx.conf", "server api:8080", "server api:8081", "server api:8081, but api listens on port \"8080\""},
		{"nginx to a missing service", "nginx.conf", "server api:8080", "server compact-api:8080", "compact-api is not a compose service"},
		{"nginx to a missing upstream", "nginx.conf", "proxy_pass http://compact_api;", "proxy_pass http://compact;", "no such upstream"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, validateCompose(mutate(t, fs, tc.file, tc.old, tc.new), flags, mod), tc.want)
		})
	}
}

func TestInterpolate(t *testing.T) {
	got, err := interpolate("a ${X:-1} ${Y-two} $$HOME")
	if err != nil || got != "a 1 two $HOME" {
		t.Fatalf("interpolate = %q, %v", got, err)
	}
	for _, s := range []string{"${X}", "$X", "${X:?set X}"} {
		if _, err := interpolate(s); err == nil {
			t.Errorf("interpolate(%q): no error", s)
		}
	}
}
