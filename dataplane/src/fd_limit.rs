//! File descriptors: the soft `RLIMIT_NOFILE` is raised to the hard limit at start (a
//! default soft limit of 1024 would let a thousand idle sockets starve the admin API, the
//! config store and the backend pools), and the per-worker connection caps are derived from
//! what it allows, keeping room for the control side.

use std::io;

/// What the process may open, before and after raising.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FdLimits {
    /// The soft limit found at start.
    pub soft_before: u64,
    /// The soft limit now.
    pub soft: u64,
    /// The hard limit.
    pub hard: u64,
}

/// Raises the soft limit to the hard one.
pub fn raise() -> io::Result<FdLimits> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit read and write the rlimit struct passed by pointer.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let soft_before = lim.rlim_cur;
    if lim.rlim_cur < lim.rlim_max {
        let raised = libc::rlimit {
            rlim_cur: lim.rlim_max,
            rlim_max: lim.rlim_max,
        };
        // SAFETY: as above.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            lim.rlim_cur = lim.rlim_max;
        }
    }
    Ok(FdLimits {
        soft_before,
        soft: lim.rlim_cur,
        hard: lim.rlim_max,
    })
}

/// Descriptors kept for the control side (admin API, config store, service pools, builds,
/// libraries): a quarter of the limit, at most 4,096.
pub fn reserve(soft: u64) -> u64 {
    (soft / 4).min(4096)
}

/// Connections per worker the limit allows: what is left after the reserve, shared by the
/// workers, never more than `configured`.
pub fn connections_per_worker(soft: u64, workers: usize, configured: usize) -> usize {
    let left = soft.saturating_sub(reserve(soft));
    let share =
        usize::try_from(left / u64::try_from(workers.max(1)).unwrap_or(1)).unwrap_or(usize::MAX);
    share.clamp(1, configured.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_leave_room_for_the_control_side() {
        assert_eq!(connections_per_worker(1024, 2, 16 * 1024), 384);
        assert_eq!(connections_per_worker(1 << 20, 2, 16 * 1024), 16 * 1024);
        assert_eq!(
            connections_per_worker(65536, 2, 100_000),
            (65536 - 4096) / 2
        );
        assert!(connections_per_worker(4, 8, 10) >= 1);
        let l = raise().expect("rlimit");
        assert_eq!(l.soft, l.hard, "{l:?}");
    }
}
