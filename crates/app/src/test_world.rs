//! A real SQLite store in a temporary folder for the unit tests of the use cases, with the
//! stakeholders `jp` (a state) and `cert-x` (a CERT) registered.
use crate::App;
use normwatch_core::adoption::StakeholderInput;
use normwatch_core::violation::ReviewRule;
use normwatch_core::{Account, Catalog, Localized, Role};
use normwatch_store::{Actor, NewAccount, Store};
use std::sync::Arc;

pub(crate) struct World {
    pub store: Store,
    catalog: Arc<Catalog>,
    figures: crate::FigureCache,
    _dir: tempfile::TempDir,
}

impl World {
    pub async fn new() -> World {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let store = Store::connect(&format!("sqlite://{}", dir.path().join("w.db").display())).await.expect("store");
        let setup = Actor("setup".into());
        for (id, kind) in [("jp", "state"), ("cert-x", "cert")] {
            let name = Localized { ja: id.into(), en: id.into() };
            let s = StakeholderInput {
                id: id.into(),
                name,
                kind: kind.into(),
                country: None,
                website: None,
                version: None,
            };
            store.create_stakeholder(&setup, &s).await.expect("a stakeholder");
        }
        World {
            store,
            catalog: Arc::new(Catalog::embedded().expect("the catalogue")),
            figures: Default::default(),
            _dir: dir,
        }
    }

    pub fn app(&self) -> App<'_, Store> {
        let today = time::macros::date!(2026 - 03 - 01);
        App {
            store: &self.store,
            catalog: self.catalog.clone(),
            today,
            review_rule: ReviewRule::default(),
            figures: &self.figures,
        }
    }

    pub async fn account(&self, username: &str, role: Role, stakeholder: Option<&str>) -> Account {
        let stakeholder = stakeholder.map(str::to_owned);
        let display_name = username.to_uppercase();
        let new = NewAccount {
            username: username.into(),
            display_name,
            role,
            stakeholder,
            password_hash: "-".into(),
            must_change_password: false,
        };
        self.store.create_account(&Actor("setup".into()), &new).await.expect("an account")
    }
}
