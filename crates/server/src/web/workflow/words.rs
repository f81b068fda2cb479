//! The words of the portal's ledger workflows, in both languages. A struct, not a lookup table:
//! a string missing in one language does not compile.
use crate::web::kit::i18n::words;
use normwatch_core::Lang;

words! {
    #[derive(Debug)]
    pub struct Words, pub fn words;
    file_incident: "インシデントを登録する", "File an incident";
    file_intro:
        "下書きとして保存するか、そのまま審査に回す。公開は審査者の承認の後に行われ、公開された記録は透明性ログに追記される。",
        "Save it as a draft or send it straight to review. Reviewers approve before it is published; published records are appended to the transparency log.";
    sign_in_to_file:
        "インシデントを登録するにはサインインしてください（インシデントを書く権限が必要）。",
        "Sign in to file an incident (you need the right to write incidents).";
    may_not_file:
        "このアカウントの役割ではインシデントを登録できない。編集者または自組織の寄稿者の役割が必要。",
        "Your role may not file incidents: it takes an editor, or a contributor for its own stakeholder.";
    title_ja: "表題（日本語）", "Title (Japanese)";
    title_en: "表題（英語）", "Title (English)";
    description_ja: "説明（日本語）", "Description (Japanese)";
    description_en: "説明（英語）", "Description (English)";
    when: "時期", "When";
    started: "開始日", "Started";
    ended: "終了日", "Ended";
    discovered: "発見日", "Discovered";
    date_hint: "YYYY、YYYY-MM または YYYY-MM-DD", "YYYY, YYYY-MM or YYYY-MM-DD";
    operation_types: "作戦の種類", "Operation types";
    actor: "関与が疑われる主体", "Alleged actor";
    actor_kind: "主体の種別", "Kind of actor";
    actor_name: "主体の名称（集団・機関）", "Actor's name (group or organ)";
    country_code: "国（ISO 3166-1 の2文字、例 JP）", "Country (ISO 3166-1 two letters, e.g. JP)";
    state_actor: "国家（その機関）", "A state (its organs)";
    non_state_actor: "非国家主体", "A non-state actor";
    not_known: "不明・記載しない", "Unknown / not given";
    target: "標的", "Target";
    target_name: "標的の名称", "Target's name";
    sector: "部門", "Sector";
    asset_classes: "資産の分類（複数選択可）", "Asset classes (choose several if needed)";
    impact: "影響", "Impact";
    confidentiality: "機密性への影響", "Effect on confidentiality";
    integrity: "完全性への影響", "Effect on integrity";
    availability: "可用性への影響", "Effect on availability";
    effect_none: "なし", "none";
    effect_low: "低", "low";
    effect_moderate: "中", "moderate";
    effect_high: "高", "high";
    functional_duration: "機能が損なわれた期間", "How long functions were impaired";
    duration_hours: "数時間", "hours";
    duration_days: "数日", "days";
    duration_weeks: "数週間", "weeks";
    duration_months: "数か月以上", "months or more";
    countries_affected: "影響を受けた国（コードを空白またはカンマで区切る）", "Countries affected (codes separated by spaces or commas)";
    victims_affected: "被害者の数", "Number of victims";
    physical_effects: "物理的な影響があった", "There were physical effects";
    yes: "はい", "yes";
    no: "いいえ", "no";
    rights_affected: "影響を受けた権利", "Rights affected";
    economic_loss: "経済的損失（整数）", "Economic loss (whole units)";
    currency: "通貨（ISO 4217、例 JPY）", "Currency (ISO 4217, e.g. EUR)";
    harm_ja: "人への危害（日本語）", "Harm to people (Japanese)";
    harm_en: "人への危害（英語）", "Harm to people (English)";
    harm: "人への危害", "Harm to people";
    sources: "出典", "Sources";
    sources_hint: "公開情報の URL を1行に1つ", "Public URLs, one per line";
    handling: "取り扱い", "Handling";
    tlp: "TLP（共有の範囲）", "TLP (who may read it)";
    community: "関心共同体（その構成員だけに共有）", "Community of interest (shared with its members only)";
    no_community: "なし（TLP に従う）", "None (the TLP decides)";
    save_draft: "下書きとして保存", "Save as draft";
    save_for_review: "保存して審査に回す", "Save and send to review";
    could_not_save: "保存できなかった", "Not saved";
    proposed_by_item: "収集した記事からの提案", "Proposed by a collected item";
    proposed_attribution:
        "この記事は帰属の主張を報じている。誰がどの根拠で主張したかを確かめて記入し、保存する",
        "the item reports an attribution: check who made it and on what basis, fill those in, then save";
    work_on_record: "この記録の作業", "Work on this record";
    work_intro:
        "審査待ちの記録と、証拠・評価・帰属・対応・共同声明を加えるフォーム。",
        "Records awaiting review or publication, and forms to add evidence, assessments, attributions, responses and a collective statement.";
    awaiting: "公開前の記録", "Records not yet published";
    record: "記録", "Record";
    what: "内容", "What";
    status: "状態", "Status";
    approvals: "承認", "Approvals";
    own_record_review: "自分が作成した記録は、ほかの審査者が審査する。", "You wrote this record: other reviewers review it.";
    reviewed_already: "この版はすでに審査した。", "You have reviewed this version already.";
    actions: "操作", "Actions";
    submit_for_review: "審査に回す", "Send to review";
    approve: "承認する", "Approve";
    request_changes: "修正を求める", "Request changes";
    review_comment: "審査のコメント（修正を求めるときは必須）", "Review comment (required when requesting changes)";
    publish: "公開する", "Publish";
    nothing_awaiting: "公開前の記録はない。", "Nothing is waiting to be published.";
    upload_evidence: "証拠をアップロードする", "Upload evidence";
    file: "ファイル", "File";
    evidence_source: "入手元", "Obtained from";
    evidence_method: "収集の方法", "Collection method";
    evidence_tool: "使用したツール", "Tool used";
    evidence_handling: "取り扱いの記録", "Handling notes";
    upload: "アップロード", "Upload";
    add_assessment: "違反の評価を書く", "Write a violation assessment";
    norm: "規範", "Norm";
    suggested: "候補として示された規範", "Norms suggested by screening";
    other_norms: "その他の規範", "Other norms";
    alleged_state:
        "国（ISO コード）：主体そのもの、または集団について責任を負う国",
        "State (ISO code): the actor itself, or the state answering for the group";
    alleged_group: "集団の名称", "Group's name";
    responsibility: "国が集団について責任を負う理由", "Why the state answers for the group";
    responsibility_proxy: "代理（国の指示・管理の下で行動）", "Proxy (acted on its instructions or under its control)";
    responsibility_territory:
        "領域（自国の領域の使用を知りながら許した、13(c)）",
        "Territory (knowingly allowed its territory to be used, 13(c))";
    level: "評価", "Assessment";
    rationale_ja: "根拠（日本語）", "Rationale (Japanese)";
    rationale_en: "根拠（英語）", "Rationale (English)";
    add_attribution: "帰属の主張を記録する", "Record an attribution claim";
    attributor: "帰属を主張する者", "Who attributes";
    attributor_kind: "主張者の種別", "Kind of attributor";
    attributed_to: "帰属先", "Attributed to";
    category: "帰属先の種別", "Kind of actor named";
    relation: "集団と国の関係", "The group's relation to the state";
    attribution_kind: "帰属の性格", "Character of the attribution";
    basis_ja: "根拠（日本語）", "Basis (Japanese)";
    basis_en: "根拠（英語）", "Basis (English)";
    confidence: "確度", "Confidence";
    attributed_on: "主張された日", "Attributed on";
    statement_url: "主張の原文の URL", "URL of the attribution statement";
    add_response: "対応を記録する", "Record a response";
    responder: "対応した者", "Who responded";
    responder_kind: "対応者の種別", "Kind of responder";
    response_kind: "対応の種類", "Kind of response";
    legal_character: "法的性格", "Legal character";
    responded_on: "対応の日", "Responded on";
    response_ja: "内容（日本語）", "What was done (Japanese)";
    response_en: "内容（英語）", "What was done (English)";
    norms_invoked: "援用された規範（複数選択可）", "Norms invoked (choose several if needed)";
    source_url: "出典の URL", "Source URL";
    issue_statement: "共同声明を起草する", "Draft a collective statement";
    statement_intro:
        "帰属の主張を引用する共同声明。公開後、各国は自らの鍵で署名を加えられる。",
        "A collective statement citing attribution claims. Once published, each state can add its signature with its own key.";
    claims_cited: "引用する帰属の主張", "Attribution claims cited";
    statement_ja: "声明文（日本語）", "Statement text (Japanese)";
    statement_en: "声明文（英語）", "Statement text (English)";
    issued_on: "発表日", "Issued on";
    statement: "共同声明", "Collective statement";
    co_signatures: "共同署名", "Co-signatures";
    co_sign: "この声明に署名する", "Co-sign this statement";
    co_sign_intro:
        "署名は、下に示す正準バイト列（RFC 8785 の正準 JSON：声明の ID、本文、引用する主張、日付）に対する Ed25519 署名である。秘密鍵はこのサーバーに渡らない。手順：",
        "A co-signature is an Ed25519 signature over the canonical bytes shown below (RFC 8785 canonical JSON of the statement's id, text, cited claims and date). Your private key never reaches this server. Steps:";
    co_sign_step_key:
        "一度だけ：`normwatch keygen 鍵ファイル` で鍵を作り、表示された公開鍵を自組織の鍵として登録する（POST /api/v1/stakeholders/{id}/keys、管理者に依頼してもよい）。",
        "Once: create a key with `normwatch keygen KEYFILE` and register the public key it prints as your stakeholder's key (POST /api/v1/stakeholders/{id}/keys, or ask an admin).";
    co_sign_step_bytes:
        "正準バイト列をダウンロードする（下のリンク）。表示と同じバイト列である。",
        "Download the canonical bytes (link below): exactly the bytes shown.";
    co_sign_step_sign:
        "手元で `normwatch sign --key 鍵ファイル ダウンロードしたファイル` を実行すると、署名（base64）が表示される。",
        "On your own machine run `normwatch sign --key KEYFILE DOWNLOADED-FILE`; it prints the signature in base64.";
    co_sign_step_paste:
        "その署名を下の欄に貼り付けて送信する。サーバーは登録済みの鍵で検証し、合わないものは受け付けない。",
        "Paste that signature below and send it. The server checks it against your registered keys and refuses one that does not verify.";
    canonical_bytes: "正準バイト列", "Canonical bytes";
    download_canonical: "正準バイト列をダウンロード", "Download the canonical bytes";
    signer: "署名者", "Signer";
    registered_as: "登録済みの関係者（任意）", "Registered stakeholder (optional)";
    signature: "署名（base64）", "Signature (base64)";
    signed_at: "署名日時", "Signed at";
    key: "鍵", "Key";
    valid: "有効", "valid";
    invalid: "無効", "invalid";
    no_signatures: "まだ署名はない。", "No signature yet.";
    sign_in_to_co_sign: "署名を加えるにはサインインしてください。", "Sign in to add a signature.";
    add_signature: "署名を加える", "Add the signature";
    signed_already: "あなたの関係者はこの声明に署名済みである（下の一覧）。", "Your stakeholder has signed this statement (listed below).";
    back_to_incident: "インシデントに戻る", "Back to the incident";
    edit_draft: "下書きを編集する", "Edit the draft";
    only_drafts:
        "編集できるのは下書きだけである。審査中の記録は審査者が修正を求めると下書きに戻る。公開済みの記録は訂正（新しい版）として扱う。",
        "Only drafts can be edited. A record in review returns to draft when a reviewer requests changes; a published record is corrected with a new version.";
    edit_through_api:
        "このインシデントにはフォームで表せない情報（複数の行為主体、標的の種別、出典の表題、権利への影響、取り込み元など）があるため、情報を失わないよう API で編集する：",
        "This incident holds facts the form cannot show (several actors, target kinds, source titles, rights affected, an import's origin); so that none is lost, edit it through the API:";
    changes_requested: "修正の依頼", "Changes requested";
    kind_incident: "インシデント", "Incident";
    kind_assessment: "違反の評価", "Violation assessment";
    kind_attribution: "帰属の主張", "Attribution claim";
    kind_statement: "共同声明", "Collective statement";
    kind_response: "対応", "Response";
    status_draft: "下書き", "draft";
    status_in_review: "審査中", "in review";
    status_published: "公開済み", "published";
    cat_state: "国家", "a state";
    cat_state_affiliated: "国家と関係する主体", "state-affiliated";
    cat_non_state_group: "非国家の集団", "a non-state group";
    cat_individual: "個人", "an individual";
    rel_organ: "国の機関", "organ of the state";
    rel_proxy: "代理", "proxy";
    rel_tolerated: "黙認", "tolerated";
    type_technical: "技術的", "technical";
    type_political: "政治的", "political";
    type_legal: "法的", "legal";
    legal_retorsion: "報復（リトーション）", "retorsion";
    legal_countermeasure: "対抗措置", "countermeasure";
    legal_other: "その他", "other";
    speaker_government: "政府", "government";
    speaker_intergovernmental: "政府間機関", "intergovernmental organisation";
    speaker_security_company: "セキュリティ企業", "security company";
    speaker_private_sector: "民間企業", "private sector";
    speaker_media: "報道機関", "media";
    speaker_academia: "学術界", "academia";
    speaker_civil_society: "市民社会", "civil society";
    speaker_victim: "被害者", "victim";
    speaker_self_claimed: "実行者自身の声明", "the attacker itself";
    speaker_other: "その他", "other";
}

/// Why Publish is not offered yet: what the review rule asks and what the record has.
pub fn publish_waits(
    lang: Lang,
    rule: normwatch_core::violation::ReviewRule,
    reviewers: usize,
    kinds: usize,
) -> String {
    let (n, k) = (rule.approvals, rule.stakeholder_kinds);
    match lang {
        Lang::Ja => {
            format!("公表には {n} 人の審査者（{k} 種類の関係者）の承認が必要。今は {reviewers} 人（{kinds} 種類）。")
        }
        Lang::En => format!(
            "Publication needs {n} approvals from reviewers of {k} stakeholder kinds; it has {reviewers} from {kinds}."
        ),
    }
}
