//! [`EmailHandle`]: SMTP email through its service actor.

use super::call;
use crate::abi::host::{Mail, ServiceKind, ServiceOp};
use crate::abi::CallScope;
use crate::HandlerError;

/// An SMTP email service. The sender defaults to the service's `from_address` and
/// `from_name`.
#[derive(Clone, Debug)]
pub struct EmailHandle {
    scope: CallScope,
    name: String,
}

impl EmailHandle {
    pub(crate) fn new(scope: CallScope, name: &str) -> Self {
        EmailHandle {
            scope,
            name: name.to_string(),
        }
    }

    /// Sends a prepared [`Mail`].
    pub async fn send_mail(&self, mail: Mail) -> Result<(), HandlerError> {
        call(
            self.scope,
            ServiceKind::Email,
            &self.name,
            ServiceOp::MailSend(mail),
        )
        .await
        .map(drop)
    }

    /// Sends a plain-text mail.
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), HandlerError> {
        self.send_mail(mail(to, subject, body, false)).await
    }

    /// Sends an HTML mail.
    pub async fn send_html(&self, to: &str, subject: &str, html: &str) -> Result<(), HandlerError> {
        self.send_mail(mail(to, subject, html, true)).await
    }

    /// Sends a plain-text mail from another sender.
    pub async fn send_from(
        &self,
        from: &str,
        from_name: &str,
        to: &str,
        subject: &str,
        body: &str,
    ) -> Result<(), HandlerError> {
        self.send_mail(mail_from(from, from_name, to, subject, body))
            .await
    }
}

pub(crate) fn mail(to: &str, subject: &str, body: &str, html: bool) -> Mail {
    Mail {
        to: to.into(),
        subject: subject.into(),
        body: body.into(),
        html,
        from: None,
        from_name: None,
    }
}

pub(crate) fn mail_from(from: &str, from_name: &str, to: &str, subject: &str, body: &str) -> Mail {
    Mail {
        from: Some(from.into()),
        from_name: (!from_name.is_empty()).then(|| from_name.into()),
        ..mail(to, subject, body, false)
    }
}
