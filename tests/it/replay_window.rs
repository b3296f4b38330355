//! A client knows an answer or notification it has seen for the whole 300 s window even when
//! it is busy: it remembers as many as 50 answers a second over the window add up to (15,000)
//! before it forgets the oldest, so that a replay cannot be slipped past it by first sending it
//! enough other answers.

use wxpresign::verification::{MAX_CLOCK_SKEW_SECS, Recent};

#[test]
fn the_first_of_50_answers_a_second_over_the_window_is_still_known() {
    let recent = Recent::default();
    let now = 1_700_000_000;
    let until = now + MAX_CLOCK_SKEW_SECS;
    let answers = 50 * MAX_CLOCK_SKEW_SECS;
    for i in 0..answers {
        assert!(recent.first_time(&format!("{now} nonce{i}"), until, now));
    }
    assert!(
        !recent.first_time(&format!("{now} nonce0"), until, now),
        "the first of {answers} answers is known again"
    );
}
