use crate::on_both_backends;

on_both_backends!(health_and_ready_answer_without_auth, |app| {
    assert_eq!(app.request("GET", "/health", None, None).status, 200);
    let ready = app.request("GET", "/ready", None, None);
    assert_eq!(ready.status, 200);
    assert_eq!(ready.body["status"], "ready");
});

on_both_backends!(openapi_describes_every_endpoint, |app| {
    let r = app.request("GET", "/api/v1/openapi.json", None, None);
    assert_eq!(r.status, 200);
    let paths = r.body["paths"].as_object().expect("paths");
    for path in [
        "/api/v1/campaigns",
        "/api/v1/campaigns/{id}",
        "/api/v1/campaigns/{id}/slots",
        "/api/v1/campaigns/{id}/applications",
        "/api/v1/status/{secret}",
        "/api/v1/tokens",
        "/api/v1/audit-events",
        "/api/v1/campaigns/{id}/participants/{office_number}/checkpoints",
        "/api/v1/campaigns/{id}/usage-lists",
        "/api/v1/campaigns/{id}/year-end-checks",
        "/api/v1/campaigns/{id}/payout-batches",
        "/api/v1/payout-batches/{id}/approve",
    ] {
        assert!(
            paths.contains_key(path),
            "{path} missing from the OpenAPI document"
        );
    }
    // Named states are documented by the names on the wire, which generated clients send.
    let schemas = &r.body["components"]["schemas"];
    for (schema, names) in [
        ("Role", vec!["admin", "secretariat", "auditor"]),
        ("Tier", vec!["general_single", "general_pair", "model"]),
        ("BatchStatus", vec!["draft", "cancelled", "approved"]),
    ] {
        assert_eq!(
            schemas[schema]["enum"],
            serde_json::json!(names),
            "{schema}"
        );
    }
});

on_both_backends!(an_unknown_endpoint_is_a_problem_json_404, |app| {
    let r = app.request("GET", "/api/v1/nothing-here", None, None);
    assert_eq!(r.status, 404);
    assert_eq!(r.content_type, "application/problem+json");
    assert_eq!(r.body["status"], 404);
});

on_both_backends!(
    every_path_parameter_is_declared_in_the_openapi_document,
    |app| {
        let spec = app.request("GET", "/api/v1/openapi.json", None, None).body;
        for (path, item) in spec["paths"].as_object().unwrap() {
            let wanted: Vec<&str> = path
                .split('/')
                .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .collect();
            for (method, op) in item.as_object().unwrap() {
                let declared: Vec<&str> = op["parameters"]
                    .as_array()
                    .map(|ps| {
                        ps.iter()
                            .filter(|p| p["in"] == "path")
                            .filter_map(|p| p["name"].as_str())
                            .collect()
                    })
                    .unwrap_or_default();
                for name in &wanted {
                    assert!(
                        declared.contains(name),
                        "{method} {path} does not declare its path parameter {name}"
                    );
                }
            }
        }
    }
);

on_both_backends!(
    the_openapi_document_says_how_refusals_look_and_what_pages_take,
    |app| {
        let spec = app.request("GET", "/api/v1/openapi.json", None, None).body;
        let mut guarded = 0;
        for (path, item) in spec["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                for (status, response) in op["responses"].as_object().unwrap() {
                    if status.starts_with('4') || status.starts_with('5') {
                        if let Some(content) = response["content"].as_object() {
                            assert!(
                                !content.contains_key("application/json"),
                                "{method} {path} {status}: refusals are problem+json"
                            );
                        }
                    }
                }
                if op["security"].as_array().is_some_and(|s| !s.is_empty()) {
                    guarded += 1;
                    for status in ["401", "403"] {
                        assert!(
                            op["responses"][status]["content"]["application/problem+json"]
                                .is_object(),
                            "{method} {path} documents {status}"
                        );
                    }
                }
            }
        }
        assert!(guarded > 40, "the staff operations are there: {guarded}");
        let list = &spec["paths"]["/api/v1/campaigns/{id}/applications"]["get"]["parameters"];
        let per_page = list
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "per_page")
            .expect("per_page declared");
        assert_eq!(
            (
                per_page["schema"]["minimum"].as_f64(),
                per_page["schema"]["maximum"].as_f64()
            ),
            (Some(1.0), Some(500.0))
        );
        let office = &spec["components"]["schemas"]["OfficeInput"]["properties"];
        for (field, least) in [
            ("office_number", 10),
            ("corporate_number", 13),
            ("municipality_code", 5),
            ("name", 1),
            ("address", 1),
        ] {
            assert_eq!(
                office[field]["minLength"].as_u64(),
                Some(least),
                "OfficeInput.{field}: {}",
                office[field]
            );
        }
        let r = app.request(
            "GET",
            "/api/v1/campaigns",
            Some(&app.token("auditor")),
            None,
        );
        assert_eq!(r.status, 200, "a real answer to compare with: {}", r.body);
        let refused = app.request("GET", "/api/v1/campaigns", None, None);
        assert_eq!(
            (refused.status, refused.content_type.as_str()),
            (401, "application/problem+json"),
            "as documented"
        );
    }
);

/// Without `TEST_POSTGRES_URL` the PostgreSQL half of every two-backend test returns early and
/// would pass unseen; this one fails instead, naming how many did not run. (With `CI` set, each
/// of them fails too.)
#[test]
fn the_postgresql_half_of_the_suite_runs() {
    let sources = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api"))
        .expect("the test sources")
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok());
    let halves: usize = sources
        .map(|s| s.matches("on_both_backends!(").count())
        .sum();
    assert!(
        std::env::var_os("TEST_POSTGRES_URL").is_some(),
        "TEST_POSTGRES_URL is not set: the PostgreSQL half of {halves} tests did not run \
         (set it to postgres://postgres@127.0.0.1:5432/postgres, as the README's test command does)"
    );
}

/// Every `$ref` of the document, wherever it stands.
fn references(value: &serde_json::Value, found: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner.as_str()) {
                    ("$ref", Some(target)) => found.push(target.to_owned()),
                    _ => references(inner, found),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| references(v, found)),
        _ => {}
    }
}

on_both_backends!(every_reference_in_the_openapi_document_resolves, |app| {
    let spec = app.request("GET", "/api/v1/openapi.json", None, None).body;
    let mut found = Vec::new();
    references(&spec, &mut found);
    assert!(found.len() > 20, "{found:?}");
    for target in found {
        let name = target
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{target}: only schemas are referred to"));
        assert!(
            spec["components"]["schemas"][name].is_object(),
            "{target} names no schema (a type read from a path needs its parameter declared)"
        );
    }
});
