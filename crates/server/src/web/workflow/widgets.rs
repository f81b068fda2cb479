//! The filing forms' parts: fields, choices, buttons and the note of a refused form.
use super::forms::{Refusal, Shown};
use super::words::Words;
use crate::AppState;
use crate::auth::Caller;
use crate::web::kit::{Page, PageUser, WebError, failure};
use maud::{Markup, html};
use normwatch_core::violation::SpeakerKind;
use normwatch_core::{Lang, Tlp};
use normwatch_store::StakeholderFilter;

pub(super) fn hidden(page: &Page, user: &PageUser) -> Markup {
    html! {
        input type="hidden" name="csrf" value=(user.csrf);
        input type="hidden" name="lang" value=(page.lang.code());
    }
}

pub(super) fn text_field(text: &str, name: &str, values: &Shown) -> Markup {
    html! {
        label { (text) input type="text" name=(name) value=(values.one(name))
            aria-describedby=[values.described_by(name)] aria-invalid=[values.invalid(name)]; }
        (values.note(name))
    }
}

pub(super) fn area(text: &str, name: &str, values: &Shown) -> Markup {
    html! {
        label { (text) textarea name=(name) rows="3" aria-describedby=[values.described_by(name)]
            aria-invalid=[values.invalid(name)] { (values.one(name)) } }
        (values.note(name))
    }
}

pub(super) fn date_field(text: &str, name: &str, values: &Shown, w: &Words) -> Markup {
    html! {
        label { (text) " (" (w.date_hint) ")"
            input type="text" name=(name) value=(values.one(name)) pattern="[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?" inputmode="numeric"
                aria-describedby=[values.described_by(name)] aria-invalid=[values.invalid(name)]; }
        (values.note(name))
    }
}

/// A select of fixed choices, the blank one first when `blank` is given.
pub(super) fn choice(text: &str, name: &str, values: &Shown, blank: Option<&str>, options: &[(&str, &str)]) -> Markup {
    html! {
        label { (text) select name=(name) aria-describedby=[values.described_by(name)] aria-invalid=[values.invalid(name)] {
            @if let Some(b) = blank { option value="" { (b) } }
            @for (value, shown) in options { option value=(value) selected[values.one(name) == *value] { (shown) } }
        } }
        (values.note(name))
    }
}

pub(super) fn taxonomy_choice(
    state: &AppState,
    lang: Lang,
    text: &str,
    name: &str,
    values: &Shown,
    taxonomy: &str,
    blank: Option<&str>,
) -> Markup {
    let catalog = state.catalog();
    let terms: Vec<(String, String)> = catalog
        .taxonomy(taxonomy)
        .map(|t| t.terms.iter().map(|term| (term.id.clone(), term.label.get(lang).to_owned())).collect())
        .unwrap_or_default();
    let options: Vec<(&str, &str)> = terms.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    choice(text, name, values, blank, &options)
}

pub(super) fn tlp_choice(w: &Words, values: &Shown, default: Tlp) -> Markup {
    let current = values.opt("tlp").unwrap_or_else(|| default.name().to_owned());
    html! {
        label { (w.tlp) select name="tlp" aria-describedby=[values.described_by("tlp")] aria-invalid=[values.invalid("tlp")] {
            @for t in Tlp::ALL { option value=(t.name()) selected[current == t.name()] { "TLP:" (t.name().to_uppercase()) } }
        } }
        (values.note("tlp"))
    }
}

pub(super) fn community_choice(w: &Words, caller: &Caller, values: &Shown) -> Markup {
    html! { @if !caller.communities.is_empty() {
        label { (w.community) select name="community" aria-describedby=[values.described_by("community")]
            aria-invalid=[values.invalid("community")] {
            option value="" { (w.no_community) }
            @for c in &caller.communities { option value=(c) selected[values.one("community") == c] { (c) } }
        } }
        (values.note("community"))
    } }
}

pub(super) fn save_buttons(w: &Words) -> Markup {
    html! { div.buttons {
        button type="submit" name="intent" value="draft" { (w.save_draft) }
        " "
        button type="submit" name="intent" value="in-review" { (w.save_for_review) }
    } }
}

/// The note on a form when it was refused (the page's summary says why; this marks the form)
/// or when its values were proposed by a collected item.
pub(super) fn refusal_note(w: &Words, refusal: Option<&Refusal>, form: &str) -> Markup {
    html! { @if let Some(r) = refusal.filter(|r| r.form == form) {
        @if r.is_proposal() {
            p.note.proposal { b { (w.proposed_by_item) ": " } (r.message) }
        } @else {
            p.error.refusal { b { (w.could_not_save) ": " } (r.message) }
        }
    } }
}

pub(super) fn speaker_kinds(w: &Words) -> [(&'static str, &'static str); 10] {
    let label = |k: SpeakerKind| match k {
        SpeakerKind::Government => w.speaker_government,
        SpeakerKind::Intergovernmental => w.speaker_intergovernmental,
        SpeakerKind::SecurityCompany => w.speaker_security_company,
        SpeakerKind::PrivateSector => w.speaker_private_sector,
        SpeakerKind::Media => w.speaker_media,
        SpeakerKind::Academia => w.speaker_academia,
        SpeakerKind::CivilSociety => w.speaker_civil_society,
        SpeakerKind::Victim => w.speaker_victim,
        SpeakerKind::SelfClaimed => w.speaker_self_claimed,
        SpeakerKind::Other => w.speaker_other,
    };
    SpeakerKind::ALL.map(|k| (k.name(), label(k)))
}

pub(super) fn effects(w: &Words) -> [(&'static str, &'static str); 4] {
    [("none", w.effect_none), ("low", w.effect_low), ("moderate", w.effect_moderate), ("high", w.effect_high)]
}

/// Stakeholders a speaker (attributor, responder) may be linked to.
pub(super) async fn stakeholder_options(state: &AppState, lang: Lang) -> Result<Vec<(String, String)>, WebError> {
    let all = state.store.stakeholders(&StakeholderFilter::default()).await.map_err(failure(lang))?;
    Ok(all.into_iter().map(|s| (s.id.clone(), format!("{} ({})", s.name.get(lang), s.id))).collect())
}

/// The registered stakeholder a speaker is: a choice for editors, fixed to its own for a
/// contributor (who may write for no other).
pub(super) fn speaker_choice(
    text: &str,
    name: &str,
    values: &Shown,
    own_only: bool,
    options: &[(String, String)],
) -> Markup {
    let options: Vec<(&str, &str)> = options.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    choice(text, name, values, (!own_only).then_some("—"), &options)
}
