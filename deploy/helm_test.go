package deploy

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"go.temporal.io/server/common/dynamicconfig"
	corev1 "k8s.io/api/core/v1"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/compact-un/compact/temporal/limits"
)

// helmValues is the part of the values of Temporal's Helm chart (chart
// 1.6.0's values.yaml) that temporal-values.yaml sets, by the chart's
// names; decoding is strict, so a misspelt key fails here rather than being
// ignored by Helm. Extend it when temporal-values.yaml sets more.
type helmValues struct {
	Server struct {
		Image        helmImage `json:"image"`
		ReplicaCount *int      `json:"replicaCount"`
		Config       struct {
			Persistence struct {
				DefaultStore     string                   `json:"defaultStore"`
				VisibilityStore  string                   `json:"visibilityStore"`
				NumHistoryShards int                      `json:"numHistoryShards"`
				Datastores       map[string]helmDatastore `json:"datastores"`
			} `json:"persistence"`
			Namespaces struct {
				Create    bool `json:"create"`
				Namespace []struct {
					Name      string `json:"name"`
					Retention string `json:"retention"`
				} `json:"namespace"`
			} `json:"namespaces"`
		} `json:"config"`
		DynamicConfig map[string]any `json:"dynamicConfig"`
		Frontend      *helmService   `json:"frontend"`
		History       *helmService   `json:"history"`
		Matching      *helmService   `json:"matching"`
		Worker        *helmService   `json:"worker"`
	} `json:"server"`
	Admintools struct {
		Image helmImage `json:"image"`
	} `json:"admintools"`
	Web struct {
		Enabled       *bool           `json:"enabled"`
		ReplicaCount  *int            `json:"replicaCount"`
		Image         helmImage       `json:"image"`
		AdditionalEnv []corev1.EnvVar `json:"additionalEnv"`
	} `json:"web"`
}

type helmImage struct {
	Repository string `json:"repository"`
	Tag        string `json:"tag"`
	PullPolicy string `json:"pullPolicy"`
}

type helmService struct {
	ReplicaCount *int                         `json:"replicaCount"`
	Resources    *corev1.ResourceRequirements `json:"resources"`
}

type helmDatastore struct {
	SQL *struct {
		CreateDatabase  *bool  `json:"createDatabase"`
		ManageSchema    *bool  `json:"manageSchema"`
		PluginName      string `json:"pluginName"`
		DriverName      string `json:"driverName"`
		DatabaseName    string `json:"databaseName"`
		ConnectAddr     string `json:"connectAddr"`
		ConnectProtocol string `json:"connectProtocol"`
		User            string `json:"user"`
		Password        string `json:"password"`
		ExistingSecret  string `json:"existingSecret"`
		SecretKey       string `json:"secretKey"`
		MaxConns        int    `json:"maxConns"`
		MaxIdleConns    int    `json:"maxIdleConns"`
		MaxConnLifetime string `json:"maxConnLifetime"`
	} `json:"sql"`
}

// retention is a Temporal namespace retention: hours or days.
var retention = regexp.MustCompile(`^[1-9][0-9]*[dh]$`)

// validateHelmValues checks temporal-values.yaml: Temporal at go.mod's
// version on PostgreSQL, passwords from Secrets, the Web UI on, the
// namespace deploy/k8s uses created, valid dynamic config.
func validateHelmValues(fs files, mod goMod) error {
	var v helmValues
	if err := decodeStrict(fs["temporal-values.yaml"], &v); err != nil {
		return fmt.Errorf("temporal-values.yaml: %w", err)
	}
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("temporal-values.yaml: "+format, args...))
	}
	for _, img := range []struct {
		key  string
		img  helmImage
		repo string
	}{
		{"server.image", v.Server.Image, "temporalio/server"},
		{"admintools.image", v.Admintools.Image, "temporalio/admin-tools"},
	} {
		if img.img.Repository != img.repo || img.img.Tag != mod.temporalServer {
			add("%s %s:%s, want %s:%s, go.mod's go.temporal.io/server", img.key, img.img.Repository, img.img.Tag, img.repo, mod.temporalServer)
		}
	}
	if v.Web.Enabled == nil || !*v.Web.Enabled {
		add("web.enabled: the Web UI must be on")
	}
	if v.Web.Image.Repository != "temporalio/ui" || v.Web.Image.Tag == "" || v.Web.Image.Tag == "latest" {
		add("web.image %s:%s: want temporalio/ui at a pinned tag", v.Web.Image.Repository, v.Web.Image.Tag)
	}

	p := v.Server.Config.Persistence
	if p.NumHistoryShards <= 0 {
		add("server.config.persistence.numHistoryShards: set it (it cannot change after the first install)")
	}
	databases := map[string]bool{}
	for _, store := range []string{p.DefaultStore, p.VisibilityStore} {
		ds, ok := p.Datastores[store]
		if store == "" || !ok || ds.SQL == nil {
			add("server.config.persistence: store %q is not an sql datastore", store)
			continue
		}
		sql := ds.SQL
		if sql.PluginName != "postgres12" && sql.PluginName != "postgres12_pgx" {
			add("datastore %s: pluginName %q, want postgres12 or postgres12_pgx", store, sql.PluginName)
		}
		if sql.DriverName != "" && sql.DriverName != sql.PluginName {
			add("datastore %s: driverName %q differs from pluginName %q", store, sql.DriverName, sql.PluginName)
		}
		if _, _, err := net.SplitHostPort(sql.ConnectAddr); err != nil {
			add("datastore %s: connectAddr: %v", store, err)
		}
		if sql.DatabaseName == "" || databases[sql.DatabaseName] {
			add("datastore %s: databaseName %q: each store needs a database of its own", store, sql.DatabaseName)
		}
		databases[sql.DatabaseName] = true
		if sql.Password != "" || sql.ExistingSecret == "" {
			add("datastore %s: take the password from a Secret (existingSecret), not from values", store)
		}
		if _, err := time.ParseDuration(sql.MaxConnLifetime); sql.MaxConnLifetime != "" && err != nil {
			add("datastore %s: maxConnLifetime: %v", store, err)
		}
	}

	// The namespace the api and worker use (deploy/k8s's ConfigMap).
	ns := ""
	if m := regexp.MustCompile(`(?m)^\s+COMPACT_NAMESPACE:\s*(\S+)`).FindSubmatch(fs["k8s/base/configmap.yaml"]); m != nil {
		ns = string(m[1])
	}
	created := slices.ContainsFunc(v.Server.Config.Namespaces.Namespace, func(n struct {
		Name      string `json:"name"`
		Retention string `json:"retention"`
	}) bool {
		return n.Name == ns
	})
	if !v.Server.Config.Namespaces.Create || !created {
		add("server.config.namespaces: does not create %q, the COMPACT_NAMESPACE of k8s/base/configmap.yaml", ns)
	}
	for _, n := range v.Server.Config.Namespaces.Namespace {
		if !retention.MatchString(n.Retention) {
			add("namespace %s: retention %q, want e.g. 30d", n.Name, n.Retention)
		}
	}

	if len(v.Server.DynamicConfig) > 0 {
		data, err := sigsyaml.Marshal(v.Server.DynamicConfig)
		if err == nil {
			err = checkDynamicConfig(data)
		}
		if err != nil {
			add("server.dynamicConfig: %v", err)
		}
	}
	return errors.Join(errs...)
}

// checkDynamicConfig loads Temporal dynamic config as the server does, with
// the server's own registry of settings: an unknown key, which the server
// would only log and ignore, or a value of the wrong type is an error, and
// so is a limit the embedded server raises (temporal/limits) that the
// cluster would keep at Temporal's default.
func checkDynamicConfig(data []byte) error {
	lr := dynamicconfig.LoadYamlFile(data)
	if len(lr.Map) == 0 && len(lr.Errors) == 0 {
		return errors.New("no settings")
	}
	errs := append(lr.Errors, lr.Warnings...)
	for _, key := range slices.Sorted(maps.Keys(limits.Settings)) {
		want := limits.Settings[key]
		values := lr.Map[dynamicconfig.MakeKey(key)]
		if len(values) != 1 || values[0].Constraints != (dynamicconfig.Constraints{}) || fmt.Sprint(values[0].Value) != strconv.Itoa(want) {
			errs = append(errs, fmt.Errorf("%s: want one value, %d, as the embedded server has (temporal/limits)", key, want))
		}
	}
	return errors.Join(errs...)
}

func TestHelmValues(t *testing.T) {
	if err := validateHelmValues(deployFiles(t), readGoMod(t)); err != nil {
		t.Fatal(err)
	}
}

func TestHelmValuesRejects(t *testing.T) {
	fs, mod := deployFiles(t), readGoMod(t)
	const values = "temporal-values.yaml"
	for _, tc := range []struct {
		name, file, old, new, want string
	}{
		{"a misspelt key", values, "      datastores:", "      datastore:", `unknown field "server.config.persistence.datastore"`},
		{"a server other than go.mod's", values, "  image:\n    repository: temporalio/server\n    tag: 1.32.1", "  image:\n    repository: temporalio/server\n    tag: 1.31.2", "server.image temporalio/server:1.31.2"},
		{"a password in values", values, "            existingSecret: temporal-db\n            secretKey: password\n            maxConns: 20", "            password: hunter2\n            maxConns: 20", "take the password from a Secret"},
		{"MySQL", values, "            pluginName: postgres12\n            driverName: postgres12\n            databaseName: temporal\n", "            pluginName: mysql8\n            driverName: mysql8\n            databaseName: temporal\n", `pluginName "mysql8"`},
		{"one database for both stores", values, "databaseName: temporal_visibility", "databaseName: temporal", "a database of its own"},
		{"the UI off", values, "web:\n  enabled: true", "web:\n  enabled: false", "the Web UI must be on"},
		{"another namespace", values, "        - name: compact", "        - name: compact-un", `does not create "compact"`},
		{"a retention Temporal does not read", values, "retention: 30d", "retention: 1 month", `retention "1 month"`},
		{"an unknown dynamic config key", values, "    frontend.namespaceRPS:", "    frontend.namespacesRPS:", `unregistered key "frontend.namespacesrps"`},
		{"a limit the embedded server raises, left at the default", values, "    history.transferProcessorMaxPollRPS:\n      - value: 1000\n", "", "history.transferProcessorMaxPollRPS: want one value, 1000"},
		{"a dynamic config value of the wrong type", values, "    frontend.rps:\n      - value: 10000", "    frontend.rps:\n      - value: lots", "frontend.rps"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, validateHelmValues(mutate(t, fs, tc.file, tc.old, tc.new), mod), tc.want)
		})
	}
}
