//! The portal's filing forms: a posted `application/x-www-form-urlencoded` body goes through
//! axum's `Form` extractor (as the handlers receive it) and the form's decoding into the API's
//! input (incident, assessment, attribution, response or statement, chosen by the first byte).
//! No panic; a decoded input validates or is refused with a reason, reads back unchanged
//! through JSON, and an incident comes back unchanged from the form its edit page would show.
#![no_main]
use axum::Form;
use axum::body::Body;
use axum::extract::FromRequest;
use axum::http::{Request, header};
use libfuzzer_sys::fuzz_target;
use normwatch_core::RecordStatus;
use normwatch_fuzz::{assert_serde_round_trip, catalog, today};
use normwatch_server::fuzzing::{
    Fields, assessment_from, attribution_from, fields_of, incident_from, response_from, statement_from,
};
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// The body as the handlers get it, or axum's rejection text. The body is in memory, so the
/// extractor finishes on its first poll.
fn extract(body: &[u8]) -> Result<Fields, String> {
    let request = Request::post("/incidents/new")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_vec()))
        .expect("a valid request");
    let future = pin!(Form::<Vec<(String, String)>>::from_request(request, &()));
    match future.poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(Ok(Form(pairs))) => Ok(Fields(pairs)),
        Poll::Ready(Err(rejection)) => Err(rejection.body_text()),
        Poll::Pending => panic!("an in-memory body is read at once"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else { return };
    let Ok(fields) = extract(body) else { return };
    let stakeholder = (selector & 0x80 != 0).then_some("jp-cert");
    let community = (selector & 0x40 != 0).then_some("cert-circle");
    match selector % 5 {
        0 => {
            let Ok(incident) = incident_from(&fields, stakeholder) else { return };
            assert_serde_round_trip(&incident);
            if incident.validate(catalog(), today()).is_err() {
                return;
            }
            // The edit page shows a stored incident in the form; saved unchanged it is the same
            // incident (the form's buttons, not its fields, say draft or for review).
            let again = incident_from(&fields_of(&incident), stakeholder).expect("its own form decodes");
            assert_eq!(again, incident_with_status(incident, again.status));
        }
        1 => {
            if let Ok(a) = assessment_from("inc-1", community, &fields, stakeholder) {
                assert_serde_round_trip(&a);
                let _ = a.validate(catalog());
            }
        }
        2 => {
            if let Ok(a) = attribution_from("inc-1", community, &fields) {
                assert_serde_round_trip(&a);
                let _ = a.validate(catalog(), today());
            }
        }
        3 => {
            if let Ok(r) = response_from("inc-1", community, &fields) {
                assert_serde_round_trip(&r);
                let _ = r.validate(catalog(), today());
            }
        }
        _ => {
            if let Ok(s) = statement_from("inc-1", community, &fields) {
                assert_serde_round_trip(&s);
                let _ = s.validate(today());
            }
        }
    }
});

fn incident_with_status(
    mut incident: normwatch_core::incident::IncidentInput,
    status: RecordStatus,
) -> normwatch_core::incident::IncidentInput {
    incident.status = status;
    incident
}
