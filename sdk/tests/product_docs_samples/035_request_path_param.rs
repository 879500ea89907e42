//! product docs: Request / path_param(key) — reading route parameters as Option<&String> (fragment)
#![allow(unused)]

use rust_edge_gateway_sdk::prelude::*;

fn sample(req: &Request) {
    // Endpoint path: /users/{id}/posts/{post_id}
    // Request: /users/123/posts/456
    let user_id = req.path_param("id"); // Some(&"123".to_string())
    let post_id = req.path_param("post_id"); // Some(&"456".to_string())
}
