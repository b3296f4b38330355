//! What the sandbox's pages share: one document with one style (the signing page's, WeChat's
//! green on grey), escaping, the answer that carries a page, and whether a request wants one.
//! The pages are written on the server and need no JavaScript.

use crate::http_server::{Reply, Request};

/// How wide a page is laid out.
#[derive(Clone, Copy)]
pub(crate) enum Width {
    /// A phone's column, as WeChat shows its own pages.
    Phone,
    /// Wide tables, for the sandbox's own overview.
    Wide,
}

/// `text` safe inside HTML text and double-quoted attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page: `title` (escaped here) and `content`, which must already be escaped.
pub(crate) fn document(lang: &str, title: &str, width: Width, content: &str) -> String {
    let class = match width {
        Width::Phone => "",
        Width::Wide => " class=\"wide\"",
    };
    format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body><main{class}>\
         <div class=\"brand\">微信支付 · 沙箱</div>{content}</main></body></html>",
        escape(lang),
        escape(title)
    )
}

/// The signing page's style, and for the wide pages their column headers, states and lists.
const STYLE: &str = "body{margin:0;background:#ededed;font:16px/1.5 -apple-system,'PingFang SC',\
'Noto Sans CJK SC',sans-serif;color:#111}main{max-width:420px;margin:0 auto;padding:24px 16px}\
.brand{color:#07c160;font-weight:600;margin-bottom:8px}h1{font-size:20px;margin:8px 0 16px}\
table{width:100%;background:#fff;border-radius:8px;border-collapse:collapse}th,td{padding:10px 12px;\
text-align:left;border-bottom:1px solid #f0f0f0;vertical-align:top}th{color:#888;font-weight:400;\
width:7em}.hint{color:#888;font-size:14px}form{margin:12px 0}button{width:100%;padding:12px;\
font-size:17px;border:0;border-radius:8px;background:#fff;color:#111}button.primary{background:#07c160;\
color:#fff}.done{font-size:20px;color:#07c160;text-align:center;margin:24px 0}\
main.wide{max-width:1180px;font-size:14px}h2{font-size:17px;margin:24px 0 8px}\
h3{font-size:15px;margin:16px 0 8px;color:#555}table.list th{width:auto;white-space:nowrap}\
table.list td,table.list th{padding:8px 10px}main.wide a{color:#576b95}nav{margin:0 0 8px}\
code{font:12px/1.4 ui-monospace,Menlo,monospace;word-break:break-all}\
pre{background:#fff;border-radius:8px;padding:12px;overflow-x:auto;font-size:12px}\
.state{display:inline-block;padding:0 6px;border-radius:4px;background:#f0f0f0;white-space:nowrap}\
.good{background:#e6f7ee;color:#06ad56}.bad{background:#fdecea;color:#d93025}\
.wait{background:#fff4e0;color:#b26a00}ol{margin:0;padding-left:20px}\
.time{white-space:nowrap}";

/// `page` as an answer with `status`, never cached: it shows the sandbox as it is now.
pub(crate) fn html(status: u16, page: String) -> Reply {
    Reply::Answer {
        status,
        body: page.into_bytes(),
        headers: vec![
            ("Content-Type", "text/html; charset=utf-8".to_owned()),
            ("Cache-Control", "no-store".to_owned()),
        ],
    }
}

/// Post/Redirect/Get: the browser asks for `location` next.
pub(crate) fn see_other(location: &str) -> Reply {
    Reply::Answer {
        status: 303,
        body: Vec::new(),
        headers: vec![("Location", location.to_owned())],
    }
}

/// Whether a request comes from a browser that wants a page.
pub(crate) fn wants_html(request: &Request) -> bool {
    request
        .header("Accept")
        .is_some_and(|accept| accept.contains("text/html"))
}
