//! The outreach log as a file: CSV for a spreadsheet, JSON for a program.
//! Files are written under a temporary name and renamed when complete, so a
//! folder that fills up or refuses the write is left without a partial file.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{ExportFormat, Outreach};

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }

    pub fn parse(s: &str) -> Option<ExportFormat> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(ExportFormat::Csv),
            "json" => Some(ExportFormat::Json),
            _ => None,
        }
    }
}

/// One CSV cell: quoted when it holds a comma, quote or line break, and
/// with a `'` before a leading `=`, `+`, `-`, `@`, tab or carriage return,
/// so a spreadsheet shows it as text instead of running it as a formula.
pub fn csv_cell(value: &str) -> String {
    let mut v = String::with_capacity(value.len() + 2);
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        v.push('\'');
    }
    v.push_str(value);
    if v.contains([',', '"', '\n', '\r']) || v.starts_with(' ') || v.ends_with(' ') {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

const CSV_HEADER: [&str; 18] = [
    "id",
    "occurred_at",
    "platform",
    "handle",
    "channel",
    "status",
    "message",
    "follow_up_at",
    "follow_up_due",
    "outcome",
    "notes",
    "notice_given",
    "notice_missing",
    "promotional_words",
    "mention_id",
    "created_at",
    "updated_at",
    "revisions",
];

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// RFC 4180 CSV (CRLF line ends), with a UTF-8 byte-order mark so that
/// spreadsheet programs read accents and non-Latin scripts correctly.
pub fn to_csv(items: &[Outreach]) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&CSV_HEADER.join(","));
    out.push_str("\r\n");
    for o in items {
        let cells: [String; 18] = [
            o.id.to_string(),
            o.occurred_at.clone(),
            o.platform.as_str().to_string(),
            o.handle.clone(),
            o.channel.as_str().to_string(),
            o.status.as_str().to_string(),
            o.message.clone(),
            o.follow_up_at.clone().unwrap_or_default(),
            yes_no(o.follow_up_due).to_string(),
            o.outcome.clone().unwrap_or_default(),
            o.notes.clone().unwrap_or_default(),
            yes_no(o.notice_given).to_string(),
            yes_no(o.notice_missing).to_string(),
            o.promotional_words.join("; "),
            o.mention_id.map(|m| m.to_string()).unwrap_or_default(),
            o.created_at.clone(),
            o.updated_at.clone().unwrap_or_default(),
            o.revisions.to_string(),
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

#[derive(Serialize)]
struct JsonExport<'a> {
    format: &'static str,
    exported_at: &'a str,
    count: usize,
    outreach: &'a [Outreach],
}

pub fn to_json(items: &[Outreach], exported_at: &str) -> Result<String> {
    serde_json::to_string_pretty(&JsonExport {
        format: "hearken-outreach/1",
        exported_at,
        count: items.len(),
        outreach: items,
    })
    .map_err(Error::internal)
}

/// A name in `dir` not taken yet: `stem.ext`, then `stem-2.ext`, `stem-3.ext`…
pub fn free_name(dir: &Path, stem: &str, ext: &str) -> PathBuf {
    let first = dir.join(format!("{stem}.{ext}"));
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|n| dir.join(format!("{stem}-{n}.{ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// Writes `bytes` to `path` through a temporary file in the same folder,
/// renamed into place once complete; on any failure nothing is left behind.
pub fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let fail = |e: std::io::Error| {
        Error::invalid(format!(
            "Couldn't save the export in {} ({e}). Nothing was saved. Choose a folder you can write to, and check the disk isn't full.",
            dir.display()
        ))
    };
    if !dir.is_dir() {
        return Err(Error::invalid(format!(
            "There is no folder at {}, so the export wasn't saved. Choose another folder.",
            dir.display()
        )));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    let tmp = dir.join(format!(".{name}.{:016x}.part", rand::random::<u64>()));
    let written = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Channel, OutreachStatus, Platform};

    fn outreach(handle: &str, message: &str) -> Outreach {
        Outreach {
            id: 7,
            mention_id: Some(3),
            platform: Platform::X,
            handle: handle.into(),
            channel: Channel::Email,
            message: message.into(),
            status: OutreachStatus::Sent,
            occurred_at: "2026-11-30T10:00:00Z".into(),
            follow_up_at: None,
            outcome: None,
            notes: Some("=HYPERLINK(\"http://evil\")".into()),
            notice_given: true,
            notice_missing: false,
            promotional_words: vec!["sale".into(), "% off".into()],
            follow_up_due: false,
            revisions: 2,
            created_at: "2026-11-30T10:00:01Z".into(),
            updated_at: None,
        }
    }

    #[test]
    fn cells_are_quoted_and_never_start_a_formula() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a, b"), "\"a, b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_cell("=1+2"), "'=1+2");
        assert_eq!(csv_cell("+44 1234"), "'+44 1234");
        assert_eq!(csv_cell("-5"), "'-5");
        assert_eq!(csv_cell("@priya"), "'@priya");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("=A1,B1"), "\"'=A1,B1\"");
        assert_eq!(csv_cell(" padded"), "\" padded\"");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn a_csv_has_a_header_and_one_line_per_record_read_back_whole() {
        let items = [
            outreach("@priya", "Hi, sorry.\nCall us?"),
            outreach("sam", "ok"),
        ];
        let csv = to_csv(&items);
        assert!(csv.starts_with("\u{feff}id,occurred_at,platform,handle,"));
        // Read back with a minimal RFC 4180 reader.
        let mut records = Vec::new();
        let (mut field, mut record, mut quoted) = (String::new(), Vec::new(), false);
        let mut chars = csv.trim_start_matches('\u{feff}').chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                ('"', _) => quoted = !quoted,
                (',', false) => record.push(std::mem::take(&mut field)),
                ('\r', false) => {}
                ('\n', false) => {
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                }
                (c, _) => field.push(c),
            }
        }
        assert_eq!(records.len(), 3);
        assert!(records.iter().all(|r| r.len() == CSV_HEADER.len()));
        assert_eq!(records[1][3], "'@priya");
        assert_eq!(records[1][6], "Hi, sorry.\nCall us?");
        assert_eq!(records[1][10], "'=HYPERLINK(\"http://evil\")");
        assert_eq!(records[1][13], "sale; % off");
        assert_eq!(records[2][3], "sam");
    }

    #[test]
    fn a_whole_file_or_nothing_and_names_are_not_reused() {
        let dir = tempfile::tempdir().unwrap();
        let p = free_name(dir.path(), "outreach-2026-11-30", "csv");
        assert_eq!(p.file_name().unwrap(), "outreach-2026-11-30.csv");
        write_whole(&p, b"a,b\r\n").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"a,b\r\n");
        let p2 = free_name(dir.path(), "outreach-2026-11-30", "csv");
        assert_eq!(p2.file_name().unwrap(), "outreach-2026-11-30-2.csv");
        let err = write_whole(&dir.path().join("missing/x.csv"), b"x").unwrap_err();
        assert!(err.to_string().contains("no folder"), "{err}");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file left");
    }
}
