package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
)

// timerBuckets are the SDK timers' histogram buckets, in seconds: from a
// local gRPC call to a long poll. OpenTelemetry's default buckets are for
// milliseconds.
var timerBuckets = []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300}

// temporalHandler reports the Temporal SDK's metrics into reg through the
// SDK's OpenTelemetry contrib and OpenTelemetry's Prometheus exporter. The
// exporter adds no unit or _total suffix and no scope or target labels, so
// the metrics keep the SDK's own names (temporal_request,
// temporal_workflow_endtoend_latency), as the Tally reporter shows them.
func temporalHandler(reg prometheus.Registerer) (client.MetricsHandler, error) {
	exporter, err := otelprom.New(otelprom.WithRegisterer(reg),
		otelprom.WithoutUnits(), otelprom.WithoutCounterSuffixes(), otelprom.WithoutScopeInfo(), otelprom.WithoutTargetInfo(),
		otelprom.WithAggregationSelector(func(k sdkmetric.InstrumentKind) sdkmetric.Aggregation {
			if k == sdkmetric.InstrumentKindHistogram {
				return sdkmetric.AggregationExplicitBucketHistogram{Boundaries: timerBuckets}
			}
			return sdkmetric.DefaultAggregationSelector(k)
		}))
	if err != nil {
		return nil, err
	}
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))
	return temporalotel.NewMetricsHandler(temporalotel.MetricsHandlerOptions{
		Meter:                provider.Meter("temporal-sdk-go"),
		UseMonotonicCounters: true,        // counters, as the SDK documents them, not gauges
		OnError:              otel.Handle, // logged; the metric is dropped, the worker goes on
	}), nil
}
