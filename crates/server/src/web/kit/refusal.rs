//! A refused form, shown on the page that asked: the page again with its 4xx status, a summary
//! at the top saying in the page's language why (role="alert"), a note beside the field the
//! reason names (`id="{field}-error"`, which the field's `aria-describedby` points to), and
//! every field as it was typed. Every portal form that writes answers a refusal through here.
use super::page::{Page, layout, no_store};
use crate::error::ApiError;
use crate::web::kit::i18n::words;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use normwatch_core::Lang;
use normwatch_store::StoreError;

/// The fields of a posted form in order; repeated names carry several values (checkboxes,
/// multiple selects).
#[derive(Debug, Default, Clone)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub fn one(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.trim())
    }

    pub fn opt(&self, name: &str) -> Option<String> {
        let v = self.one(name);
        (!v.is_empty()).then(|| v.to_owned())
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, v)| k == name && !v.trim().is_empty()).map(|(_, v)| v.trim().to_owned()).collect()
    }

    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v.trim() == value)
    }
}

/// Why a form was refused, as the reader is told it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// A field's value is not accepted.
    Field,
    /// Nobody is signed in.
    SignIn,
    /// The role lacks the right.
    Rights,
    /// Publication wants more approvals than the record has.
    Approvals,
    /// This reviewer may not review this record (their own, or no stakeholder to count for).
    Reviewer,
    /// The record is not in a state that allows it, or changed meanwhile.
    Conflict,
    /// What the form acts on does not exist (or is not the reader's to see).
    NotFound,
    /// Too many attempts in a short time.
    TooMany,
    /// What was sent is too large.
    TooLarge,
    /// The request failed inside normwatch.
    Failed,
    /// Not a refusal: values proposed for a form.
    Proposal,
}

impl Why {
    /// The kind of a refusal the API would answer with `e`.
    pub fn of(e: &ApiError) -> Why {
        match e {
            ApiError::InvalidField(f)
            | ApiError::InvalidBody(f)
            | ApiError::InvalidParameter(f)
            | ApiError::Store(StoreError::Rejected(f)) => match f.field.as_str() {
                "reviews" => Why::Approvals,
                "reviewer" => Why::Reviewer,
                _ => Why::Field,
            },
            ApiError::Unauthenticated(_) => Why::SignIn,
            ApiError::Forbidden { .. } | ApiError::CsrfRejected => Why::Rights,
            ApiError::Store(StoreError::Conflict(_)) => Why::Conflict,
            ApiError::NotFound { .. } | ApiError::NoRoute(_) | ApiError::Store(StoreError::NotFound) => Why::NotFound,
            ApiError::TooManyRequests { .. } => Why::TooMany,
            ApiError::PayloadTooLarge { .. } => Why::TooLarge,
            _ => Why::Failed,
        }
    }
}

/// A refused form: which one, what was sent, and why. Its page is shown again with the values.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub form: &'static str,
    pub fields: Fields,
    pub status: StatusCode,
    pub why: Why,
    /// The field the reason names, as the record names it (`title.en`, `targets[0].name`).
    pub field: Option<String>,
    /// The reason as the rule that refused gave it.
    pub message: String,
}

impl Refusal {
    pub fn of(form: &'static str, fields: &Fields, e: ApiError) -> Refusal {
        e.log_if_internal();
        let field = match &e {
            ApiError::InvalidField(f)
            | ApiError::InvalidBody(f)
            | ApiError::InvalidParameter(f)
            | ApiError::Store(StoreError::Rejected(f)) => Some(f.field.clone()),
            _ => None,
        };
        Refusal { form, fields: fields.clone(), status: e.status(), why: Why::of(&e), field, message: e.detail() }
    }

    /// A form's own refusal of a field; `message` reads "`field`: reason" or "field: reason".
    pub fn invalid(form: &'static str, fields: &Fields, message: String) -> Refusal {
        let field = named_field(&message);
        Refusal {
            form,
            fields: fields.clone(),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            why: Why::Field,
            field,
            message,
        }
    }

    /// Not a refusal: values proposed for `form` (by a collected item), shown with a note that
    /// says where they came from; the page answers 200.
    pub fn proposal(form: &'static str, fields: Fields, message: String) -> Refusal {
        Refusal { form, fields, status: StatusCode::OK, why: Why::Proposal, field: None, message }
    }

    pub fn is_proposal(&self) -> bool {
        self.why == Why::Proposal
    }

    /// The values to show in `form`, with the field at fault when that form was refused.
    pub fn values(refusal: Option<&Refusal>, form: &str) -> Shown {
        match refusal.filter(|r| r.form == form) {
            Some(r) => Shown { fields: r.fields.clone(), fault: r.fault() },
            None => Shown::default(),
        }
    }

    /// The language the form was sent in: every portal form carries its `lang`.
    fn lang(&self) -> Lang {
        self.fields.one("lang").parse().unwrap_or(Lang::En)
    }

    /// The name of the form's field the reason is about, when the form has one.
    pub fn form_field(&self) -> Option<String> {
        let field = self.field.as_deref()?;
        let posted = |name: &str| self.fields.0.iter().any(|(k, _)| k == name);
        candidates(field, self.lang()).into_iter().find(|c| posted(c))
    }

    fn fault(&self) -> Option<Fault> {
        if self.is_proposal() {
            return None;
        }
        let name = self.form_field()?;
        Some(Fault { note: format!("{} {}", words(self.lang()).field_note, reason(&self.message)), name })
    }
}

/// What a form shows: the values entered and, when it was refused, the field at fault. It reads
/// as the [`Fields`] it holds.
#[derive(Debug, Default, Clone)]
pub struct Shown {
    pub fields: Fields,
    fault: Option<Fault>,
}

#[derive(Debug, Clone)]
struct Fault {
    name: String,
    note: String,
}

impl From<Fields> for Shown {
    fn from(fields: Fields) -> Shown {
        Shown { fields, fault: None }
    }
}

impl std::ops::Deref for Shown {
    type Target = Fields;
    fn deref(&self) -> &Fields {
        &self.fields
    }
}

impl Shown {
    fn at_fault(&self, name: &str) -> bool {
        self.fault.as_ref().is_some_and(|f| f.name == name)
    }

    /// The `aria-describedby` of field `name`: its note, when it is at fault.
    pub fn described_by(&self, name: &str) -> Option<String> {
        self.at_fault(name).then(|| format!("{name}-error"))
    }

    /// The `aria-invalid` of field `name`.
    pub fn invalid(&self, name: &str) -> Option<&'static str> {
        self.at_fault(name).then_some("true")
    }

    /// The note beside field `name`, when the refusal names it.
    pub fn note(&self, name: &str) -> Markup {
        html! { @if let Some(f) = self.fault.as_ref().filter(|f| f.name == name) {
            span.error.field-error id=(format!("{name}-error")) { (f.note) }
        } }
    }
}

/// The reason without the field it names (the note stands beside that field).
fn reason(message: &str) -> &str {
    match named_field(message) {
        Some(_) => message.split_once(": ").map_or(message, |(_, r)| r),
        None => message,
    }
}

/// The field a message "`field`: reason" or "field: reason" names.
fn named_field(message: &str) -> Option<String> {
    let (head, _) = message.split_once(": ")?;
    let head = head.trim_matches('`');
    let field_like =
        !head.is_empty() && head.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']' | '-'));
    field_like.then(|| head.to_owned())
}

/// The form field names a record's field path may be posted as, likeliest first: `title.en` is
/// `title_en`, `targets[0].name` the first target row's `target_name_1`, `attributed_to.state`
/// `attributed_state`, `impact.economic_loss.amount` `loss_amount`, a bilingual `title` the
/// page language's.
fn candidates(path: &str, lang: Lang) -> Vec<String> {
    let mut out = vec![path.to_owned(), path.replace('.', "_")];
    // A row of a list: `targets[0].asset_classes[1]` → `target_assets_1`.
    if let Some((list, rest)) = path.split_once('[')
        && let Some((index, rest)) = rest.split_once(']')
        && let Ok(i) = index.parse::<usize>()
    {
        let item = list.strip_suffix('s').unwrap_or(list);
        let part = rest.trim_start_matches('.').split(['.', '[']).next().unwrap_or("");
        let part = if part == "asset_classes" { "assets" } else { part };
        if part.is_empty() {
            out.push(item.to_owned());
        } else {
            out.push(format!("{item}_{part}_{}", i + 1));
            out.push(format!("{item}_{part}"));
        }
        out.push(list.split('_').next().unwrap_or(list).to_owned());
    }
    let segments: Vec<&str> = path.split('.').collect();
    if let [.., parent, last] = segments.as_slice() {
        out.push((*last).to_owned());
        for word in [parent.split('_').next(), parent.rsplit('_').next()].into_iter().flatten() {
            out.push(format!("{word}_{last}"));
        }
    }
    if let Some(first) = segments.first() {
        out.push((*first).to_owned());
    }
    let (one, other) = match lang {
        Lang::Ja => ("ja", "en"),
        Lang::En => ("en", "ja"),
    };
    out.push(format!("{path}_{one}"));
    out.push(format!("{path}_{other}"));
    out
}

/// The summary at the top of a refused page, in the page's language: what kind of refusal,
/// a link to the field at fault, and the reason as the rule gave it.
pub fn summary(lang: Lang, refusal: Option<&Refusal>) -> Markup {
    let Some(r) = refusal.filter(|r| !r.is_proposal()) else { return html! {} };
    let w = words(lang);
    let sentence = match r.why {
        Why::Field => w.field,
        Why::SignIn => w.sign_in,
        Why::Rights => w.rights,
        Why::Approvals => w.approvals,
        Why::Reviewer => w.reviewer,
        Why::Conflict => w.conflict,
        Why::NotFound => w.not_found,
        Why::TooMany => w.too_many,
        Why::TooLarge => w.too_large,
        Why::Failed | Why::Proposal => w.failed,
    };
    let field = r.form_field();
    html! {
        div.error-summary #error-summary role="alert" {
            h2 { (w.heading) }
            p #refusal-reason data-why=(format!("{:?}", r.why).to_lowercase()) { (sentence)
                @if let Some(f) = &field { " " a href=(format!("#{f}-error")) { (w.see_field) " (" (f) ")" } } }
            p.refusal-detail { (w.detail) ": " (r.message) }
            @if r.why != Why::Field || field.is_none() { p { (w.kept) } }
        }
    }
}

/// The page that asked, again: 4xx (or 200 for a proposal), the summary above its body, its
/// title marked, never cached (it holds what was typed and a CSRF token).
pub fn page_again(page: &Page, title: &str, body: Markup, refusal: Option<&Refusal>) -> Response {
    let refused = refusal.filter(|r| !r.is_proposal());
    let title = match refused {
        Some(_) => format!("{}{title}", words(page.lang).title_mark),
        None => title.to_owned(),
    };
    let body = html! { (summary(page.lang, refused)) (body) };
    no_store(refusal.map_or(StatusCode::OK, |r| r.status), layout(page, &title, body))
}

words! {
    /// The words of a refusal, in both languages.
    pub struct Words, pub fn words;
    heading: "受け付けられなかった", "Not accepted";
    title_mark: "エラー：", "Error: ";
    field:
        "入力した値のうち、受け付けられないものがある。欄の横の注記を見て直してから、もう一度送ってほしい。",
        "A value you entered was not accepted. Correct it as the note beside the field says, then send the form again.";
    see_field: "その欄へ", "Go to the field";
    field_note: "この欄を直してほしい：", "Correct this field:";
    sign_in: "この操作にはサインインが必要である。", "Sign in to do this.";
    rights: "あなたの役割には、この操作の権限がない。", "Your role does not have the right to do this.";
    approvals:
        "公表に必要な承認がまだそろっていない。審査の規則を満たしてから公表できる。",
        "Publication needs more approvals: the record can be published once the review rule is met.";
    reviewer:
        "この記録はあなたが審査できるものではない（自分が作成した記録か、あなたのアカウントが審査を数える関係者に属していない）。",
        "You cannot review this record (you wrote it, or your account acts for no stakeholder whose review counts).";
    conflict:
        "記録の今の状態ではこの操作ができない。ほかの人が先に変更した可能性がある。ページを読み直してほしい。",
        "The record's present state does not allow this; someone may have changed it meanwhile. Read the page again.";
    not_found: "操作の対象が見つからない。", "What this acts on was not found.";
    too_many: "短い間に試みが多すぎる。しばらく待ってからもう一度送ってほしい。", "Too many attempts in a short time; wait a little and send it again.";
    too_large: "送られたデータが大きすぎる。", "What was sent is too large.";
    failed: "normwatch の内部で処理に失敗した。しばらくしてからもう一度試してほしい。", "The request failed inside normwatch; try again later.";
    detail: "詳細", "Detail";
    kept: "入力した内容は下にそのまま残してある。何も保存されていない。", "What you entered is kept below; nothing was saved.";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(names: &[&str]) -> Fields {
        Fields(names.iter().map(|n| ((*n).to_owned(), String::new())).collect())
    }

    #[test]
    fn a_reason_finds_the_field_it_names() {
        let f = fields(&["title_en", "target_name_1", "target_assets_2", "attributed_state", "loss_amount", "name"]);
        let at = |message: &str| Refusal::invalid("x", &f, message.to_owned()).form_field();
        assert_eq!(at("`title.en`: too long").as_deref(), Some("title_en"));
        assert_eq!(at("targets[0].name: give the target's name").as_deref(), Some("target_name_1"));
        assert_eq!(at("`targets[1].asset_classes[0]`: not an asset").as_deref(), Some("target_assets_2"));
        assert_eq!(at("`attributed_to.state`: not a code").as_deref(), Some("attributed_state"));
        assert_eq!(at("impact.economic_loss.amount: not a number").as_deref(), Some("loss_amount"));
        assert_eq!(at("`name.ja`: the name is needed").as_deref(), Some("name"));
        assert_eq!(at("`title`: give the title").as_deref(), Some("title_en"));
        assert_eq!(at("username `ann` is taken"), None);
        assert_eq!(at("`nowhere`: no such field"), None);
    }

    #[test]
    fn the_note_stands_beside_its_field() {
        let f = Fields(vec![("lang".into(), "ja".into()), ("title_en".into(), "x".into())]);
        let r = Refusal::invalid("incident", &f, "`title.en`: too long".into());
        let shown = Refusal::values(Some(&r), "incident");
        assert_eq!(shown.described_by("title_en").as_deref(), Some("title_en-error"));
        assert_eq!(shown.described_by("title_ja"), None);
        let note = shown.note("title_en").into_string();
        assert!(note.contains("id=\"title_en-error\"") && note.contains("too long") && note.contains(JA.field_note));
        assert_eq!(Refusal::values(Some(&r), "other").described_by("title_en"), None);
    }

    #[test]
    fn the_summary_says_why_in_the_page_language() {
        let e = ApiError::Store(StoreError::Rejected(normwatch_core::FieldError::new("reviews", "needs 2")));
        let r = Refusal::of("action", &Fields::default(), e);
        assert_eq!((r.why, r.status), (Why::Approvals, StatusCode::UNPROCESSABLE_ENTITY));
        let ja = summary(Lang::Ja, Some(&r)).into_string();
        assert!(ja.contains("role=\"alert\"") && ja.contains(JA.approvals) && ja.contains("needs 2"));
        let en = summary(Lang::En, Some(&r)).into_string();
        assert!(en.contains(EN.approvals));
        let proposal = Refusal::proposal("attribution", Fields::default(), "from an item".into());
        assert!(summary(Lang::En, Some(&proposal)).into_string().is_empty());
    }
}
