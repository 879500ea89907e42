//! SMTP through lettre's pooled async transport: `none`, `starttls` or implicit `tls`,
//! optional AUTH, retries of temporary failures.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use rust_edge_gateway_sdk::abi::host::{FaultKind, Mail, ServiceOp, ServiceResult, ServiceValue};

use crate::actor::{Backend, BoxFut};
use crate::config::{EmailConfig, SmtpEncryption};
use crate::error::{backend, fault, unavailable, ServiceError};

/// One SMTP relay.
pub(crate) struct SmtpBackend {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    config: EmailConfig,
}

fn config_error(message: impl std::fmt::Display) -> ServiceError {
    ServiceError::Config {
        service_type: "email".into(),
        message: message.to_string(),
    }
}

impl SmtpBackend {
    /// The transport (connections are opened per send and pooled).
    pub(crate) fn new(c: &EmailConfig) -> Result<Self, ServiceError> {
        let tls_params = || -> Result<TlsParameters, ServiceError> {
            let mut b = TlsParameters::builder(c.host.clone());
            if let Some(ca) = &c.ca_cert_path {
                let pem =
                    std::fs::read(ca).map_err(|e| config_error(format!("reading {ca}: {e}")))?;
                b = b
                    .certificate_store(CertificateStore::Default)
                    .add_root_certificate(Certificate::from_pem(&pem).map_err(config_error)?);
            }
            b.build_rustls().map_err(config_error)
        };
        let builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&c.host).port(c.port);
        let builder = match c.encryption {
            SmtpEncryption::None => builder.tls(Tls::None),
            SmtpEncryption::Tls => builder.tls(Tls::Wrapper(tls_params()?)),
            SmtpEncryption::Starttls => builder.tls(Tls::Required(tls_params()?)),
        };
        let builder = match (&c.username, &c.password) {
            (Some(u), Some(p)) => builder.credentials(Credentials::new(u.clone(), p.clone())),
            _ => builder,
        };
        let transport = builder
            .timeout(Some(Duration::from_secs(c.timeout_seconds.max(1))))
            .build();
        Ok(SmtpBackend {
            transport,
            config: c.clone(),
        })
    }

    fn message(&self, mail: Mail) -> Result<Message, String> {
        let address = mail.from.as_deref().unwrap_or(&self.config.from_address);
        let name = mail.from_name.or_else(|| self.config.from_name.clone());
        let from = Mailbox::new(
            name,
            address
                .parse()
                .map_err(|e| format!("invalid sender address '{address}': {e}"))?,
        );
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|e| format!("invalid recipient address '{}': {e}", mail.to))?;
        let mut b = Message::builder().from(from).to(to).subject(mail.subject);
        if let Some(r) = &self.config.reply_to {
            b = b.reply_to(
                r.parse()
                    .map_err(|e| format!("invalid reply_to '{r}': {e}"))?,
            );
        }
        let ct = if mail.html {
            ContentType::TEXT_HTML
        } else {
            ContentType::TEXT_PLAIN
        };
        b.header(ct).body(mail.body).map_err(|e| e.to_string())
    }

    async fn send(&self, mail: Mail) -> ServiceResult {
        let msg = self
            .message(mail)
            .map_err(|m| fault(FaultKind::Invalid, m))?;
        let mut attempt = 0;
        loop {
            match self.transport.send(msg.clone()).await {
                Ok(_) => return Ok(ServiceValue::Unit),
                Err(e) if e.is_permanent() => {
                    return Err(backend(format!("SMTP refused the mail: {e}")))
                }
                Err(e) if attempt < self.config.max_retries => {
                    attempt += 1;
                    tracing::debug!(error = %e, attempt, "SMTP send failed; retrying");
                    tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
                }
                Err(e) if e.is_transient() => {
                    return Err(backend(format!(
                        "SMTP: temporary failure after {} attempt(s): {e}",
                        attempt + 1
                    )))
                }
                Err(e) => {
                    return Err(unavailable(format!(
                        "SMTP server unreachable after {} attempt(s): {e}",
                        attempt + 1
                    )))
                }
            }
        }
    }
}

impl Backend for SmtpBackend {
    fn run(self: Arc<Self>, op: ServiceOp) -> BoxFut<ServiceResult> {
        Box::pin(async move {
            match op {
                ServiceOp::MailSend(mail) => self.send(mail).await,
                other => Err(fault(
                    FaultKind::Internal,
                    format!("an email service cannot run {other:?}"),
                )),
            }
        })
    }

    fn ping(self: Arc<Self>) -> BoxFut<Result<(), String>> {
        Box::pin(async move {
            match self.transport.test_connection().await {
                Ok(true) => Ok(()),
                Ok(false) => Err("SMTP server did not answer NOOP".into()),
                Err(e) => Err(format!("SMTP: {e}")),
            }
        })
    }
}
