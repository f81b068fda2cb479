//! The words of the administration pages (accounts, stakeholders) and of a person's own account
//! (password, API tokens) in Japanese and English.
use crate::web::kit::i18n::words;
use normwatch_core::Role;

words! {
    #[derive(Debug)]
    pub struct Words, pub fn words;
    accounts_title: "アカウントの管理", "Accounts";
    accounts_intro:
        "アカウントの作成、役割とステークホルダーの変更、停止と再開を行います。パスワードを空欄にして作成すると一度だけ表示される仮パスワードが作られ、本人は最初のサインインで自分のパスワードに変更します。",
        "Create accounts, change their role and stakeholder, disable and enable them. Leave the password blank to have a one-time password generated and shown once; its person sets their own at the first sign-in.";
    stakeholders_title: "ステークホルダーの管理", "Stakeholders";
    stakeholders_intro:
        "規範への立場や実施の証拠を記録する主体（国家、企業、技術コミュニティ、学術界、市民社会）を登録し、編集します。",
        "Register and edit the actors whose positions on the norms and evidence of implementation are recorded: states, companies, the technical community, academia, civil society.";
    username: "ユーザー名", "Username";
    username_hint: "3〜64文字の a-z、0-9、「.」「_」「-」", "3–64 of a-z, 0-9, “.”, “_”, “-”";
    display_name: "表示名", "Display name";
    role: "役割", "Role";
    stakeholder: "ステークホルダー", "Stakeholder";
    no_stakeholder: "（なし）", "(none)";
    state: "状態", "State";
    active: "有効", "active";
    disabled: "停止中", "disabled";
    one_time_pending: "仮パスワード未変更", "one-time password not changed yet";
    edit: "編集", "Edit";
    create_account: "アカウントを作成する", "Create an account";
    password_optional: "パスワード（空欄なら仮パスワードを生成）", "Password (blank: generate a one-time one)";
    create: "作成", "Create";
    save: "保存", "Save";
    refused: "受け付けられませんでした", "Not accepted";
    created_title: "アカウントを作成しました", "Account created";
    one_time_password: "仮パスワード", "One-time password";
    shown_once:
        "この表示は一度きりです。本人に安全な方法で伝えてください。本人は最初のサインインで変更します。",
        "Shown this once: give it to its person by a safe channel. They change it at the first sign-in.";
    back_to_accounts: "アカウント一覧へ戻る", "Back to the accounts";
    back_to_stakeholders: "ステークホルダーの一覧へ戻る", "Back to the stakeholders";
    account_title: "アカウント", "Account";
    disable: "停止する", "Disable";
    disable_hint:
        "停止したアカウントはサインインできず、そのAPIトークンも使えなくなります。",
        "A disabled account cannot sign in, and its API tokens stop working.";
    enable: "再開する", "Enable";
    reset_password: "新しい仮パスワードを発行する", "Give a new one-time password";
    reset_hint: "現在のパスワード、セッション、APIトークンはすべて無効になります。", "The current password, its sessions and its API tokens all end.";
    new_one_time_title: "新しい仮パスワードを発行しました", "New one-time password given";
    role_admin: "管理者", "Administrator";
    role_editor: "編集者", "Editor";
    role_reviewer: "審査者", "Reviewer";
    role_contributor: "寄稿者（一つのステークホルダーを代表）", "Contributor (acts for one stakeholder)";
    role_reader: "閲覧者", "Reader";
    id: "識別子", "Identifier";
    id_hint: "例: jp、acme（小文字の英数字と「-」）", "e.g. jp, acme (lower-case letters, digits and “-”)";
    name_ja: "名称（日本語）", "Name (Japanese)";
    name_en: "名称（英語）", "Name (English)";
    kind: "種別", "Kind";
    country: "国コード", "Country code";
    country_hint: "ISO 3166-1 の2文字。国家では必須", "ISO 3166-1 alpha-2; required for a state";
    website: "ウェブサイト", "Website";
    create_stakeholder: "ステークホルダーを登録する", "Register a stakeholder";
    stakeholder_title: "ステークホルダーの編集", "Edit stakeholder";
    public_page: "公開ページ", "Public page";
    password_title: "パスワードの変更", "Change your password";
    password_due:
        "現在のパスワードは仮パスワードです。続けるには自分のパスワードを設定してください。",
        "Your password is a one-time one. Set your own to continue.";
    password_intro:
        "変更すると、このアカウントの他のセッションとAPIトークンはすべて無効になります。",
        "Changing it ends every other session and every API token of this account.";
    current_password: "現在のパスワード", "Current password";
    new_password: "新しいパスワード", "New password";
    new_password_hint: "12文字以上", "at least 12 characters";
    new_password_again: "新しいパスワード（確認）", "New password, again";
    passwords_differ: "確認用のパスワードが一致しません", "the two new passwords differ";
    change_password: "変更する", "Change";
    password_changed: "パスワードを変更しました。", "Your password is changed.";
    tokens_title: "APIトークン", "API tokens";
    tokens_intro:
        "スクリプトからAPIを使うためのトークンです。トークンはこのアカウントの権限で動きます。秘密の値は作成時に一度だけ表示されます。",
        "Tokens let scripts use the API with this account's rights. A token's secret is shown once, when it is created.";
    no_tokens: "トークンはまだありません。", "No tokens yet.";
    token_name: "名前", "Name";
    token_name_hint: "用途（例: 使うスクリプトの名前）", "what it is for, e.g. the script that uses it";
    created: "作成", "Created";
    expires: "有効期限", "Expires";
    never: "なし", "never";
    last_used: "最終使用", "Last used";
    revoked: "失効", "revoked";
    live: "有効", "live";
    revoke: "失効させる", "Revoke";
    create_token: "トークンを作成する", "Create a token";
    days: "有効日数", "Days valid";
    days_hint: "空欄なら失効させるまで有効", "blank: until revoked";
    token_created: "トークンを作成しました", "Token created";
    token_secret: "この値は一度だけ表示されます。今すぐ保管してください。", "Shown this once: keep it somewhere safe now.";
    your_account: "自分のアカウント", "Your account";
}

pub fn role_word(w: &Words, r: Role) -> &'static str {
    match r {
        Role::Admin => w.role_admin,
        Role::Editor => w.role_editor,
        Role::Reviewer => w.role_reviewer,
        Role::Contributor => w.role_contributor,
        Role::Reader => w.role_reader,
    }
}
