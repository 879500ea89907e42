//! Timers from the gateway's runtime.
//!
//! A handler library has no async runtime of its own (its copy of tokio or monoio would have
//! no reactor): `tokio::time::sleep` panics inside a handler. Use these instead; they are
//! served by the worker that polls the handler.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use crate::HandlerError;

/// Waits for `duration` on the gateway's timer.
///
/// # Panics
/// Outside of the gateway (no host loaded this library), which is a programming error.
pub async fn sleep(duration: Duration) {
    match crate::__rt::host() {
        Some(host) => (host.sleep)(duration).await,
        None => panic!("rust_edge_gateway_sdk::sleep called outside of the gateway"),
    }
}

/// The current UTC time as RFC 3339 with seconds, e.g. `2024-01-15T10:30:00Z`.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(secs)
}

/// Seconds since the Unix epoch as RFC 3339 UTC (days to civil date: H. Hinnant's method).
fn rfc3339(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

/// Runs `fut`, giving up with `ServiceUnavailable` after `limit`.
pub async fn timeout<F: Future>(limit: Duration, fut: F) -> Result<F::Output, HandlerError> {
    let race = Race {
        fut: Box::pin(fut),
        timer: Box::pin(sleep(limit)),
    };
    race.await.ok_or_else(|| {
        HandlerError::ServiceUnavailable(format!("timed out after {} ms", limit.as_millis()))
    })
}

struct Race<F, T> {
    fut: Pin<Box<F>>,
    timer: Pin<Box<T>>,
}

impl<F: Future, T: Future<Output = ()>> Future for Race<F, T> {
    type Output = Option<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        if let Poll::Ready(v) = self.fut.as_mut().poll(cx) {
            return Poll::Ready(Some(v));
        }
        match self.timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_dates() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(1_705_314_600), "2024-01-15T10:30:00Z");
        assert_eq!(super::rfc3339(951_825_600), "2000-02-29T12:00:00Z");
    }
}
