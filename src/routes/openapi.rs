//! The OpenAPI document, generated from the handlers' annotations so it cannot drift.

use actix_web::{get, HttpResponse};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Response};
use utoipa::{Modify, OpenApi};

struct BearerAuth;

/// Handlers inside the `/api/v1` scope know only their own path; put the scope back.
struct ApiPrefix;

impl Modify for ApiPrefix {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let paths = std::mem::take(&mut openapi.paths.paths);
        for (path, item) in paths {
            let full = if path == "/health" || path == "/ready" || path == "/metrics" {
                path
            } else {
                format!("/api/v1{path}")
            };
            openapi.paths.paths.insert(full, item);
        }
    }
}

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Every refusal is `application/problem+json`, as the server sends it; every operation behind
/// a bearer token may also answer 401 (no token, or one unknown, expired or disabled) and 403
/// (a role without the right). Added here once rather than on each of sixty handlers.
struct Problems;

const PROBLEM: &str = "application/problem+json";

fn problem(description: &str) -> RefOr<Response> {
    RefOr::T(
        Response::builder()
            .description(description)
            .content(
                PROBLEM,
                Content::new(Some(Ref::from_schema_name("Problem"))),
            )
            .build(),
    )
}

impl Modify for Problems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                for (status, response) in &mut operation.responses.responses {
                    let RefOr::T(response) = response else {
                        continue;
                    };
                    if status.starts_with('4') || status.starts_with('5') {
                        if let Some(content) = response.content.shift_remove("application/json") {
                            response.content.insert(PROBLEM.into(), content);
                        }
                    }
                }
                if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
                    let responses = &mut operation.responses.responses;
                    responses.entry("401".into()).or_insert_with(|| {
                        problem("no bearer token, or one that is unknown, expired or disabled")
                    });
                    responses
                        .entry("403".into())
                        .or_insert_with(|| problem("the token's role may not do this"));
                }
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "honoraria",
        description = "First-come subsidy campaigns: tiers, slot caps, waiting list, year-end check, payouts and audit trail.\n\n\
Conventions: errors are application/problem+json (RFC 9457) with `errors: [{field, message}]` for invalid input. \
Timestamps are shown in Japan time (+09:00); dates are Japan-time days; a deadline closes at the end of its day in Japan. \
Money is integer yen. Lists take `page` (from 1) and `per_page` (1–500, default 50). \
Creating POSTs take an `Idempotency-Key` header: same key and body replay the first response, another body is 422. \
Refusals come in this order: 401/403, 404, 409 for the campaign's state, 422 with every field error, 409 for conflicts with other records."
    ),
    paths(
        super::health::health,
        super::health::ready,
        super::health::metrics,
        super::tokens::me,
        super::tokens::create,
        super::tokens::list,
        super::tokens::revoke,
        super::campaigns::create,
        super::campaigns::list,
        super::campaigns::get,
        super::campaigns::update,
        super::campaigns::slots,
        super::campaigns::import_attendees,
        super::applications::submit,
        super::applications::list,
        super::applications::participants,
        super::applications::get,
        super::applications::withdraw,
        super::applications::disqualify,
        super::applications::void,
        super::applications::public_status,
        super::applications::public_withdraw,
        super::applications::public_correct,
        super::audit_events::list,
        super::outbox::list,
        super::outbox::get,
        super::outbox::resend,
        super::year_end::patch_checkpoints,
        super::year_end::upload_checkpoints,
        super::year_end::import_usage_list,
        super::year_end::run_check,
        super::year_end::get_check,
        super::year_end::check_results,
        super::year_end::notify,
        super::year_end::remind,
        super::surveys::define,
        super::surveys::get,
        super::surveys::results,
        super::surveys::chart,
        super::surveys::answer,
        super::payouts::create,
        super::payouts::list,
        super::payouts::get,
        super::payouts::lines,
        super::payouts::cancel,
        super::payouts::approve,
        super::exports::ledger_csv,
        super::exports::ledger_json,
        super::exports::ledger_xlsx,
        super::exports::zengin,
        super::bank_accounts::put_account,
        super::bank_accounts::get_account,
        super::bank_accounts::put_payer,
        super::bank_accounts::get_payer,
        super::audit_events::verify_audit,
        super::audit_events::export,
        super::exports::reconciliation,
        super::outcome::import_register,
        super::outcome::get_outcome,
        super::outcome::outcome_svg,
        super::outcome::outcome_png,
    ),
    modifiers(&BearerAuth, &ApiPrefix, &Problems)
)]
pub struct ApiDoc;

/// This document.
#[utoipa::path(responses((status = 200, description = "OpenAPI 3.1 document")))]
#[get("/openapi.json")]
pub async fn spec() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
