//! The portal's own words in both languages. A struct, not a lookup table: a string missing in
//! one language is a compile error, not a blank on a page.
use normwatch_core::Lang;

/// Declares a set of the portal's words once, each word with its Japanese and its English text
/// side by side (`name: "日本語", "English";`): the struct (serialisable), its `JA` and `EN`
/// values, when named the function that picks one for a language, and a test that every word is
/// there and translated — but those listed after `@same_in_both`, which read the same in both
/// (codes, names). A word missing in one language is still a compile error.
macro_rules! words {
    ($(#[$m:meta])* $vis:vis struct $name:ident $(, $fvis:vis fn $f:ident)?;
     $(@same_in_both [$($same:literal),*];)?
     $($(#[$fm:meta])* $field:ident: $ja:expr, $en:expr;)*) => {
        $(#[$m])*
        #[derive(serde::Serialize)]
        $vis struct $name {
            $($(#[$fm])* pub $field: &'static str,)*
        }

        $vis const JA: $name = $name { $($field: $ja,)* };
        $vis const EN: $name = $name { $($field: $en,)* };

        $($fvis fn $f(lang: normwatch_core::Lang) -> &'static $name {
            $crate::web::kit::i18n::in_lang(lang, &JA, &EN)
        })?

        #[cfg(test)]
        #[test]
        fn every_word_in_both_languages() {
            $crate::web::kit::i18n::assert_translated(&JA, &EN, &[$($($same),*)?]);
        }
    };
}
pub(crate) use words;

words! {
    #[derive(Debug)]
    pub struct Ui, pub fn ui;
    @same_in_both ["site", "nav_api", "nav_vep"];
    site: "normwatch", "normwatch";
    tagline: "サイバー空間の安定性を観測する", "An observatory of cyberstability";
    nav_home: "ホーム", "Home";
    skip_to_content: "本文へ移動", "Skip to the content";
    nav_norms: "規範", "Norms";
    nav_incidents: "インシデント", "Incidents";
    nav_metrics: "指標", "Metrics";
    nav_analysis: "分析", "Analysis";
    nav_taxonomies: "分類", "Taxonomies";
    nav_api: "API", "API";
    nav_log: "ログ", "Log";
    nav_federated: "他の観測所から", "From other observatories";
    nav_peers: "フォロー先", "Peers";
    switch_to: "English", "日本語";
    intro:
        "normwatch は、国家、企業、技術コミュニティ、学術界、市民社会が、どのサイバー規範を採択し、どのように実施しているかを記録し、規範違反の検証可能な記録を収集・審査・公開するための観測所です。",
        "normwatch is an observatory where states, companies, the technical community, academia and civil society record which cyber norms they adopt and how they implement them, and where verifiable records of norm violations are collected, reviewed and published.";
    intro_2:
        "その枠組みは、2017年のG7ルッカ宣言（責任ある国家の行動）と、2019年のサイバースペースの安定性に関するグローバル委員会（GCSC）報告書「サイバースタビリティの推進」に基づいています。以下は、その原則、枠組みの要素、勧告の要約です。",
        "Its framework comes from the G7 Lucca Declaration on responsible state behaviour in cyberspace (2017) and the report \"Advancing Cyberstability\" of the Global Commission on the Stability of Cyberspace (GCSC, 2019). Below are their principles, the elements of the framework and the recommendations, in brief.";
    principles: "原則", "Principles";
    framework: "サイバースタビリティの枠組み", "The cyberstability framework";
    recommendations: "勧告", "Recommendations";
    norms: "規範", "Norms";
    norms_intro:
        "出典文書ごとに整理した規範の一覧です。一つの規範が複数の文書に現れる場合（例：国連GGE 13(f) と G7 ルッカ宣言の第6項）、各文書の下に同じ規範が表示されます。",
        "The norms, grouped by the document that states them. A norm stated in several documents (UN GGE 13(f) and G7 Lucca item 6, for instance) appears under each of them.";
    all_norms: "すべての規範", "All norms";
    search: "検索", "Search";
    search_placeholder: "例：脆弱性、選挙、critical infrastructure", "e.g. vulnerability, 選挙, election";
    addressee: "名宛人", "Addressee";
    any: "すべて", "Any";
    results: "件の規範", "norms";
    no_results: "条件に合う規範はありません。", "No norm matches.";
    summary: "概要", "Summary";
    sources: "出典", "Sources";
    document: "文書", "Document";
    paragraph: "段落・項目", "Paragraph or item";
    addressees: "名宛人", "Addressees";
    kind: "種類", "Kind";
    principles_served: "関係する原則", "Principles served";
    related: "関連する規範", "Related norms";
    assets: "保護対象の資産分類", "Asset classes protected";
    none: "なし", "none";
    status: "状態", "Status";
    status_active: "有効", "active";
    status_proposed: "提案中", "proposed";
    status_superseded: "置き換え済み", "superseded";
    taxonomies: "分類と語彙", "Taxonomies and vocabularies";
    terms: "項目", "terms";
    catalogue_version: "カタログ版", "Catalogue version";
    download_json: "JSON で取得", "Get as JSON";
    not_found: "見つかりません", "Not found";
    bad_request: "リクエストが正しくありません", "Bad request";
    back_to_norms: "規範の一覧へ", "Back to the norms";
    published: "公表日", "Published";
    nav_communities: "コミュニティ", "Communities";
    communities_title: "関心を共有するコミュニティ", "Communities of interest";
    communities_intro:
        "GCSC報告書6Eと勧告5が示す、共通の原則、課題への焦点、専門性、支援、透明な手続を備えたコミュニティです。コミュニティ向けに共有された記録は、そのメンバーだけが閲覧できます。",
        "Communities with the shared principles, problem focus, expertise, support and transparent process that GCSC 6E and Recommendation 5 describe. Records shared with a community are read by its members only.";
    factor_principles: "共通の原則", "Shared principles";
    factor_focus: "課題への焦点", "Problem focus";
    factor_expertise: "専門性", "Expertise";
    factor_support: "支援", "Support";
    factor_process: "透明な手続", "Transparent process";
    members: "メンバー", "Members";
    decisions: "決定の記録", "Decisions";
    nav_consultations: "協議", "Consultations";
    consultations_title: "規範に関する協議", "Consultations on norms";
    consultations_intro:
        "新しい規範、規範の改正、定義（「パブリック・コア」など）の提案と、ステークホルダーの種類ごとのコメント、その結果です（GCSC勧告6）。",
        "Proposals for new norms, amendments and definitions (such as the public core), the comments of each kind of stakeholder, and the outcome (GCSC Recommendation 6).";
    comment_period: "コメント期間", "Comment period";
    outcome: "結果", "Outcome";
    open: "受付中", "open";
    comments: "コメント", "Comments";
    nav_hotline: "ホットライン", "Hotline";
    hotline_title: "ホットライン（送受信した連絡）", "Hotline (messages sent and received)";
    hotline_intro:
        "自組織の連絡窓口が送受信したホットラインの連絡と、各受信者の受領確認です。期限までに受領確認がない受信者はエスカレーションとして表示されます。",
        "Hotline messages your stakeholder's contacts sent or received, with each recipient's acknowledgement. A recipient that has not acknowledged by the deadline is shown as escalated.";
    hotline_none: "表示できる連絡はありません。", "No messages to show.";
    severity: "重要度", "Severity";
    deadline: "受領確認期限", "Acknowledge by";
    acknowledged: "受領確認済み", "acknowledged";
    escalated: "エスカレーション", "escalated";
    waiting: "確認待ち", "waiting";
    checks_title: "連絡体制の確認（コミュニケーション・チェック）", "Communication checks";
    checks_intro:
        "連絡窓口に確認の連絡を送り、誰がどれだけ早く応答したかを測ります（国連の連絡窓口への「ping」やOSCEの確認に相当）。",
        "Checks sent to the points of contact, measuring who answers and how fast — what UN points-of-contact pings and OSCE checks measure.";
    checks_signed_in_only: "確認結果はサインインした利用者のみが閲覧できます。", "Check results are shown to signed-in users only.";
    response_rate: "応答率（％）", "Response rate (%)";
    median_response: "応答時間（中央値）", "Median response time";
    unanswered: "未応答", "Unanswered";
    nav_contacts: "連絡窓口", "Contacts";
    contacts_title: "連絡窓口（ポイント・オブ・コンタクト）", "Points of contact";
    contacts_intro:
        "危機の際に国家間・組織間で連絡を取るための政策面・技術面の窓口です（G7ルッカ宣言、OSCE信頼醸成措置8）。連絡先の詳細は通常TLP:AMBERで、権限のある利用者にのみ表示されます。",
        "Policy and technical contacts for reaching states and organisations in a crisis (G7 Lucca Declaration, OSCE CBM 8). Contact details are usually TLP:AMBER and shown only to those cleared to read them.";
    contacts_hidden:
        "表示できる連絡窓口はありません。サインインすると、閲覧権限のある窓口が表示されます。",
        "No contact you may see. Sign in to see the contacts you are cleared for.";
    contact_policy: "政策", "policy";
    contact_technical: "技術", "technical";
    hours: "対応時間", "Hours";
    languages: "言語", "Languages";
    decision_disclose: "開示", "disclose";
    decision_restrict: "制限", "restrict";
    progress_planned: "計画中", "planned";
    progress_running: "実施中", "running";
    progress_completed: "完了", "completed";
    control_implemented: "実施済み", "implemented";
    control_partial: "一部実施", "partial";
    control_not_implemented: "未実施", "not implemented";
    control_not_applicable: "該当なし", "not applicable";
    nav_standards: "標準", "Standards";
    standards_title: "技術標準とサイバー衛生", "Technical standards and cyber hygiene";
    standards_intro:
        "サイバースペースの安定性を支える技術標準（枠組みの要素7）と、GCSC規範7の基本的なサイバー衛生を自己評価するための基準です。",
        "Technical standards that keep cyberspace resilient (framework element 7), and the baselines for self-assessing the basic cyber hygiene of GCSC norm 7.";
    hygiene_score: "達成度（％）", "Score (%)";
    hygiene_latest: "最新の自己評価", "Latest self-assessment";
    nav_capacity: "能力構築", "Capacity";
    capacity_title: "能力構築プログラム", "Capacity-building programmes";
    capacity_intro:
        "GCSC勧告3と枠組みの要素6に沿って、どの規範についてどの地域でどのような能力構築が提供されているかを示します。",
        "Which capacity building is offered for which norm in which region, following GCSC Recommendation 3 and framework element 6.";
    coverage: "規範 × 地域の提供状況", "Programmes by norm and region";
    provider: "提供者", "Provider";
    region: "地域", "Region";
    progress: "進捗", "Progress";
    vuln_title: "脆弱性と修正までの期間", "Vulnerabilities and time to fix";
    vuln_intro:
        "GCSC規範6と国連GGE規範(j)に沿って、脆弱性の記録と、ベンダーによる通知受領・修正・公開までの経過を示します。",
        "Vulnerability records and each vendor's path from report to acknowledgement, fix and disclosure, after GCSC norm 6 and UN GGE norm (j).";
    vendor: "ベンダー", "Vendor";
    reported: "報告日", "Reported";
    fixed: "修正日", "Fixed";
    days_to_fix: "修正までの日数", "Days to fix";
    median_days_to_fix: "修正までの日数（中央値）", "Median days to fix";
    nav_vep: "脆弱性対応", "VEP";
    vep_title: "脆弱性公平性プロセス（VEP）", "Vulnerability equities process (VEP)";
    vep_intro:
        "GCSC規範5は、国家が未公開の脆弱性を開示するか否か、いつ開示するかを判断する透明な手続きを持ち、開示を原則とするよう求めています。各委員会の個別案件は委員のみが閲覧でき、公開されるのは年次の透明性報告（集計値）だけです。",
        "GCSC norm 5 asks states to decide through a transparent procedure whether and when to disclose the vulnerabilities they hold, with disclosure as the default. Each board's cases are visible to its members only; what is published is the annual transparency report of aggregates.";
    vep_report: "透明性報告", "Transparency report";
    vep_year: "年", "Year";
    vep_cases: "案件", "Cases";
    vep_decided: "判断済み", "Decided";
    vep_disclosed: "開示と判断", "Decided to disclose";
    vep_disclosed_share: "開示の割合", "Share disclosed";
    vep_median_days: "判断までの日数（中央値）", "Median days to decision";
    vep_rereviews: "期限が到来した再審査", "Re-reviews due";
    vep_on_time: "期限内に再審査", "Re-reviewed on time";
    vep_overdue: "再審査の期限切れ（現在）", "Overdue for re-review (now)";
    vep_members: "委員数", "Members";
    vep_confidential: "この委員会の案件は委員のみが閲覧できます。", "This board's cases are visible to its members only.";
    vep_product: "製品", "Product";
    vep_decision: "判断", "Decision";
    vep_rereview_by: "再審査期限", "Re-review by";
    vep_overdue_flag: "期限切れ", "overdue";
    vep_undecided: "未判断", "undecided";
    nav_adoption: "採択状況", "Adoption";
    nav_stakeholders: "ステークホルダー", "Stakeholders";
    sign_in: "サインイン", "Sign in";
    sign_in_to_write: "この操作にはサインインが必要である。", "Sign in to do this.";
    sign_out: "サインアウト", "Sign out";
    signed_in_as: "サインイン中：", "Signed in as";
    username: "ユーザー名", "Username";
    password: "パスワード", "Password";
    wrong_credentials: "ユーザー名またはパスワードが違います。", "Wrong username or password.";
    csrf_failed:
        "フォームの有効期限が切れたか、別のサイトから送信されました。ページを再読み込みしてもう一度送信してください。",
        "The form expired or was sent from another site. Reload the page and send it again.";
    too_many: "サインインの失敗が多すぎます。しばらくしてから再試行してください（秒）：", "Too many failed sign-ins. Try again in (seconds):";
    adoption: "規範の採択状況", "Who adopts which norms";
    adoption_intro:
        "各ステークホルダーが各規範を支持・拒否・棄権しているかを、出典のある記録から示します（GCSC報告書 6B）。日付を指定すると、その日時点の状況を表示します。",
        "Whether each stakeholder endorses, rejects or abstains from each norm, from sourced records (GCSC report, 6B). Give a date to see the matrix as it stood that day.";
    stakeholders: "ステークホルダー", "Stakeholders";
    stance_endorse: "支持", "endorse";
    stance_reject: "拒否", "reject";
    stance_abstain: "棄権", "abstain";
    stance_none: "記録なし", "no record";
    evidence: "実施の証拠", "Implementation evidence";
    legal_positions: "国際法の適用に関する立場", "Views on how international law applies";
    positions: "規範に対する立場（履歴）", "Positions on norms (history)";
    record_position: "立場を記録する", "Record a position";
    record_evidence: "実施の証拠を記録する", "Record implementation evidence";
    download_stix: "STIX 2.1 で取得（公開済みの立場）", "Get as STIX 2.1 (published positions)";
    norm: "規範", "Norm";
    stance: "立場", "Stance";
    stated_on: "表明日", "Stated on";
    source_url: "出典URL", "Source URL";
    statement_ja: "声明（日本語）", "Statement (Japanese)";
    statement_en: "声明（英語）", "Statement (English)";
    save: "保存", "Save";
    as_of: "時点", "As of";
    country: "国", "Country";
    download_csv: "CSV で取得", "Get as CSV";
    apply: "表示", "Show";
    supersedes: "置き換え前", "supersedes";
    website: "ウェブサイト", "Website";
    registered_keys: "登録された公開鍵", "Registered public keys";
    nav_triage: "選別", "Triage";
    nav_sources: "情報源", "Sources";
    report_incident: "インシデントを報告する", "Report an incident";
    nav_admin: "管理", "Administration";
}

/// The one of a pair of word sets (Japanese, English) for the page language: every bilingual
/// word set of the portal is chosen through here.
pub fn in_lang<T>(lang: Lang, ja: &'static T, en: &'static T) -> &'static T {
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

/// Checks a word struct: every word present and not blank in either language, and translated
/// (the two differ) except for the keys named, which read the same in both (codes, names).
#[cfg(test)]
pub(crate) fn assert_translated<T: serde::Serialize>(ja: &T, en: &T, same_in_both: &[&str]) {
    let ja = serde_json::to_value(ja).expect("ja");
    let en = serde_json::to_value(en).expect("en");
    let (ja, en) = (ja.as_object().expect("object"), en.as_object().expect("object"));
    assert_eq!(ja.len(), en.len());
    for (key, j) in ja {
        let (j, e) = (j.as_str().unwrap_or_default(), en[key].as_str().unwrap_or_default());
        assert!(!j.trim().is_empty(), "`{key}` is blank in Japanese");
        assert!(!e.trim().is_empty(), "`{key}` is blank in English");
        if !same_in_both.contains(&key.as_str()) {
            assert_ne!(j, e, "`{key}` is not translated");
        }
    }
}
