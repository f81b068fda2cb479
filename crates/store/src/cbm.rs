//! Points of contact: marked records (TLP:AMBER by default), read through the viewer's filter.
use crate::audit::Actor;
use crate::marked::{Audited, MarkedKind, marked_kind, marked_row, visible_select};
use crate::rows::read_row;
use crate::rows::{corrupt, enum_column, enum_name, json_column};
use crate::sql::{Column, col, insert};
use crate::stakeholders::require_stakeholder;
use crate::{Store, StoreError, new_id, now_rfc3339};
use normwatch_core::Viewer;
use normwatch_core::cbm::{ContactInput, PointOfContact};
use sqlx::Row;
use sqlx::any::AnyRow;

const COLUMNS: &str = "c.id, c.stakeholder_id, c.kind, c.name, c.role_title, c.channels, c.languages, c.hours, c.time_zone, \
    c.valid_from, c.valid_until, c.tlp, c.status, c.recorded_by, c.created_at, c.updated_at, c.version";

fn contact_from(r: &AnyRow) -> Result<PointOfContact, StoreError> {
    Ok(marked_row!(
        r,
        PointOfContact {
            id, stakeholder = "stakeholder_id", kind: enum_column(r, "kind")?, name, role_title,
            channels: json_column(r, "channels")?, languages: json_column(r, "languages")?, hours, time_zone,
            valid_from, valid_until,
        }
    ))
}

impl MarkedKind for ContactInput {
    marked_kind!(PointOfContact, "c", COLUMNS, contact_from -> PointOfContact);
    fn stakeholder(&self) -> Option<(&'static str, &str)> {
        Some(("stakeholder", &self.stakeholder))
    }
    fn columns(&self) -> Result<Vec<Column>, StoreError> {
        let channels = serde_json::to_string(&self.channels).map_err(|e| corrupt("channels", e))?;
        let languages = serde_json::to_string(&self.languages).map_err(|e| corrupt("languages", e))?;
        Ok(vec![
            col("stakeholder_id", &self.stakeholder),
            col("kind", enum_name(self.kind)),
            col("name", self.name.trim()),
            col("role_title", self.role_title.trim()),
            col("channels", channels),
            col("languages", languages),
            col("hours", self.hours.trim()),
            col("time_zone", &self.time_zone),
            col("valid_from", &self.valid_from),
            col("valid_until", &self.valid_until),
        ])
    }
}

impl Store {
    pub async fn create_contact(&self, actor: &Actor, input: &ContactInput) -> Result<PointOfContact, StoreError> {
        self.create_marked(actor, input).await
    }

    /// One contact, if the viewer may read it.
    pub async fn contact(&self, viewer: &Viewer, id: &str) -> Result<Option<PointOfContact>, StoreError> {
        self.visible_marked::<ContactInput>(viewer, id).await
    }

    /// The contacts the viewer may read, optionally of one stakeholder.
    pub async fn contacts(
        &self,
        viewer: &Viewer,
        stakeholder: Option<&str>,
    ) -> Result<Vec<PointOfContact>, StoreError> {
        let mut sql = visible_select::<ContactInput>(viewer);
        sql.and_eq("c.stakeholder_id", stakeholder);
        self.marked_list::<ContactInput>(sql, "c.stakeholder_id, c.kind, c.valid_from, c.id").await
    }

    /// Published contacts as they stand (for `log audit`).
    pub(crate) async fn published_contact_records(
        &self,
    ) -> Result<Vec<(String, String, serde_json::Value)>, StoreError> {
        self.published_marked::<ContactInput>(|c| c.id.clone()).await
    }
}

/// A communication check as stored, with each target's response time.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CommunicationCheck {
    pub id: String,
    pub organiser: String,
    pub title: String,
    pub sent_at: String,
    /// Per target: (stakeholder, seconds to acknowledge, or none yet).
    pub responses: Vec<(String, Option<i64>)>,
}

fn seconds_between(from: &str, to: &str) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    let a = time::OffsetDateTime::parse(from, &Rfc3339).ok()?;
    let b = time::OffsetDateTime::parse(to, &Rfc3339).ok()?;
    Some((b - a).whole_seconds())
}

impl Store {
    /// Sends a check: one target per contact, each with the hash of its one-time answer token.
    pub async fn create_check(
        &self,
        actor: &Actor,
        organiser: &str,
        title: &str,
        targets: &[(String, String, String)],
    ) -> Result<CommunicationCheck, StoreError> {
        let mut tx = self.begin_write().await?;
        require_stakeholder(&mut tx, "organiser", organiser).await?;
        let id = new_id();
        let sent_at = now_rfc3339();
        let columns = vec![
            col("id", &id),
            col("organiser", organiser),
            col("title", title),
            col("sent_at", &sent_at),
            col("recorded_by", &actor.0),
        ];
        insert("communication_checks", columns).query().execute(&mut *tx).await?;
        for (contact, stakeholder, token_hash) in targets {
            sqlx::query(
                "INSERT INTO communication_check_targets (check_id, contact_id, stakeholder_id, token_hash) VALUES ($1, $2, $3, $4)",
            )
            .bind(&id)
            .bind(contact)
            .bind(stakeholder)
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        }
        let check = CommunicationCheck {
            id: id.clone(),
            organiser: organiser.to_owned(),
            title: title.to_owned(),
            sent_at,
            responses: targets.iter().map(|(_, s, _)| (s.clone(), None)).collect(),
        };
        crate::audit::record(&mut tx, actor, "send", "communication-check", &id, None::<&()>, Some(&check)).await?;
        tx.commit().await?;
        Ok(check)
    }

    /// Records an answer. `Ok(None)`: no such token; `Ok(Some(false))`: answered before.
    pub async fn acknowledge_check(&self, token_hash: &str) -> Result<Option<bool>, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE communication_check_targets SET acknowledged_at = $1 WHERE token_hash = $2 AND acknowledged_at IS NULL",
        )
        .bind(now_rfc3339())
        .bind(token_hash)
        .execute(&mut *tx)
        .await?;
        let outcome = if done.rows_affected() == 1 {
            Some(true)
        } else {
            let exists = sqlx::query("SELECT 1 AS one FROM communication_check_targets WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(&mut *tx)
                .await?;
            exists.map(|_| false)
        };
        tx.commit().await?;
        Ok(outcome)
    }

    /// Every check, oldest first, with its targets' response times.
    pub async fn checks(&self) -> Result<Vec<CommunicationCheck>, StoreError> {
        let rows = sqlx::query("SELECT id, organiser, title, sent_at FROM communication_checks ORDER BY sent_at, id")
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: String = r.try_get("id")?;
            let sent_at: String = r.try_get("sent_at")?;
            let targets = sqlx::query(
                "SELECT stakeholder_id, acknowledged_at FROM communication_check_targets WHERE check_id = $1 ORDER BY stakeholder_id, contact_id",
            )
            .bind(&id)
            .fetch_all(&self.pool)
            .await?;
            let responses = targets
                .iter()
                .map(|t| {
                    let ack: Option<String> = t.try_get("acknowledged_at")?;
                    Ok((t.try_get::<String, _>("stakeholder_id")?, ack.and_then(|a| seconds_between(&sent_at, &a))))
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            out.push(CommunicationCheck {
                id,
                organiser: r.try_get("organiser")?,
                title: r.try_get("title")?,
                sent_at,
                responses,
            });
        }
        Ok(out)
    }
}

fn deadline(sent_at: &str, minutes: i64) -> String {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::parse(sent_at, &Rfc3339)
        .map(|t| crate::timestamp(t + time::Duration::minutes(minutes)))
        .unwrap_or_else(|_| sent_at.to_owned())
}

impl Store {
    /// Sends a hotline message from a contact to others (all already resolved by the caller).
    pub async fn create_hotline_message(
        &self,
        actor: &Actor,
        from: &PointOfContact,
        to: &[PointOfContact],
        input: &normwatch_core::cbm::HotlineInput,
    ) -> Result<String, StoreError> {
        let mut tx = self.begin_write().await?;
        let id = new_id();
        let sent_at = now_rfc3339();
        let columns = vec![
            col("id", &id),
            col("from_contact", &from.id),
            col("from_stakeholder", &from.stakeholder),
            col("severity", enum_name(input.severity)),
            col("subject", input.subject.trim()),
            col("body_ja", input.body.ja.trim()),
            col("body_en", input.body.en.trim()),
            col("incident_ref", &input.incident_ref),
            col("ack_within_minutes", input.ack_within_minutes),
            col("sent_at", &sent_at),
            col("recorded_by", &actor.0),
        ];
        insert("hotline_messages", columns).query().execute(&mut *tx).await?;
        for c in to {
            sqlx::query("INSERT INTO hotline_recipients (message_id, contact_id, stakeholder_id) VALUES ($1, $2, $3)")
                .bind(&id)
                .bind(&c.id)
                .bind(&c.stakeholder)
                .execute(&mut *tx)
                .await?;
        }
        // The audit notes who sent what to whom, not the text (it may be sensitive).
        let what = serde_json::json!({"from": from.id, "to": to.iter().map(|c| &c.id).collect::<Vec<_>>()});
        crate::audit::record(&mut tx, actor, "send", "hotline-message", &id, None::<&()>, Some(&what)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Messages a stakeholder sent or received (`None`: all of them, for admins), newest first.
    pub async fn hotline_messages(
        &self,
        stakeholder: Option<&str>,
    ) -> Result<Vec<normwatch_core::cbm::HotlineMessage>, StoreError> {
        use normwatch_core::cbm::{HotlineMessage, Recipient};
        let rows = match stakeholder {
            Some(s) => {
                sqlx::query(
                    "SELECT * FROM hotline_messages m WHERE m.from_stakeholder = $1
                       OR EXISTS (SELECT 1 FROM hotline_recipients r WHERE r.message_id = m.id AND r.stakeholder_id = $1)
                     ORDER BY m.sent_at DESC, m.id",
                )
                .bind(s)
                .fetch_all(&self.pool)
                .await?
            }
            None => sqlx::query("SELECT * FROM hotline_messages m ORDER BY m.sent_at DESC, m.id").fetch_all(&self.pool).await?,
        };
        let now = now_rfc3339();
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: String = r.try_get("id")?;
            let sent_at: String = r.try_get("sent_at")?;
            let minutes: i64 = r.try_get("ack_within_minutes")?;
            let due = deadline(&sent_at, minutes);
            let recipients = sqlx::query(
                "SELECT contact_id, stakeholder_id, acknowledged_at FROM hotline_recipients WHERE message_id = $1 ORDER BY stakeholder_id, contact_id",
            )
            .bind(&id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|x| {
                let ack: Option<String> = x.try_get("acknowledged_at")?;
                Ok(Recipient {
                    contact: x.try_get("contact_id")?,
                    stakeholder: x.try_get("stakeholder_id")?,
                    escalated: ack.is_none() && now > due,
                    acknowledged_at: ack,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
            out.push(HotlineMessage {
                id,
                from_contact: r.try_get("from_contact")?,
                from_stakeholder: r.try_get("from_stakeholder")?,
                severity: enum_column(r, "severity")?,
                subject: r.try_get("subject")?,
                body: normwatch_core::Localized::new(
                    r.try_get::<String, _>("body_ja")?,
                    r.try_get::<String, _>("body_en")?,
                ),
                incident_ref: r.try_get("incident_ref")?,
                ack_within_minutes: minutes,
                sent_at,
                ack_deadline: due,
                recipients,
            });
        }
        Ok(out)
    }

    /// A recipient contact acknowledges. `Ok(None)`: not a recipient; `Ok(Some(false))`: before.
    pub async fn acknowledge_hotline(
        &self,
        actor: &Actor,
        message: &str,
        contact: &str,
    ) -> Result<Option<bool>, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE hotline_recipients SET acknowledged_at = $1, acknowledged_by = $2
             WHERE message_id = $3 AND contact_id = $4 AND acknowledged_at IS NULL",
        )
        .bind(now_rfc3339())
        .bind(&actor.0)
        .bind(message)
        .bind(contact)
        .execute(&mut *tx)
        .await?;
        let outcome = if done.rows_affected() == 1 {
            crate::audit::record(
                &mut tx,
                actor,
                "acknowledge",
                "hotline-message",
                message,
                None::<&()>,
                Some(&contact),
            )
            .await?;
            Some(true)
        } else {
            sqlx::query("SELECT 1 AS one FROM hotline_recipients WHERE message_id = $1 AND contact_id = $2")
                .bind(message)
                .bind(contact)
                .fetch_optional(&mut *tx)
                .await?
                .map(|_| false)
        };
        tx.commit().await?;
        Ok(outcome)
    }
}

/// A delivery as the log shows it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WebhookDelivery {
    pub id: String,
    pub endpoint: String,
    pub event: String,
    pub subject: String,
    pub attempts: i64,
    pub status: String,
    pub next_attempt_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_status: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<String>,
}

/// A delivery due now, with what sending it needs.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub id: String,
    pub url: String,
    pub secret: String,
    pub body: String,
    pub attempts: i64,
}

impl Store {
    pub async fn create_webhook(
        &self,
        actor: &Actor,
        stakeholder: &str,
        url: &str,
        secret: &str,
    ) -> Result<String, StoreError> {
        let id = new_id();
        let columns = vec![
            col("id", &id),
            col("stakeholder_id", stakeholder),
            col("url", url),
            col("secret", secret),
            col("created_at", now_rfc3339()),
        ];
        let what = Some(serde_json::json!({"stakeholder": stakeholder, "url": url}));
        let audit = Audited { action: "create", entity: "webhook", id: &id, what };
        self.insert_audited(actor, "webhook_endpoints", columns, Some(("stakeholder", stakeholder)), audit).await?;
        Ok(id)
    }

    /// The stakeholder a webhook belongs to.
    pub async fn webhook_owner(&self, id: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT stakeholder_id FROM webhook_endpoints WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok(r.try_get("stakeholder_id")?)).transpose()
    }

    /// Queues one delivery per endpoint of each stakeholder, for an event about `subject`.
    pub async fn queue_webhooks(
        &self,
        stakeholders: &[String],
        event: &str,
        subject: &str,
        body: &str,
    ) -> Result<usize, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut queued = 0;
        for s in stakeholders {
            let endpoints = sqlx::query("SELECT id FROM webhook_endpoints WHERE stakeholder_id = $1")
                .bind(s)
                .fetch_all(&mut *tx)
                .await?;
            for e in &endpoints {
                let now = now_rfc3339();
                sqlx::query(
                    "INSERT INTO webhook_deliveries (id, endpoint_id, event, subject_id, body, attempts, status, next_attempt_at, created_at)
                     VALUES ($1, $2, $3, $4, $5, 0, 'pending', $6, $6)",
                )
                .bind(new_id())
                .bind(e.try_get::<String, _>("id")?)
                .bind(event)
                .bind(subject)
                .bind(body)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
                queued += 1;
            }
        }
        tx.commit().await?;
        Ok(queued)
    }

    pub async fn due_deliveries(&self, limit: i64) -> Result<Vec<DueDelivery>, StoreError> {
        let rows = sqlx::query(
            "SELECT d.id, e.url, e.secret, d.body, d.attempts FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
             WHERE d.status = 'pending' AND d.next_attempt_at <= $1 ORDER BY d.next_attempt_at, d.id LIMIT $2",
        )
        .bind(now_rfc3339())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(read_row!(r, DueDelivery { id, url, secret, body, attempts }))).collect()
    }

    /// Records an attempt: delivered, retried at `retry_at`, or failed for good (`retry_at` none).
    pub async fn record_attempt(
        &self,
        id: &str,
        delivered: bool,
        status: Option<i64>,
        error: Option<&str>,
        retry_at: Option<&str>,
    ) -> Result<(), StoreError> {
        let now = now_rfc3339();
        let (state, next) = match (delivered, retry_at) {
            (true, _) => ("delivered", now.clone()),
            (false, Some(at)) => ("pending", at.to_owned()),
            (false, None) => ("failed", now.clone()),
        };
        sqlx::query(
            "UPDATE webhook_deliveries SET attempts = attempts + 1, status = $1, next_attempt_at = $2, last_status = $3,
             last_error = $4, delivered_at = $5 WHERE id = $6",
        )
        .bind(state)
        .bind(next)
        .bind(status)
        .bind(error.map(str::to_owned))
        .bind(delivered.then_some(now))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn webhook_deliveries(&self, endpoint: &str) -> Result<Vec<WebhookDelivery>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, endpoint_id, event, subject_id, attempts, status, next_attempt_at, last_status, last_error, delivered_at
             FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY created_at, id",
        )
        .bind(endpoint)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(read_row!(r, WebhookDelivery {
                    id, endpoint = "endpoint_id", event, subject = "subject_id", attempts, status, next_attempt_at,
                    last_status, last_error, delivered_at,
                }))
            })
            .collect()
    }
}

impl Store {
    /// Escalates, once, every recipient past its acknowledgement deadline: marks it and queues a
    /// `hotline.escalated` event to the sender's webhooks. Returns how many were escalated.
    pub async fn escalate_overdue(&self) -> Result<usize, StoreError> {
        let rows = sqlx::query(
            "SELECT r.message_id, r.contact_id, r.stakeholder_id, m.sent_at, m.ack_within_minutes, m.from_stakeholder, m.subject
             FROM hotline_recipients r JOIN hotline_messages m ON m.id = r.message_id
             WHERE r.acknowledged_at IS NULL AND r.escalated_at IS NULL",
        )
        .fetch_all(&self.pool)
        .await?;
        let now = now_rfc3339();
        let mut escalated = 0;
        for r in &rows {
            let sent_at: String = r.try_get("sent_at")?;
            let due = deadline(&sent_at, r.try_get("ack_within_minutes")?);
            if now <= due {
                continue;
            }
            let (message, contact): (String, String) = (r.try_get("message_id")?, r.try_get("contact_id")?);
            let done = sqlx::query(
                "UPDATE hotline_recipients SET escalated_at = $1 WHERE message_id = $2 AND contact_id = $3 AND escalated_at IS NULL AND acknowledged_at IS NULL",
            )
            .bind(&now)
            .bind(&message)
            .bind(&contact)
            .execute(&self.pool)
            .await?;
            if done.rows_affected() != 1 {
                continue;
            }
            let body = serde_json::json!({"event": "hotline.escalated", "id": message, "contact": contact,
                "stakeholder": r.try_get::<String, _>("stakeholder_id")?, "subject": r.try_get::<String, _>("subject")?, "ack_deadline": due})
            .to_string();
            self.queue_webhooks(&[r.try_get("from_stakeholder")?], "hotline.escalated", &message, &body).await?;
            escalated += 1;
        }
        Ok(escalated)
    }
}
