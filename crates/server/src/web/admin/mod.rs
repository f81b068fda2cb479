//! Administration in the portal (accounts, stakeholders) and a person's own account (password,
//! API tokens).
mod accounts;
mod form;
mod password;
mod stakeholders;
mod tokens;
mod words;

pub use accounts::{
    act as account_act, create as create_account, list as accounts, one as account, update as update_account,
};
pub use password::{change as change_password, form as password_form};
pub use stakeholders::{
    create as create_stakeholder, list as stakeholders, one as stakeholder, update as update_stakeholder,
};
pub use tokens::{create as create_token, list as tokens, revoke as revoke_token};
