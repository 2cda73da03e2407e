//! Scoring throughput on one core: 10,000 realistic posts of about 100
//! characters, VADER alone and VADER + the complaint model (label, concern,
//! reasons). When Python with vaderSentiment can be run (HEARKEN_VADER_PYTHON
//! names the interpreter, else `python3` is tried), the reference scores the
//! same texts in the same run and the ratio is printed: the machines are
//! shared and noisy, so the ratio is what to compare.
//!
//! Run: `cargo bench --bench triage` (release). Results are printed and
//! written to bench-results/triage.txt. Under `cargo test` it runs as a quick
//! smoke test on a few hundred texts and writes nothing.

use std::hint::black_box;
use std::io::Write;
use std::process::Command;
use std::time::Instant;

use hearken_lib::triage;

const N: usize = 10_000;

const OPENINGS: [&str; 16] = [
    "Still waiting for my refund from the bike shop,",
    "Picked up my wheel from the workshop today and",
    "Anyone know if the bakery on Mill Lane",
    "Lovely coffee and a warm welcome at the café,",
    "Ordered flowers for Friday but",
    "Why is it so hard to get an answer about my order,",
    "Great service from the team again,",
    "The market was busy this morning and",
    "Three weeks and no reply about the broken lamp,",
    "Thanks to the florist for the beautiful bouquet,",
    "Do you open on bank holidays? I wanted to",
    "My new saddle arrived a day early and",
    "Rude staff at the till today,",
    "Quick question about gift vouchers:",
    "Best sourdough in town, hands down,",
    "Cancelled my order last week and",
];
const MIDDLES: [&str; 12] = [
    "the staff were friendly",
    "nobody has called me back",
    "it still doesn't work",
    "they fixed it in ten minutes",
    "drop the bike off early",
    "the cake was the wrong flavour",
    "I was charged twice",
    "the queue went round the corner",
    "my mum loved every stem",
    "there's parking behind the shop",
    "the parcel never arrived",
    "the prices are fair",
];
const ENDINGS: [&str; 10] = [
    ". Never again.",
    "! Highly recommend.",
    ", see you Saturday.",
    "?",
    ". Not impressed #fail",
    " :) thanks all",
    ". Is that normal?",
    ". Will be back.",
    ". Day 12, still nothing.",
    ", what a joke.",
];

const ASIDES: [&str; 6] = [
    "@shop",
    "#local",
    "Sent from my phone",
    "#supportlocal",
    "🚲",
    "(edited)",
];

/// Deterministic posts of about 100 characters.
fn texts(n: usize) -> Vec<String> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    (0..n)
        .map(|i| {
            format!(
                "{} {}{} {} (#{i})",
                OPENINGS[next() % OPENINGS.len()],
                MIDDLES[next() % MIDDLES.len()],
                ENDINGS[next() % ENDINGS.len()],
                ASIDES[next() % ASIDES.len()]
            )
        })
        .collect()
}

fn rate(n: usize, secs: f64) -> f64 {
    n as f64 / secs
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Seconds for one pass of `f` over every text.
fn time<T>(texts: &[String], f: impl Fn(&str) -> T) -> f64 {
    let start = Instant::now();
    for t in texts {
        black_box(f(black_box(t)));
    }
    start.elapsed().as_secs_f64()
}

const PYTHON_TIMER: &str = r#"
import sys, time
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
texts = open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]
a = SentimentIntensityAnalyzer()
for t in texts[:500]:
    a.polarity_scores(t)
runs = []
for _ in range(int(sys.argv[2])):
    start = time.perf_counter()
    for t in texts:
        a.polarity_scores(t)
    runs.append(time.perf_counter() - start)
runs.sort()
print(runs[len(runs) // 2])
"#;

/// The reference's median seconds for one pass, if Python and vaderSentiment run here.
fn python_reference(texts: &[String], runs: usize) -> Option<(String, f64)> {
    let python = std::env::var("HEARKEN_VADER_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&python)
        .args(["-c", "import vaderSentiment"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        return None;
    }
    let dir = tempfile::tempdir().ok()?;
    let file = dir.path().join("texts.txt");
    let mut f = std::fs::File::create(&file).ok()?;
    for t in texts {
        writeln!(f, "{t}").ok()?;
    }
    drop(f);
    let out = Command::new(&python)
        .args(["-c", PYTHON_TIMER])
        .arg(&file)
        .arg(runs.to_string())
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!(
            "the Python reference failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    let secs = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
    Some((python, secs))
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let (n, runs) = if bench { (N, 5) } else { (300, 1) };
    let texts = texts(n);
    let chars: usize = texts.iter().map(|t| t.chars().count()).sum();
    // Parse the lexicons and the weights once, outside the timing.
    black_box(triage::score("warm up"));
    let (mut vader, mut full) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        vader.push(time(&texts, triage::sentiment));
        full.push(time(&texts, triage::score));
    }
    let (vader, full) = (median(vader), median(full));
    let mut out = String::new();
    let mut say = |s: String| {
        println!("{s}");
        out.push_str(&s);
        out.push('\n');
    };
    say(format!(
        "triage scoring, one thread, {n} posts of {:.0} characters on average (median of {runs})",
        chars as f64 / n as f64
    ));
    say(format!(
        "  VADER alone                     : {:>9.0} texts/s",
        rate(n, vader)
    ));
    say(format!(
        "  VADER + complaint model, reasons: {:>9.0} texts/s",
        rate(n, full)
    ));
    if bench {
        match python_reference(&texts, 3) {
            Some((python, secs)) => {
                say(format!(
                    "  Python vaderSentiment ({python}): {:>9.0} texts/s",
                    rate(n, secs)
                ));
                say(format!(
                    "  ratio: VADER alone {:.1}x the reference; with the complaint model {:.1}x",
                    secs / vader,
                    secs / full
                ));
            }
            None => say(
                "  Python vaderSentiment not available (set HEARKEN_VADER_PYTHON): no ratio"
                    .to_string(),
            ),
        }
        std::fs::create_dir_all("bench-results").ok();
        std::fs::write("bench-results/triage.txt", out).ok();
    }
}
