//! Prometheus metrics: what the process counts as it goes (requests, latency, deliveries), in
//! one registry for the process. What lives in the database (slots, waiting lists, the outbox)
//! is read when `/metrics` is scraped, so every instance reports the same truth.

use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};
use std::sync::LazyLock;

pub struct Metrics {
    registry: Registry,
    pub requests: IntCounterVec,
    pub latency: HistogramVec,
    pub deliveries: IntCounterVec,
    pub refused_connections: IntCounterVec,
}

/// Latency buckets in seconds, dense where an application's answer should fall.
const BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

pub static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let registry = Registry::new();
    let requests = IntCounterVec::new(
        Opts::new(
            "honoraria_http_requests_total",
            "HTTP requests by route and status",
        ),
        &["method", "route", "status"],
    )
    .expect("metric definition");
    let latency = HistogramVec::new(
        HistogramOpts::new(
            "honoraria_http_request_duration_seconds",
            "Time to answer an HTTP request",
        )
        .buckets(BUCKETS.to_vec()),
        &["method", "route"],
    )
    .expect("metric definition");
    let deliveries = IntCounterVec::new(
        Opts::new(
            "honoraria_email_deliveries_total",
            "Email delivery attempts by outcome (sent, retrying, failed, lease_lost)",
        ),
        &["outcome"],
    )
    .expect("metric definition");
    let refused_connections = IntCounterVec::new(
        Opts::new(
            "honoraria_connections_refused_total",
            "Connections closed on arrival by the cap they met (total, per_address)",
        ),
        &["cap"],
    )
    .expect("metric definition");
    for metric in [
        Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
        Box::new(latency.clone()),
        Box::new(deliveries.clone()),
        Box::new(refused_connections.clone()),
    ] {
        registry.register(metric).expect("registered once");
    }
    Metrics {
        registry,
        requests,
        latency,
        deliveries,
        refused_connections,
    }
});

/// What the database says now, per campaign and per outbox status.
pub struct Snapshot {
    /// (campaign code, offices holding slots, slot cap, waiting applications)
    pub campaigns: Vec<(String, i64, i64, i64)>,
    /// (status, messages)
    pub outbox: Vec<(String, i64)>,
    /// The audit chain head: the last event's sequence number and hash.
    pub audit_head: (i64, String),
}

/// The Prometheus text exposition of the process's counters and `snapshot`.
pub fn render(snapshot: &Snapshot) -> String {
    let gauges = Registry::new();
    let taken = IntGaugeVec::new(
        Opts::new(
            "honoraria_slots_taken",
            "Offices holding a slot, per campaign",
        ),
        &["campaign"],
    )
    .expect("metric definition");
    let cap = IntGaugeVec::new(
        Opts::new("honoraria_slots_cap", "Slots of a campaign"),
        &["campaign"],
    )
    .expect("metric definition");
    let waiting = IntGaugeVec::new(
        Opts::new(
            "honoraria_waiting_applications",
            "Applications on the waiting list",
        ),
        &["campaign"],
    )
    .expect("metric definition");
    let outbox = IntGaugeVec::new(
        Opts::new(
            "honoraria_outbox_messages",
            "Emails in the outbox by status",
        ),
        &["status"],
    )
    .expect("metric definition");
    for (code, held, slots, queued) in &snapshot.campaigns {
        taken.with_label_values(&[code]).set(*held);
        cap.with_label_values(&[code]).set(*slots);
        waiting.with_label_values(&[code]).set(*queued);
    }
    for (status, count) in &snapshot.outbox {
        outbox.with_label_values(&[status]).set(*count);
    }
    // The head, scraped and kept by the monitoring system, is an anchor outside the database:
    // a tail cut later shows as a head that went back or changed its hash.
    let head_seq = IntGauge::new(
        "honoraria_audit_head_seq",
        "Sequence number of the last audit event",
    )
    .expect("metric definition");
    head_seq.set(snapshot.audit_head.0);
    let head_info = IntGaugeVec::new(
        Opts::new(
            "honoraria_audit_head_info",
            "The last audit event: its hash as a label",
        ),
        &["seq", "hash"],
    )
    .expect("metric definition");
    head_info
        .with_label_values(&[&snapshot.audit_head.0.to_string(), &snapshot.audit_head.1])
        .set(1);
    for g in [taken, cap, waiting, outbox, head_info] {
        gauges.register(Box::new(g)).expect("registered once");
    }
    gauges
        .register(Box::new(head_seq))
        .expect("registered once");
    let mut families = METRICS.registry.gather();
    families.extend(gauges.gather());
    let mut out = Vec::new();
    TextEncoder::new()
        .encode(&families, &mut out)
        .expect("text encoding of metrics");
    String::from_utf8(out).unwrap_or_default()
}

/// Records one answered request.
pub fn observe(method: &str, route: &str, status: u16, seconds: f64) {
    METRICS
        .requests
        .with_label_values(&[method, route, &status.to_string()])
        .inc();
    let h: Histogram = METRICS.latency.with_label_values(&[method, route]);
    h.observe(seconds);
}

/// Records a connection turned away by a cap.
pub fn refused_connection(refusal: crate::net::Refusal) {
    METRICS
        .refused_connections
        .with_label_values(&[refusal.label()])
        .inc();
}
