//! `keying decode CAPTURE`: every message of a pcap / pcapng capture.


use crate::cli::CaptureArgs;

/// Runs `keying decode`; returns the exit status.
pub fn run(
    a: &CaptureArgs,
    _stdout: &mut dyn std::io::Write,
    stderr: &mut dyn std::io::Write,
) -> i32 {
    let _ = writeln!(
        stderr,
        "keying: cannot read {}: captures are not supported yet",
        a.capture.display()
    );
    crate::EXIT_USAGE
}
