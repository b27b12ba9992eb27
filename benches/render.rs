//! Render benchmark: load + render of a generated manifest with 1,000 scrape jobs, 10,000
//! targets and 2,000 alert rules (×1, ×2, ×4), timing and peak heap through a counting
//! allocator. `cargo bench --bench render` runs it fully; under `cargo test` it runs a
//! single quick pass so that the suite stays fast while the bench keeps compiling and working.

#[path = "render/generate.rs"]
mod generate;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MIB: f64 = 1024.0 * 1024.0;

/// One load + render of the manifest at `path`; returns the time and the heap peak above the
/// baseline, and the number of rendered files.
/// Time this thread has spent on a CPU (ns), from `/proc/thread-self/schedstat`: unlike wall
/// time it does not grow when other processes compete for the cores. The parse-back of big
/// rendered files runs on a thread of its own and is not counted here; wall time is.
fn cpu_time() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .map(Duration::from_nanos)
        .unwrap_or_default()
}

struct Sample {
    cpu: Duration,
    total: Duration,
    load: Duration,
    heap_peak: usize,
    files: usize,
}

fn measure(path: &std::path::Path) -> Sample {
    let baseline = CURRENT.load(Ordering::Relaxed);
    PEAK.store(baseline, Ordering::Relaxed);
    let start = Instant::now();
    let cpu_start = cpu_time();
    let loaded = stackctl::manifest::load(path)
        .unwrap_or_else(|e| panic!("generated manifest does not load:\n{e}"));
    let load = start.elapsed();
    let templates = stackctl::render::Templates::embedded();
    let rendered = stackctl::render::render(&loaded, &templates)
        .unwrap_or_else(|e| panic!("does not render:\n{e}"));
    let total = start.elapsed();
    let cpu = cpu_time().saturating_sub(cpu_start);
    let files = rendered.files.len();
    drop((rendered, templates, loaded));
    Sample {
        cpu,
        total,
        load,
        heap_peak: PEAK.load(Ordering::Relaxed) - baseline,
        files,
    }
}

fn main() {
    // `STACKCTL_BENCH_MANIFESTS=DIR cargo bench --bench render` only writes the generated
    // manifests (for measuring the release binary's RSS with `/usr/bin/time -v`).
    if let Some(dir) = std::env::var_os("STACKCTL_BENCH_MANIFESTS") {
        for scale in [1, 2, 4] {
            let project = std::path::Path::new(&dir).join(format!("x{scale}"));
            std::fs::create_dir_all(&project).expect("create manifest dir");
            std::fs::write(project.join("stackctl.yaml"), generate::manifest(scale))
                .expect("write manifest");
        }
        println!(
            "wrote x1, x2, x4 manifests under {}",
            std::path::Path::new(&dir).display()
        );
        return;
    }
    let full = std::env::args().any(|a| a == "--bench");
    let (scales, runs): (&[usize], usize) = if full { (&[1, 2, 4], 7) } else { (&[1], 1) };
    let dir = tempfile::tempdir().expect("temp dir");
    println!("scale  jobs   targets  rules  files  median_ms  load_ms  min_ms  cpu_ms  peak_heap_MiB  cpu_ms_per_1k_targets");
    let mut per_target = Vec::new();
    for &scale in scales {
        let path = dir.path().join(format!("stackctl-{scale}.yaml"));
        std::fs::write(&path, generate::manifest(scale)).expect("write manifest");
        let mut times = Vec::new();
        let mut loads = Vec::new();
        let mut cpus = Vec::new();
        let mut peak = 0;
        let mut files = 0;
        for _ in 0..runs {
            let sample = measure(&path);
            times.push(sample.total);
            loads.push(sample.load);
            cpus.push(sample.cpu);
            peak = peak.max(sample.heap_peak);
            files = sample.files;
        }
        times.sort();
        loads.sort();
        cpus.sort();
        let cpu = cpus[cpus.len() / 2].as_secs_f64() * 1000.0;
        let load = loads[loads.len() / 2].as_secs_f64() * 1000.0;
        let median = times[times.len() / 2].as_secs_f64() * 1000.0;
        let min = times[0].as_secs_f64() * 1000.0;
        let size = generate::size(scale);
        let per_1k = cpu / (size.targets as f64 / 1000.0);
        per_target.push(per_1k);
        println!(
            "{scale:>5}  {:>5}  {:>7}  {:>5}  {files:>5}  {median:>9.1}  {load:>7.1}  {min:>6.1}  {cpu:>6.1}  {:>13.1}  {per_1k:>21.2}",
            size.jobs,
            size.targets,
            size.rules,
            peak as f64 / MIB
        );
    }
    compare_with_promtool(
        &dir.path().join("stackctl-1.yaml"),
        if full { 7 } else { 1 },
    );
    if full {
        let first = per_target[0];
        let last = per_target[per_target.len() - 1];
        println!(
            "cpu time per 1k targets at 4x / at 1x: {:.2} (1.00 = linear)",
            last / first
        );
    }
}

/// The goal: load + validate + render of the 1x manifest takes no longer than real promtool
/// 2.42 takes to `check config --syntax-only` the prometheus.yml it renders. Both are timed
/// here, side by side, as wall-clock medians; peak RSS is this process's high-water mark.
fn compare_with_promtool(manifest: &std::path::Path, runs: usize) {
    // promtool judges the copy rendered for its own release (as `validate` does): the 3.x
    // output carries keys 2.42 does not know (`fallback_scrape_protocol`).
    let Some(release) = promtool_release() else {
        println!("SKIP: promtool comparison needs promtool");
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("promtool is missing under CI=true");
        }
        return;
    };
    let text = std::fs::read_to_string(manifest).expect("read generated manifest");
    let for_checker = manifest.with_file_name("stackctl-for-promtool.yaml");
    std::fs::write(
        &for_checker,
        text.replacen(
            "  prometheus: {}\n",
            &format!("  prometheus: {{version: {release}}}\n"),
            1,
        ),
    )
    .expect("write manifest for the checker");
    let loaded = stackctl::manifest::load(&for_checker).expect("generated manifest loads");
    let templates = stackctl::render::Templates::embedded();
    let rendered = stackctl::render::render(&loaded, &templates).expect("renders");
    let config = rendered
        .files
        .get("prometheus/prometheus.yml")
        .expect("prometheus.yml is rendered");
    let out = manifest.with_file_name("prometheus.yml");
    std::fs::write(&out, config.contents.expose()).expect("write prometheus.yml");
    drop((rendered, templates, loaded));
    let mut ours = Vec::new();
    for _ in 0..runs {
        ours.push(measure(manifest).total);
    }
    let mut theirs = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let status = std::process::Command::new("promtool")
            .args(["check", "config", "--syntax-only"])
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        match status {
            Ok(status) if status.success() => theirs.push(start.elapsed()),
            Ok(status) => panic!(
                "promtool check config --syntax-only rejects the prometheus.yml rendered for its release ({status})"
            ),
            Err(error) => {
                println!("SKIP: promtool comparison needs promtool ({error})");
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("promtool is missing under CI=true");
                }
                return;
            }
        }
    }
    ours.sort();
    theirs.sort();
    let ours = ours[ours.len() / 2].as_secs_f64() * 1000.0;
    let theirs = theirs[theirs.len() / 2].as_secs_f64() * 1000.0;
    let rss = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0);
    println!("1x load+validate+render (stackctl, in process): {ours:.1} ms");
    println!("1x promtool check config --syntax-only prometheus.yml: {theirs:.1} ms");
    println!(
        "ratio stackctl / promtool: {:.2} (goal <= 1.00)",
        ours / theirs
    );
    println!("peak RSS of this benchmark process: {rss:.1} MiB (goal < 50)");
}

/// `2.42.0` from `promtool, version 2.42.0+ds (branch: …)`.
fn promtool_release() -> Option<String> {
    let output = std::process::Command::new("promtool")
        .arg("--version")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    let version = text.split("version ").nth(1)?.split_whitespace().next()?;
    Some(version.split(['+', '-']).next()?.to_string())
}
