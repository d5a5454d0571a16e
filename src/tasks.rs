//! The page's task queue: every reactive effect, resource and spawned future of the app runs
//! here (the platform layer installs it as Leptos' executor), in slices of bounded time.
//!
//! Why not wasm-bindgen-futures' queue: it runs every ready task in one go, so when a burst of
//! messages lands in a frame, all the effects it wakes (cards mounting, texts, tables) ran as
//! one microtask of 30–45 ms inside the frame's task, and the page could not paint or answer
//! input until they were all done. Here a run stops once its time is spent and says so; the
//! platform layer continues it in a task of its own, after the browser had its turn. Every
//! woken task still runs, in the order it was woken; only the moment moves.
//!
//! Plain Rust, no browser: the clock is passed in, and the caller decides how a run is
//! scheduled (a microtask at first, a new task to continue), so the slicing is tested natively.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Wake, Waker};

/// A task: a future on this thread.
pub type Task = Pin<Box<dyn Future<Output = ()>>>;

/// One place in the table of tasks. A place is reused after its task ends; the generation
/// tells a waker of the old task from one of the new.
struct Slot {
    task: Option<Task>,
    generation: u32,
    /// In the ready queue already (a task woken twice runs once).
    queued: bool,
}

#[derive(Default)]
struct Queue {
    slots: Vec<Slot>,
    free: Vec<usize>,
    ready: VecDeque<(usize, u32)>,
    /// A run is scheduled or under way: wakes only join the queue.
    run_pending: bool,
    /// How to schedule a run when work arrives and none is pending.
    schedule: Option<fn()>,
}

thread_local! {
    static QUEUE: RefCell<Queue> = RefCell::default();
    /// Tasks polled in all (for tests and benchmarks).
    static POLLS: Cell<u64> = const { Cell::new(0) };
}

/// Sets how a run is scheduled when work arrives and no run is pending (the platform queues a
/// microtask that calls [`run_for`]).
pub fn set_scheduler(schedule: fn()) {
    QUEUE.with(|queue| queue.borrow_mut().schedule = Some(schedule));
}

/// Adds `task`; it is first polled by the next run.
pub fn spawn(task: Task) {
    let woken = QUEUE.with(|queue| {
        let mut queue = queue.borrow_mut();
        let slot = Slot {
            task: Some(task),
            generation: 0,
            queued: false,
        };
        let index = match queue.free.pop() {
            Some(index) => {
                let generation = queue.slots[index].generation;
                queue.slots[index] = Slot { generation, ..slot };
                index
            }
            None => {
                queue.slots.push(slot);
                queue.slots.len() - 1
            }
        };
        let generation = queue.slots[index].generation;
        queue.mark_ready(index, generation)
    });
    if let Some(schedule) = woken {
        schedule();
    }
}

impl Queue {
    /// Puts the task in the ready queue; returns the scheduler to call if a run must be
    /// scheduled.
    fn mark_ready(&mut self, index: usize, generation: u32) -> Option<fn()> {
        let slot = self.slots.get_mut(index)?;
        if slot.generation != generation || slot.queued {
            return None;
        }
        slot.queued = true;
        self.ready.push_back((index, generation));
        if self.run_pending {
            return None;
        }
        self.run_pending = true;
        self.schedule
    }
}

/// What wakes a task: its place and generation (nothing else crosses into the waker, which
/// must be `Send`; the queue is this thread's).
struct TaskWaker {
    index: usize,
    generation: u32,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // Never called with the queue borrowed: tasks are polled and dropped outside it.
        let schedule =
            QUEUE.with(|queue| queue.borrow_mut().mark_ready(self.index, self.generation));
        if let Some(schedule) = schedule {
            schedule();
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunEnd {
    /// Nothing is ready; the next wake schedules a run.
    Idle,
    /// The time was spent with tasks still ready: the caller continues with another run
    /// (the queue counts it as pending, so wakes meanwhile schedule nothing more).
    Yielded,
}

/// Polls ready tasks, oldest wake first, until none is ready or `budget_ms` of `now` (ms) has
/// passed since the run began; at least one task is polled.
pub fn run_for(budget_ms: f64, now: &dyn Fn() -> f64) -> RunEnd {
    let started = now();
    loop {
        let next = QUEUE.with(|queue| {
            let mut queue = queue.borrow_mut();
            let Some((index, generation)) = queue.ready.pop_front() else {
                queue.run_pending = false;
                return None;
            };
            let slot = &mut queue.slots[index];
            // A task that woke itself and then finished leaves its entry behind; its place
            // may hold a new task by now, which has an entry of its own.
            if slot.generation != generation {
                return Some((index, generation, None));
            }
            slot.queued = false;
            Some((index, generation, slot.task.take()))
        });
        let Some((index, generation, task)) = next else {
            return RunEnd::Idle;
        };
        if let Some(mut task) = task {
            let waker = Waker::from(Arc::new(TaskWaker { index, generation }));
            POLLS.with(|polls| polls.set(polls.get() + 1));
            // Polled without holding the queue: a task may spawn or wake others.
            let done = task
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_ready();
            QUEUE.with(|queue| {
                let mut queue = queue.borrow_mut();
                if done {
                    let slot = &mut queue.slots[index];
                    slot.generation = slot.generation.wrapping_add(1);
                    slot.queued = false;
                    queue.free.push(index);
                } else {
                    queue.slots[index].task = Some(task);
                }
            });
        }
        let more = QUEUE.with(|queue| !queue.borrow().ready.is_empty());
        if more && now() - started >= budget_ms {
            return RunEnd::Yielded;
        }
    }
}

/// Tasks polled so far on this thread.
pub fn polls() -> u64 {
    POLLS.with(Cell::get)
}

/// Tasks not finished yet on this thread.
pub fn unfinished() -> usize {
    QUEUE.with(|queue| {
        let queue = queue.borrow();
        queue.slots.len() - queue.free.len()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;
    use std::task::Poll;

    thread_local! {
        static SCHEDULED: Cell<u32> = const { Cell::new(0) };
        static CLOCK: Cell<f64> = const { Cell::new(0.0) };
    }

    fn count_schedule() {
        SCHEDULED.with(|n| n.set(n.get() + 1));
    }

    fn scheduled() -> u32 {
        SCHEDULED.with(Cell::get)
    }

    fn now() -> f64 {
        CLOCK.with(Cell::get)
    }

    fn advance(ms: f64) {
        CLOCK.with(|clock| clock.set(clock.get() + ms));
    }

    /// A task that takes `ms` of the fake clock and notes its name when it runs.
    fn costly(name: &'static str, ms: f64, log: &Rc<RefCell<Vec<&'static str>>>) -> Task {
        let log = log.clone();
        Box::pin(async move {
            advance(ms);
            log.borrow_mut().push(name);
        })
    }

    /// A future woken from outside, like a signal's subscriber.
    #[derive(Default)]
    struct Gate {
        open: Cell<bool>,
        waker: RefCell<Option<Waker>>,
    }

    impl Gate {
        fn open(&self) {
            self.open.set(true);
            if let Some(waker) = self.waker.borrow_mut().take() {
                waker.wake();
            }
        }
    }

    struct WaitFor(Rc<Gate>);

    impl Future for WaitFor {
        type Output = ();
        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0.open.get() {
                Poll::Ready(())
            } else {
                *self.0.waker.borrow_mut() = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }

    /// Like [`WaitFor`], but keeps the first waker it is given (futures may: a waker is only
    /// required to be kept from the latest poll if it would wake a different task).
    struct WaitForKeepingFirstWaker(Rc<Gate>);

    impl Future for WaitForKeepingFirstWaker {
        type Output = ();
        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0.open.get() {
                return Poll::Ready(());
            }
            let mut waker = self.0.waker.borrow_mut();
            if waker.is_none() {
                *waker = Some(cx.waker().clone());
            }
            Poll::Pending
        }
    }

    #[test]
    fn a_run_stops_when_its_time_is_spent_and_the_next_run_goes_on_in_order() {
        set_scheduler(count_schedule);
        let log = Rc::new(RefCell::new(Vec::new()));
        for name in ["a", "b", "c", "d", "e"] {
            spawn(costly(name, 4.0, &log));
        }
        assert_eq!(scheduled(), 1, "one run is scheduled for all five");
        // 10 ms a run: a (4), b (8), c (12 ≥ 10) — then it yields.
        assert_eq!(run_for(10.0, &now), RunEnd::Yielded);
        assert_eq!(*log.borrow(), ["a", "b", "c"]);
        spawn(costly("f", 1.0, &log));
        assert_eq!(
            scheduled(),
            1,
            "a yielded run is still pending: no second schedule"
        );
        assert_eq!(run_for(10.0, &now), RunEnd::Idle);
        assert_eq!(*log.borrow(), ["a", "b", "c", "d", "e", "f"]);
        assert_eq!(unfinished(), 0);
        spawn(costly("g", 1.0, &log));
        assert_eq!(
            scheduled(),
            2,
            "after an idle end, new work schedules a run"
        );
        assert_eq!(run_for(10.0, &now), RunEnd::Idle);
    }

    #[test]
    fn a_task_longer_than_the_budget_still_runs_one_per_run() {
        set_scheduler(count_schedule);
        let log = Rc::new(RefCell::new(Vec::new()));
        spawn(costly("long", 50.0, &log));
        spawn(costly("next", 50.0, &log));
        assert_eq!(run_for(10.0, &now), RunEnd::Yielded);
        assert_eq!(*log.borrow(), ["long"]);
        assert_eq!(run_for(10.0, &now), RunEnd::Idle);
        assert_eq!(*log.borrow(), ["long", "next"]);
    }

    #[test]
    fn a_woken_task_runs_once_however_often_it_is_woken_and_a_stale_waker_does_nothing() {
        set_scheduler(count_schedule);
        let gate = Rc::new(Gate::default());
        let finished = Rc::new(Cell::new(0));
        let (waiting, done) = (gate.clone(), finished.clone());
        spawn(Box::pin(async move {
            WaitFor(waiting).await;
            done.set(done.get() + 1);
        }));
        assert_eq!(run_for(10.0, &now), RunEnd::Idle);
        assert_eq!(finished.get(), 0, "waits for its gate");
        let stale = gate
            .waker
            .borrow()
            .clone()
            .expect("the task left its waker");
        let polls_before = polls();
        gate.open();
        stale.wake_by_ref();
        stale.wake_by_ref();
        assert_eq!(run_for(10.0, &now), RunEnd::Idle);
        assert_eq!(finished.get(), 1);
        assert_eq!(polls() - polls_before, 1, "woken three times, polled once");
        // Its place is reused; the old waker must not poll the new task.
        let log = Rc::new(RefCell::new(Vec::new()));
        let gate2 = Rc::new(Gate::default());
        let waiting = gate2.clone();
        let noted = log.clone();
        spawn(Box::pin(async move {
            WaitFor(waiting).await;
            noted.borrow_mut().push("new");
        }));
        assert_eq!(run_for(10.0, &now), RunEnd::Idle);
        let polls_before = polls();
        stale.wake_by_ref();
        assert_eq!(run_for(10.0, &now), RunEnd::Idle);
        assert_eq!(
            polls() - polls_before,
            0,
            "a finished task's waker polls nothing"
        );
        gate2.open();
        assert_eq!(run_for(10.0, &now), RunEnd::Idle);
        assert_eq!(*log.borrow(), ["new"]);
        assert_eq!(unfinished(), 0);
    }

    #[test]
    fn a_task_that_wakes_itself_and_finishes_leaves_nothing_to_confuse_its_successor() {
        set_scheduler(count_schedule);
        // Wakes itself on its first poll, then finishes on the second.
        struct WakeThenFinish(bool);
        impl Future for WakeThenFinish {
            type Output = ();
            fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
                if self.0 {
                    return Poll::Ready(());
                }
                self.0 = true;
                cx.waker().wake_by_ref();
                // Woken again while still being polled, then done: its entry stays queued.
                cx.waker().wake_by_ref();
                Poll::Ready(())
            }
        }
        spawn(Box::pin(WakeThenFinish(false)));
        let gate = Rc::new(Gate::default());
        let finished = Rc::new(Cell::new(false));
        let (waiting, done) = (gate.clone(), finished.clone());
        let successor: Task = Box::pin(async move {
            WaitForKeepingFirstWaker(waiting).await;
            done.set(true);
        });
        // The first task's poll leaves a stale entry; the successor takes its place.
        let mut successor = Some(successor);
        let spawned = Rc::new(Cell::new(false));
        let mark = spawned.clone();
        spawn(Box::pin(async move {
            if let Some(task) = successor.take() {
                spawn(task);
                mark.set(true);
            }
        }));
        assert_eq!(run_for(100.0, &now), RunEnd::Idle);
        assert!(spawned.get());
        assert_eq!(unfinished(), 1, "only the successor waits");
        gate.open();
        assert_eq!(run_for(100.0, &now), RunEnd::Idle);
        assert!(finished.get(), "the successor's own waker reached it");
        assert_eq!(unfinished(), 0);
    }

    #[test]
    fn tasks_spawned_and_woken_during_a_run_join_it_in_order() {
        set_scheduler(count_schedule);
        let log = Rc::new(RefCell::new(Vec::new()));
        let inner = log.clone();
        spawn(Box::pin(async move {
            inner.borrow_mut().push("parent");
            spawn(costly("child", 1.0, &inner));
        }));
        spawn(costly("sibling", 1.0, &log));
        assert_eq!(run_for(100.0, &now), RunEnd::Idle);
        assert_eq!(*log.borrow(), ["parent", "sibling", "child"]);
        assert_eq!(
            scheduled(),
            1,
            "work added during a run schedules nothing more"
        );
    }
}
