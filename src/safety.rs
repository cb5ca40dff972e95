//! The general safety page: the full list of reasons to skip an area, see
//! a clinician first or get help at once. Each routine's preflight keeps to
//! its own few lines; `knotless safety` prints the page.

/// The page, as shipped (`assets/safety.md`).
pub const PAGE: &str = include_str!("../assets/safety.md");

/// The line the session screen keeps in view.
pub const STOP_LINE: &str = "Stop at sharp, spreading or tingling pain";

/// The page's title: its first line.
#[cfg(test)]
pub fn title() -> &'static str {
    PAGE.lines().next().unwrap_or("Safety")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_holds_every_risk_the_routines_point_to() {
        let page = PAGE.to_lowercase();
        for risk in [
            "fever",
            "lump",
            "surgery",
            "clot",
            "blood thinners",
            "osteoporosis",
            "pregnant",
            "cancer",
            "diabetes",
            "pacemaker",
            "varicose",
            "numb",
            "chest pain",
            "breathlessness",
            "face down",
            "carotid",
        ] {
            assert!(page.contains(risk), "the safety page names {risk}");
        }
        assert!(PAGE.contains(STOP_LINE));
        assert_eq!(title(), "Safety: before you start");
    }
}
