//! Reads the routes off a router's `Debug` form (axum 0.8 lists each route's id with its
//! method router, and each id with its path template). A change in that form fails the unit
//! test below rather than silently listing nothing.
use axum::http::Method;
use std::collections::HashMap;

/// Every (method, path template) the router serves, sorted. A route that is a whole service
/// (not a method router) is listed as GET.
pub(crate) fn routes(debug: &str) -> Vec<(Method, String)> {
    // The fallback router has routes of its own, numbered anew: only the main one counts.
    let main = debug.split("fallback_router:").next().unwrap_or(debug);
    let mut methods: HashMap<String, Vec<Method>> = HashMap::new();
    let mut paths = Vec::new();
    let mut rest = main;
    while let Some(at) = rest.find("RouteId(") {
        rest = &rest[at + "RouteId(".len()..];
        let Some(close) = rest.find("): ") else { break };
        let id = rest[..close].to_owned();
        let value = &rest[close + 3..];
        if let Some(router) = value.strip_prefix("MethodRouter(MethodRouter { ") {
            // `get: BoxedHandler, head: None, …, fallback: …`: the methods come first.
            let fields = router.split(", fallback:").next().unwrap_or("");
            let served = fields.split(", ").filter_map(|f| f.split_once(": ")).filter(|(_, v)| *v != "None");
            methods.entry(id).or_default().extend(served.filter_map(|(m, _)| m.to_uppercase().parse().ok()));
        } else if value.starts_with("Route(") {
            methods.entry(id).or_default().push(Method::GET);
        } else if let Some(quoted) = value.strip_prefix('"') {
            let end = quoted.find('"').unwrap_or(quoted.len());
            paths.push((id, quoted[..end].to_owned()));
        }
    }
    let mut out: Vec<(Method, String)> = paths
        .into_iter()
        .flat_map(|(id, path)| {
            methods.get(&id).into_iter().flatten().map(move |m| (m.clone(), path.clone())).collect::<Vec<_>>()
        })
        .collect();
    out.sort_by(|a, b| (&a.1, a.0.as_str()).cmp(&(&b.1, b.0.as_str())));
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_get_route_is_listed_and_only_those() {
        let paths = crate::get_paths();
        for expected in ["/api/v1/incidents", "/api/v1/incidents/{id}", "/log/checkpoint", "/taxii2/", "/"] {
            assert!(paths.iter().any(|p| p == expected), "{expected} missing from {paths:?}");
        }
        // Write-only routes are not GET routes.
        assert!(!paths.iter().any(|p| p == "/api/v1/incidents/{id}/publish"), "{paths:?}");
        assert!(paths.len() > 60, "{paths:?}");
    }

    #[test]
    fn every_method_is_listed() {
        let all = super::routes(&format!("{:?}", crate::api::routes()));
        let has = |m: &str, p: &str| all.iter().any(|(method, path)| method.as_str() == m && path == p);
        assert!(has("POST", "/incidents/{id}/publish") && has("PUT", "/stakeholders/{id}"), "{all:?}");
        assert!(has("GET", "/tokens") && has("POST", "/tokens") && has("DELETE", "/tokens/{id}"), "{all:?}");
        assert!(!has("GET", "/incidents/{id}/publish"), "{all:?}");
    }
}
