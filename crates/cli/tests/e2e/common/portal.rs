//! A signed-in browser without JavaScript, over plain HTTP: its session cookie and the CSRF
//! token its pages carry; forms posted as a browser posts them.
use super::{TestServer, field_value, no_redirects, post_sign_in, set_cookie};
use reqwest::header::{COOKIE, LOCATION, REFERER};

pub struct Portal<'a> {
    pub s: &'a TestServer,
    pub session: String,
    pub csrf: String,
}

/// The status, `Location` and page of an answer.
async fn answered(r: reqwest::Response) -> (u16, String, String) {
    let location = r.headers().get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (r.status().as_u16(), location, r.text().await.expect("text"))
}

impl<'a> Portal<'a> {
    pub async fn sign_in(s: &'a TestServer, username: &str, password: &str) -> Portal<'a> {
        let r = post_sign_in(s, username, password).await;
        assert_eq!(r.status(), 303, "sign-in of {username}");
        let session = set_cookie(&r, "nw_session").expect("session cookie");
        let mut portal = Portal { s, session, csrf: String::new() };
        let (_, html) = portal.get("/incidents?lang=en").await;
        portal.csrf = field_value(&html, "csrf");
        portal
    }

    /// Signs in with an account's (username, password).
    pub async fn signed(s: &'a TestServer, (username, password): &(String, String)) -> Portal<'a> {
        Portal::sign_in(s, username, password).await
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        self.get_from(path, None).await
    }

    /// A page asked for from `referer` (the page a link or form was on).
    pub async fn get_from(&self, path: &str, referer: Option<&str>) -> (u16, String) {
        let mut r = no_redirects().get(self.s.at(path)).header(COOKIE, format!("nw_session={}", self.session));
        if let Some(from) = referer {
            r = r.header(REFERER, from);
        }
        let r = r.send().await.expect("get");
        (r.status().as_u16(), r.text().await.expect("text"))
    }

    /// Posts a form in English with this session's CSRF token: the status, `Location` and page.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
        self.post_in(path, "en", fields).await
    }

    /// Posts a form in `lang` with this session's CSRF token.
    pub async fn post_in(&self, path: &str, lang: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
        let mut all: Vec<(&str, &str)> = vec![("csrf", &self.csrf), ("lang", lang)];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts exactly these fields (no CSRF token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
        let r = no_redirects()
            .post(self.s.at(path))
            .header(COOKIE, format!("nw_session={}", self.session))
            .form(fields)
            .send()
            .await
            .expect("post");
        answered(r).await
    }

    /// A file upload as a browser sends it: the CSRF field first, the file last.
    pub async fn upload(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        filename: &str,
        bytes: &[u8],
    ) -> (u16, String, String) {
        let boundary = "----normwatch-test-boundary";
        let mut body = Vec::new();
        for (k, v) in [("csrf", self.csrf.as_str()), ("lang", "en")].iter().chain(fields) {
            body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").bytes());
        }
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: text/plain\r\n\r\n"
            )
            .bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(format!("\r\n--{boundary}--\r\n").bytes());
        let r = no_redirects()
            .post(self.s.at(path))
            .header(COOKIE, format!("nw_session={}", self.session))
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .await
            .expect("post");
        answered(r).await
    }
}

/// An anonymous post: the status, `Location` and page.
pub async fn post_anonymous(s: &TestServer, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
    answered(no_redirects().post(s.at(path)).form(fields).send().await.expect("post")).await
}
