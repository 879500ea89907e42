//! product docs: Email (SMTP) Service / Send with Custom From — EmailPool::send_from with sender address and name (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample(email: &EmailPool) {
    let result = email.send_from(
        "support@example.com",     // From
        "Support Team",            // From name
        "user@example.com",        // To
        "Your Ticket #123",        // Subject
        "We've received your support request...",
    );
}
