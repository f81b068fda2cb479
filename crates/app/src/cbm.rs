//! Confidence-building measures: points of contact, communication checks and their answers,
//! hotline messages and the webhooks that carry them. Writing for a stakeholder's contacts needs
//! the contacts right (a contributor: for its own stakeholder).
use crate::accounts::Secrets;
use crate::ports::Contacts;
use crate::{Acting, App, AppError};
use normwatch_core::cbm::{
    CheckInput, CheckResults, ContactInput, HotlineInput, HotlineMessage, PointOfContact, WebhookInput,
};
use normwatch_core::{Right, Role, Viewer};
use normwatch_store::CommunicationCheck;

/// One contact asked to answer a check: the one-time token stands in for delivery.
#[derive(Debug)]
pub struct CheckDelivery {
    pub contact: String,
    pub stakeholder: String,
    pub token: String,
}

/// A hotline message sent: its id, how many contacts it went to, how many webhooks were queued.
#[derive(Debug)]
pub struct HotlineSent {
    pub id: String,
    pub recipients: usize,
    pub webhooks_queued: usize,
}

impl<S: Contacts> App<'_, S> {
    pub async fn create_contact(&self, who: Acting<'_>, input: &ContactInput) -> Result<PointOfContact, AppError> {
        who.require(Right::WriteContacts, Some(&input.stakeholder))?;
        input.validate().map_err(AppError::InvalidField)?;
        Ok(self.store.create_contact(&who.actor(), input).await?)
    }

    /// Sends a communication check to every current contact of the group, each with its own
    /// answer token.
    pub async fn send_check(
        &self,
        who: Acting<'_>,
        input: &CheckInput,
        secrets: &impl Secrets,
    ) -> Result<(CommunicationCheck, Vec<CheckDelivery>), AppError> {
        who.require(Right::WriteContacts, Some(&input.organiser))?;
        input.validate().map_err(AppError::InvalidField)?;
        // Every contact of the group is checked, whatever the organiser may read of their details.
        let everyone = Viewer::system();
        let today = self.today.to_string();
        let mut targets = Vec::new();
        let mut deliveries = Vec::new();
        for (i, s) in input.stakeholders.iter().enumerate() {
            if self.store.stakeholder(s).await?.is_none() {
                return Err(AppError::field(&format!("stakeholders[{i}]"), format!("no stakeholder `{s}`")));
            }
            for c in self.store.contacts(&everyone, Some(s)).await?.into_iter().filter(|c| c.current_on(&today)) {
                let token = secrets.random_secret();
                targets.push((c.id.clone(), s.clone(), secrets.secret_hash(&token)));
                deliveries.push(CheckDelivery { contact: c.id, stakeholder: s.clone(), token });
            }
        }
        if targets.is_empty() {
            return Err(AppError::field("stakeholders", "none of these stakeholders has a current point of contact"));
        }
        let check = self.store.create_check(&who.actor(), &input.organiser, input.title.trim(), &targets).await?;
        Ok((check, deliveries))
    }

    /// A contact answers a check with its token (no account: the token is the proof). True the
    /// first time, false when it was answered already.
    pub async fn answer_check(&self, token: &str, secrets: &impl Secrets) -> Result<bool, AppError> {
        self.store
            .acknowledge_check(&secrets.secret_hash(token.trim()))
            .await?
            .ok_or_else(|| AppError::NotFound { kind: "check answer token", id: "…".into() })
    }

    /// Every check with its results (signed-in accounts: aggregates, no contact details).
    pub async fn check_results(&self, who: Acting<'_>) -> Result<Vec<(CommunicationCheck, CheckResults)>, AppError> {
        who.signed_in()?;
        let checks = self.store.checks().await?;
        Ok(checks
            .into_iter()
            .map(|c| {
                let results = CheckResults::compute(&c.responses.iter().map(|(_, s)| *s).collect::<Vec<_>>());
                (c, results)
            })
            .collect())
    }

    async fn any_contact(&self, id: &str, field: &str) -> Result<PointOfContact, AppError> {
        let found = self.store.contact(&Viewer::system(), id).await?;
        found.ok_or_else(|| AppError::field(field, "no such point of contact"))
    }

    /// Sends a hotline message from one of the account's stakeholder's contacts to other
    /// contacts; each recipient stakeholder's webhooks are queued the message.
    pub async fn send_hotline(&self, who: Acting<'_>, input: &HotlineInput) -> Result<HotlineSent, AppError> {
        who.signed_in()?;
        let from = self.any_contact(&input.from_contact, "from_contact").await?;
        who.require(Right::WriteContacts, Some(&from.stakeholder))?;
        input.validate().map_err(AppError::InvalidField)?;
        let mut to: Vec<PointOfContact> = Vec::new();
        for (i, id) in input.to_contacts.iter().enumerate() {
            let field = format!("to_contacts[{i}]");
            let c = self.any_contact(id, &field).await?;
            if c.id == from.id || to.iter().any(|t| t.id == c.id) {
                return Err(AppError::field(&field, "the sender, or listed twice"));
            }
            to.push(c);
        }
        let id = self.store.create_hotline_message(&who.actor(), &from, &to, input).await?;
        let mut stakeholders: Vec<String> = to.iter().map(|c| c.stakeholder.clone()).collect();
        stakeholders.sort();
        stakeholders.dedup();
        let body = serde_json::json!({"event": "hotline.message", "id": id, "from_contact": from.id,
            "from_stakeholder": from.stakeholder, "to_contacts": input.to_contacts, "severity": input.severity,
            "subject": input.subject, "body": input.body, "ack_within_minutes": input.ack_within_minutes})
        .to_string();
        let webhooks_queued = self.store.queue_webhooks(&stakeholders, "hotline.message", &id, &body).await?;
        Ok(HotlineSent { id, recipients: to.len(), webhooks_queued })
    }

    /// The hotline messages the account's stakeholder sent or received (admins: all; nobody
    /// signed in, or without a stakeholder: none).
    pub async fn hotline_inbox(&self, who: Acting<'_>) -> Result<Vec<HotlineMessage>, AppError> {
        Ok(match who.account {
            Some(a) if a.role == Role::Admin => self.store.hotline_messages(None).await?,
            Some(a) => match &a.stakeholder {
                Some(s) => self.store.hotline_messages(Some(s)).await?,
                None => vec![],
            },
            None => vec![],
        })
    }

    /// A recipient contact acknowledges message `id`: true the first time.
    pub async fn acknowledge_hotline(&self, who: Acting<'_>, id: &str, contact: &str) -> Result<bool, AppError> {
        who.signed_in()?;
        let contact = self.any_contact(contact, "contact").await?;
        who.require(Right::WriteContacts, Some(&contact.stakeholder))?;
        self.store
            .acknowledge_hotline(&who.actor(), id, &contact.id)
            .await?
            .ok_or_else(|| AppError::NotFound { kind: "hotline message to this contact", id: id.to_owned() })
    }

    /// Registers an endpoint for a stakeholder's hotline messages; returns its id and the
    /// signing secret (shown once).
    pub async fn create_webhook(
        &self,
        who: Acting<'_>,
        input: &WebhookInput,
        secrets: &impl Secrets,
    ) -> Result<(String, String), AppError> {
        who.require(Right::WriteContacts, Some(&input.stakeholder))?;
        input.validate().map_err(AppError::InvalidField)?;
        let secret = secrets.random_secret();
        let id = self.store.create_webhook(&who.actor(), &input.stakeholder, &input.url, &secret).await?;
        Ok((id, secret))
    }
}
