// Package embedded runs Temporal's own server in-process, persisted on a
// SQLite file or on PostgreSQL.
// It is the only package that imports go.temporal.io/server, so that the rest
// of Compact links without it.
package embedded

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	tlog "go.temporal.io/server/common/log"
	"go.temporal.io/server/common/membership/static"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
	"go.uber.org/zap"

	"github.com/compact-un/compact/temporal/limits"
)

const clusterName = "active"

// Options configure an embedded server. The zero value of every field but
// Namespace has a usable default.
type Options struct {
	// DataDir holds temporal.db; empty means in memory (lost at Stop).
	// Unused with Postgres.
	DataDir string
	// Postgres, a postgres:// URL, persists Temporal on PostgreSQL instead:
	// its main store in the URL's database, its visibility store in the
	// database of that name with VisibilitySuffix, both created and brought
	// to this server's schema versions at Start.
	Postgres string
	// IP the services bind on; default 127.0.0.1.
	IP string
	// Port of the frontend's gRPC service; 0 picks a free one.
	Port int
	// Namespace is registered before start, with SearchAttributes.
	Namespace        string
	SearchAttributes map[string]enumspb.IndexedValueType
	Logger           *zap.Logger
}

// Server is a running embedded Temporal server.
type Server struct {
	server  temporal.Server
	address string
}

// Start builds the schema on first use, registers the namespace and starts
// all four Temporal services in this process.
func Start(opts Options) (*Server, error) {
	if opts.Namespace == "" {
		return nil, errors.New("embedded: a namespace is required")
	}
	if opts.IP == "" {
		opts.IP = "127.0.0.1"
	}
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	var err error
	if opts.Port == 0 {
		if opts.Port, err = freePort(opts.IP); err != nil {
			return nil, err
		}
	}
	conf, err := persistence(opts)
	if err != nil {
		return nil, err
	}
	hosts := map[primitives.ServiceName]static.Hosts{}
	for name, svc := range conf.Services {
		hosts[primitives.ServiceName(name)] = static.SingleLocalHost(
			net.JoinHostPort(opts.IP, strconv.Itoa(svc.RPC.GRPCPort)))
	}
	dyn := dynamicconfig.StaticClient{
		dynamicconfig.HistoryCacheHostLevelMaxSize.Key():                        8192,
		dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key():        100,
		dynamicconfig.MakeKey("system.forceSearchAttributesCacheRefreshOnRead"): true,
	}
	for key, value := range limits.Settings {
		dyn[dynamicconfig.MakeKey(key)] = value
	}
	srv, err := temporal.NewServer(
		temporal.WithConfig(conf),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(hosts),
		temporal.WithLogger(tlog.NewZapLogger(quieter(opts.Logger))),
		temporal.WithDynamicConfigClient(dyn),
	)
	if err != nil {
		return nil, fmt.Errorf("embedded: build server: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("embedded: start server: %w", err)
	}
	return &Server{server: srv, address: net.JoinHostPort(opts.IP, strconv.Itoa(opts.Port))}, nil
}

// Address is the frontend's host:port for SDK clients.
func (s *Server) Address() string { return s.address }

// Stop stops every service; the SQLite file stays for the next Start.
func (s *Server) Stop() error { return s.server.Stop() }

// persistence prepares the stores and returns the server's configuration.
func persistence(opts Options) (*config.Config, error) {
	if opts.Postgres == "" {
		sqlConf, clusterID, err := prepareDatabase(opts)
		if err != nil {
			return nil, err
		}
		return serverConfig(opts, clusterID, 1, map[string]*config.SQL{"sqlite": sqlConf}, "sqlite", "sqlite")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	main, visibility, err := preparePostgres(ctx, opts.Postgres)
	if err != nil {
		return nil, err
	}
	// The namespace row goes through Temporal's generic SQL persistence,
	// which the SQLite helper uses whatever the plugin.
	if err := createNamespace(main, opts); err != nil {
		return nil, err
	}
	// The cluster ID is generated at the first start and kept in the
	// database, which overrides the configuration's from then on. More
	// shards than SQLite's one let history work in parallel.
	return serverConfig(opts, "", 4, map[string]*config.SQL{"postgres": main, "visibility": visibility}, "postgres", "visibility")
}

func createNamespace(conf *config.SQL, opts Options) error {
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, opts.Namespace, false, opts.SearchAttributes)
	if err != nil {
		return fmt.Errorf("embedded: namespace: %w", err)
	}
	if err := sqliteschema.CreateNamespaces(conf, ns); err != nil {
		return fmt.Errorf("embedded: create namespace: %w", err)
	}
	return nil
}

// prepareDatabase creates the schema the first time and the namespace every
// time (it is a no-op when present). The cluster ID is kept beside the
// database so a restart finds the same cluster.
func prepareDatabase(opts Options) (*config.SQL, string, error) {
	// One connection, as Temporal's dev server: more make WAL snapshots
	// collide (SQLITE_BUSY_SNAPSHOT) on every busy write.
	conf := &config.SQL{PluginName: sqliteplugin.PluginName}
	clusterID := uuid.NewString()
	if opts.DataDir == "" {
		conf.ConnectAttributes = map[string]string{"mode": "memory", "cache": "shared"}
		conf.DatabaseName = "compact-" + clusterID
	} else {
		if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
			return nil, "", fmt.Errorf("embedded: data dir: %w", err)
		}
		conf.ConnectAttributes = map[string]string{
			"mode": "rwc", "journal_mode": "wal", "synchronous": "normal", "busy_timeout": "10000",
		}
		conf.DatabaseName = filepath.Join(opts.DataDir, "temporal.db")
		var err error
		if clusterID, err = persistedClusterID(opts.DataDir, clusterID); err != nil {
			return nil, "", err
		}
		if _, err := os.Stat(conf.DatabaseName); errors.Is(err, os.ErrNotExist) {
			if err := sqliteschema.SetupSchema(conf); err != nil {
				return nil, "", fmt.Errorf("embedded: set up schema: %w", err)
			}
		}
	}
	if opts.DataDir == "" {
		if err := sqliteschema.SetupSchema(conf); err != nil {
			return nil, "", fmt.Errorf("embedded: set up schema: %w", err)
		}
	}
	if err := createNamespace(conf, opts); err != nil {
		return nil, "", err
	}
	return conf, clusterID, nil
}

func persistedClusterID(dir, fresh string) (string, error) {
	path := filepath.Join(dir, "cluster-id")
	b, err := os.ReadFile(path)
	if err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("embedded: read cluster id: %w", err)
	}
	if err := os.WriteFile(path, []byte(fresh+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("embedded: write cluster id: %w", err)
	}
	return fresh, nil
}

func serverConfig(opts Options, clusterID string, shards int32, stores map[string]*config.SQL, main, visibility string) (*config.Config, error) {
	frontend := net.JoinHostPort(opts.IP, strconv.Itoa(opts.Port))
	httpPort, err := freePort(opts.IP)
	if err != nil {
		return nil, err
	}
	var conf config.Config
	conf.Global.Membership.MaxJoinDuration = 30e9
	conf.Global.Membership.BroadcastAddress = opts.IP
	conf.Persistence.DefaultStore = main
	conf.Persistence.VisibilityStore = visibility
	conf.Persistence.NumHistoryShards = shards
	conf.Persistence.DataStores = map[string]config.DataStore{}
	for name, sqlConf := range stores {
		conf.Persistence.DataStores[name] = config.DataStore{SQL: sqlConf}
	}
	conf.ClusterMetadata = &cluster.Config{
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{clusterName: {
			Enabled:                true,
			InitialFailoverVersion: 1,
			RPCAddress:             frontend,
			HTTPAddress:            net.JoinHostPort(opts.IP, strconv.Itoa(httpPort)),
			ClusterID:              clusterID,
		}},
	}
	conf.DCRedirectionPolicy.Policy = "noop"
	conf.Services = map[string]config.Service{}
	for _, name := range []string{"frontend", "history", "matching", "worker"} {
		var svc config.Service
		svc.RPC.BindOnIP = opts.IP
		if name == "frontend" {
			svc.RPC.GRPCPort, svc.RPC.HTTPPort = opts.Port, httpPort
		} else if svc.RPC.GRPCPort, err = freePort(opts.IP); err != nil {
			return nil, err
		}
		conf.Services[name] = svc
	}
	conf.Archival.History.State = "disabled"
	conf.Archival.Visibility.State = "disabled"
	conf.NamespaceDefaults.Archival.History.State = "disabled"
	conf.NamespaceDefaults.Archival.Visibility.State = "disabled"
	conf.PublicClient.HostPort = frontend
	return &conf, nil
}

func freePort(ip string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return 0, fmt.Errorf("embedded: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// quieter keeps the server's info chatter out of Compact's log: warnings
// and worse only, unless the logger is quieter still.
func quieter(l *zap.Logger) *zap.Logger {
	if l.Core().Enabled(zap.InfoLevel) {
		return l.WithOptions(zap.IncreaseLevel(zap.WarnLevel))
	}
	return l
}
