//! 跨境/全球 委托代扣 (cross-border entrusted payment), served by apihk.mch.weixin.qq.com.

use super::Endpoint;

pub(super) static ENDPOINTS: &[Endpoint] = &[];
