//! Reads the routes off a router's `Debug` form (axum 0.8 lists each route's id with its
//! method router, and each id with its path template). A change in that form fails the unit
//! test below rather than silently listing nothing.

/// The paths whose method router answers GET (or which are whole services), sorted.
pub(crate) fn get_paths(debug: &str) -> Vec<String> {
    // The fallback router has routes of its own, numbered anew: only the main one counts.
    let main = debug.split("fallback_router:").next().unwrap_or(debug);
    let mut with_get = std::collections::HashSet::new();
    let mut paths = Vec::new();
    let mut rest = main;
    while let Some(at) = rest.find("RouteId(") {
        rest = &rest[at + "RouteId(".len()..];
        let Some(close) = rest.find("): ") else { break };
        let id = rest[..close].to_owned();
        let value = &rest[close + 3..];
        if let Some(router) = value.strip_prefix("MethodRouter(MethodRouter { get: ") {
            if !router.starts_with("None") {
                with_get.insert(id);
            }
        } else if value.starts_with("Route(") {
            with_get.insert(id);
        } else if let Some(quoted) = value.strip_prefix('"') {
            let end = quoted.find('"').unwrap_or(quoted.len());
            paths.push((id, quoted[..end].to_owned()));
        }
    }
    let mut out: Vec<String> = paths.into_iter().filter(|(id, _)| with_get.contains(id)).map(|(_, p)| p).collect();
    out.sort();
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
}
