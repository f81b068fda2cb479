//! Consultations: proposed by those who manage them, commented on by stakeholders while the
//! comment period is open (contributors for their own), decided with a rationale.
use crate::ports::Consultations;
use crate::{Acting, App, AppError};
use normwatch_core::Right;
use normwatch_core::consultation::{CommentInput, Consultation, ConsultationInput, OutcomeInput};

fn no_consultation(id: &str) -> AppError {
    AppError::NotFound { kind: "consultation", id: id.to_owned() }
}

impl<S: Consultations> App<'_, S> {
    /// Opens a consultation; returns its id.
    pub async fn create_consultation(&self, who: Acting<'_>, input: &ConsultationInput) -> Result<String, AppError> {
        who.require(Right::ManageConsultations, None)?;
        input.validate(&self.catalog).map_err(AppError::InvalidField)?;
        Ok(self.store.create_consultation(&who.actor(), input).await?)
    }

    async fn consultation(&self, id: &str) -> Result<Consultation, AppError> {
        self.store.consultation(id).await?.ok_or_else(|| no_consultation(id))
    }

    /// Adds a stakeholder's comment to consultation `id`; returns the comment's id.
    pub async fn comment_on_consultation(
        &self,
        who: Acting<'_>,
        id: &str,
        input: &CommentInput,
    ) -> Result<String, AppError> {
        who.require(Right::WritePositions, Some(&input.stakeholder))?;
        self.consultation(id).await?.accepts_comments(self.today).map_err(AppError::InvalidField)?;
        input.validate().map_err(AppError::InvalidField)?;
        Ok(self.store.add_comment(&who.actor(), id, &input.stakeholder, input.text.trim()).await?)
    }

    /// Decides consultation `id`. An adopted new norm joins the catalogue as `proposed`: the
    /// interface reloads its catalogue after this.
    pub async fn decide_consultation(&self, who: Acting<'_>, id: &str, input: &OutcomeInput) -> Result<(), AppError> {
        who.require(Right::ManageConsultations, None)?;
        let c = self.consultation(id).await?;
        input.validate(&c, self.today).map_err(AppError::InvalidField)?;
        Ok(self.store.decide_consultation(&who.actor(), &c, input).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_world::World;
    use normwatch_core::Role;

    fn proposal(opens_on: &str, closes_on: &str) -> ConsultationInput {
        serde_json::from_value(serde_json::json!({
            "kind": "definition",
            "title": {"ja": "定義", "en": "A definition"},
            "text": {"ja": "本文", "en": "The text"},
            "opens_on": opens_on,
            "closes_on": closes_on
        }))
        .expect("a consultation")
    }

    #[tokio::test]
    async fn comments_are_taken_only_in_the_period_and_for_ones_own_stakeholder() {
        let w = World::new().await;
        let app = w.app();
        let editor = w.account("ed", Role::Editor, None).await;
        let jp = w.account("jp-writer", Role::Contributor, Some("jp")).await;
        let as_editor = Acting::new(Some(&editor), &[]);
        let (open, past) = (proposal("2026-02-01", "2026-04-01"), proposal("2025-01-01", "2025-02-01"));
        let open = app.create_consultation(as_editor, &open).await.expect("open consultation");
        let past = app.create_consultation(as_editor, &past).await.expect("past consultation");
        let comment = |stakeholder: &str| CommentInput { stakeholder: stakeholder.into(), text: "Agreed.".into() };
        let as_jp = Acting::new(Some(&jp), &[]);
        assert!(app.comment_on_consultation(as_jp, &open, &comment("jp")).await.is_ok());
        let other = app.comment_on_consultation(as_jp, &open, &comment("cert-x")).await;
        assert!(matches!(other, Err(AppError::Forbidden { .. })), "{other:?}");
        let closed = app.comment_on_consultation(as_jp, &past, &comment("jp")).await;
        assert!(matches!(&closed, Err(AppError::InvalidField(e)) if e.field == "consultation"), "{closed:?}");
        let stored = w.store.consultation(&past).await.expect("read").expect("consultation");
        assert!(stored.comments.is_empty());
    }
}
