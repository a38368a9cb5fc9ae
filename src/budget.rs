//! What one piece of untrusted work may allocate, enforced where every byte is allocated.
//!
//! A template is a program from the repository. Fuel bounds its steps, not its memory: one
//! step can double a string, `indent(1000000000)` asks for a gigabyte at once, and every
//! filter and operator is a way to ask. Guarding each of them is a surface that is never
//! covered whole; the global allocator sees every request. [`Budgeted`] wraps it and
//! charges each allocation made on the thread of a [`run`] to that run's budget (less what
//! the thread frees). An allocation that would go over the budget does not happen: the
//! thread stops there for good, and `run` returns [`Stopped::OverBudget`] to its caller, which reports
//! it like any other error. The stopped thread keeps what it had allocated (at most the
//! budget) until the process ends, which for a command line is at once.
//!
//! A stopped thread keeps any lock it held, so the work given to `run` shares no lock with
//! its caller (a template render shares none: it only reads its environment and values).
//!
//! The binary installs [`Budgeted`] as its global allocator (`main.rs`); where it is not
//! installed (the library's unit tests), a run is not bounded.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// The global allocator `A`, charging the allocations of budgeted runs.
pub struct Budgeted<A>(pub A);

/// Why a run gave no result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// It would have gone over its budget of `limit` bytes.
    OverBudget { limit: usize },
    /// It panicked (the panic was printed).
    Panicked,
}

/// The number of runs under way: while it is zero, an allocation does not look further.
static RUNS: AtomicUsize = AtomicUsize::new(0);

/// The budget of the run on this thread.
struct Meter {
    limit: usize,
    used: Cell<usize>,
    /// Tells the waiting caller that the run is over budget.
    stop: Box<dyn Fn() + Send>,
}

thread_local! {
    // Const and without a destructor: reading it never allocates, as an allocator must not.
    static METER: Cell<*const Meter> = const { Cell::new(std::ptr::null()) };
}

/// Run `work` on a thread of its own whose allocations may total at most `limit` bytes at
/// any moment; `Err` when it would have gone over.
pub fn run<T: Send + 'static>(
    limit: usize,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Stopped> {
    let (done, outcome) = mpsc::sync_channel::<Result<T, Stopped>>(1);
    let over = done.clone();
    let meter = Meter {
        limit,
        used: Cell::new(0),
        stop: Box::new(move || {
            let _ = over.send(Err(Stopped::OverBudget { limit }));
        }),
    };
    let started = std::thread::Builder::new()
        .name("pmo-budgeted".into())
        // Deep template recursion stays within minijinja's own limit, not the stack's.
        .stack_size(16 << 20)
        .spawn(move || {
            let result = {
                let _metered = Metered::start(&meter);
                work()
            };
            let _ = done.send(Ok(result));
        });
    match started {
        // A thread that ended without a word panicked.
        Ok(_) => outcome.recv().unwrap_or(Err(Stopped::Panicked)),
        // No thread to run it on: the machine is out of memory or threads already.
        Err(_) => Err(Stopped::OverBudget { limit }),
    }
}

/// The meter of this thread while it is alive, even when the work panics: no allocation
/// made while unwinding reads a meter that is gone.
struct Metered;

impl Metered {
    fn start(meter: &Meter) -> Metered {
        METER.set(meter);
        RUNS.fetch_add(1, Ordering::Relaxed);
        Metered
    }
}

impl Drop for Metered {
    fn drop(&mut self) {
        // A run stopped over budget never gets here, and has unset its meter itself.
        METER.set(std::ptr::null());
        RUNS.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Charge `size` bytes to this thread's run, if it is one. Over budget, the thread stops.
fn charge(size: usize) {
    // A panic is printed (with its backtrace, when asked for) while the printing holds
    // stderr's lock: stopping there would leave the lock held for good.
    if RUNS.load(Ordering::Relaxed) == 0 || std::thread::panicking() {
        return;
    }
    METER.with(|cell| {
        let meter = cell.get();
        if meter.is_null() {
            return;
        }
        // SAFETY: the meter lives on this thread's stack for as long as the pointer is set.
        let meter = unsafe { &*meter };
        let used = meter.used.get().saturating_add(size);
        if used <= meter.limit {
            meter.used.set(used);
            return;
        }
        // From here this thread allocates as any other (telling the caller may allocate),
        // then never returns to the work that asked for too much.
        cell.set(std::ptr::null());
        (meter.stop)();
        loop {
            std::thread::park();
        }
    });
}

/// Give `size` bytes back to this thread's run, if it is one.
fn refund(size: usize) {
    if RUNS.load(Ordering::Relaxed) == 0 {
        return;
    }
    METER.with(|cell| {
        // SAFETY: as in `charge`.
        if let Some(meter) = unsafe { cell.get().as_ref() } {
            // Memory allocated before the run and freed during it gives nothing back.
            meter.used.set(meter.used.get().saturating_sub(size));
        }
    });
}

// SAFETY: every call is passed on to `A` unchanged; charging only decides whether it is
// made at all.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Budgeted<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        charge(layout.size());
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        charge(layout.size());
        unsafe { self.0.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        refund(layout.size());
        unsafe { self.0.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size <= layout.size() {
            refund(layout.size() - new_size);
            return unsafe { self.0.realloc(ptr, layout, new_size) };
        }
        // Growing may copy: both blocks are held for a moment, and both are charged.
        charge(new_size);
        let moved = unsafe { self.0.realloc(ptr, layout, new_size) };
        if !moved.is_null() {
            refund(layout.size());
        }
        moved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The library's unit tests run with the budgeted allocator, as the binary does.
    #[global_allocator]
    static GLOBAL: Budgeted<std::alloc::System> = Budgeted(std::alloc::System);

    const MIB: usize = 1 << 20;

    #[test]
    fn a_run_within_its_budget_gives_its_result() {
        assert_eq!(run(MIB, || vec![1u8; 1000].len()), Ok(1000));
        // What is freed is given back: a hundred times the budget in all, never at once.
        let churn = run(MIB, || {
            (0..100)
                .map(|_| {
                    vec![1u8; MIB / 2]
                        .iter()
                        .map(|&b| b as usize)
                        .sum::<usize>()
                })
                .sum::<usize>()
        });
        assert_eq!(churn, Ok(100 * MIB / 2));
    }

    #[test]
    fn a_run_over_its_budget_is_stopped_before_it_allocates() {
        // Far more than the machine has: had the allocation been made, the test would abort.
        let huge = run(MIB, || vec![0u8; usize::MAX / 4].len());
        assert_eq!(huge, Err(Stopped::OverBudget { limit: MIB }));
        let growing = run(MIB, || {
            let mut s = String::from("x");
            loop {
                s = format!("{s}{s}");
                if s.len() > 64 * MIB {
                    return s.len();
                }
            }
        });
        assert_eq!(growing, Err(Stopped::OverBudget { limit: MIB }));
        // Other threads were never charged.
        assert_eq!(vec![0u8; 4 * MIB].len(), 4 * MIB);
    }

    #[test]
    fn a_panic_is_told_apart() {
        assert_eq!(
            run(MIB, || -> u8 { panic!("boom") }),
            Err(Stopped::Panicked)
        );
    }
}
