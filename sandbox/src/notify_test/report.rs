//! Grading the answers, and the report: a table for a person, JSON for CI.

use super::ANSWER_WITHIN;
use super::checks::{Check, Expect};
use serde_json::{Value, json};
use std::time::Duration;

/// One check with the handler's answer and its grade.
#[derive(Debug)]
pub struct Outcome {
    pub check: Check,
    /// The status and body, or why no answer came.
    pub answer: Result<(u16, String), String>,
    pub elapsed: Duration,
    /// Why the answer fails the check; `None` when it passes.
    pub problem: Option<String>,
}

/// Whether `body` is the failure answer the notification pages ask for with a 4xx or 5xx,
/// `{"code":"FAIL","message":...}` (回调验签与应答, e.g.
/// https://pay.weixin.qq.com/doc/v3/merchant/4012978455).
fn is_fail_body(body: &str) -> bool {
    serde_json::from_str::<Value>(body).is_ok_and(|v| {
        v.get("code").and_then(Value::as_str) == Some("FAIL")
            && v.get("message").is_some_and(Value::is_string)
    })
}

impl Outcome {
    /// Grades `answer` against what `check` expects.
    pub fn grade(
        check: Check,
        answer: Result<(u16, String), String>,
        elapsed: Duration,
    ) -> Outcome {
        let problem = match (&answer, check.expect) {
            (Err(_), _) if elapsed >= ANSWER_WITHIN => Some(
                "no answer within 5 s: WeChat Pay counts it as a failure and retries".to_owned(),
            ),
            (Err(e), _) => Some(format!("no answer: {e}")),
            (Ok(_), _) if elapsed > ANSWER_WITHIN => Some(format!(
                "answered after {:.1} s, later than the 5 s WeChat Pay waits",
                elapsed.as_secs_f64()
            )),
            (Ok((status, _)), Expect::Success) if !(200..300).contains(status) => {
                Some(format!("refused with {status}: WeChat Pay would retry it"))
            }
            (Ok(_), Expect::Success) => None,
            (Ok((status, _)), Expect::Refusal) if (200..300).contains(status) => Some(format!(
                "accepted with {status}: a forged or broken notification was taken as genuine"
            )),
            (Ok((status, _)), Expect::Refusal) if !(400..600).contains(status) => Some(format!(
                "refused with {status}, not the 4xx or 5xx WeChat Pay expects"
            )),
            (Ok((_, body)), Expect::Refusal) if !is_fail_body(body) => {
                Some("refused, but the body is not {\"code\":\"FAIL\",\"message\":...}".to_owned())
            }
            (Ok(_), Expect::Refusal) => None,
        };
        Outcome {
            check,
            answer,
            elapsed,
            problem,
        }
    }

    /// Whether the handler answered as the check expects.
    pub fn passed(&self) -> bool {
        self.problem.is_none()
    }

    /// What came back, in a line: status and the start of the body.
    fn came_back(&self) -> String {
        match &self.answer {
            Ok((status, body)) if body.is_empty() => format!("{status}"),
            Ok((status, body)) => {
                let shown: String = body.chars().take(60).collect();
                let more = if body.chars().count() > 60 { "..." } else { "" };
                format!("{status} {shown}{more}")
            }
            Err(_) => "no answer".to_owned(),
        }
    }

    fn to_json(&self) -> Value {
        let (status, body) = match &self.answer {
            Ok((status, body)) => (Some(*status), Some(body.as_str())),
            Err(_) => (None, None),
        };
        let mut value = json!({
            "check": self.check.name,
            "sent": self.check.sent,
            "expected": match self.check.expect {
                Expect::Success => "2xx within 5 s",
                Expect::Refusal => "4xx or 5xx with {\"code\":\"FAIL\",\"message\":...}",
            },
            "status": status,
            "body": body,
            "elapsed_ms": self.elapsed.as_millis() as u64,
            "passed": self.passed(),
        });
        if let Some(problem) = &self.problem {
            value["problem"] = problem.as_str().into();
            value["must"] = self.check.must.into();
        }
        value
    }
}

/// Every check's outcome, in the order sent.
#[derive(Debug)]
pub struct Report {
    pub outcomes: Vec<Outcome>,
}

impl Report {
    /// Whether every check passed: the exit status of notify-test.
    pub fn all_passed(&self) -> bool {
        self.outcomes.iter().all(Outcome::passed)
    }

    /// `{"checks":[...],"passed":N,"failed":M}`.
    pub fn to_json(&self) -> Value {
        let passed = self.outcomes.iter().filter(|o| o.passed()).count();
        json!({
            "checks": self.outcomes.iter().map(Outcome::to_json).collect::<Vec<_>>(),
            "passed": passed,
            "failed": self.outcomes.len() - passed,
        })
    }

    /// The table: a line per check, and under a failed one what went wrong and what to do.
    pub fn table(&self) -> String {
        let width = |f: fn(&Outcome) -> usize| self.outcomes.iter().map(f).max().unwrap_or(0);
        let name_w = width(|o| o.check.name.chars().count()).max("CHECK".len());
        let sent_w = width(|o| o.check.sent.chars().count()).max("SENT".len());
        let mut out = format!(
            "{:<name_w$}  {:<sent_w$}  {:<6}  ANSWER\n",
            "CHECK", "SENT", "RESULT"
        );
        for o in &self.outcomes {
            let result = if o.passed() { "pass" } else { "FAIL" };
            out += &format!(
                "{:<name_w$}  {:<sent_w$}  {result:<6}  {}\n",
                o.check.name,
                o.check.sent,
                o.came_back()
            );
            if let Some(problem) = &o.problem {
                out += &format!("    {problem}\n    the handler must: {}\n", o.check.must);
            }
        }
        let passed = self.outcomes.iter().filter(|o| o.passed()).count();
        out += &format!(
            "\n{passed} of {} checks passed{}\n",
            self.outcomes.len(),
            if self.all_passed() {
                ""
            } else {
                ": fix the handler where it says FAIL"
            }
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(expect: Expect) -> Check {
        Check {
            name: "a check".to_owned(),
            sent: "something".to_owned(),
            headers: Vec::new(),
            body: String::new(),
            expect,
            must: "do it right",
        }
    }

    fn problem(expect: Expect, answer: Result<(u16, &str), &str>, secs: u64) -> Option<String> {
        let answer = answer
            .map(|(status, body)| (status, body.to_owned()))
            .map_err(str::to_owned);
        Outcome::grade(check(expect), answer, Duration::from_secs(secs)).problem
    }

    #[test]
    fn a_success_answered_after_5_s_fails() {
        let late = problem(Expect::Success, Ok((200, "")), 6).unwrap_or_default();
        assert!(late.contains("later than the 5 s"), "{late}");
        let none = problem(Expect::Success, Err("timeout"), 5).unwrap_or_default();
        assert!(none.starts_with("no answer within 5 s"), "{none}");
    }

    #[test]
    fn a_refusal_needs_4xx_or_5xx_and_the_fail_body() {
        let fail = r#"{"code":"FAIL","message":"失败"}"#;
        assert_eq!(problem(Expect::Refusal, Ok((401, fail)), 0), None);
        assert!(problem(Expect::Refusal, Ok((200, fail)), 0).is_some());
        assert!(problem(Expect::Refusal, Ok((302, fail)), 0).is_some());
        let bare = problem(Expect::Refusal, Ok((500, "Internal Server Error")), 0);
        assert!(bare.unwrap_or_default().contains("\"code\":\"FAIL\""));
    }

    #[test]
    fn a_check_shows_no_headers_or_body_in_debug() {
        let mut secret = check(Expect::Success);
        secret.headers = vec![("Wechatpay-Signature", "c2lnbmF0dXJl".to_owned())];
        secret.body = "ciphertext".to_owned();
        let shown = format!("{secret:?}");
        assert!(
            !shown.contains("c2lnbmF0dXJl") && !shown.contains("ciphertext"),
            "{shown}"
        );
    }
}
