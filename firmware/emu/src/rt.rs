//! The harness around each path: output lines over semihosting, exit codes, and the two
//! measurements (instructions from a CMSDK APB timer under `-icount shift=0`, stack
//! high-water mark by painting).

use core::fmt::{self, Write};
use core::ptr::{read_volatile, write_volatile};

use cortex_m_semihosting::{debug, hio};

/// One output line, formatted on the stack (outside every measured operation).
struct Line {
    buf: [u8; 2048],
    len: usize,
}

impl Write for Line {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(fmt::Error)?;
        self.buf
            .get_mut(self.len..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Prints one line (`say!`); a line that does not fit fails the run.
pub fn say(args: fmt::Arguments<'_>) {
    let mut l = Line {
        buf: [0; 2048],
        len: 0,
    };
    if l.write_fmt(args).and_then(|()| l.write_str("\n")).is_err() {
        fail(format_args!("output line longer than 2048 octets"));
    }
    let ok = hio::hstdout()
        .ok()
        .and_then(|mut o| o.write_all(l.buf.get(..l.len).unwrap_or_default()).ok());
    if ok.is_none() {
        debug::exit(debug::EXIT_FAILURE);
    }
}

/// `say!("fmt", args..)`: one line over semihosting.
#[macro_export]
macro_rules! say {
    ($($t:tt)*) => { $crate::rt::say(format_args!($($t)*)) };
}

/// Prints `FAIL <why>` and exits QEMU with a failure status.
pub fn fail(why: fmt::Arguments<'_>) -> ! {
    say(format_args!("FAIL {why}"));
    debug::exit(debug::EXIT_FAILURE);
    #[allow(clippy::empty_loop)]
    loop {}
}

/// Exits QEMU with success.
pub fn done() -> ! {
    say(format_args!("done"));
    debug::exit(debug::EXIT_SUCCESS);
    #[allow(clippy::empty_loop)]
    loop {}
}

/// Octets as lower-case hex.
pub struct Hex<'a>(pub &'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

// CMSDK APB timer 0 of the MPS2 FPGA images (QEMU hw/arm/mps2.c): a 32-bit down counter
// clocked by the 25 MHz system clock.
const TIMER0: usize = 0x4000_0000;
const CTRL: *mut u32 = TIMER0 as *mut u32;
const VALUE: *mut u32 = (TIMER0 + 4) as *mut u32;
const RELOAD: *mut u32 = (TIMER0 + 8) as *mut u32;

fn ticks() -> u32 {
    // SAFETY: a device register of the board, always mapped.
    unsafe { read_volatile(VALUE) }
}

/// Instructions per timer tick, measured by `init` on a loop of known length.
static mut INSNS_PER_TICK: u32 = 0;

/// Starts the timer and calibrates it: under `-icount shift=0` QEMU's virtual clock
/// advances 1 ns per executed instruction, so a 25 MHz timer ticks once per 40
/// instructions. The calibration runs 2 000 000 instructions (a two-instruction loop) and
/// prints what it saw; the runner insists on 40.
pub fn init() {
    // SAFETY: device registers; writes start the counter from 0xffff_ffff.
    unsafe {
        write_volatile(CTRL, 0);
        write_volatile(RELOAD, u32::MAX);
        write_volatile(VALUE, u32::MAX);
        write_volatile(CTRL, 1);
    }
    let t0 = ticks();
    let n: u32 = 1_000_000;
    // SAFETY: a register-only countdown loop.
    unsafe {
        core::arch::asm!("2:", "subs {0}, #1", "bne 2b", inout(reg) n => _, options(nomem, nostack));
    }
    let t = t0.wrapping_sub(ticks());
    let per = (2 * n + t / 2).checked_div(t).unwrap_or(0);
    // SAFETY: written once, before any reader; single-threaded.
    unsafe { INSNS_PER_TICK = per };
    say!(
        "calibration loop_instructions={} ticks={} instructions_per_tick={}",
        2 * n,
        t,
        per
    );
}

extern "C" {
    /// End of .bss / start of the (unused or bump) heap: cortex-m-rt's link.x.
    static mut __sheap: u32;
}

const PATTERN: u32 = 0x5afe_c0de;
/// How much stack below the caller is painted (the RAM between .bss and the stack is
/// larger; painting all of it each time would only slow the run).
const PAINT: usize = 96 * 1024;

/// What one operation cost.
#[derive(Clone, Copy)]
pub struct Cost {
    /// Deepest stack use below the caller's stack pointer, octets.
    pub stack: usize,
    /// Executed instructions (timer ticks x instructions per tick: within one tick).
    pub instructions: u64,
}

/// Calls `f` in a frame of its own, below the stack pointer `measure` read (inlined into
/// `measure`, its locals would sit in `measure`'s frame, above the painted range).
#[inline(never)]
fn call<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// Runs `f` once, measuring its stack high-water mark (the stack below this frame is
/// painted first, then scanned for the deepest word `f` overwrote) and its instruction
/// count; prints `measure <name> stack=<octets> instructions=<n>`.
#[inline(never)]
pub fn measure<R>(name: &str, f: impl FnOnce() -> R) -> R {
    let sp = cortex_m::register::msp::read() as usize & !3;
    // Only the address of the linker symbol is taken.
    let heap = core::ptr::addr_of_mut!(__sheap) as usize;
    let lo = sp.saturating_sub(PAINT).max(heap.next_multiple_of(4));
    // Paint [lo, sp): free stack (nothing below SP is live, interrupts are off), written
    // with volatile stores so that no memset call puts its own frame there.
    let mut a = lo;
    while a < sp {
        // SAFETY: below the stack pointer and above .bss/heap start: unused RAM.
        unsafe { write_volatile(a as *mut u32, PATTERN) };
        a += 4;
    }
    let t0 = ticks();
    let r = call(f);
    let t1 = ticks();
    let mut a = lo;
    // SAFETY: the same range, read back.
    while a < sp && unsafe { read_volatile(a as *const u32) } == PATTERN {
        a += 4;
    }
    if a == lo {
        fail(format_args!(
            "{name}: stack use reached the painted limit ({PAINT} octets)"
        ));
    }
    // SAFETY: written once by `init`.
    let per = unsafe { INSNS_PER_TICK };
    let c = Cost {
        stack: sp - a,
        instructions: u64::from(t0.wrapping_sub(t1)) * u64::from(per),
    };
    say!(
        "measure {name} stack={} instructions={}",
        c.stack,
        c.instructions
    );
    r
}
