//! product docs: Error Handling / Custom Error Types — a domain error enum with From<AppError> for HandlerError
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

enum AppError {
    UserNotFound(String),
    DuplicateEmail,
    InvalidCredentials,
    RateLimited,
}

impl From<AppError> for HandlerError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::UserNotFound(id) =>
                HandlerError::NotFoundMessage(format!("User {} not found", id)),
            AppError::DuplicateEmail =>
                HandlerError::Conflict("Email already registered".into()),
            AppError::InvalidCredentials =>
                HandlerError::Unauthorized("Invalid email or password".into()),
            AppError::RateLimited =>
                HandlerError::ServiceUnavailable("Rate limit exceeded, try again later".into()),
        }
    }
}

fn handle(req: Request) -> Result<Response, HandlerError> {
    let result = business_logic(&req)
        .map_err(HandlerError::from)?; // Convert AppError to HandlerError

    Ok(Response::ok(result))
}

// --- stubs for names the product docs sample assumes ---
fn business_logic(_req: &Request) -> Result<JsonValue, AppError> {
    Err(AppError::InvalidCredentials)
}
