//! The words of the collection pages (triage, sources, tips) in Japanese and English, and the
//! names of what they show: label families, item states and origins, source kinds.
use crate::web::kit::i18n::words;
use normwatch_collect::{Family, SourceKind};
use normwatch_core::collection::{ItemOrigin, ItemState};

words! {
    #[derive(Debug)]
    pub struct Words, pub fn words;
    @same_in_both ["kind_json_feed"];
    triage_title: "収集した情報の選別", "Triage of collected items";
    triage_intro:
        "登録した情報源と一般からの情報提供から集めた記事です。関連度の高い順に並び、分類器の提案とその根拠、関係しうる規範、既存のインシデントとの一致を示します。記事は記録ではありません。インシデントの下書きにする、既存のインシデントに加える、理由を付けて退けるのいずれかを選んでください。",
        "Items collected from the registered sources and from public tips, most relevant first, with the classifier's proposals and their reasons, the norms they may engage and the incidents they may match. An item is not a record: promote it to a draft incident, attach it to an incident we hold, or dismiss it with a reason.";
    state: "状態", "State";
    all_states: "すべての状態", "All states";
    open: "未選別", "open";
    promoted: "下書きにした", "promoted";
    attached: "既存の事案に追加", "attached";
    dismissed: "退けた", "dismissed";
    source: "情報源", "Source";
    any_source: "すべての情報源", "Any source";
    origin: "経路", "Origin";
    any_origin: "すべての経路", "Any origin";
    from_source: "登録した情報源", "registered source";
    tip: "情報提供", "tip";
    show: "表示", "Show";
    cluster_only: "同じ話題のまとまりだけを表示しています。", "Showing one cluster of retellings only.";
    whole_queue: "一覧全体に戻る", "Back to the whole queue";
    queue_empty: "該当する記事はありません。", "No items here.";
    next_page: "次へ", "Next";
    fetched: "取得", "Fetched";
    published: "公表", "Published";
    language: "言語", "Language";
    relevance: "関連度", "Relevance";
    cluster: "同じ話題の記事", "In its cluster";
    proposals: "分類器の提案", "Proposals";
    no_proposals: "提案はありません。", "No proposals.";
    operation_types: "作戦の種類", "Operation types";
    sectors: "標的の分野", "Targeted sectors";
    target_countries: "標的の国", "Targeted countries";
    attributed_state: "帰属先の国家", "Attributed state";
    reports: "報じている内容", "Reports";
    reports_attribution: "帰属の表明", "an attribution";
    reports_response: "対応措置", "a response";
    score: "確度", "score";
    norms: "関係しうる規範", "Norms it may engage";
    confidence: "確からしさ", "confidence";
    matches: "一致しうる既存のインシデント", "Incidents it may be about";
    cves: "脆弱性（CVE）", "Vulnerabilities (CVE)";
    decided: "判断", "Decision";
    decided_by: "判断者", "decided by";
    why: "理由", "Why";
    promote: "インシデントの下書きにする", "Promote to a draft incident";
    promote_hint: "提案から下書きを作り、記事を出典として付けます。", "A draft pre-filled from the proposals, with the items as its sources.";
    attach: "既存のインシデントに追加", "Attach to an incident";
    incident_id: "インシデントのID", "Incident id";
    dismiss: "退ける", "Dismiss";
    dismiss_reason: "退ける理由", "Reason for dismissing";
    whole_cluster: "同じ話題の未選別の記事もまとめて", "with the open items of its cluster";
    tlp: "TLP", "Marking (TLP)";
    refused: "実行できませんでした", "Not done";
    sources_title: "情報源", "Sources";
    sources_intro:
        "定期的に取得する情報源（RSS、Atom、JSON Feed、MISP、STIX、TAXII、悪用された脆弱性の一覧）と、その稼働状況です。",
        "The sources polled on a schedule (RSS, Atom, JSON Feed, MISP, STIX, TAXII and catalogues of exploited vulnerabilities) and how each is doing.";
    name: "名前", "Name";
    kind: "種類", "Kind";
    url: "URL", "Address (URL)";
    interval: "取得間隔", "Interval";
    interval_hint: "秒。60以上。空欄なら既定値", "seconds, at least 60; blank for the default";
    health: "稼働状況", "Health";
    last_success: "最終成功", "Last success";
    last_error: "最新のエラー", "Last error";
    failures: "連続失敗", "Failures in a row";
    items_seen: "取得した記事", "Items seen";
    next_due: "次回取得", "Next poll";
    items_kept: "保存した記事", "Items kept";
    used: "採用", "Used";
    never: "まだない", "not yet";
    no_sources: "登録された情報源はありません。", "No source is registered.";
    remove: "削除", "Remove";
    add_source: "情報源を登録する", "Register a source";
    add: "登録", "Register";
    poll_now: "今すぐ取得", "Poll now";
    poll_hint: "取得時期の来た情報源をすべて取得します。", "Polls every source that is due.";
    polled: "取得した情報源", "Sources polled";
    new_items: "新しい記事", "new items";
    not_modified: "更新なし", "not modified";
    failed: "失敗", "failed";
    coverage: "情報源ごとの収集状況", "Coverage per source";
    coverage_intro:
        "一日あたりの記事数、判断した記事のうち採用した割合、記事の取得から事案の公開までの日数（中央値）です。",
        "Items per day, the share of decided items that were used, and the median days from an item's arrival to its incident's publication.";
    items: "記事", "Items";
    per_day: "1日あたり", "Per day";
    share_used: "採用率", "Share used";
    days_to_published: "公開までの日数（中央値）", "Median days to published";
    published_incidents: "公開された事案", "Published incidents";
    tips_row: "一般からの情報提供", "Public tips";
    kind_rss: "RSS 2.0", "RSS 2.0 feed";
    kind_atom: "Atom 1.0", "Atom 1.0 feed";
    kind_json_feed: "JSON Feed", "JSON Feed";
    kind_misp: "MISP フィード", "MISP feed";
    kind_stix_bundle: "STIX バンドル", "STIX bundle";
    kind_taxii: "TAXII 2.1 コレクション", "TAXII 2.1 collection";
    kind_exploited: "悪用された脆弱性の一覧", "Catalogue of exploited vulnerabilities";
    tips_title: "インシデントを報告する", "Report an incident";
    tips_intro:
        "規範に反するおそれのあるサイバー作戦を知っていたら教えてください。匿名で送れます。何が起きたかを文章で書き、報じられた場所のURLがあれば添えてください（文章とURLのみ、HTMLは不可）。",
        "Tell us about a cyber operation that may breach a norm. You may stay anonymous. Say what happened, in words, and add the addresses where it was reported if you have them (plain text and URLs only, no HTML).";
    tips_private:
        "送られた情報は公開されません。編集者が確認し、裏付けのとれたものだけが審査を経てインシデントとして記録されます。",
        "Tips are not published. Editors read them; only what they can corroborate becomes an incident record, through review.";
    what_happened: "何が起きたか", "What happened";
    where_reported: "報じられた場所（URL）", "Where it was reported (URL)";
    send: "送信", "Send";
    thanks_title: "ありがとうございました", "Thank you";
    thanks_text:
        "情報を受け取りました。編集者が確認します。個別の返信はしません。",
        "Your report has arrived. An editor will read it. We do not answer reports one by one.";
    another: "別の情報を送る", "Send another report";
}

pub fn family_word(w: &Words, f: Family) -> &'static str {
    match f {
        Family::OperationTypes => w.operation_types,
        Family::Sectors => w.sectors,
        Family::TargetCountries => w.target_countries,
        Family::AttributedState => w.attributed_state,
        Family::Reports => w.reports,
    }
}

pub fn state_word(w: &Words, s: ItemState) -> &'static str {
    match s {
        ItemState::Open => w.open,
        ItemState::Promoted => w.promoted,
        ItemState::Attached => w.attached,
        ItemState::Dismissed => w.dismissed,
    }
}

pub fn origin_word(w: &Words, o: ItemOrigin) -> &'static str {
    match o {
        ItemOrigin::Source => w.from_source,
        ItemOrigin::Tip => w.tip,
    }
}

pub fn kind_word(w: &Words, kind: &SourceKind) -> &'static str {
    match kind {
        SourceKind::Rss => w.kind_rss,
        SourceKind::Atom => w.kind_atom,
        SourceKind::JsonFeed => w.kind_json_feed,
        SourceKind::Misp => w.kind_misp,
        SourceKind::StixBundle => w.kind_stix_bundle,
        SourceKind::Taxii => w.kind_taxii,
        SourceKind::ExploitedVulnerabilities => w.kind_exploited,
    }
}
