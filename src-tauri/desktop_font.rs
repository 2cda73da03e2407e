//! The desktop's own interface font, for the window's text.
//!
//! WebKitGTK looks up the families of a CSS font stack one after another,
//! for every size and weight on the screen, and a family that isn't
//! installed costs a fontconfig search each time. Measured under Xvfb
//! (benches/startup): with the stack `system-ui, -apple-system, 'Segoe UI',
//! Cantarell, 'Noto Sans', Ubuntu, Roboto, sans-serif` the Inbox's first
//! layout took about 160 ms, nearly all of it in those lookups; with one
//! installed family named first it took about 40 ms. (WebKitGTK does not
//! resolve `system-ui` either, even with a GTK font set.) So the window asks
//! for the one family the desktop itself uses, GTK's font setting, then
//! `sans-serif`; elsewhere than Linux, `sans-serif` alone.

/// The family a GTK font setting names ("Cantarell 11" → "Cantarell"), or
/// None when it names a generic family ("Sans 10", fontconfig's alias, as on
/// a display without a desktop) or one that could not be written safely
/// into a CSS string.
#[cfg(target_os = "linux")]
pub fn family_of(setting: &str) -> Option<String> {
    let family = gtk::pango::FontDescription::from_string(setting)
        .family()
        .map(|f| f.to_string())
        .unwrap_or_default();
    // Pango keeps a list ("Cantarell,Noto Sans 11") as one family string.
    let first = family.split(',').next().unwrap_or("").trim();
    let generic = [
        "sans",
        "sans-serif",
        "sans serif",
        "serif",
        "monospace",
        "mono",
        "system-ui",
        "cursive",
        "fantasy",
    ];
    let safe = |c: char| !c.is_control() && !matches!(c, '"' | '\'' | '\\' | ';' | '{' | '}');
    (!first.is_empty()
        && first.chars().count() <= 100
        && first.chars().all(safe)
        && !generic.iter().any(|g| first.eq_ignore_ascii_case(g)))
    .then(|| first.to_string())
}

/// The desktop's interface font family, where the desktop sets one (read
/// from GTK's settings; on the main thread, once GTK has started).
pub fn desktop_family() -> Option<String> {
    #[cfg(target_os = "linux")]
    {
        use gtk::prelude::GtkSettingsExt;
        let name = gtk::Settings::default()?.gtk_font_name()?;
        family_of(&name)
    }
    #[cfg(not(target_os = "linux"))]
    None
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::family_of;

    #[test]
    fn the_family_of_a_gtk_font_setting() {
        assert_eq!(family_of("Cantarell 11").as_deref(), Some("Cantarell"));
        assert_eq!(
            family_of("Adwaita Sans 11").as_deref(),
            Some("Adwaita Sans")
        );
        assert_eq!(family_of("Noto Sans 10").as_deref(), Some("Noto Sans"));
        assert_eq!(family_of("Ubuntu").as_deref(), Some("Ubuntu"));
        // Style words and the size are not part of the family.
        assert_eq!(
            family_of("DejaVu Sans Bold Italic 10").as_deref(),
            Some("DejaVu Sans")
        );
        // Of a list, the first.
        assert_eq!(
            family_of("Cantarell,Noto Sans 11").as_deref(),
            Some("Cantarell")
        );
    }

    #[test]
    fn generic_and_unsafe_names_give_no_family() {
        // Xvfb without a desktop: GTK's default, fontconfig's alias.
        assert_eq!(family_of("Sans 10"), None);
        assert_eq!(family_of("sans-serif 10"), None);
        assert_eq!(family_of("Monospace 10"), None);
        assert_eq!(family_of(""), None);
        assert_eq!(family_of("10"), None);
        // Never anything that could end the CSS string it goes into.
        assert_eq!(family_of("Evil\" 10"), None);
        assert_eq!(family_of("Evil\\ 10"), None);
        assert_eq!(family_of("Evil; color: red 10"), None);
        assert_eq!(family_of(&format!("{} 10", "A".repeat(101))), None);
    }
}
